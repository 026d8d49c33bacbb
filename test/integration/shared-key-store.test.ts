import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { generateSharedKey, openSharedKey, parseShareFile, parseShareText, shareDigest, type CustodianSecret } from '../../main/keys/shares/index.js';
import { tempDir } from '../support/temp-dir.js';

const MESSAGE = Buffer.from('tbsCertList or tbsCertificate bytes');

const custodians = (n: number): CustodianSecret[] =>
  ['alice', 'bob', 'carol', 'dave', 'erin'].slice(0, n).map((custodian) => ({ custodian, passphrase: `${custodian} passphrase, long enough` }));

let dir: { path: string; dispose(): void };
beforeAll(() => {
  dir = tempDir('hallmark-shares-');
});
afterAll(() => dir.dispose());

type Made = Awaited<ReturnType<typeof generateSharedKey>>;

function recordFor(label: string, algorithm: KeyAlgorithm, made: Made): KeyRecord {
  return {
    label,
    store: 'shares',
    algorithm,
    spki: made.spki,
    spkiSha256: createHash('sha256').update(made.spki).digest('hex'),
    location: { ...made.location },
    createdAt: new Date().toISOString(),
  };
}

function subsets<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((item, i) => subsets(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));
}

function expectVerifies(algorithm: KeyAlgorithm, spki: Buffer, signature: Buffer): void {
  const info = KEY_ALGORITHM_INFO[algorithm];
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  expect(verify(info.hash, MESSAGE, info.family === 'ec' ? { key, dsaEncoding: 'der' } : key, signature)).toBe(true);
}

