import { createHash } from 'node:crypto';
import { verifyDetachedCms } from '../cms/verify-detached-cms.js';
import { issueText } from '../encoding/schema-issue.js';
import { parseJsonText } from '../encoding/json-syntax.js';
import { readMediaFile } from '../files/read-media-file.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { RevocationError } from './revocation-errors.js';
import { MAX_REQUEST_BYTES, MAX_REQUEST_P7S_BYTES, revocationRequestSchema, type RevocationRequestDocument } from './revocation-request-format.js';

export interface VerifiedRevocationRequest {
  readonly sha256: string;
  readonly document: RevocationRequestDocument;
  readonly signedAt: Date | undefined;
}

/**
 * Reads `revocation-request.json` and the `.p7s` beside it through the bounded media
 * reader and accepts the request only if the detached CMS verifies over the file's exact
 * bytes, its signer is the trusted inventory certificate (byte for byte), the document is a
 * strict hallmark-revocation-request-v1 naming that certificate, and no certificate serial
 * is listed twice. Problems are named without echoing the file's content.
 */
export function readRevocationRequest(jsonPath: string, trusted: ParsedCertificate): VerifiedRevocationRequest {
  const json = readMediaFile(jsonPath, MAX_REQUEST_BYTES, 'revocation request');
  const p7s = readMediaFile(`${jsonPath}.p7s`, MAX_REQUEST_P7S_BYTES, 'revocation request signature');
  const sha256 = createHash('sha256').update(json).digest('hex');
  const cms = verifyDetachedCms(p7s, json);
  if (!cms.ok)
    throw new RevocationError(
      'REVOCATION_REQUEST_SIGNATURE_INVALID',
      `the signature of revocation request ${sha256} does not verify (${cms.problem}): the request was altered or is not the one signed`,
      'check',
      { sha256 },
    );
  if (!cms.signerCertificate.equals(trusted.der)) {
    throw new RevocationError(
      'REVOCATION_REQUEST_UNTRUSTED',
      `revocation request ${sha256} is signed by a key other than the trusted inventory certificate (${trusted.sha256})`,
      'check',
      { sha256 },
    );
  }
  const parsed = parseJsonText(json.toString('utf8'));
  if (!parsed.ok) throw new RevocationError('REVOCATION_REQUEST_INVALID', `revocation request ${sha256} is not JSON: ${parsed.message}`, 'input', { sha256 });
  const checked = revocationRequestSchema.safeParse(parsed.value);
  if (!checked.success) {
    const first = checked.error.issues[0]!;
    throw new RevocationError(
      'REVOCATION_REQUEST_INVALID',
      `revocation request ${sha256} is not a hallmark-revocation-request-v1 document: ${issueText(first, revocationRequestSchema, parsed.value)}`,
      'input',
      { sha256 },
    );
  }
  const document = checked.data;
  if (document.inventory.certificateSha256 !== trusted.sha256) {
    throw new RevocationError(
      'REVOCATION_REQUEST_UNTRUSTED',
      `revocation request ${sha256} names inventory certificate ${document.inventory.certificateSha256}, not the trusted one`,
      'check',
      { sha256 },
    );
  }
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const e of document.entries) {
    const key = `${e.issuer}\u0000${e.certificateSerial}`;
    if (seen.has(key)) twice.add(e.certificateSerial);
    seen.add(key);
  }
  if (twice.size)
    throw new RevocationError(
      'REVOCATION_REQUEST_DUPLICATE',
      `revocation request ${sha256} lists certificate serial(s) more than once: ${[...twice].slice(0, 20).join(', ')}`,
      'input',
      { sha256 },
    );
  return { sha256, document, signedAt: cms.signingTime };
}
