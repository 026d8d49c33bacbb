import { execFile, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../main/devices/device-errors.js';
import type { DeviceDriver, LineLink } from '../../main/devices/line-link.js';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import { driverFor, type DeviceOpener } from '../../main/station/open-device.js';
import { startStation, type StationOptions } from '../../main/station/start-station.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';
import { toPem } from '../support/pem.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import {
  AGENT_BINARY,
  AGENT_FUZZ_BINARY,
  AGENT_TESTS_BINARY,
  agentStoreInfo,
  requireFirmwareBinary,
  startReferenceAgent,
  type ReferenceAgent,
} from '../support/reference-agent.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { makeBatch, stationWorkspace, type StationWorkspace } from '../support/station-fixture.js';
import { chainDigest, deviceReadback } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The reference device agent (firmware/, C on mbedTLS 2.28) as real processes on socat
 * PTYs, provisioned by the real station. It must be built first: `make -C firmware`
 * (`npm test` does it through `npm run build:firmware`).
 */

const run = promisify(execFile);
const SUITES = join(REPO_ROOT, 'firmware/tests/suites');

/** A workspace with the station fixture's CAs, agents started in it, all torn down by `dispose`. */
async function setup(prefix: string): Promise<{
  dir: string;
  fixture: StationWorkspace;
  rootPem: string;
  agents: ReferenceAgent[];
  agent(name: string, serial: string, trustPem?: string): Promise<ReferenceAgent>;
  dispose(): Promise<void>;
}> {
  const tmp = tempDir(prefix);
  const fixture = await stationWorkspace(join(tmp.path, 'ws'));
  const rootPem = toPem(fixture.caChain[1]!);
  const agents: ReferenceAgent[] = [];
  return {
    dir: tmp.path,
    fixture,
    rootPem,
    agents,
    async agent(name, serial, trustPem = rootPem) {
      const a = await startReferenceAgent({ dir: tmp.path, name, serial, storePath: join(tmp.path, `${name}.se`), trustPem });
      agents.push(a);
      return a;
    },
    async dispose() {
      await Promise.all(agents.map((a) => a.stop()));
      fixture.ws.close();
      expect(socatPidsMentioning(tmp.path)).toEqual([]);
      tmp.dispose();
    },
  };
}

function station(fixture: StationWorkspace, batchId: string, ports: string[], extra: Partial<StationOptions> = {}) {
  return startStation({ workspace: fixture.ws, batchId, ports, caKey: fixture.caKey, actor: 'tech-ref', stepTimeoutMs: 5000, ...extra }).done;
}

