import { loadCa } from '../ca/certificate-authority.js';
import { createIntermediateCa } from '../ca/create-ca.js';
import { recordIssued } from '../ca/record-issued.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { SigningKey } from '../keys/signing-key.js';
import type { Workspace } from '../store/workspace.js';
import { encodeName, formatName, parseSubject } from '../x509/distinguished-name.js';
import { prepareIssuer } from '../x509/issuer/prepared-issuer.js';
import type { IntermediateOptions } from '../x509/profiles/ca-profiles.js';
import type { SignedCertificate, TbsReviewer } from '../x509/sign-and-check.js';
import { wholeSeconds } from '../x509/validity.js';
import type { IntermediateScript } from './ceremony-script-schema.js';
import { extendedKeyUsageOid } from '../x509/extended-key-usage-names.js';
import type { CeremonyCsr } from './intermediate-csr.js';

const DAY = 86_400_000;

/** The script's constraints as the intermediate profile takes them. */
export function intermediateOptions(script: IntermediateScript): IntermediateOptions {
  const { pathLen, nameConstraints: nc, extendedKeyUsage } = script.intermediate;
  return {
    ...(pathLen !== undefined ? { pathLen } : {}),
    ...(nc
      ? {
          nameConstraints: {
            ...(nc.permittedDns ? { permitted: { dns: nc.permittedDns } } : {}),
            ...(nc.excludedDns ? { excluded: { dns: nc.excludedDns } } : {}),
          },
        }
      : {}),
    ...(extendedKeyUsage ? { extendedKeyUsage: extendedKeyUsage.map((p) => extendedKeyUsageOid(p) ?? p) } : {}),
  };
}

/**
 * Signs the intermediate under its parent. Both paths lint the to-be-signed certificate,
 * sign, verify, require the signed TBS to equal the linted bytes and lint again; the
 * validity bound (8 years or the script's, with its reason) is passed to the lints too.
 * A CSR's key stays with the online CA, so only the certificate is recorded; a key made
 * here becomes a CA of the workspace.
 */
export async function signIntermediate(args: {
  ws: Workspace;
  script: IntermediateScript;
  parentKey: SigningKey;
  subjectKey: { csr: CeremonyCsr } | { record: KeyRecord };
  maxValidityDays: number;
  actor: string;
  /** the administrator and witnesses approve the linted TBS before the root signs */
  review?: TbsReviewer;
}): Promise<SignedCertificate> {
  const { ws, script, parentKey, actor } = args;
  const i = script.intermediate;
  const subject = parseSubject(i.subject);
  const options = intermediateOptions(script);
  if ('record' in args.subjectKey) {
    return createIntermediateCa(ws, {
      name: i.ca,
      subject,
      validityDays: i.validityDays,
      key: args.subjectKey.record,
      parent: i.parent,
      parentKey,
      options,
      maxValidityDays: args.maxValidityDays,
      actor,
      ...(args.review ? { review: args.review } : {}),
    });
  }
  const parent = loadCa(ws, i.parent);
  const issuer = prepareIssuer({
    issuer: parent.certificate,
    signer: parentKey,
    profile: 'intermediate',
    intermediate: options,
    maxValidityDays: args.maxValidityDays,
  });
  const notBefore = wholeSeconds(new Date());
  const signed = await issuer.issue({
    subjectKey: args.subjectKey.csr.csr.publicKey,
    subjectName: encodeName(subject),
    notBefore,
    notAfter: new Date(notBefore.getTime() + i.validityDays * DAY),
    ...(args.review ? { review: args.review } : {}),
  });
  ws.transact(() =>
    recordIssued(ws, { signed, profile: 'intermediate', issuerCa: i.parent, issuerSpki: parent.certificate.spki, subject: formatName(subject), actor }),
  );
  return signed;
}
