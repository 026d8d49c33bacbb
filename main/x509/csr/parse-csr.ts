import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import { checkSpkiNode, type CheckedPublicKey } from '../public-key/check-public-key.js';
import { PublicKeyError } from '../public-key/public-key-errors.js';
import { AllowanceLedger, refusedWithout, type CsrAllowance } from './csr-allowances.js';
import { readAttributes } from './csr-attributes.js';
import { CsrError } from './csr-errors.js';
import { decodeCsrInput } from './csr-pem.js';
import { verifyCsrSignature } from './csr-signature.js';
import { describeNonCsr } from './not-a-csr.js';
import type { ParsedCsr } from './parsed-csr.js';
import { formatName } from './rfc4514-name.js';

export interface ParseCsrOptions {
  /**
   * The named deviations to accept (csr-allowances.ts); none by default. 'all' is for
   * inspection and for drivers that only check protocol consistency, leaving the decision
   * to the station's product policy, which re-parses with its own list.
   */
  readonly allow?: readonly CsrAllowance[] | 'all';
}

/**
 * A CSR nests at most 7 constructed levels (CertificationRequest › info › attributes ›
 * Attribute › SET › Extensions › Extension); 10 leaves room for unusual attribute values
 * and an explicit-curve SPKI (refused later, but with a useful message).
 */
const CSR_MAX_DEPTH = 10;

/**
 * Parses and checks an untrusted PKCS#10 request (RFC 2986), PEM or DER. Order of checks:
 * size, armor, DER framing, overall shape, version, subject, public key (structure and weak
 * keys), attributes, signature algorithm, signature. Key problems are therefore reported
 * before the signature: a CSR with an off-curve point is reported as KEY_EC_POINT_INVALID
 * whether or not its signature verifies, which is the more useful diagnosis and costs an
 * attacker nothing (it is refused either way).
 * Throws CsrError and nothing else for any input.
 */
export function parseCsr(input: Buffer | string, options: ParseCsrOptions = {}): ParsedCsr {
  const der = decodeCsrInput(input);
  let root: DerNode;
  try {
    root = parseDer(der, { maxDepth: CSR_MAX_DEPTH });
  } catch (e) {
    if (e instanceof DerError) throw CsrError.fromDer(e);
    throw e;
  }

  const [info, algId, signature, extraTop] = root.children;
  if (root.id !== 0x30 || info?.id !== 0x30 || algId?.id !== 0x30 || signature?.id !== 0x03 || extraTop !== undefined) {
    throw notACsr(root, 'CertificationRequest must be SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING }');
  }
  const ledger = new AllowanceLedger(options.allow ?? []);
  const [version, subject, spki, attributes, extraInfo] = info.children;
  if (version?.id !== 0x02 || subject?.id !== 0x30 || spki?.id !== 0x30 || extraInfo !== undefined) {
    throw notACsr(root, 'certificationRequestInfo must be SEQUENCE { version, subject, subjectPKInfo, [0] attributes }');
  }
  if (attributes === undefined) {
    if (!ledger.permit('attributes-absent')) throw refusedWithout('attributes-absent', 'RFC 2986 requires it, even when empty');
  } else if (attributes.id !== 0xa0) {
    throw notACsr(root, 'certificationRequestInfo has no [0] attributes (required, even when empty)');
  }
  checkVersion(version, ledger);

  const subjectText = formatName(subject, ledger);

  let key: CheckedPublicKey;
  try {
    key = checkSpkiNode(spki);
  } catch (e) {
    if (e instanceof PublicKeyError) throw CsrError.fromPublicKey(e);
    throw e;
  }

  const attrs = attributes === undefined ? { attributes: [], challengePassword: null, requestedExtensions: [] } : readAttributes(attributes, ledger);
  const signatureAlgorithm = verifyCsrSignature(algId, signature, info.raw(), key, ledger);

  return {
    der,
    subjectDer: subject.raw(),
    subject: subjectText,
    publicKey: key.info,
    challengePassword: attrs.challengePassword,
    attributes: attrs.attributes,
    requestedExtensions: attrs.requestedExtensions,
    signatureAlgorithm,
    allowances: ledger.used(),
  };
}

/** v1 (0) is the only version RFC 2986 has; 1 and 2 are what wolfSSL writes; above that, or not one byte, never. */
function checkVersion(version: DerNode, ledger: AllowanceLedger): void {
  const value = version.length === 1 ? version.buf[version.contentStart]! : -1;
  if (value === 0) return;
  if (value === 1 || value === 2) {
    if (ledger.permit('csr-version-nonzero')) return;
    throw refusedWithout('csr-version-nonzero', `version ${value}`);
  }
  throw new CsrError('CSR_VERSION', `CSR version is 0x${version.content().toString('hex')}; only v1 (0) exists, and no allowance accepts versions above 2`);
}

function notACsr(root: DerNode, structureMessage: string): CsrError {
  const what = describeNonCsr(root);
  return what ? new CsrError('CSR_NOT_A_CSR', `input is ${what}, not a certificate request`, { found: what }) : new CsrError('CSR_STRUCTURE', structureMessage);
}
