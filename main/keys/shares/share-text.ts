import { KeyError } from '../key-errors.js';
import { CROCKFORD_ALPHABET, canonicalCrockford, crockfordLength, crockfordValue, decodeCrockford, encodeCrockford } from './crockford-base32.js';
import { ShareFormatError, decodeShare, encodeShare, peekPayloadLength, type EncryptedShare } from './encrypted-share.js';

/**
 * The share as a human types it back from paper:
 *
 *   HMS1 ABCDE FGHJK MNPQR STVWX YZ012 34567 89ABC DEFGH 7K
 *   ABCDE FGHJK MNPQR STVWX YZ012 34567 89ABC DEFGH Q3
 *   …
 *   ABCDE FGH 0R
 *
 * The canonical binary share (encrypted-share.ts) in Crockford base32, 40 symbols a line
 * in groups of 5, each line ending in 2 check symbols. The check is
 * (lineNumber + Σ (j+2)·symbol_j) mod 1021: 1021 is prime and the weights are below it, so
 * every single wrong symbol and every swap of two neighbours changes it, and the line
 * number term makes a skipped, repeated or swapped line fail where it stands. The share's
 * own SHA-256 checksum then covers the whole (a missing last line, say).
 *
 * Reading forgives what people and scanners vary: case, spaces, dashes, tabs, O for 0 and
 * I or L for 1, and the line breaks themselves if everything arrives on one line.
 */
export const SHARE_TEXT_PREFIX = 'HMS1';
export const SYMBOLS_PER_LINE = 40;
const GROUP = 5;
const CHECK_SYMBOLS = 2;
const CHECK_MODULUS = 1021;

function lineCheck(lineNumber: number, symbols: string): number {
  let sum = lineNumber;
  for (let j = 0; j < symbols.length; j++) sum += (j + 2) * crockfordValue(symbols[j]!)!;
  return sum % CHECK_MODULUS;
}

function checkSymbols(value: number): string {
  return CROCKFORD_ALPHABET[Math.floor(value / 32)]! + CROCKFORD_ALPHABET[value % 32]!;
}

/** The lines of the text form; line 1 starts with the HMS1 prefix. */
export function formatShareText(share: EncryptedShare): string[] {
  const symbols = encodeCrockford(encodeShare(share));
  const lines: string[] = [];
  for (let at = 0, n = 1; at < symbols.length; at += SYMBOLS_PER_LINE, n++) {
    const data = symbols.slice(at, at + SYMBOLS_PER_LINE);
    const groups = data.match(new RegExp(`.{1,${GROUP}}`, 'g')) ?? [];
    const line = [...groups, checkSymbols(lineCheck(n, data))].join(' ');
    lines.push(n === 1 ? `${SHARE_TEXT_PREFIX} ${line}` : line);
  }
  return lines;
}

export function shareText(share: EncryptedShare): string {
  return formatShareText(share).join('\n');
}

interface LineProblem {
  readonly line: number;
  readonly why: string;
}

function corrupt(message: string, lines: number[] = []): KeyError {
  return new KeyError('SHARE_CORRUPT', message, 'input', lines.length > 0 ? { lines } : undefined);
}

/**
 * The typed-back (or scanned) text form → the encrypted share. Throws SHARE_CORRUPT naming
 * the lines that do not check (details.lines), so the custodian is told where to look.
 */
