import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { locateJsonSyntaxError, parseJsonText } from '../../main/encoding/json-syntax.js';
import { formatProblems, parseStrictYaml } from '../../main/encoding/strict-yaml.js';
import { parseReceipt } from '../../main/inventory/acknowledgment-receipt.js';
import { parseShareFile } from '../../main/keys/shares/share-file.js';
import { verifyManifest } from '../../main/manifest/verify/verify-manifest.js';
import { parsePlanCsv } from '../../main/station/production-plan.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';

/** What a file that is really a secrets file looks like (e.g. /proc/self/environ or ~/.aws/credentials). */
const SECRET = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SECRET_BITS = ['wJalrXUtnFEMI', 'AWS_SECRET', 'EXAMPLEKEY'];

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as Error).message} ${JSON.stringify((e as { details?: unknown }).details ?? null)}`;
  }
  throw new Error('expected a refusal');
}

function expectNoSecret(text: string): void {
  for (const bit of SECRET_BITS) expect(text).not.toContain(bit);
}

describe('JSON parse errors: line, column and what was expected, never the text', () => {
  it.each([
    ['{"a": 1,\n  "b": x}', 2, 8, 'a JSON value'],
    ['{"a" 1}', 1, 6, "':'"],
    ['[1, 2', 1, 6, "',' or ']'"],
    ['{"a": 1} trailing', 1, 10, 'the end of the input'],
    [`${SECRET}\n`, 1, 1, 'a JSON value'],
    ['{"k": "a\u0001"}', 1, 9, 'control characters must be escaped'],
  ])('%j', (text, line, column, expected) => {
    const r = locateJsonSyntaxError(text);
    expect(r).toMatchObject({ line, column });
    expect(r.expected).toContain(expected);
    const parsed = parseJsonText(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expectNoSecret(parsed.message);
  });

  it('a deeply nested hostile document does not overflow the stack', () => {
    const r = locateJsonSyntaxError(`${'['.repeat(200_000)}x`);
    expect(r).toMatchObject({ line: 1, column: 200_001 });
  });

  it('a manifest.json that is a secrets file: the verifier report says where, not what (the QA report would have held it)', () => {
    const report = verifyManifest(Buffer.from(`${SECRET}\nHOME=/root\n`), Buffer.alloc(0), '/media/usb/WO-1', { anchors: [] });
    const format = report.checks.find((c) => c.name === 'format')!;
    expect(format.status).toBe('fail');
    expect(format.details.join(' ')).toMatch(/manifest\.json is not JSON: line 1, column 1: expected a JSON value/);
    expectNoSecret(JSON.stringify(report));
  });

  it('a share file, a receipt: neither the syntax error nor an unknown key echoes the file', () => {
    expectNoSecret(messageOf(() => parseShareFile(`{"format": "hallmark-share/1",\n${SECRET}}`)));
    const unknownKey = messageOf(() => parseShareFile(JSON.stringify({ [SECRET]: 1 })));
    expectNoSecret(unknownKey);
    expectNoSecret(messageOf(() => parseReceipt(Buffer.from(`{"${SECRET}": true}`), 'receipt.json')));
    expectNoSecret(messageOf(() => parseReceipt(Buffer.from(`${SECRET}`), 'receipt.json')));
  });
});

describe('YAML parse errors (policies, ceremony scripts)', () => {
  const schema = z.strictObject({ version: z.literal(1), name: z.string() });

  it('an unknown key is named by its place and the keys expected, not by itself', () => {
    const r = parseStrictYaml(`version: 1\nname: x\n${SECRET.replace('=', ': ')}\n`, schema);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ path: '', line: 3, column: 1, message: 'unknown key: expected one of name, version' }]);
    expectNoSecret(formatProblems('p.yaml', r.problems));
  });

  it('a syntax error is named by its kind and place, not by the text it stopped at', () => {
    const r = parseStrictYaml(`version: 1\nname: "${SECRET}\\q"\n`, schema);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = formatProblems('p.yaml', r.problems);
    expect(text).toMatch(/^p\.yaml: line 2, column \d+: expected a valid escape sequence/);
    expectNoSecret(text);
    const flow = parseStrictYaml(`version: 1\n- ${SECRET}\n`, schema);
    expect(flow.ok).toBe(false);
    if (!flow.ok) expectNoSecret(formatProblems('p.yaml', flow.problems));
  });

  it('a product policy and a ceremony script that are secrets files', () => {
    const policy = messageOf(() => parseProductPolicy(`${SECRET.replace('=', ': ')}\nsecond: "${SECRET}"\n`, 'policy.yaml'));
    expect(policy).toMatch(/policy\.yaml: /);
    expectNoSecret(policy);
    const script = messageOf(() => parseCeremonyScript(Buffer.from(`${SECRET.replace('=', ': ')}\n`), 'script.yaml'));
    expectNoSecret(script);
  });
});

describe('plan CSV errors', () => {
  it('a plan holding a secret-looking line is refused by line and column, without the line', () => {
    const message = messageOf(() => parsePlanCsv(`HM-SIM1-0001\n  ${SECRET}\n"${SECRET}\n`, { serialPattern: 'HM-SIM1-[0-9]{4}' }, 'plan.csv'));
    expect(message).toContain("line 2, column 3: expected a serial matching the policy's serial pattern HM-SIM1-[0-9]{4}");
    expect(message).toContain('line 3, column 1: unbalanced quotes');
    expectNoSecret(message);
  });
});
