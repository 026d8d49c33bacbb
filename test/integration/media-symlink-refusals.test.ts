import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, symlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { loadCeremonyCsr } from '../../main/ceremony/intermediate-csr.js';
import { TranscriptWriter } from '../../main/ceremony/transcript/transcript-chain.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { generateSharedKey, openSharedKey } from '../../main/keys/shares/index.js';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { Workspace } from '../../main/store/workspace.js';
import { opensslCsr, opensslKey } from '../support/csr-fixtures.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Files from removable media go through the one bounded reader (main/files/read-media-file.ts):
 * a symbolic link on the stick is refused with its path named — not followed to
 * /proc/self/environ or a key file — and an oversized file is refused unread.
 */
const tmp = tempDir('hallmark-media-attacks-');
let dir: string;
let rootPem: string;
let ws: Workspace;
let handlers: Handlers;

beforeAll(async () => {
  ({ dir, rootPem } = await exportedBatch(tmp.path, 'WO-SYM1'));
  ws = Workspace.init(join(tmp.path, 'inventory'), 'test').workspace;
  handlers = createCoreHandlers(ws);
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

/** The exported folder copied onto the stick, its manifest.json replaced by a link to `target` ('real': the genuine bytes, moved aside). */
function linkedManifest(name: string, target: string): string {
  const copy = join(tmp.path, 'stick', name);
  cpSync(dir, copy, { recursive: true });
  const json = join(copy, 'manifest.json');
  const aside = join(tmp.path, 'stick', `${name}.real.json`);
  renameSync(json, aside);
  symlinkSync(target === 'real' ? aside : target, json);
  return copy;
}

describe('a symlinked manifest.json', () => {
  it('is refused by qa.verify, inventory.import and `manifest verify`, naming the link — even when it points at the genuine bytes', async () => {
    const folder = linkedManifest('WO-LINKED', 'real');
    const link = join(folder, 'manifest.json');
    const qa = await dispatch(handlers, 'qa.verify', { dir: folder, trustPem: rootPem });
    expect(qa).toMatchObject({ ok: false, error: { code: 'FILE_SYMLINK_REFUSED' } });
    expect(!qa.ok && qa.error.message).toContain(link);
    const imported = await dispatch(handlers, 'inventory.import', { dirs: [folder], trustPem: rootPem, operator: 'clerk' });
    expect(imported).toMatchObject({ ok: true, value: { results: [{ ok: false, code: 'FILE_SYMLINK_REFUSED' }] } });
    expect(ws.audit.query({ offset: 0, limit: 10, action: 'inventory.imported' }).entries).toEqual([]);
    expect(ws.audit.query({ action: 'media.refused' }).entries.map((e) => [e.actor, e.subject, e.details['operation'], e.details['code']])).toEqual([
      ['app', link, 'qa.verify', 'FILE_SYMLINK_REFUSED'],
      ['clerk', link, 'inventory.import', 'FILE_SYMLINK_REFUSED'],
    ]);
    const cli = await runCli(['manifest', 'verify', folder, '--trust', rootPem]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(new RegExp(`^error: FILE_SYMLINK_REFUSED: .*${link.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it('pointing at /proc/self/environ puts no environment text into the verifier report or the error', async () => {
    const folder = linkedManifest('WO-ENVIRON', '/proc/self/environ');
    process.env['HALLMARK_TEST_CANARY'] = 'canary-4f1d9a-secret';
    try {
      expect(() => verifyManifestFolder(folder, { anchors: readTrustAnchors(readFileSync(rootPem)) })).toThrow(/FILE_SYMLINK_REFUSED|symbolic link/);
      const r = await dispatch(handlers, 'qa.verify', { dir: folder, trustPem: rootPem });
      expect(JSON.stringify(r)).not.toContain('canary-4f1d9a');
      expect(r).toMatchObject({ ok: false, error: { code: 'FILE_SYMLINK_REFUSED' } });
    } finally {
      delete process.env['HALLMARK_TEST_CANARY'];
    }
  });
});

describe('share files', () => {
  const custodians = [
    { custodian: 'alice', passphrase: 'alice passphrase, long enough' },
    { custodian: 'bob', passphrase: 'bob passphrase, long enough' },
  ];
  let made: Awaited<ReturnType<typeof generateSharedKey>>;
  let record: KeyRecord;
  beforeAll(async () => {
    made = await generateSharedKey({ label: 'sym-key', algorithm: 'ecdsa-p256', threshold: 2, custodians, outDir: join(tmp.path, 'shares') });
    record = {
      label: 'sym-key',
      store: 'shares',
      algorithm: 'ecdsa-p256',
      spki: made.spki,
      spkiSha256: createHash('sha256').update(made.spki).digest('hex'),
      location: { ...made.location },
      createdAt: new Date().toISOString(),
    };
  });

  it('a symlinked share file is refused with the link named, before any passphrase is tried', async () => {
    const link = join(tmp.path, 'shares', 'alice-link.json');
    symlinkSync(made.shareFiles[0]!, link);
    const opening = openSharedKey(record, [
      { file: link, passphrase: custodians[0]!.passphrase },
      { file: made.shareFiles[1]!, passphrase: custodians[1]!.passphrase },
    ]);
    await expect(opening).rejects.toMatchObject({ code: 'FILE_SYMLINK_REFUSED', path: link });
    await expect(opening).rejects.toThrow(link);
    // the genuine files still open the key
    const key = await openSharedKey(
      record,
      made.shareFiles.map((file, i) => ({ file, passphrase: custodians[i]!.passphrase })),
    );
    expect(key.label).toBe('sym-key');
  });

  it('an oversized share file is refused from its size, unread (a sparse 4 GiB file)', async () => {
    const big = join(tmp.path, 'shares', 'huge.share.json');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 4 * 1024 ** 3);
    const started = Date.now();
    await expect(
      openSharedKey(record, [
        { file: big, passphrase: 'x' },
        { file: made.shareFiles[1]!, passphrase: custodians[1]!.passphrase },
      ]),
    ).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      path: big,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('CSRs', () => {
  let csr: string;
  beforeAll(() => {
    const keys = join(tmp.path, 'csr');
    mkdirSync(keys);
    csr = opensslCsr(keys, { keyPath: opensslKey(keys, 'p256'), subject: '/CN=online-ca' }).path;
  });

  it('a symlinked CSR is refused by `csr inspect` and by the intermediate ceremony, naming the link', async () => {
    const link = join(tmp.path, 'csr', 'online-ca.csr');
    symlinkSync(csr, link);
    const r = await runCli(['csr', 'inspect', link], { HALLMARK_HOME: join(tmp.path, 'inventory') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_SYMLINK_REFUSED');
    expect(r.stderr).toContain(link);
    expect(() => loadCeremonyCsr(link)).toThrow(expect.objectContaining({ code: 'FILE_SYMLINK_REFUSED', path: link }));
    expect(loadCeremonyCsr(csr).csr.subject).toContain('online-ca');
  });
});

describe('transcript resume', () => {
  it('refuses a symlinked transcript instead of appending through the link', () => {
    const real = join(tmp.path, 'elsewhere.jsonl');
    const w = TranscriptWriter.create(real);
    w.append({ type: 'note', note: 'first' } as never);
    w.close();
    const medium = join(tmp.path, 'medium');
    mkdirSync(medium);
    const link = join(medium, 'transcript.jsonl');
    symlinkSync(real, link);
    const before = readFileSync(real);
    expect(() => TranscriptWriter.resume(link)).toThrow(expect.objectContaining({ code: 'FILE_SYMLINK_REFUSED', path: link }));
    expect(readFileSync(real).equals(before)).toBe(true);
    expect(existsSync(real)).toBe(true);
  });
});