export function parseShareText(text: string): EncryptedShare {
  const rawLines = canonicalCrockford(text)
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/[\s\-_.]+/g, ''))
    .filter((l) => l.length > 0);
  const first = rawLines[0];
  if (first === undefined) throw corrupt('the share text is empty');
  if (!first.startsWith(SHARE_TEXT_PREFIX)) {
    if (/^HMS\d/.test(first)) throw corrupt(`this share text is version ${first.slice(3, 4)}; this Hallmark reads ${SHARE_TEXT_PREFIX}`);
    throw corrupt(`a share text starts with ${SHARE_TEXT_PREFIX}; this one starts with "${first.slice(0, 6)}"`);
  }
  rawLines[0] = first.slice(SHARE_TEXT_PREFIX.length);
  const width = SYMBOLS_PER_LINE + CHECK_SYMBOLS;
  // One long line is the text with its line breaks lost (a QR reader, a paste): cut it back.
  const lines = rawLines.length === 1 && rawLines[0].length > width ? (rawLines[0].match(new RegExp(`.{1,${width}}`, 'g')) ?? []) : rawLines;

  const problems: LineProblem[] = [];
  const data: string[] = [];
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const symbols = line.slice(0, -CHECK_SYMBOLS);
    const check = line.slice(-CHECK_SYMBOLS);
    data.push(symbols);
    const bad = [...line].find((c) => crockfordValue(c) === undefined);
    if (bad !== undefined) {
      problems.push({ line: n, why: `line ${n} has "${bad}", which is not a share character` });
    } else if (line.length <= CHECK_SYMBOLS) {
      problems.push({ line: n, why: `line ${n} is too short` });
    } else if (checkSymbols(lineCheck(n, symbols)) !== check) {
      // A line whose check fits another position was moved there, unless that position
      // already holds its own valid, different line: then the match is a coincidence
      // (about 1 in 1021 per typo) and this line simply has a typo.
      const holdsOwnLine = (m: number) => {
        const other = lines[m - 1];
        return other !== undefined && other !== line && checkSymbols(lineCheck(m, other.slice(0, -CHECK_SYMBOLS))) === other.slice(-CHECK_SYMBOLS);
      };
      // Only positions that exist: a match past the end is far likelier a typo than a
      // line typed after where the share ends (missing tail lines are counted below).
      const movedFrom = [...Array(lines.length).keys()]
        .map((k) => k + 1)
        .find((m) => m !== n && checkSymbols(lineCheck(m, symbols)) === check && !holdsOwnLine(m));
      problems.push({
        line: n,
        why:
          movedFrom !== undefined
            ? `line ${n} holds what should be line ${movedFrom} (a line is missing, repeated or out of order)`
            : `line ${n} has a typo (it does not match its last two characters, the line check)`,
      });
    }
  }

  // The first line says how long the share is, so missing or extra lines can be named.
  const expectedBytes = problems.some((p) => p.line === 1) ? undefined : peekPayloadLength(decodePrefix(data[0] ?? ''));
  if (expectedBytes !== undefined) {
    const expectedSymbols = crockfordLength(expectedBytes);
    const expectedLines = Math.ceil(expectedSymbols / SYMBOLS_PER_LINE);
    for (let n = 1; n <= Math.min(lines.length, expectedLines); n++) {
      const want = n < expectedLines ? SYMBOLS_PER_LINE : expectedSymbols - SYMBOLS_PER_LINE * (expectedLines - 1);
      const got = (data[n - 1] ?? '').length;
      if (got !== want && !problems.some((p) => p.line === n)) {
        problems.push({ line: n, why: `line ${n} has ${got + CHECK_SYMBOLS} characters where ${want + CHECK_SYMBOLS} are expected` });
      }
    }
    if (lines.length < expectedLines) {
      const missing = expectedLines - lines.length;
      problems.push({
        line: lines.length + 1,
        why: `${missing} line${missing > 1 ? 's are' : ' is'} missing at the end (this share has ${expectedLines} lines)`,
      });
    } else if (lines.length > expectedLines) {
      problems.push({ line: expectedLines + 1, why: `there are ${lines.length - expectedLines} extra lines after line ${expectedLines}` });
    }
  }
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    throw corrupt(`the share text has errors: ${problems.map((p) => p.why).join('; ')}`, [...new Set(problems.map((p) => p.line))]);
  }

  try {
    return decodeShare(decodeCrockford(data.join('')));
  } catch (e) {
    if (e instanceof ShareFormatError || e instanceof RangeError) {
      throw corrupt(`every line checks but the share as a whole does not (${e.message}); compare it with the sheet line by line`);
    }
    throw e;
  }
}

/** The first few bytes of a line's symbols, for reading the length field. */
function decodePrefix(symbols: string): Buffer {
  const usable = symbols.slice(0, Math.floor(symbols.length / 8) * 8);
  try {
    return decodeCrockford(usable);
  } catch {
    return Buffer.alloc(0);
  }
}