const spkiSha256 = (cert: Buffer) =>
  createHash('sha256')
    .update(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

/** An opener whose driver and link the test can look into (and interfere with). */
function instrumentedOpener(
  hooks: { onWriteLine?: (line: string) => Promise<void>; onWriteChainError?: (e: unknown) => void },
  stepTimeoutMs = 5000,
): DeviceOpener {
  return async (port, policy) => {
    const inner = await openSerialLineLink(port, { baudRate: 115200 });
    const link: LineLink = {
      async writeLine(line) {
        await hooks.onWriteLine?.(line);
        return inner.writeLine(line);
      },
      readLine: (ms) => inner.readLine(ms),
      discardInput: () => inner.discardInput(),
      close: () => inner.close(),
      get isOpen() {
        return inner.isOpen;
      },
    };
    const d = driverFor(link, policy, stepTimeoutMs);
    const driver: DeviceDriver = {
      protocol: d.protocol,
      identify: () => d.identify(),
      requestCsr: (args) => d.requestCsr(args),
      writeChain: async (chain) => {
        try {
          return await d.writeChain(chain);
        } catch (e) {
          hooks.onWriteChainError?.(e);
          throw e;
        }
      },
      lock: () => d.lock(),
    };
    return { driver, close: () => link.close() };
  };
}

describe('the reference device agent (firmware/)', () => {
  it('passes its own table-driven unit tests and the deterministic line fuzzer (built with ASan and UBSan)', async () => {
    const suites = readdirSync(SUITES)
      .filter((f) => f.endsWith('.data'))
      .sort()
      .map((f) => join(SUITES, f));
    expect(suites.length).toBeGreaterThan(0);
    const tests = await run(requireFirmwareBinary(AGENT_TESTS_BINARY), suites, { cwd: join(REPO_ROOT, 'firmware') });
    expect(tests.stdout).toMatch(/agent-tests: \d+ cases, 0 failed/);
    // ~11 s of CPU under ASan; the wall clock doubles when the other test worker is busy too.
    const fuzz = await run(requireFirmwareBinary(AGENT_FUZZ_BINARY), [], { cwd: join(REPO_ROOT, 'firmware'), timeout: 100_000 });
    expect(fuzz.stdout).toMatch(/fuzz-lines: \d+ sessions/);
  }, 120_000);

  it('a work order over 3 PTYs with agent processes: every device done, and the chain each stored verifies with openssl', async () => {
    const s = await setup('hallmark-ref-agent-provision-');
    try {
      makeBatch(s.fixture.ws, 'WO-REF', 'HM-SIM1-0001..HM-SIM1-0003', 3);
      const agents = await Promise.all([1, 2, 3].map((i) => s.agent(`a${i}`, `HM-SIM1-000${i}`)));
      const summary = await station(
        s.fixture,
        'WO-REF',
        agents.map((a) => a.path),
      );
      expect(summary.outcomes.map((o) => [o.serial, o.result, o.code]).sort()).toEqual([
        ['HM-SIM1-0001', 'done', null],
        ['HM-SIM1-0002', 'done', null],
        ['HM-SIM1-0003', 'done', null],
      ]);

      const [mfg, root] = s.fixture.caChain as [Buffer, Buffer];
      writeFileSync(join(s.dir, 'root.pem'), toPem(root));
      const devices = new StationDeviceRepository(s.fixture.ws);
      const certs = new CertificateRepository(s.fixture.ws);
      for (const [i, a] of agents.entries()) {
        const serial = `HM-SIM1-000${i + 1}`;
        const info = await agentStoreInfo(a.storePath);
        expect(info).toMatchObject({ state: 'locked', keyAlg: 'p256' });
        const committed = certs.byId(devices.byModelSerial('SIM1', serial)!.certificateId!);
        // What the agent stored is exactly the chain the station wrote: its certificate, then mfg and root.
        expect(info.certificates).toHaveLength(3);
        expect(info.certificates[0]!.equals(committed.der)).toBe(true);
        expect(info.certificates[1]!.equals(mfg)).toBe(true);
        expect(info.certificates[2]!.equals(root)).toBe(true);
        expect(info.chainSha256).toBe(chainDigest(committed.der, s.fixture.caChain));
        expect(info.spkiSha256).toBe(spkiSha256(info.certificates[0]!));
        expect(committed.spkiSha256).toBe(info.spkiSha256);
        // And the device says so itself.
        expect(await deviceReadback(a.path)).toBe(info.chainSha256);

        writeFileSync(join(s.dir, `leaf${i}.pem`), toPem(info.certificates[0]!));
        writeFileSync(join(s.dir, `untrusted${i}.pem`), toPem(info.certificates[1]!));
        const verify = await run('openssl', [
          'verify',
          '-CAfile',
          join(s.dir, 'root.pem'),
          '-untrusted',
          join(s.dir, `untrusted${i}.pem`),
          join(s.dir, `leaf${i}.pem`),
        ]);
        expect(verify.stdout.trim()).toBe(`${join(s.dir, `leaf${i}.pem`)}: OK`);
      }
      // Every agent made its own key.
      expect(new Set(agents.map((a) => a.log.match(/keygen: p256/g)?.length))).toEqual(new Set([1]));
    } finally {
      await s.dispose();
    }
  });

  it('an agent built with a different trust root refuses the chain: CHAIN_INVALID, and it stores no chain', async () => {
    const s = await setup('hallmark-ref-agent-trust-');
    try {
      makeBatch(s.fixture.ws, 'WO-TRUST', 'HM-SIM1-0101..HM-SIM1-0101', 1);
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(s.dir, 'other.key'),
        '-out',
        join(s.dir, 'other.pem'),
        '-subj',
        '/O=Elsewhere/CN=Unrelated Root',
        '-days',
        '30',
      ]);
      const agent = await s.agent('t1', 'HM-SIM1-0101', readFileSync(join(s.dir, 'other.pem'), 'utf8'));
      const errors: unknown[] = [];
      const summary = await station(s.fixture, 'WO-TRUST', [agent.path], { openDevice: instrumentedOpener({ onWriteChainError: (e) => errors.push(e) }) });
      expect(summary.outcomes[0]).toMatchObject({ serial: 'HM-SIM1-0101', result: 'failed', code: 'DEVICE_ERROR_RESPONSE' });
      expect(summary.outcomes[0]!.message).toMatch(/CHAIN_INVALID/);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(DeviceError);
      expect((errors[0] as DeviceError).details).toMatchObject({ deviceCode: 'CHAIN_INVALID', command: 'HM+CHAIN' });
      expect(agent.log).toMatch(/chain: refused: the chain does not verify to the trust root/);

      const info = await agentStoreInfo(agent.storePath);
      expect(info).toMatchObject({ state: 'keyed', chainSha256: null, chainBytes: 0, certificates: [] });
      expect(await deviceReadback(agent.path)).toBeNull();
    } finally {
      await s.dispose();
    }
  });

  it('an agent reset during HM+CHAIN=DATA keeps its key; the next station run re-sends the committed certificate without HM+KEYGEN', async () => {
    const s = await setup('hallmark-ref-agent-resend-');
    try {
      makeBatch(s.fixture.ws, 'WO-RESEND', 'HM-SIM1-0201..HM-SIM1-0201', 1);
      const agent = await s.agent('r1', 'HM-SIM1-0201');
      // The power goes the moment the station is about to send the second chunk: chunk 1 was written, the transfer never ends.
      let cut = false;
      const first = await station(s.fixture, 'WO-RESEND', [agent.path], {
        maxAttempts: 1,
        openDevice: instrumentedOpener(
          {
            onWriteLine: async (line) => {
              if (!cut && line.startsWith('HM+CHAIN=DATA,2,')) {
                cut = true;
                await agent.kill();
              }
            },
          },
          1000,
        ),
      });
      expect(cut).toBe(true);
      expect(first.outcomes[0]).toMatchObject({ serial: 'HM-SIM1-0201', result: 'failed', code: 'LINK_TIMEOUT' });
      expect(agent.log).toMatch(/HM\+CHAIN=DATA,1 -> OK/);
      expect(agent.log).not.toMatch(/HM\+CHAIN=END/);

      const devices = new StationDeviceRepository(s.fixture.ws);
      const row = devices.byModelSerial('SIM1', 'HM-SIM1-0201')!;
      expect(row.certificateId).not.toBeNull();
      const committed = new CertificateRepository(s.fixture.ws).byId(row.certificateId!);
      const before = await agentStoreInfo(agent.storePath);
      expect(before).toMatchObject({ state: 'keyed', chainSha256: null, spkiSha256: committed.spkiSha256 });

      // The device boots again from its store (the state file): same key, no chain, the half transfer gone.
      await agent.restart();
      const keygensBefore = agent.log.match(/keygen: /g)!.length;
      const second = await station(s.fixture, 'WO-RESEND', [agent.path]);
      expect(second.outcomes[0]).toMatchObject({ result: 'done', resent: true, certificateSerial: committed.serial });
      expect(agent.log.match(/keygen: /g)!.length).toBe(keygensBefore);

      const after = await agentStoreInfo(agent.storePath);
      expect(after).toMatchObject({ state: 'locked', spkiSha256: before.spkiSha256, chainSha256: chainDigest(committed.der, s.fixture.caChain) });
      expect(after.certificates[0]!.equals(committed.der)).toBe(true);
      expect(devices.events('WO-RESEND', 'HM-SIM1-0201').map((e) => e.step)).toContain('certificate-resent');
      const n = s.fixture.ws.db.prepare('SELECT COUNT(*) AS n FROM device_certificates WHERE device_id = ?').get(row.id) as { n: number };
      expect(n.n).toBe(1);
    } finally {
      await s.dispose();
    }
  });

  it('tls-client: a provisioned agent authenticates with its stored IDevID chain and key to a TLS 1.2 server (openssl s_server); a wrong server CA and --tls1.3 fail with a message', async () => {
    const s = await setup('hallmark-ref-agent-tls-');
    const servers: ReturnType<typeof spawn>[] = [];
    try {
      makeBatch(s.fixture.ws, 'WO-TLS', 'HM-SIM1-0301..HM-SIM1-0301', 1);
      const agent = await s.agent('tls1', 'HM-SIM1-0301');
      expect((await station(s.fixture, 'WO-TLS', [agent.path])).outcomes[0]).toMatchObject({ result: 'done' });
      await agent.stop();

      // A server PKI of its own; the server trusts the device root for client certificates.
      const p = (f: string) => join(s.dir, f);
      const ossl = (...args: string[]) => run('openssl', args);
      await ossl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        p('sca.key'),
        '-out',
        p('sca.pem'),
        '-subj',
        '/CN=Test Server CA',
        '-days',
        '30',
      );
      await ossl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        p('srv.key'),
        '-out',
        p('srv.csr'),
        '-subj',
        '/CN=localhost',
      );
      writeFileSync(p('srv.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
      await ossl(
        'x509',
        '-req',
        '-in',
        p('srv.csr'),
        '-CA',
        p('sca.pem'),
        '-CAkey',
        p('sca.key'),
        '-set_serial',
        '7',
        '-out',
        p('srv.pem'),
        '-days',
        '30',
        '-extfile',
        p('srv.ext'),
      );
      writeFileSync(p('device-root.pem'), s.rootPem);

      const server = async (): Promise<{ port: number; output: () => string; exited: Promise<void> }> => {
        const child = spawn(
          'openssl',
          [
            's_server',
            '-accept',
            '127.0.0.1:0',
            '-cert',
            p('srv.pem'),
            '-key',
            p('srv.key'),
            '-Verify',
            '3',
            '-verify_return_error',
            '-CAfile',
            p('device-root.pem'),
            '-rev',
            '-naccept',
            '1',
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        servers.push(child);
        let out = '';
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        const port = await new Promise<number>((resolve, reject) => {
          const onData = (b: Buffer) => {
            out += b.toString();
            const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) resolve(Number(m[1]));
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', onData);
          child.once('exit', () => reject(new Error(`openssl s_server exited: ${out}`)));
        });
        return { port, output: () => out, exited };
      };

      const ok = await server();
      const client = await run(AGENT_BINARY, [
        'tls-client',
        '--store',
        agent.storePath,
        '--server-ca',
        p('sca.pem'),
        '--connect',
        `127.0.0.1:${ok.port}`,
        '--server-name',
        'localhost',
        '--tls1.2',
        '--send',
        'hello hallmark',
      ]);
      const result = JSON.parse(client.stdout.trim()) as Record<string, string>;
      expect(result).toMatchObject({ ok: true, version: 'TLSv1.2', server: 'CN=localhost', sent: 'hello hallmark', received: 'kramllah olleh' });
      expect(result.ciphersuite).toMatch(/^TLS-ECDHE-ECDSA-WITH-/);
      await ok.exited;
      // The server saw the device's own certificate and verified it up to the device root.
      expect(ok.output()).toMatch(/depth=0 O = Acme Devices GmbH, CN = SIM1-HM-SIM1-0301, serialNumber = HM-SIM1-0301/);
      expect(ok.output()).toMatch(/Verification: OK/);

      const wrong = await server();
      const refused = await run(AGENT_BINARY, [
        'tls-client',
        '--store',
        agent.storePath,
        '--server-ca',
        p('device-root.pem'),
        '--connect',
        `127.0.0.1:${wrong.port}`,
        '--server-name',
        'localhost',
      ]).catch((e: { code: number; stderr: string; stdout: string }) => e);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect((refused as { stderr: string }).stderr).toMatch(/TLS handshake failed: X509 - Certificate verification failed/);

      const tls13 = await run(AGENT_BINARY, [
        'tls-client',
        '--store',
        agent.storePath,
        '--server-ca',
        p('sca.pem'),
        '--connect',
        `127.0.0.1:${wrong.port}`,
        '--tls1.3',
      ]).catch((e: { code: number; stderr: string }) => e);
      expect(tls13).toMatchObject({ code: 1 });
      expect((tls13 as { stderr: string }).stderr).toMatch(/TLS 1\.3 is not available/);
    } finally {
      for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await s.dispose();
    }
  });
});