/** The share text as printed on the sheet: the text column of the lines table, tags stripped. */
function sheetText(html: string): string {
  return [...html.matchAll(/<td class="line">(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ')).join('\n');
}

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
  await expect(p).rejects.toThrow(message);
}

describe.each([
  { label: 'root-2of3', algorithm: 'ecdsa-p384' as const, m: 2, n: 3 },
  { label: 'root-3of5', algorithm: 'ed25519' as const, m: 3, n: 5 },
])('$m-of-$n shared $algorithm key', ({ label, algorithm, m, n }) => {
  let made: Made;
  let record: KeyRecord;
  let outDir: string;
  const secrets = custodians(n);
  const input = (i: number, passphrase = secrets[i]!.passphrase) => ({ file: made.shareFiles[i]!, passphrase });

  beforeAll(async () => {
    outDir = join(dir.path, label);
    made = await generateSharedKey({ label, algorithm, threshold: m, custodians: secrets, outDir });
    record = recordFor(label, algorithm, made);
  });

  it('writes one share file and one sheet per custodian, 0600, and records each share', () => {
    expect(made.location.threshold).toBe(m);
    expect(made.location.total).toBe(n);
    expect(made.location.shares.map((s) => [s.index, s.custodian])).toEqual(secrets.map((s, i) => [i + 1, s.custodian]));
    expect(made.shareFiles.map((f) => f.slice(outDir.length + 1))).toEqual(secrets.map((_, i) => `${label}.share-${i + 1}-of-${n}.json`));
    expect(made.sheetFiles.map((f) => f.slice(outDir.length + 1))).toEqual(secrets.map((_, i) => `${label}.share-${i + 1}-of-${n}.html`));
    for (const f of [...made.shareFiles, ...made.sheetFiles]) expect(statSync(f).mode & 0o777).toBe(0o600);
    for (const [i, f] of made.shareFiles.entries()) {
      const { file, share } = parseShareFile(readFileSync(f, 'utf8'));
      expect(file).toMatchObject({
        format: 'hallmark-share/1',
        label,
        index: i + 1,
        threshold: m,
        total: n,
        custodian: secrets[i]!.custodian,
        spkiSha256: record.spkiSha256,
      });
      expect(shareDigest(share)).toBe(made.location.shares[i]!.sha256);
    }
    // The whole private key is in no file, in no form.
    for (const name of readdirSync(outDir)) expect(readFileSync(join(outDir, name), 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('every M-subset of shares rebuilds the key, and it signs', async () => {
    for (const subset of subsets([...Array(n).keys()], m)) {
      const key = await openSharedKey(
        record,
        subset.map((i) => input(i)),
      );
      expect(key.spki.equals(made.spki)).toBe(true);
      expectVerifies(algorithm, made.spki, key.signSync(MESSAGE));
      expectVerifies(algorithm, made.spki, await key.sign(MESSAGE));
      key.close();
      expect(() => key.signSync(MESSAGE)).toThrow(/closed/);
    }
  });

  it('M-1 shares are SHARES_TOO_FEW, saying how many more are needed', async () => {
    await rejects(
      openSharedKey(
        record,
        [...Array(m - 1).keys()].map((i) => input(i)),
      ),
      'SHARES_TOO_FEW',
      new RegExp(`needs ${m} of its ${n} shares; ${m - 1} given, 1 more needed`),
    );
  });

  it('a wrong passphrase names the share and its custodian', async () => {
    const shares = [...Array(m).keys()].map((i) => input(i));
    shares[1] = input(1, 'someone else entirely');
    await rejects(openSharedKey(record, shares), 'SHARE_PASSPHRASE_WRONG', /does not open share 2 \(bob\)/);
  });

  it('a flipped bit in a share file names the share', async () => {
    const source = parseShareFile(readFileSync(made.shareFiles[0]!, 'utf8')).file;
    const ct = Buffer.from(source.ciphertext, 'base64');
    ct[5]! ^= 0x10;
    const flipped = join(dir.path, `${label}-flipped.json`);
    writeFileSync(flipped, JSON.stringify({ ...source, ciphertext: ct.toString('base64') }));
    const shares = [{ file: flipped, passphrase: secrets[0]!.passphrase }, ...[...Array(m - 1).keys()].map((i) => input(i + 1))];
    await rejects(openSharedKey(record, shares), 'SHARE_CORRUPT', /share 1 \(alice\) is not the share recorded .* damaged or altered/);

    writeFileSync(flipped, readFileSync(made.shareFiles[0]!, 'utf8').replace('"aes-256-gcm"', '"aes-128-gcm"'));
    await rejects(openSharedKey(record, shares), 'SHARE_CORRUPT', /share #1 .* field cipher\.name/);
  });

  it('the same share twice is SHARE_DUPLICATE', async () => {
    await rejects(
      openSharedKey(record, [input(0), input(0), ...[...Array(m - 1).keys()].map((i) => input(i + 1))]),
      'SHARE_DUPLICATE',
      /share 1 \(alice\) was given twice/,
    );
  });

  it('the sheet is static HTML with inline SVG QR codes and text that parses back to the same share', () => {
    for (const [i, sheetFile] of made.sheetFiles.entries()) {
      const html = readFileSync(sheetFile, 'utf8');
      expect(html).toMatch(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(html).not.toMatch(/<script|\son\w+=|src=|href=|url\(|@import/i);
      expect(html).toContain(secrets[i]!.custodian);
      expect(html).toContain(`${i + 1} of ${n}`);
      expect(html).toContain(record.spkiSha256.match(/.{4}/g)!.join(' '));
      const share = parseShareText(sheetText(html));
      expect(shareDigest(share)).toBe(made.location.shares[i]!.sha256);
    }
  });

  it('opens from typed-back text as well as from files, and names a typo by share and line', async () => {
    const texts = made.sheetFiles.map((f) => sheetText(readFileSync(f, 'utf8')).toLowerCase().replace(/ /g, '-'));
    const key = await openSharedKey(record, [{ text: texts[0]!, passphrase: secrets[0]!.passphrase }, ...[...Array(m - 1).keys()].map((i) => input(i + 1))]);
    expectVerifies(algorithm, made.spki, key.signSync(MESSAGE));

    const lines = texts[0]!.split('\n');
    lines[2] = lines[2]!.replace(/^(.)/, (c) => (c === 'a' ? 'b' : 'a'));
    await rejects(
      openSharedKey(record, [{ text: lines.join('\n'), passphrase: secrets[0]!.passphrase }, input(1)]),
      'SHARE_CORRUPT',
      /share #1: .*line 3 has a typo/,
    );

    // Every single-character typo is placed on its own line, never mistaken for a moved line.
    const clean = sheetText(readFileSync(made.sheetFiles[0]!, 'utf8')).split('\n');
    for (const [li, original] of clean.entries()) {
      if (li === 0) continue;
      const chars = [...original.replace(/\s+/g, '')];
      for (let ci = 0; ci < chars.length; ci += 7) {
        const typo = chars.slice();
        typo[ci] = typo[ci] === '7' ? 'Q' : '7';
        const text = clean.map((l, k) => (k === li ? typo.join('') : l)).join('\n');
        expect(() => parseShareText(text)).toThrow(new RegExp(`line ${li + 1} has a typo`));
      }
    }
  });
});

describe('shares across keys, and refusals', () => {
  let a: Made;
  let b: Made;
  let recordA: KeyRecord;
  const secrets = custodians(3);

  beforeAll(async () => {
    a = await generateSharedKey({ label: 'key-a', algorithm: 'ecdsa-p256', threshold: 2, custodians: secrets, outDir: join(dir.path, 'a') });
    b = await generateSharedKey({ label: 'key-b', algorithm: 'ecdsa-p256', threshold: 2, custodians: secrets, outDir: join(dir.path, 'b') });
    recordA = recordFor('key-a', 'ecdsa-p256', a);
  });

  it('a share of another key is SHARE_MISMATCH, as a file or as text', async () => {
    await rejects(
      openSharedKey(recordA, [
        { file: a.shareFiles[0]!, passphrase: secrets[0]!.passphrase },
        { file: b.shareFiles[1]!, passphrase: secrets[1]!.passphrase },
      ]),
      'SHARE_MISMATCH',
      /share #2 .* is share 2 of key "key-b"/,
    );
    const textB = sheetText(readFileSync(b.sheetFiles[1]!, 'utf8'));
    await rejects(
      openSharedKey(recordA, [
        { file: a.shareFiles[0]!, passphrase: secrets[0]!.passphrase },
        { text: textB, passphrase: secrets[1]!.passphrase },
      ]),
      'SHARE_MISMATCH',
      /share #2 \(share 2\) belongs to another key/,
    );
  });

  it("a share relabelled to pass as another key's fails its AEAD binding", async () => {
    // An attacker edits key-b's share file to claim key-a's label and SPKI hash, and the
    // record's digest is bypassed by also editing the record: the GCM tag still refuses it.
    const { file, share } = parseShareFile(readFileSync(b.shareFiles[1]!, 'utf8'));
    const forged = join(dir.path, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...file, label: 'key-a', spkiSha256: recordA.spkiSha256 }));
    const forgedShare = parseShareFile(readFileSync(forged, 'utf8')).share;
    const location = { ...a.location, shares: a.location.shares.map((s) => (s.index === 2 ? { ...s, sha256: shareDigest(forgedShare) } : s)) };
    expect(shareDigest(share)).not.toBe(shareDigest(forgedShare));
    await rejects(
      openSharedKey({ ...recordA, location }, [
        { file: a.shareFiles[0]!, passphrase: secrets[0]!.passphrase },
        { file: forged, passphrase: secrets[1]!.passphrase },
      ]),
      'SHARE_PASSPHRASE_WRONG',
      /share 2 \(bob\)/,
    );
  });

  it('never overwrites an existing share or sheet, and leaves it as it was', async () => {
    const before = readFileSync(a.sheetFiles[2]!);
    await rejects(
      generateSharedKey({ label: 'key-a', algorithm: 'ed25519', threshold: 2, custodians: secrets, outDir: join(dir.path, 'a') }),
      'KEY_FILE_EXISTS',
      /key-a\.share-1-of-3\.json already exists/,
    );
    expect(readFileSync(a.sheetFiles[2]!).equals(before)).toBe(true);
    // A clash on only the last sheet still writes nothing.
    const lone = join(dir.path, 'lone');
    const existing = join(lone, 'key-c.share-3-of-3.html');
    mkdirSync(lone);
    writeFileSync(existing, 'mine');
    await rejects(
      generateSharedKey({ label: 'key-c', algorithm: 'ed25519', threshold: 2, custodians: secrets, outDir: lone }),
      'KEY_FILE_EXISTS',
      /key-c\.share-3-of-3\.html/,
    );
    expect(readFileSync(existing, 'utf8')).toBe('mine');
    expect(existsSync(join(lone, 'key-c.share-1-of-3.json'))).toBe(false);
  });

  it('refuses bad splits before making a key', async () => {
    const out = join(dir.path, 'refused');
    const gen = (threshold: number, c: CustodianSecret[]) =>
      generateSharedKey({ label: 'refused', algorithm: 'ed25519', threshold, custodians: c, outDir: out });
    await rejects(gen(1, secrets), 'SHARES_INVALID', /2 ≤ threshold/);
    await rejects(gen(4, secrets), 'SHARES_INVALID', /threshold 4 with 3 custodians/);
    const many = [...Array(17).keys()].map((i) => ({ custodian: `c${i}`, passphrase: `passphrase number ${i}` }));
    await rejects(gen(2, many), 'SHARES_INVALID', /≤ 16/);
    await rejects(
      gen(2, [...secrets.slice(0, 2), { custodian: 'Alice', passphrase: 'a different passphrase' }]),
      'SHARES_INVALID',
      /"alice" and "Alice" have the same name/,
    );
    await rejects(gen(2, [...secrets.slice(0, 2), { custodian: ' ', passphrase: 'a different passphrase' }]), 'SHARES_INVALID', /custodian name/);
    await rejects(gen(2, [...secrets.slice(0, 2), { custodian: 'carol', passphrase: secrets[0]!.passphrase }]), 'SHARES_INVALID', /same passphrase/);
    await rejects(gen(2, [...secrets.slice(0, 2), { custodian: 'carol', passphrase: 'short' }]), 'KEY_PASSPHRASE_WEAK', /custodian "carol"/);
    expect(existsSync(out)).toBe(false);
  });

  it('an RSA share spreads its text over several QR codes that together give the same text', async () => {
    const rsa = await generateSharedKey({
      label: 'rsa-shared',
      algorithm: 'rsa-2048',
      threshold: 2,
      custodians: secrets.slice(0, 2),
      outDir: join(dir.path, 'rsa'),
    });
    const html = readFileSync(rsa.sheetFiles[0]!, 'utf8');
    const qrCount = (html.match(/<svg /g) ?? []).length;
    expect(qrCount).toBeGreaterThan(1);
    expect(html).toContain(`QR 1 of ${qrCount}: lines 1–20`);
    const record = recordFor('rsa-shared', 'rsa-2048', rsa);
    const key = await openSharedKey(record, [
      { text: sheetText(html), passphrase: secrets[0]!.passphrase },
      { file: rsa.shareFiles[1]!, passphrase: secrets[1]!.passphrase },
    ]);
    expectVerifies('rsa-2048', rsa.spki, key.signSync(MESSAGE));
  });
});
