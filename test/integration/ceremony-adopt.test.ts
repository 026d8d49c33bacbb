import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackFileSource, type AckSource } from '../../main/ceremony/acknowledgments.js';
import { loadBinding } from '../../main/ceremony/ceremony-binding.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import { runCeremony } from '../../main/ceremony/run-ceremony.js';
import { CeremonyRepository } from '../../main/store/ceremony-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { allowNetwork, ceremonyExample, fileWriter } from '../support/ceremony-files.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { assertMediumVerifies, readTranscript } from '../support/transcript.js';

/**
 * A step whose effect reached the workspace but which did not commit — the hardest
 * interruption. Made real, not simulated: while the administrator and witnesses review the
 * to-be-signed certificate, a file appears on the medium under the name the step writes
 * next, so the signature is made and recorded, and then the step stops on that file.
 * Resuming must adopt the recorded certificate (not sign a second one) when the files on
 * the medium are what the workspace holds, and refuse when they are not.
 */
const tmp = tempDir('hallmark-ceremony-adopt-');
const home = join(tmp.path, 'ws');
const file = fileWriter(tmp.path);
const acks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');
let csr: string;
let rootPem: string;

/** The rehearsal ack file, plus something done on the medium when one step is reviewed. */
function plantingAt(step: string, plant: () => void): AckSource {
  const inner = ackFileSource(acks);
  return {
    via: inner.via,
    collect: async (s, script, say) => {
      if (s.id === step) plant();
      return inner.collect(s, script, say);
    },
  };
}

describe('resuming a step whose effect was recorded', () => {
  beforeAll(async () => {
    const cli = (...a: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...a]);
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const pass = file('root.pass', 'root-passphrase-4e8a\n');
    expect((await cli('key', 'generate', '--label', 'lab-root-key', '--alg', 'ecdsa-p256', '--store', 'software', '--passphrase-file', pass)).code).toBe(0);
    expect(
      (
        await cli(
          'ca',
          'create',
          '--name',
          'lab-root',
          '--profile',
          'root',
          '--key',
          'lab-root-key',
          '--subject',
          'CN=Lab Root',
          '--days',
          '7300',
          '--passphrase-file',
          pass,
        )
      ).code,
    ).toBe(0);
    rootPem = file('root.pem', (await cli('ca', 'export', 'lab-root')).stdout);
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(tmp.path, 'online.key')], { stdio: 'pipe' });
    csr = join(tmp.path, 'online.csr');
    execFileSync('openssl', ['req', '-new', '-key', join(tmp.path, 'online.key'), '-subj', '/CN=requested name', '-out', csr], { stdio: 'pipe' });
    file('binding.yaml', `version: 1\nsoftware:\n  passphrase:\n    file: root.pass\ncsr: ${csr}\n`);
  });
  afterAll(() => {
    if (!process.env.KEEP) tmp.dispose();
  });

  async function run(name: string, source: AckSource, out: string, resume?: string) {
    const bytes = Buffer.from(
      allowNetwork(ceremonyExample('intermediate-csr.yaml'))
        .replace('parent: acme-root-2026', 'parent: lab-root')
        .replace(/name: \S+/, `name: ${name}`),
    );
    const scriptPath = file(`${name}.yaml`, bytes);
    const script = parseCeremonyScript(bytes, scriptPath);
    const ws = Workspace.open(home, 'ceremony-admin');
    try {
      return await runCeremony({
        ws,
        script,
        scriptPath,
        approvedHash: script.sha256,
        binding: loadBinding(join(tmp.path, 'binding.yaml')),
        approvedBindingHash: loadBinding(join(tmp.path, 'binding.yaml')).sha256,
        env: {},
        outDir: out,
        acks: source,
        actor: 'ceremony-admin',
        say: () => undefined,
        ...(resume ? { resume } : {}),
      });
    } finally {
      ws.close();
    }
  }

  function certificatesFor(spkiSha256: string): number {
    const ws = Workspace.open(home, 'test');
    try {
      return (ws.db.prepare("SELECT COUNT(*) AS n FROM certificates WHERE issuer_ca = 'lab-root' AND spki_sha256 = ?").get(spkiSha256) as { n: number }).n;
    } finally {
      ws.close();
    }
  }

  it('adopts the certificate the interrupted step recorded and writes nothing twice', async () => {
    const out = join(tmp.path, 'out-adopt');
    const plantCsr = () => copyFileSync(csr, join(out, 'acme-online-ca-2026.csr'));
    await expect(run('adopt-ok', plantingAt('sign-intermediate-tbs-review', plantCsr), out)).rejects.toMatchObject({ code: 'CEREMONY_OUTPUT_EXISTS' });
    const t0 = readTranscript(out);
    const id = t0.of('started')[0]!.ceremonyId;
    const spki = (t0.of('input')[0]!.facts as { spkiSha256: string }).spkiSha256;
    expect(t0.records.at(-1)).toMatchObject({ type: 'stopped', step: 'sign-intermediate', code: 'CEREMONY_OUTPUT_EXISTS' });
    // The signature was made and recorded before the step stopped.
    expect(certificatesFor(spki)).toBe(1);

    const result = await run('adopt-ok', ackFileSource(acks), out, id);
    const t = readTranscript(out);
    const action = t.of('action').find((a) => a.action === 'sign-intermediate')!;
    expect(action.result).toMatchObject({ adoptedOnResume: expect.any(String), keySource: 'csr' });
    // One certificate for that key, the one on the medium.
    expect(certificatesFor(spki)).toBe(1);
    expect(execFileSync('openssl', ['verify', '-CAfile', rootPem, join(out, 'acme-online-ca-2026.pem')], { encoding: 'utf8' })).toContain(': OK');
    expect(readFileSync(join(out, 'acme-online-ca-2026.csr')).equals(readFileSync(csr))).toBe(true);
    assertMediumVerifies(out, rootPem);
    expect(result.ceremonyId).toBe(id);
    const ws = Workspace.open(home, 'test');
    try {
      expect(new CeremonyRepository(ws).get(id)).toMatchObject({ status: 'completed', stepsDone: 3 });
    } finally {
      ws.close();
    }
  });

  it('refuses to adopt when a file on the medium is not what the workspace recorded', async () => {
    const out = join(tmp.path, 'out-foreign');
    const plantForeign = () => writeFileSync(join(out, 'acme-online-ca-2026.csr'), 'not the request that was signed\n');
    await expect(run('adopt-foreign', plantingAt('sign-intermediate-tbs-review', plantForeign), out)).rejects.toMatchObject({ code: 'CEREMONY_OUTPUT_EXISTS' });
    const id = readTranscript(out).of('started')[0]!.ceremonyId;
    await expect(run('adopt-foreign', ackFileSource(acks), out, id)).rejects.toMatchObject({
      code: 'CEREMONY_TRANSCRIPT_INVALID',
      message: expect.stringContaining('acme-online-ca-2026.csr is not what the workspace recorded'),
    });
  });
});
