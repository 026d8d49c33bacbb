import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';
import { ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, FINISHED_FILES, readTranscript } from '../support/transcript.js';

/**
 * Intermediate ceremonies under a root with a software key (so no token is needed for the
 * parent): from a CSR on "removable media", and with the intermediate's key made on its
 * own SoftHSM token. The shipped example script is used with the parent renamed and the
 * network rule relaxed.
 */
const tmp = tempDir('hallmark-ceremony-int-');
const home = join(tmp.path, 'ws');
const file = fileWriter(tmp.path);
const example = ceremonyExample;
const script = (edit: (yaml: string) => string = (y) => y) =>
  edit(example('intermediate-csr.yaml').replace('requireNoNetwork: true', 'requireNoNetwork: false').replace('parent: acme-root-2026', 'parent: lab-root'));
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args]);
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const acks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');
const hashOf = async (scriptPath: string) => {
  const h = await cli('--json', 'ceremony', 'hash', scriptPath);
  expect(h.code, h.stderr).toBe(0);
  return (JSON.parse(h.stdout) as { sha256: string }).sha256;
};
const run = async (scriptPath: string, binding: string, out: string, ...more: string[]) =>
  cli(
    'ceremony',
    'run',
    scriptPath,
    '--binding',
    binding,
    '--approved-binding-hash',
    fileSha256(binding),
    '--approved-hash',
    await hashOf(scriptPath),
    '--out',
    out,
    '--ack-file',
    acks,
    ...more,
  );
/** The workspace's register row of the ceremony that wrote to `out` (by its medium). */
const ceremonyAt = async (out: string) => {
  const r = await cli('--json', 'ceremony', 'list');
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { ceremonies: { id: string; status: string; stepsDone: number; outDir: string }[] }).ceremonies.find((c) => c.outDir === out);
};
let rootPem: string;
let csr: string;
let hsm: SoftHsm | undefined;

