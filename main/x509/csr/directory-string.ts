import type { DerNode } from '../der/der-reader.js';
import { refusedWithout, type AllowanceLedger } from './csr-allowances.js';
import { CsrError } from './csr-errors.js';

/**
 * Decodes the ASN.1 string types a CSR's subject or challengePassword may use, refusing any
 * that is malformed. TeletexString is refused: its T.61 repertoire is not Latin-1, and
 * decoders that pretend it is disagree with each other. NUL is refused in every type: it has
 * no business in a name and is the classic way to make two parsers read different names.
 */
export const STRING_TAGS = {
  utf8: 0x0c,
  numeric: 0x12,
  printable: 0x13,
  teletex: 0x14,
  ia5: 0x16,
  visible: 0x1a,
  universal: 0x1c,
  bmp: 0x1e,
} as const;

const STRING_TAG_SET = new Set<number>(Object.values(STRING_TAGS));

export function isStringNode(node: DerNode): boolean {
  return STRING_TAG_SET.has(node.id);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * `subjectLedger` is given only for subject values: the station rebuilds the subject, so
 * printable ASCII outside the PrintableString set there (mbedTLS writes serialNumber and C
 * unchecked) is a named allowance rather than a refusal. Anywhere else the set is enforced.
 */
export function decodeDirectoryString(node: DerNode, where: string, subjectLedger?: AllowanceLedger): string {
  const bytes = node.content();
  const fail = (why: string): never => {
    throw new CsrError('CSR_STRING_ENCODING', `${where}: ${why} (at offset ${node.start})`);
  };
  let value: string;
  switch (node.id) {
    case STRING_TAGS.utf8:
      try {
        value = utf8.decode(bytes);
      } catch {
        return fail('UTF8String is not valid UTF-8');
      }
      break;
    case STRING_TAGS.printable:
      value =
        ascii(bytes, isPrintableStringChar) ??
        printableOutsideSet(bytes, where, node.start, subjectLedger) ??
        fail('PrintableString has a character outside its set');
      break;
    case STRING_TAGS.numeric:
      value = ascii(bytes, (c) => c === 0x20 || (c >= 0x30 && c <= 0x39)) ?? fail('NumericString has a non-digit');
      break;
    case STRING_TAGS.ia5:
      value = ascii(bytes, (c) => c < 0x80) ?? fail('IA5String has a byte above 0x7F');
      break;
    case STRING_TAGS.visible:
      value = ascii(bytes, (c) => c >= 0x20 && c <= 0x7e) ?? fail('VisibleString has a non-printing byte');
      break;
    case STRING_TAGS.bmp:
      value = decodeBmp(bytes) ?? fail('BMPString is not valid UCS-2');
      break;
    case STRING_TAGS.universal:
      value = decodeUniversal(bytes) ?? fail('UniversalString is not valid UCS-4');
      break;
    case STRING_TAGS.teletex:
      return fail('TeletexString is not supported; use UTF8String or PrintableString');
    default:
      return fail(`tag 0x${node.id.toString(16)} is not a string type`);
  }
  if (value.includes('\u0000')) fail('string contains a NUL character');
  return value;
}

/**
 * X.680's PrintableString set, plus '*' and '&', which real CSRs put in PrintableStrings
 * (wildcard names, company names) and which Go's x509 parser accepts for the same reason.
 */
function isPrintableStringChar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x20 ||
    c === 0x27 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x2b ||
    c === 0x2c ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x2f ||
    c === 0x3a ||
    c === 0x3d ||
    c === 0x3f ||
    c === 0x2a ||
    c === 0x26
  );
}

function printableOutsideSet(bytes: Buffer, where: string, offset: number, ledger: AllowanceLedger | undefined): string | null {
  if (ledger === undefined) return null;
  const text = ascii(bytes, (c) => c >= 0x20 && c <= 0x7e);
  if (text === null) return null;
  if (!ledger.permit('subject-string-characters')) throw refusedWithout('subject-string-characters', `${where} at offset ${offset}`);
  return text;
}

function ascii(bytes: Buffer, allowed: (c: number) => boolean): string | null {
  for (let i = 0; i < bytes.length; i++) if (!allowed(bytes[i]!)) return null;
  return bytes.toString('latin1');
}

function decodeBmp(bytes: Buffer): string | null {
  if (bytes.length % 2 !== 0) return null;
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    const unit = (bytes[i]! << 8) | bytes[i + 1]!;
    // UCS-2 has no surrogates: a pair here is UTF-16 pretending to be BMPString.
    if (unit >= 0xd800 && unit <= 0xdfff) return null;
    out += String.fromCharCode(unit);
  }
  return out;
}

function decodeUniversal(bytes: Buffer): string | null {
  if (bytes.length % 4 !== 0) return null;
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const cp = bytes.readUInt32BE(i);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out += String.fromCodePoint(cp);
  }
  return out;
}
