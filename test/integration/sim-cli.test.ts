import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { personalityNames } from '../../main/devices/simulator/personalities.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { AGENT, requireAgent } from '../support/agent-binary.js';
import { tempDir } from '../support/temp-dir.js';

const BIN = fileURLToPath(new URL('../../bin/hallmark.mjs', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

interface SimDevice {
  path: string;
  serial: string;
  protocol: string;
  model: string;
}

/** Starts `hallmark sim` and resolves with its first stdout line, and the rest as it comes. */
function startSim(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; firstLine: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'sim', ...args], { cwd: REPO_ROOT, env: { ...process.env, HALLMARK_HOME: '' } });
  children.push(child);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl), output: () => out, exited });
    });
    void exited.then((code) => reject(new Error(`hallmark sim exited ${code} before its first line: ${err}`)));
  });
}

/** Running hallmark-agent processes whose command line mentions `needle` (pgrep exits 1 when none do). */
function agentsMentioning(needle: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', '-a', 'hallmark-agent'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(needle) && !l.includes('pgrep'));
  } catch {
    return [];
  }
}

describe('hallmark sim as a separate process', () => {
  it('prints the station paths first, the devices answer probes, and SIGTERM removes the PTYs and every socat', async () => {
    const { child, firstLine, exited } = await startSim(['--count', '2', '--json', '--keygen-delay', '5-10']);
    const devices = JSON.parse(firstLine) as SimDevice[];
    expect(devices.map((d) => [d.serial, d.protocol, d.model])).toEqual([
      ['HM-SIM1-0001', 'hallmark', 'SIM1'],
      ['HM-SIM1-0002', 'hallmark', 'SIM1'],
    ]);
    const dir = dirname(devices[0]!.path);
    for (const d of devices) expect(existsSync(d.path)).toBe(true);
    expect(socatPidsMentioning(dir)).toHaveLength(2);

    const probes = await Promise.all(devices.map((d) => runCli(['--json', 'device', 'probe', d.path, '--timeout', '1000'])));
    for (const [i, probe] of probes.entries()) {
      expect(probe.stderr).toBe('');
      expect(probe.code).toBe(0);
      expect(JSON.parse(probe.stdout)).toMatchObject({ protocol: 'hallmark', hardwareSerial: devices[i]!.serial, provisioningState: 'blank' });
    }
    const text = await runCli(['device', 'probe', devices[1]!.path]);
    expect(text.stdout).toContain('serial      HM-SIM1-0002');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const d of devices) expect(existsSync(d.path)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(socatPidsMentioning(dir)).toEqual([]);
  });

  it('--agent runs reference device agents on the PTYs: they answer probes, keep their store, and SIGTERM stops them', async () => {
    requireAgent();
    const tmp = tempDir('hallmark-sim-agent-');
    try {
      const root = join(tmp.path, 'root.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(tmp.path, 'root.key'),
          '-out',
          root,
          '-subj',
          '/CN=Test Root',
          '-days',
          '2',
        ],
        { stdio: 'ignore' },
      );
      const stores = join(tmp.path, 'elements');
      mkdirSync(stores);
      const { child, firstLine, exited } = await startSim([
        '--agent',
        AGENT,
        '--agent-trust',
        root,
        '--agent-store',
        stores,
        '--count',
        '2',
        '--json',
        '--baud',
        '0',
      ]);
      const devices = JSON.parse(firstLine) as (SimDevice & { store: string })[];
      expect(devices.map((d) => [d.serial, d.protocol, d.model, d.store])).toEqual([
        ['HM-SIM1-0001', 'hallmark', 'SIM1', join(stores, 'HM-SIM1-0001.se')],
        ['HM-SIM1-0002', 'hallmark', 'SIM1', join(stores, 'HM-SIM1-0002.se')],
      ]);
      const probe = await runCli(['--json', 'device', 'probe', devices[0]!.path, '--timeout', '2000']);
      expect(probe.code).toBe(0);
      expect(JSON.parse(probe.stdout)).toMatchObject({ protocol: 'hallmark', hardwareSerial: 'HM-SIM1-0001', provisioningState: 'blank' });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(agentsMentioning(stores)).toEqual([]);
    } finally {
      tmp.dispose();
    }
  });

  it('--agent without --agent-trust is a usage error', async () => {
    const r = await runCli(['sim', '--agent', '--count', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--agent-trust/);
  });

  it('prints plain paths on the first line without --json, and numbers serials as asked', async () => {
    const { child, firstLine, output, exited } = await startSim(['--count', '2', '--model', 'WX9', '--serial-start', '41']);
    const paths = firstLine.split(' ');
    expect(paths).toHaveLength(2);
    for (const p of paths) expect(existsSync(p)).toBe(true);
    // The serials are printed after the paths: wait for them, then stop.
    await waitFor('both serials printed', () => output().includes('HM-WX9-0041') && output().includes('HM-WX9-0042'));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const p of paths) expect(existsSync(p)).toBe(false);
    expect(socatPidsMentioning(dirname(paths[0]!))).toEqual([]);
  });

  it('leaves no socat behind even when killed outright (SIGKILL)', async () => {
    const { child, firstLine, exited } = await startSim(['--count', '2', '--json']);
    const dir = dirname((JSON.parse(firstLine) as SimDevice[])[0]!.path);
    expect(socatPidsMentioning(dir)).toHaveLength(2);
    child.kill('SIGKILL');
    await exited;
    await waitFor('the orphaned socat processes to exit', () => socatPidsMentioning(dir).length === 0);
    rmSync(dir, { recursive: true, force: true }); // nobody was left to remove the links
  });

  it.runIf(personalityNames().includes('nrf91'))('simulates nRF91 modems that probe identifies over AT commands', async () => {
    const { child, firstLine, exited } = await startSim(['--count', '1', '--json', '--protocol', 'nrf91', '--keygen-delay', '5']);
    const devices = JSON.parse(firstLine) as SimDevice[];
    const probe = await runCli(['--json', 'device', 'probe', devices[0]!.path, '--timeout', '1000']);
    expect(probe.code).toBe(0);
    expect(JSON.parse(probe.stdout)).toMatchObject({ protocol: 'nrf91', hardwareSerial: devices[0]!.serial });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses an unknown fault mode and a port with nothing on it, with coded errors', async () => {
    const bad = await runCli(['sim', '--count', '1', '--fault', 'gremlins@1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: USAGE: .*gremlins/);
    const missing = await runCli(['device', 'probe', '/nonexistent/ttyACM9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: LINK_OPEN_FAILED: /);
  });
});

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
