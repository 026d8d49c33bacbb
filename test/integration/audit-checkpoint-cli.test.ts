import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/store/workspace.js';
import { rewriteAuditEntry } from '../support/rewrite-audit-chain.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** `hallmark audit key create`, `audit checkpoint` and `audit verify --trust`, as an operator and an attacker would meet them. */
const tmp = tempDir('hallmark-audit-checkpoint-cli-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'audit.pass');
const cert = join(tmp.path, 'audit-cert.pem');
const cli = (...a: string[]) => runCli(['--home', home, '--actor', 'alice', ...a]);
const inWorkspace = <T>(fn: (ws: Workspace) => T): T => {
  const ws = Workspace.open(home, 'test');
  try {
    return fn(ws);
  } finally {
    ws.close();
  }
};
afterAll(() => tmp.dispose());

describe('hallmark audit checkpoints', () => {
  it('creates the audit key, checkpoints, and catches a rewritten chain with --trust', async () => {
    writeFileSync(pass, 'audit-key-passphrase-71c3\n');
    expect((await cli('init')).code).toBe(0);
    const none = await cli('audit', 'checkpoint', '--passphrase-file', pass);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('error: AUDIT_KEY_MISSING:') as unknown]);
    expect((await cli('key', 'generate', '--label', 'audit-key', '--alg', 'ecdsa-p256', '--passphrase-file', pass)).code).toBe(0);
    const created = await cli('audit', 'key', 'create', '--key', 'audit-key', '--out', cert, '--passphrase-file', pass);
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(cert)).toBe(true);

    inWorkspace((ws) =>
      ['received tray 4', 'HSM back in safe'].forEach((text) => ws.audit.append({ actor: 'bob', action: 'audit.note', subject: '', details: { text } })),
    );
    const signed = await cli('audit', 'checkpoint', '--passphrase-file', pass);
    expect(signed.code, signed.stderr).toBe(0);
    const cpSeq = Number(/checkpoint recorded as seq (\d+)/.exec(signed.stdout)![1]);
    inWorkspace((ws) => ws.audit.append({ actor: 'bob', action: 'audit.note', subject: '', details: { text: 'after the checkpoint' } }));

    const good = await cli('audit', 'verify', '--trust', cert);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain(`checkpoints verified: 1; the last good one at seq ${cpSeq}`);
    expect(good.stdout).toContain(`not yet checkpointed: 1 entries (seq ${cpSeq + 1} to ${cpSeq + 1})`);

    // the attacker: an entry before the checkpoint rewritten, every later hash and the head recomputed
    rewriteAuditEntry(join(home, 'hallmark.db'), cpSeq - 2, (d) => ({ ...d, text: 'received tray 5' }));
    const fooled = await cli('audit', 'verify');
    expect(fooled.code).toBe(0); // the chain alone proves order, not authorship
    expect(fooled.stdout).toContain('1 signed checkpoint(s) not checked');
    const caught = await cli('audit', 'verify', '--trust', cert);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toContain(`error: AUDIT_CHECKPOINT_MISMATCH: first bad checkpoint seq ${cpSeq}: checkpoint at seq ${cpSeq}: it no longer matches`);

    // and the next routine checkpoint does not bless the rewrite
    const refused = await cli('audit', 'checkpoint', '--passphrase-file', pass);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining('error: AUDIT_CHECKPOINT_MISMATCH:') as unknown]);
    inWorkspace((ws) => {
      const [last] = ws.audit.query({ newestFirst: true, limit: 1 }).entries;
      expect([last!.action, last!.details['code']]).toEqual(['audit.checkpoint-refused', 'AUDIT_CHECKPOINT_MISMATCH']);
      expect(ws.audit.query({ action: 'audit.checkpoint' }).total).toBe(1);
    });
  });

  it('refuses as AUDIT-CERT what is not an audit certificate, naming the problem', async () => {
    writeFileSync(join(tmp.path, 'not-a-cert.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const r = await cli('audit', 'verify', '--trust', join(tmp.path, 'not-a-cert.pem'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: AUDIT_CERT_INVALID: the audit certificate cannot be read/m);
  });
});