describe('hallmark ceremony: intermediate', () => {
  beforeAll(async () => {
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const pass = file('root.pass', 'root-passphrase-4e8a\n');
    expect((await cli('key', 'generate', '--label', 'lab-root-key', '--alg', 'ecdsa-p256', '--store', 'software', '--passphrase-file', pass)).code).toBe(0);
    const made = await cli(
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
    );
    expect(made.code, made.stderr).toBe(0);
    rootPem = file('root.pem', (await cli('ca', 'export', 'lab-root')).stdout);
    file('root.der', execFileSync('openssl', ['x509', '-in', rootPem, '-outform', 'DER']));
    file('root.binding.yaml', 'version: 1\nsoftware:\n  passphrase:\n    file: root.pass\n');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(tmp.path, 'online.key')], { stdio: 'pipe' });
    csr = join(tmp.path, 'online.csr');
    execFileSync('openssl', ['req', '-new', '-key', join(tmp.path, 'online.key'), '-subj', '/CN=requested name', '-out', csr], { stdio: 'pipe' });
  });
  afterAll(() => {
    hsm?.dispose();
    if (!process.env.KEEP) tmp.dispose();
  });

  it('signs an intermediate for a CSR from the medium: constraints from the script, CSR hash shown and recorded', async () => {
    const binding = file('csr.binding.yaml', `version: 1\nsoftware:\n  passphrase:\n    file: root.pass\ncsr: online.csr\n`);
    const out = join(tmp.path, 'out-csr');
    const r = await run(file('int.yaml', script()), binding, out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`SHA-256          ${sha256(csr)}`);
    expect(r.stderr.indexOf(sha256(csr))).toBeLessThan(r.stderr.indexOf('step 1/3'));
    expect(readdirSync(out).sort()).toEqual(['acme-online-ca-2026.csr', 'acme-online-ca-2026.der', 'acme-online-ca-2026.pem', ...FINISHED_FILES].sort());
    // The request that was signed is on the medium, byte for byte.
    expect(readFileSync(join(out, 'acme-online-ca-2026.csr')).equals(readFileSync(csr))).toBe(true);
    const cert = join(out, 'acme-online-ca-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', rootPem, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    // The online CA is not a CA of this workspace, but its expiry and renewal are on the root's calendar.
    const calendar = JSON.parse((await cli('--json', 'ceremony', 'calendar')).stdout) as { events: { kind: string; ca: string; summary: string }[] };
    expect(
      calendar.events
        .filter((e) => e.ca === 'Acme Online Device CA 2026')
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['certificate-expires', 'certificate-renew']);
    const text = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain('Subject: C = DE, O = Acme Devices GmbH, CN = Acme Online Device CA 2026');
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Permitted:\s+DNS:devices\.acme\.example/);
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication/);
    const t = readTranscript(out);
    const begun = t.of('started')[0]!;
    expect(begun.kind).toBe('intermediate');
    // The CSR is recorded as an input before the first step.
    const input = t.of('input').find((i) => i.name === 'csr')!;
    expect(input.facts).toMatchObject({ path: csr, sha256: sha256(csr), requestedSubject: 'CN=requested name' });
    expect(t.records.indexOf(input)).toBeLessThan(t.records.indexOf(t.of('step-started')[0]!));
    expect(begun.binding).toMatchObject({
      softwarePassphraseSource: `file ${join(tmp.path, 'root.pass')}`,
      csr,
      secretSources: [{ at: 'software.passphrase', kind: 'file', custodian: null }],
    });
    expect(t.of('action').find((a) => a.step === 'sign-intermediate')!.result).toMatchObject({
      parent: 'lab-root',
      keySource: 'csr',
      tbsIdenticalToLinted: true,
    });
    expect(t.records.at(-1)).toMatchObject({ type: 'completed', signedBy: { certificateSha256: sha256(join(tmp.path, 'root.der')) } });
    // The transcript is signed by the parent (the root), not by the intermediate it made.
    assertMediumVerifies(out, rootPem);
  });

  it('refuses a CSR that fails the checks, and validity beyond 8 years without a reason, before any step', async () => {
    const der = execFileSync('openssl', ['req', '-in', csr, '-outform', 'DER']);
    der[der.length - 3]! ^= 0x01; // inside the signature
    file('bad.csr', der);
    const bad = await run(
      file('int-bad.yaml', script()),
      file('bad.binding.yaml', 'version: 1\nsoftware:\n  passphrase:\n    file: root.pass\ncsr: bad.csr\n'),
      join(tmp.path, 'out-bad'),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^error: CSR_[A-Z_]+: /m);
    expect(bad.stderr).not.toContain('step 1/');
    expect(readdirSync(join(tmp.path, 'out-bad'))).toEqual([]);
    // Refused before the ceremony started: nothing in the register either.
    expect(await ceremonyAt(join(tmp.path, 'out-bad'))).toBeUndefined();

    const long = await run(
      file(
        'int-long.yaml',
        script((y) => y.replace('validityDays: 1825', 'validityDays: 3000')),
      ),
      file('csr.binding.yaml', readFileSync(join(tmp.path, 'csr.binding.yaml'))),
      join(tmp.path, 'out-long'),
    );
    expect(long.code).toBe(1);
    expect(long.stderr).toMatch(/^error: CEREMONY_GUARD: intermediate\.validityDays 3000 exceeds the 8-year intermediate bound/m);
    expect(readdirSync(join(tmp.path, 'out-long'))).toEqual([]);
    const beyond = await run(
      file(
        'int-beyond.yaml',
        script((y) =>
          y
            .replace('validityDays: 1825', 'validityDays: 7400')
            .replace(
              'key:\n    source: csr',
              'key:\n    source: csr\nguards:\n  maxValidityDays: 7500\n  reason: the online CA lives as long as the root in this lab',
            ),
        ),
      ),
      join(tmp.path, 'csr.binding.yaml'),
      join(tmp.path, 'out-beyond'),
    );
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/^error: CEREMONY_GUARD: the intermediate would be valid until .* after its parent "lab-root" expires/m);
    expect(readdirSync(join(tmp.path, 'out-beyond'))).toEqual([]);
  });

  it('keeps a rehearsal and compares the real run with it field by field before signing', async () => {
    const binding = join(tmp.path, 'csr.binding.yaml');
    const record = join(tmp.path, 'rehearsal.json');
    const rehearsal = await cli(
      'ceremony',
      'run',
      file('int-reh.yaml', script()),
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(join(tmp.path, 'int-reh.yaml')),
      '--out',
      join(tmp.path, 'out-reh'),
      '--ack-file',
      acks,
      '--save-rehearsal',
      record,
    );
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(record, 'utf8')) as { certificates: { extensions: { oid: string }[] }[] };
    expect(saved).toMatchObject({ format: 'hallmark-ceremony-rehearsal-v1', certificates: [{ name: 'acme-online-ca-2026', validitySeconds: 1825 * 86400 }] });
    expect(saved.certificates[0]!.extensions.map((e) => e.oid)).not.toContain('2.5.29.14');
    expect(JSON.stringify(saved)).not.toMatch(/serial|signature|notBefore/i);
    expect(readTranscript(join(tmp.path, 'out-reh')).of('completed')[0]!.extra.rehearsalSaved).toEqual({ path: record, sha256: sha256(record) });

    const same = await run(file('int-real.yaml', script()), binding, join(tmp.path, 'out-real'), '--compare-rehearsal', record);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toMatch(/same +subject[\s\S]*same +extension 2\.5\.29\.30/);
    const real = readTranscript(join(tmp.path, 'out-real'));
    const step = (
      real.of('action').find((a) => a.step === 'sign-intermediate')!.result as { rehearsalComparison: { acknowledgments: { role: string; step: string }[] } }
    ).rehearsalComparison;
    expect(step).toMatchObject({ rehearsalSha256: sha256(record), identical: true, signedMatchesCompared: true });
    expect(step.acknowledgments.map((a) => `${a.role} ${a.step}`)).toEqual([
      'administrator sign-intermediate-rehearsal-comparison',
      'witnesses sign-intermediate-rehearsal-comparison',
    ]);
    expect(
      real
        .of('acknowledged')
        .filter((a) => a.step === 'sign-intermediate-rehearsal-comparison')
        .map((a) => a.role),
    ).toEqual(['administrator', 'witnesses']);
    expect(real.of('completed')[0]!.extra.rehearsalComparedWith).toMatchObject({ path: record, sha256: sha256(record) });
    assertMediumVerifies(join(tmp.path, 'out-real'), rootPem);

    const changed = file(
      'int-changed.yaml',
      script((y) => y.replace('[devices.acme.example]', '[devices.acme.example, lab.acme.example]')),
    );
    const differs = await run(changed, binding, join(tmp.path, 'out-differs'), '--compare-rehearsal', record);
    expect(differs.code).toBe(1);
    expect(differs.stderr).toMatch(/DIFFERENT extension 2\.5\.29\.30/);
    expect(differs.stderr).toMatch(/^error: CEREMONY_REHEARSAL_DIFFERS: "acme-online-ca-2026" differs from the rehearsal in extension 2\.5\.29\.30/m);
    // Stopped at the signing step before anything was signed: only the transcript up to the
    // stop is on the medium, and the ceremony stays open until it is resumed or aborted.
    expect(readdirSync(join(tmp.path, 'out-differs'))).toEqual(['transcript.jsonl']);
    expect(readTranscript(join(tmp.path, 'out-differs')).records.at(-1)).toMatchObject({
      type: 'stopped',
      step: 'sign-intermediate',
      code: 'CEREMONY_REHEARSAL_DIFFERS',
    });
    const open = (await ceremonyAt(join(tmp.path, 'out-differs')))!;
    expect(open).toMatchObject({ status: 'running', stepsDone: 1 });
    const aborted = await cli('ceremony', 'abort', open.id, '--reason', 'differs from the rehearsal');
    expect(aborted.code, aborted.stderr).toBe(0);
    const accepted = await run(changed, binding, join(tmp.path, 'out-accepted'), '--compare-rehearsal', record, '--accept-rehearsal-differences');
    expect(accepted.code, accepted.stderr).toBe(0);
    const acceptedSign = readTranscript(join(tmp.path, 'out-accepted'))
      .of('action')
      .find((a) => a.step === 'sign-intermediate')!.result as { rehearsalComparison: { identical: boolean } };
    expect(acceptedSign.rehearsalComparison.identical).toBe(false);
  });

  it.skipIf(!softHsmAvailable())('makes the intermediate key on its own token, reads back CKA_SENSITIVE/CKA_EXTRACTABLE, registers the CA', async () => {
    hsm = createSoftHsm([{ label: 'factory-token', pin: '552901' }]);
    file('factory.pin', '552901\n');
    const yaml = script((y) =>
      y
        .replace('key:\n    source: csr', 'key:\n    source: pkcs11\n    label: factory-ca-key\n    algorithm: ecdsa-p256')
        .replace('ca: acme-online-ca-2026', 'ca: factory-ca-2026')
        .replace(
          '  - id: sign-intermediate',
          '  - id: generate-key\n    say: Generate the factory CA key on its own token.\n    acknowledge: [administrator, witnesses]\n    action: generate-key\n  - id: sign-intermediate',
        ),
    );
    const binding = file(
      'token.binding.yaml',
      `version: 1\nsoftware:\n  passphrase:\n    file: root.pass\nintermediateToken:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    file: factory.pin\n`,
    );
    const out = join(tmp.path, 'out-token');
    const r = await run(file('int-token.yaml', yaml), binding, out);
    expect(r.code, r.stderr).toBe(0);
    const cert = join(out, 'factory-ca-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', rootPem, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    expect(readdirSync(out).sort()).toEqual(['factory-ca-2026.der', 'factory-ca-2026.pem', ...FINISHED_FILES].sort());
    const t = readTranscript(out);
    expect(t.of('action').find((a) => a.step === 'generate-key')!.result).toMatchObject({
      label: 'factory-ca-key',
      tokenSerial: hsm.tokens[0]!.serial,
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
    });
    expect((t.of('started')[0]!.binding as { intermediateToken: unknown }).intermediateToken).toEqual({
      module: hsm.modulePath,
      tokenSerial: hsm.tokens[0]!.serial,
      pinSource: `file ${join(tmp.path, 'factory.pin')}`,
    });
    for (const f of ['transcript.jsonl', 'transcript.html']) expect(readFileSync(join(out, f), 'utf8')).not.toContain('552901');
    assertMediumVerifies(out, rootPem);
    const list = JSON.parse((await cli('--json', 'ca', 'list')).stdout) as { name: string; parent: string | null }[];
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'factory-ca-2026', parent: 'lab-root' })]));
    expect(existsSync(join(out, 'factory-ca-2026.der'))).toBe(true);
  });
});
