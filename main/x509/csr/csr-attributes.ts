import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import type { CsrAttribute, CsrExtension } from './parsed-csr.js';
import { refusedWithout, type AllowanceLedger } from './csr-allowances.js';
import { CsrError } from './csr-errors.js';
import { CSR_OID } from './csr-oids.js';
import { decodeDirectoryString } from './directory-string.js';

export interface CsrAttributes {
  /** every attribute, challengePassword and extensionRequest included, in encoded order */
  readonly attributes: CsrAttribute[];
  readonly challengePassword: string | null;
  readonly requestedExtensions: CsrExtension[];
}

/** Deep enough for any standard extension (nameConstraints with a directoryName is 7). */
const EXTENSION_VALUE_MAX_DEPTH = 8;
/** PKCS#9 ub-challenge-password */
const CHALLENGE_PASSWORD_MAX = 255;

/**
 * Reads `attributes [0] IMPLICIT SET OF Attribute` (RFC 2986 §4.1). DER orders a SET OF by
 * the elements' encodings (X.690 §11.6); the signature covers the bytes as sent, so another
 * order changes nothing that is checked, and is the attributes-unsorted allowance.
 */
export function readAttributes(node: DerNode, ledger: AllowanceLedger): CsrAttributes {
  const attributes: CsrAttribute[] = [];
  const seen = new Set<string>();
  let challengePassword: string | null = null;
  let requestedExtensions: CsrExtension[] = [];
  for (const attr of node.children) {
    const [type, values, extra] = attr.children;
    if (attr.id !== 0x30 || type?.id !== 0x06 || values?.id !== 0x31 || extra !== undefined) {
      throw new CsrError('CSR_STRUCTURE', `attribute must be SEQUENCE { OID, SET OF value } (at offset ${attr.start})`);
    }
    const oid = type.oid();
    if (seen.has(oid)) throw new CsrError('CSR_DUPLICATE_ATTRIBUTE', `attribute ${oid} appears more than once`, { oid });
    seen.add(oid);
    if (values.children.length === 0) {
      throw new CsrError('CSR_STRUCTURE', `attribute ${oid} has no values (at offset ${attr.start})`);
    }
    if (oid === CSR_OID.challengePassword) {
      challengePassword = readChallengePassword(values);
    } else if (oid === CSR_OID.extensionRequest) {
      requestedExtensions = readExtensionRequest(values);
    }
    attributes.push({ oid, values: values.children.map((v) => v.raw()) });
  }
  for (let i = 1; i < node.children.length; i++) {
    if (setOrder(node.children[i - 1]!.raw(), node.children[i]!.raw()) > 0) {
      if (!ledger.permit('attributes-unsorted')) throw refusedWithout('attributes-unsorted', `attribute ${i + 1} sorts before attribute ${i}`);
      break;
    }
  }
  return { attributes, challengePassword, requestedExtensions };
}

/** X.690 §11.6: encodings compared as octet strings, the shorter padded with trailing zeros. */
function setOrder(a: Buffer, b: Buffer): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function readChallengePassword(values: DerNode): string {
  const [value, extra] = values.children;
  if (value === undefined || extra !== undefined) {
    throw new CsrError('CSR_STRUCTURE', 'challengePassword must have exactly one value');
  }
  const password = decodeDirectoryString(value, 'challengePassword');
  const length = Array.from(password).length;
  if (length === 0 || length > CHALLENGE_PASSWORD_MAX) {
    throw new CsrError('CSR_STRUCTURE', `challengePassword is ${length} characters; PKCS#9 allows 1 to ${CHALLENGE_PASSWORD_MAX}`);
  }
  return password;
}

/**
 * extensionRequest: one value, Extensions ::= SEQUENCE OF Extension. An empty SEQUENCE is
 * accepted (it asks for nothing). Each extnValue must itself be strict DER, and
 * `critical FALSE` written out is refused: DER omits DEFAULT values.
 */
function readExtensionRequest(values: DerNode): CsrExtension[] {
  const [exts, extra] = values.children;
  if (exts?.id !== 0x30 || extra !== undefined) {
    throw new CsrError('CSR_STRUCTURE', 'extensionRequest must have exactly one value, a SEQUENCE OF Extension');
  }
  const out: CsrExtension[] = [];
  const seen = new Set<string>();
  for (const ext of exts.children) {
    const [idNode, second, third, fourth] = ext.children;
    if (ext.id !== 0x30 || idNode?.id !== 0x06 || second === undefined || fourth !== undefined) {
      throw new CsrError('CSR_STRUCTURE', `extension must be SEQUENCE { OID, critical BOOLEAN DEFAULT FALSE, OCTET STRING } (at offset ${ext.start})`);
    }
    const oid = idNode.oid();
    let critical = false;
    let valueNode = second;
    if (third !== undefined) {
      if (second.id !== 0x01) throw new CsrError('CSR_STRUCTURE', `extension ${oid}: critical is not a BOOLEAN`);
      if (second.buf[second.contentStart] !== 0xff) {
        throw new CsrError('CSR_STRUCTURE', `extension ${oid}: critical FALSE must be omitted in DER (DEFAULT value)`);
      }
      critical = true;
      valueNode = third;
    }
    if (valueNode.id !== 0x04) throw new CsrError('CSR_STRUCTURE', `extension ${oid}: extnValue is not an OCTET STRING`);
    if (seen.has(oid)) throw new CsrError('CSR_DUPLICATE_EXTENSION', `extension ${oid} is requested more than once`, { oid });
    seen.add(oid);
    const value = valueNode.content();
    try {
      parseDer(value, { maxDepth: EXTENSION_VALUE_MAX_DEPTH });
    } catch (e) {
      if (e instanceof DerError) {
        throw CsrError.fromDer(e, `extension ${oid} value (offset ${valueNode.contentStart} in the CSR)`);
      }
      throw e;
    }
    out.push({ oid, critical, value });
  }
  return out;
}
