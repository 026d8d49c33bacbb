import type { CertificateFacts, NameFact, ParsedCertificate } from '../certificate-facts.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../validity.js';
import { publicKeyWords, signatureWords, type AlgorithmWords } from './algorithm-words.js';
import { describeExtension, type ExtensionDescription } from './describe-extension.js';
import { ATTRIBUTE_WORDS } from './extension-names.js';

export interface NameAttributeDescription {
  readonly oid: string;
  /** the short name a subject is typed with (CN, matterVendorId), or the OID */
  readonly short: string;
  readonly words: string;
  readonly value: string;
}

/**
 * A certificate (or a to-be-signed one) in words: the one description every screen and
 * the CLI show, so a custodian approving a TBS and a QA engineer reading a device's
 * certificate see the same names for the same things, with the codes beside them.
 */
export interface CertificateDescription {
  readonly subject: string;
  readonly subjectAttributes: NameAttributeDescription[];
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** why notAfter is what it is, when it is special: 802.1AR's / Matter's 99991231235959Z */
  readonly validityNote: string | null;
  readonly publicKey: AlgorithmWords;
  readonly signature: AlgorithmWords;
  readonly extensions: ExtensionDescription[];
  /** hex SHA-256 of the DER; null for a TBS */
  readonly sha256: string | null;
}

export const NO_EXPIRY_NOTE = 'no expiry: 802.1AR\'s "no well-defined expiration" (99991231235959Z)';

/**
 * `issuerSpki` (the issuer's public key, when known) names the signature's curve; without
 * it a self-signed certificate uses its own key and a signed one the size of its signature.
 */
export function describeForPeople(c: CertificateFacts | ParsedCertificate, issuerSpki?: Buffer): CertificateDescription {
  const publicKey = publicKeyWords(c.spki, c.spkiAlgorithm);
  const selfSigned =
    c.subjectDer.equals(c.issuerDer) && (c.authorityKeyId === undefined || (c.subjectKeyId !== undefined && c.authorityKeyId.equals(c.subjectKeyId)));
  // Only the signer key's curve is used: its OID slot is never shown.
  const signerKey = issuerSpki ? publicKeyWords(issuerSpki, c.signatureAlgorithm) : selfSigned ? publicKey : undefined;
  const signature = 'signature' in c ? c.signature : undefined;
  return {
    subject: nameWords(c.subject),
    subjectAttributes: c.subject.map(attributeDescription),
    issuer: nameWords(c.issuer),
    serial: c.serial.toString('hex'),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    validityNote: c.notAfter.getTime() === NO_WELL_DEFINED_EXPIRATION.getTime() ? NO_EXPIRY_NOTE : null,
    publicKey,
    signature: signatureWords(c.signatureAlgorithm, { ...(signerKey ? { signerKey } : {}), ...(signature ? { signature } : {}) }),
    extensions: c.extensions.map((e) => describeExtension(c, e)),
    sha256: 'sha256' in c ? c.sha256 : null,
  };
}

function attributeDescription(a: NameFact): NameAttributeDescription {
  const known = ATTRIBUTE_WORDS[a.oid];
  return { oid: a.oid, short: known?.short ?? a.oid, words: known?.words ?? 'attribute', value: a.value };
}

/** "CN=Acme DAC, matterVendorId=FFF1", with the names subjects are typed with. */
export function nameWords(name: readonly NameFact[]): string {
  return name.map((a) => `${ATTRIBUTE_WORDS[a.oid]?.short ?? a.oid}=${a.value}`).join(', ');
}

/** The description as text lines, `label  value`: what `cert show` and a ceremony's TBS review print. */
export function descriptionLines(d: CertificateDescription, indent = ''): string[] {
  const pad = (label: string) => `${indent}${labelColumn(label)}`;
  return [
    `${pad('subject')}${d.subject}`,
    `${pad('issuer')}${d.issuer}`,
    `${pad('serial')}${d.serial}`,
    `${pad('valid from (UTC)')}${d.notBefore}`,
    `${pad('valid until (UTC)')}${d.notAfter}${d.validityNote ? ` — ${d.validityNote}` : ''}`,
    `${pad('public key')}${d.publicKey.words} (${d.publicKey.oid}${d.publicKey.curveOid ? `, curve ${d.publicKey.curveOid}` : ''})`,
    `${pad('signature')}${d.signature.words} (${d.signature.oid})`,
    ...d.extensions.map((e) => `${pad(e.name)}${e.values.join('; ') || '—'}  [${e.oid}${e.critical ? ', critical' : ''}]`),
    ...(d.sha256 ? [`${pad('SHA-256')}${d.sha256}`] : []),
  ];
}

/** A label padded to the column descriptionLines uses, so callers can add aligned lines of their own. */
export function labelColumn(label: string): string {
  return `${label.padEnd(23)} `;
}
