import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/api/dispatch.js';
import { createAuthoritiesHandlers } from '../../main/api/authorities-handlers.js';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { pemBlock } from '../../main/ceremony/publication/publication-format.js';
import { loadCa } from '../../main/ca/certificate-authority.js';
import { CaRepository } from '../../main/store/ca-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { TestDialogs } from '../host/test-dialogs.js';
import { authoritiesWorkspace } from '../support/authorities-fixture.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/** The Authorities operations against a real workspace: a token CA's CRL signed with its PIN, and what is refused. */
const present = softHsmAvailable();
const dirs = tempDir('hallmark-authorities-api-');
const home = join(dirs.path, 'ws');
let hsm: SoftHsm;
let ws: Workspace;

beforeAll(async () => {
  if (!present) return;
  hsm = createSoftHsm([{ label: 'root-token', pin: '902413' }]);
  await authoritiesWorkspace(home, hsm);
  ws = Workspace.open(home, 'test');
});
afterAll(() => {
  ws?.close();
  hsm?.dispose();
  dirs.dispose();
});

describe.skipIf(!present)('authorities.* operations', () => {
  it("signs a token CA's CRL with the PIN typed for it; the CRL verifies with openssl", async () => {
    const h = createAuthoritiesHandlers(ws, { saves: new TestDialogs().saver, env: { ...process.env, HALLMARK_PKCS11_MODULE: hsm.modulePath } });
    const wrong = await Promise.resolve(
      h['authorities.signCrl']({ ca: 'token-root', nextUpdateDays: 60, unlock: { kind: 'pkcs11-pin', pin: '000000' } }),
    ).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'PKCS11_PIN_WRONG' });
    expect((wrong as Error).message).not.toContain('000000');
    expect(new CaRepository(ws).latestCrl('token-root')!.crlNumber).toBe(1);
    const signed = await h['authorities.signCrl']({ ca: 'token-root', nextUpdateDays: 60, unlock: { kind: 'pkcs11-pin', pin: hsm.tokens[0]!.pin } });
    expect(signed).toMatchObject({ crlNumber: 2, authority: { id: 'ca:token-root', crl: { crlNumber: 2, state: 'fresh', daysLeft: 59 } } });
    const root = join(dirs.path, 'root.pem');
    writeFileSync(root, pemBlock(loadCa(ws, 'token-root').certificate.der, 'CERTIFICATE'));
    writeFileSync(join(dirs.path, 'root.crl'), new CaRepository(ws).latestCrl('token-root')!.der);
    execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dirs.path, 'root.crl'), '-CAfile', root, '-noout'], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(ws.audit.query({ offset: 0, limit: 1000 }).entries.filter((e) => e.action === 'crl.issued' && e.subject === 'token-root')).toHaveLength(2);
  });

  it('refuses a shares CA (a ceremony), a renderer path, a DER chain and an unknown authority', async () => {
    const dialogs = new TestDialogs();
    const h = createCoreHandlers(ws, undefined, undefined, { saves: dialogs.saver });
    expect(
      await dispatch(h, 'authorities.signCrl', { ca: 'shares-root', nextUpdateDays: 30, unlock: { kind: 'passphrase', passphrase: 'whatever it is' } }),
    ).toMatchObject({ ok: false, error: { code: 'CRL_NEEDS_CEREMONY' } });
    expect(await dispatch(h, 'authorities.export', { id: 'ca:mfg', what: 'certificate', format: 'pem', path: join(dirs.path, 'x.pem') })).toMatchObject({
      ok: false,
      error: { code: 'OUTPUT_PATH_FROM_RENDERER' },
    });
    expect(ws.audit.query({ offset: 0, limit: 1000 }).entries.at(-1)).toMatchObject({ action: 'output.refused' });
    expect(await dispatch(h, 'authorities.export', { id: 'ca:mfg', what: 'chain', format: 'der' })).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_CHAIN_NOT_DER' },
    });
    expect(await dispatch(h, 'authorities.export', { id: 'cert:999999', what: 'certificate', format: 'der' })).toMatchObject({
      ok: false,
      error: { code: 'AUTHORITY_NOT_FOUND' },
    });
    expect(await dispatch(h, 'authorities.export', { id: '../etc', what: 'certificate', format: 'der' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // cancelled: nothing written; then DER of the manifest signer, never over an existing file
    dialogs.answerSave(null);
    expect(await dispatch(h, 'authorities.export', { id: 'ca:mfg', what: 'certificate', format: 'der' })).toEqual({ ok: true, value: null });
    const signer = (await h['authorities.list']({})).authorities.find((a) => a.kind === 'manifest-signer')!;
    const out = join(dirs.path, 'signer');
    dialogs.answerSave(out);
    const done = await dispatch(h, 'authorities.export', { id: signer.id, what: 'certificate', format: 'der' });
    expect(done).toMatchObject({ ok: true, value: { path: `${out}.der` } });
    expect(
      execFileSync('openssl', ['x509', '-inform', 'DER', '-in', `${out}.der`, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' })
        .replace(/:/g, '')
        .toLowerCase(),
    ).toContain(signer.certificate.sha256);
    dialogs.answerSave(out);
    expect(await dispatch(h, 'authorities.export', { id: signer.id, what: 'certificate', format: 'der' })).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_EXISTS' },
    });
  });
});
