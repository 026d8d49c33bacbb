/**
 * JSON from files on media, parsed so that a failure never echoes the file's content.
 *
 * V8's own JSON.parse messages quote the text around the error (`Unexpected token 'A',
 * "API_TOKEN=…" is not valid JSON`): a manifest.json symlinked to /proc/self/environ put
 * environment text into a saved QA report that way. `parseJsonText` parses with JSON.parse
 * and, when that fails, finds the first error itself and reports only where it is (line and
 * column, 1-based) and what was expected there — never the character or text found.
 */

export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  readonly expected: string;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; problem: JsonSyntaxProblem; message: string };

export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const problem = locateJsonSyntaxError(text);
    return { ok: false, problem, message: describeJsonProblem(problem) };
  }
}

/** "line 3, column 7: expected ',' or '}'" */
export function describeJsonProblem(p: JsonSyntaxProblem): string {
  return `line ${p.line}, column ${p.column}: expected ${p.expected}`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The first syntax error of `text` by RFC 8259 (what JSON.parse accepts). An explicit
 * stack, not recursion: a hostile `[[[[…` a million deep cannot overflow the call stack.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxProblem {
  let i = 0;
  const n = text.length;
  const fail = (at: number, expected: string): JsonSyntaxProblem => ({ ...lineColumn(text, at), expected });
  const skipWs = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  /** containers open at i: 'a' array, 'o' object */
  const stack: ('a' | 'o')[] = [];
  type State = 'value' | 'after-value' | 'key' | 'first-key' | 'first-value';
  let state: State = 'value';
  if (text.charCodeAt(0) === 0xfeff) return fail(0, 'a JSON value (a byte order mark is not JSON)');
  for (;;) {
    skipWs();
    if (state === 'value' || state === 'first-value') {
      if (i >= n) return fail(i, 'a JSON value');
      const c = text[i]!;
      if (state === 'first-value' && c === ']') {
        stack.pop();
        i++;
        state = 'after-value';
        continue;
      }
      if (c === '{') {
        stack.push('o');
        i++;
        state = 'first-key';
        continue;
      }
      if (c === '[') {
        stack.push('a');
        i++;
        state = 'first-value';
        continue;
      }
      const end = scanScalar(text, i);
      if (typeof end !== 'number') return fail(end.at, end.expected);
      i = end;
      state = 'after-value';
      continue;
    }
    if (state === 'key' || state === 'first-key') {
      if (i >= n) return fail(i, state === 'first-key' ? "a property name in double quotes or '}'" : 'a property name in double quotes');
      if (state === 'first-key' && text[i] === '}') {
        stack.pop();
        i++;
        state = 'after-value';
        continue;
      }
      if (text[i] !== '"') return fail(i, state === 'first-key' ? "a property name in double quotes or '}'" : 'a property name in double quotes');
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.at, end.expected);
      i = end;
      skipWs();
      if (text[i] !== ':') return fail(i, "':' after the property name");
      i++;
      state = 'value';
      continue;
    }
    // after-value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < n) return fail(i, 'the end of the input after the JSON value');
      // JSON.parse failed yet the scan found nothing: report the end rather than guess.
      return fail(i, 'valid JSON');
    }
    if (i >= n) return fail(i, top === 'a' ? "',' or ']'" : "',' or '}'");
    const c = text[i];
    if (c === ',') {
      i++;
      state = top === 'a' ? 'value' : 'key';
      continue;
    }
    if ((top === 'a' && c === ']') || (top === 'o' && c === '}')) {
      stack.pop();
      i++;
      continue;
    }
    return fail(i, top === 'a' ? "',' or ']'" : "',' or '}'");
  }
}

type ScanFailure = { at: number; expected: string };

function scanScalar(text: string, i: number): number | ScanFailure {
  const c = text[i]!;
  if (c === '"') return scanString(text, i);
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, i)) return i + word.length;
  }
  if (c === '-' || (c >= '0' && c <= '9')) return scanNumber(text, i);
  return { at: i, expected: 'a JSON value (an object, array, string, number, true, false or null)' };
}

function scanString(text: string, start: number): number | ScanFailure {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) return { at: i, expected: "the closing '\"' of the string" };
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { at: i, expected: 'a string character (control characters must be escaped)' };
    if (code === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { at: i, expected: 'four hex digits after \\u' };
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) return { at: i, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
      i += 2;
      continue;
    }
    i++;
  }
}

function scanNumber(text: string, start: number): number | ScanFailure {
  let i = start;
  const digit = (k: number) => k < text.length && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39;
  if (text[i] === '-') i++;
  if (!digit(i)) return { at: i, expected: 'a digit' };
  if (text[i] === '0') i++;
  else while (digit(i)) i++;
  if (text[i] === '.') {
    i++;
    if (!digit(i)) return { at: i, expected: "a digit after '.'" };
    while (digit(i)) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!digit(i)) return { at: i, expected: 'a digit in the exponent' };
    while (digit(i)) i++;
  }
  return i;
}

/** 1-based line and column (in UTF-16 code units, as editors count for BMP text) of offset `at`. */
export function lineColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}
