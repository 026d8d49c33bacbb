import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/store/workspace.js';
import { opensslCsr, opensslKey } from '../support/csr-fixtures.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The CLI is a face like the app: a file on a medium refused for what it is, and an output
 * aimed into the workspace, are audited in the workspace's log when there is one — and a
 * command run without a workspace creates none to say so.
 */
let tmp: ReturnType<typeof tempDir> | null = null;
afterEach(() => {
  tmp?.dispose();
  tmp = null;
});

function refusals(home: string, action: string) {
  const ws = Workspace.open(home, 'test');
  try {
    return ws.audit
      .query({ offset: 0, limit: 50, action })
      .entries.map((e) => ({ actor: e.actor, subject: e.subject, operation: e.details['operation'], code: e.details['code'] }));
  } finally {
    ws.close();
  }
}

describe('CLI refusals in the audit log', () => {
  it('a symlinked CSR on a stick is refused and audited as media.refused with the command and the link named', async () => {
    tmp = tempDir('hallmark-cli-refusal-');
    const home = join(tmp.path, 'ws');
    expect((await runCli(['--home', home, '--actor', 'custodian-alice', 'init'])).code).toBe(0);
    const stick = join(tmp.path, 'stick');
    mkdirSync(stick);
    const real = join(stick, 'real.csr');
    writeFileSync(real, opensslCsr(tmp.path, { keyPath: opensslKey(tmp.path, 'p256') }).pem);
    const link = join(stick, 'device.csr');
    symlinkSync(real, link);

    const r = await runCli(['--home', home, '--actor', 'custodian-alice', 'csr', 'inspect', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_SYMLINK_REFUSED');
    expect(refusals(home, 'media.refused')).toEqual([{ actor: 'custodian-alice', subject: link, operation: 'cli csr inspect', code: 'FILE_SYMLINK_REFUSED' }]);
  });

  it('a QA report aimed into the workspace is refused and audited as output.refused; nothing is written there', async () => {
    tmp = tempDir('hallmark-cli-refusal-');
    const home = join(tmp.path, 'ws');
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const { dir, rootPem } = await exportedBatch(tmp.path, 'WO-CLIREF');
    const trust = rootPem;
    const target = join(home, 'keys', 'future-key.p8.pem');
    const r = await runCli(['--home', home, '--actor', 'qa-bob', 'manifest', 'verify', dir, '--trust', trust, '--html', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('OUTPUT_INSIDE_WORKSPACE');
    expect(existsSync(target) || existsSync(`${target}.html`)).toBe(false);
    expect(refusals(home, 'output.refused')).toEqual([
      { actor: 'qa-bob', subject: `${target}.html`, operation: 'cli manifest verify', code: 'OUTPUT_INSIDE_WORKSPACE' },
    ]);
  });

  it('without a workspace the refusal is reported and no workspace is created for it', async () => {
    tmp = tempDir('hallmark-cli-refusal-');
    const home = join(tmp.path, 'nowhere');
    const real = join(tmp.path, 'real.csr');
    writeFileSync(real, opensslCsr(tmp.path, { keyPath: opensslKey(tmp.path, 'p256') }).pem);
    const link = join(tmp.path, 'device.csr');
    symlinkSync(real, link);
    const r = await runCli(['--home', home, 'csr', 'inspect', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FILE_SYMLINK_REFUSED');
    expect(existsSync(home)).toBe(false);
  });
});
