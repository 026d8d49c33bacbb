import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedBatch, manifestWorkspace } from '../support/manifest-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** `hallmark cert list / show` over a real station workspace, and `ca create`'s defaults making a hierarchy that lints. */
const tmp = tempDir('hallmark-cert-list-');
const station = join(tmp.path, 'factory', 'ws');
let serials: string[];

interface Listed {
  serial: string;
  issuerCa: string | null;
  profile: string;
  status: string;
  workOrder: string | null;
  hardwareSerial: string | null;
}

beforeAll(async () => {
  const m = await manifestWorkspace(join(tmp.path, 'factory'));
  serials = await closedBatch(m, 'WO-L1');
  m.ws.close();
});
afterAll(() => tmp.dispose());

const cli = (home: string, ...args: string[]) => runCli(['--home', home, ...args]);
const list = async (...filters: string[]) => {
  const r = await cli(station, '--json', 'cert', 'list', ...filters);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Listed[];
};

describe('hallmark cert list / show', () => {
  it('lists what the workspace issued, filtered by CA, work order, hardware serial and status', async () => {
    const all = await list();
    expect(all.map((r) => r.profile)).toEqual(expect.arrayContaining(['root', 'intermediate', 'manifest-signer', 'idevid']));
    const mfg = await list('--ca', 'mfg');
    expect(mfg.every((r) => r.issuerCa === 'mfg')).toBe(true);
    const order = await list('--work-order', 'WO-L1');
    // 0001..0005 got certificates, 0004 twice (rework); 0006 failed first, 0007 never came
    expect(order.map((r) => r.hardwareSerial).sort()).toEqual([serials[0], serials[1], serials[2], serials[3], serials[3], serials[4]].sort());
    const device = await list('--hw-serial', serials[3]!);
    expect(device.map((r) => r.status).sort()).toEqual(['active', 'revoked']);
    expect(await list('--status', 'revoked')).toEqual([expect.objectContaining({ hardwareSerial: serials[3], status: 'revoked' })]);

    const unknownCa = await cli(station, 'cert', 'list', '--ca', 'nope');
    expect(unknownCa.code).toBe(2);
    expect(unknownCa.stderr).toMatch(/^error: CA_NOT_FOUND: /);
    const text = await cli(station, 'cert', 'list', '--work-order', 'WO-L1', '--status', 'active');
    expect(text.stdout.trim().split('\n')).toHaveLength(5);
    expect(text.stdout).toContain(`WO-L1/${serials[0]}`);
  });

  it('shows one certificate in words, and as PEM that openssl reads back to the same serial', async () => {
    const [device] = await list('--hw-serial', serials[0]!);
    const shown = await cli(station, 'cert', 'show', device!.serial);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/signature\s+ECDSA P-256 with SHA-256 \(1\.2\.840\.10045\.4\.3\.2\)/);
    expect(shown.stdout).toMatch(/Basic constraints\s+not a CA \(end entity\)\s+\[2\.5\.29\.19, critical\]/);
    expect(shown.stdout).toMatch(new RegExp(`hardware serial\\s+${serials[0]}`));
    expect(shown.stdout).toMatch(/work order\s+WO-L1/);

    const pem = await cli(station, 'cert', 'show', `0x${device!.serial.toUpperCase()}`, '--pem');
    expect(pem.code, pem.stderr).toBe(0);
    const out = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem.stdout, encoding: 'utf8' });
    expect(out.trim().toLowerCase()).toBe(`serial=${device!.serial}`);

    const missing = await cli(station, 'cert', 'show', 'abcdef');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: CERTIFICATE_NOT_FOUND: /);
    const junk = await cli(station, 'cert', 'show', 'not-hex');
    expect(junk.stderr).toMatch(/^error: CERTIFICATE_SERIAL_INVALID: /);
  });
});

describe('hallmark ca create defaults', () => {
  it('an intermediate with the default validity right after a root with the default ends inside the root', async () => {
    const home = join(tmp.path, 'defaults');
    const pass = join(tmp.path, 'pass');
    writeFileSync(pass, 'default validity passphrase\n');
    expect((await cli(home, 'init')).code).toBe(0);
    for (const label of ['root-key', 'int-key']) expect((await cli(home, 'key', 'generate', '--label', label, '--passphrase-file', pass)).code).toBe(0);
    const root = await cli(
      home,
      'ca',
      'create',
      '--name',
      'root',
      '--profile',
      'root',
      '--key',
      'root-key',
      '--subject',
      'CN=Default Root',
      '--passphrase-file',
      pass,
    );
    expect(root.code, root.stderr).toBe(0);
    const int = await cli(
      home,
      'ca',
      'create',
      '--name',
      'int',
      '--profile',
      'intermediate',
      '--parent',
      'root',
      '--key',
      'int-key',
      '--subject',
      'CN=Default Intermediate',
      '--passphrase-file',
      pass,
    );
    expect(int.code, int.stderr).toBe(0);
    const rootPem = join(tmp.path, 'default-root.pem');
    writeFileSync(rootPem, root.stdout);
    const end = (pem: string) =>
      new Date(execFileSync('openssl', ['x509', '-noout', '-enddate'], { input: pem, encoding: 'utf8' }).trim().replace('notAfter=', ''));
    expect(end(int.stdout).getTime()).toBeLessThan(end(root.stdout).getTime());
    // about five years (1825 days), not the root's ten
    expect((end(int.stdout).getTime() - Date.now()) / 86_400_000).toBeGreaterThan(1824);
    expect((end(int.stdout).getTime() - Date.now()) / 86_400_000).toBeLessThan(1826);
    execFileSync('openssl', ['verify', '-CAfile', rootPem], { input: int.stdout });
  });
});
