import { OID } from '../oids.js';
import { basicConstraints } from '../extensions/basic-constraints.js';
import { extendedKeyUsage } from '../extensions/extended-key-usage.js';
import { authorityKeyIdentifier, keyIdentifier, subjectKeyIdentifier } from '../extensions/key-identifier.js';
import { keyUsage } from '../extensions/key-usage.js';
import { nameConstraints, type NameConstraints } from '../extensions/name-constraints.js';
import type { Extension } from '../extensions/extension.js';

/**
 * Root CA: CA with keyCertSign and cRLSign, SKI; no AKI (RFC 5280 allows omitting it in a
 * self-signed certificate, and the CA/B root profile advises against it).
 */
export function rootCaExtensions(spki: Buffer, pathLen?: number): Extension[] {
  return [basicConstraints(true, pathLen), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(spki)];
}

export interface IntermediateOptions {
  /** how many CA levels may follow; 0 = issues only end-entity certificates (the default) */
  readonly pathLen?: number;
  readonly nameConstraints?: NameConstraints;
  /** EKU constraint: the purposes certificates under this CA may be used for */
  readonly extendedKeyUsage?: readonly string[];
}

export function intermediateCaExtensions(spki: Buffer, issuerSpki: Buffer, options: IntermediateOptions): Extension[] {
  const ext: Extension[] = [
    basicConstraints(true, options.pathLen ?? 0),
    keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']),
    subjectKeyIdentifier(spki),
    authorityKeyIdentifier(keyIdentifier(issuerSpki)),
  ];
  if (options.nameConstraints) ext.push(nameConstraints(options.nameConstraints));
  if (options.extendedKeyUsage?.length) ext.push(extendedKeyUsage(options.extendedKeyUsage));
  return ext;
}

/** The station's batch-manifest signer: digitalSignature and Hallmark's manifest-signing EKU only. */
export function manifestSignerExtensions(spki: Buffer, issuerSpki: Buffer): Extension[] {
  return [
    basicConstraints(false),
    keyUsage(['digitalSignature']),
    extendedKeyUsage([OID.kpHallmarkManifestSigning]),
    subjectKeyIdentifier(spki),
    authorityKeyIdentifier(keyIdentifier(issuerSpki)),
  ];
}

/**
 * The workspace's audit key (store/audit/create-audit-key.ts): self-signed, an end entity
 * with digitalSignature and Hallmark's audit-signing EKU only, so a verifier given it as
 * AUDIT-CERT trusts it for checkpoints and it can never pass for a CA or a manifest signer.
 */
export function auditSignerExtensions(spki: Buffer): Extension[] {
  return [basicConstraints(false), keyUsage(['digitalSignature']), extendedKeyUsage([OID.kpHallmarkAuditSigning]), subjectKeyIdentifier(spki)];
}

/**
 * The inventory key (revocation/create-inventory-key.ts): self-signed, an end entity with
 * digitalSignature and Hallmark's revocation-request EKU only, so the CA side given it with
 * `--requests-trust` trusts it for revocation requests and for nothing else.
 */
export function revocationRequesterExtensions(spki: Buffer): Extension[] {
  return [basicConstraints(false), keyUsage(['digitalSignature']), extendedKeyUsage([OID.kpHallmarkRevocationRequestSigning]), subjectKeyIdentifier(spki)];
}

/** A separate CRL signer: cRLSign only. */
export function crlSignerExtensions(spki: Buffer, issuerSpki: Buffer): Extension[] {
  return [basicConstraints(false), keyUsage(['digitalSignature', 'cRLSign']), subjectKeyIdentifier(spki), authorityKeyIdentifier(keyIdentifier(issuerSpki))];
}
