import { execFileSync, spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { startReferenceAgents } from '../../main/devices/simulator/reference-agents.js';
import { reworkDevice } from '../../main/station/rework.js';
import { startStation } from '../../main/station/start-station.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';
import { AGENT, requireAgent } from '../support/agent-binary.js';
import { toPem } from '../support/pem.js';
import { makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The IDevID works where it is used: reference agents provisioned over PTYs by the station
 * authenticate to `openssl s_server` with their stored chain and key, and the server,
 * checking the CRL Hallmark issued, refuses the one whose certificate was superseded by a
 * rework and revoked. Both directions of trust are read from the server's own output.
 */

interface ServerResult {
  readonly output: string;
  readonly code: number | null;
}

/** One `openssl s_server` for one client: -Verify requires a client certificate, -rev answers the line reversed. */
async function withServer(dir: string, crlPath: string, client: (port: number) => Promise<{ code: number | null; stdout: string; stderr: string }>) {
  const server = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      '127.0.0.1:0',
      '-naccept',
      '1',
      '-rev',
      '-cert',
      join(dir, 'server.pem'),
      '-key',
      join(dir, 'server.key'),
      '-Verify',
      '4',
      '-CAfile',
      join(dir, 'root.pem'),
      '-verify_return_error',
      '-crl_check',
      '-CRL',
      crlPath,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout.on('data', (b: Buffer) => (output += b.toString()));
  server.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));
  const port = await new Promise<number>((ok, fail) => {
    const check = () => {
      const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        server.stdout.off('data', check);
        ok(Number(m[1]));
      }
    };
    server.stdout.on('data', check);
    server.once('exit', () => fail(new Error(`s_server exited before listening: ${output}`)));
  });
  try {
    const result = await client(port);
    const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 5000))]);
    if (code === 'running') server.kill('SIGKILL');
    return { client: result, server: { output, code: code === 'running' ? null : code } satisfies ServerResult };
  } finally {
    server.kill('SIGKILL');
  }
}

function tlsClient(store: string, serverCa: string, port: number, extra: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const p = spawn(AGENT, [
      'tls-client',
      '--store',
      store,
      '--server-ca',
      serverCa,
      '--connect',
      `127.0.0.1:${port}`,
      '--server-name',
      'localhost',
      '--send',
      'hello',
      '--timeout',
      '5000',
      ...extra,
    ]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('IDevIDs from the station in mutual TLS (reference agents on mbedTLS against openssl s_server)', () => {
  it('every provisioned agent completes the handshake; the one superseded by a rework and revoked is refused on the CRL', async () => {
    requireAgent();
    const tmp = tempDir('hallmark-mtls-');
    const { ws, caKey, caChain } = await stationWorkspace(join(tmp.path, 'ws'));
    const rootPem = join(tmp.path, 'root.pem');
    writeFileSync(rootPem, toPem(caChain[1]!));
    // The TLS server's own identity, from a CA of its own: what the agents trust for the server.
    const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: tmp.path, stdio: ['ignore', 'pipe', 'pipe'] });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server-ca.key',
      '-out',
      'server-ca.pem',
      '-subj',
      '/CN=Acme Cloud Test CA',
      '-days',
      '2',
    ]);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
    writeFileSync(join(tmp.path, 'server.ext'), 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n');
    openssl([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'server-ca.pem',
      '-CAkey',
      'server-ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ]);
    const serverCa = join(tmp.path, 'server-ca.pem');

    const agents = await startReferenceAgents({ dir: tmp.path, count: 3, agentPath: AGENT, trustPath: rootPem, baudRate: 0 });
    try {
      makeBatch(ws, 'WO-TLS', 'HM-SIM1-0001..HM-SIM1-0004', 4);
      const first = await startStation({
        workspace: ws,
        batchId: 'WO-TLS',
        ports: agents.devices.map((d) => d.path),
        caKey,
        actor: 'line-1',
        stepTimeoutMs: 20_000,
      }).done;
      expect(first.outcomes.map((o) => `${o.serial}:${o.result}:${o.code ?? ''}`).sort()).toEqual([
        'HM-SIM1-0001:done:',
        'HM-SIM1-0002:done:',
        'HM-SIM1-0003:done:',
      ]);

      // HM-SIM1-0003's secure element is replaced: the old element (its store file) keeps the old key and certificate.
      const third = agents.agents[2]!;
      await third.kill();
      const oldElement = join(tmp.path, 'old-element.se');
      renameSync(third.store, oldElement);
      const rework = reworkDevice(ws, { batchId: 'WO-TLS', serial: 'HM-SIM1-0003', reason: 'SECURE_ELEMENT_REPLACED', actor: 'qa-lead', note: 'SE swap' });
      await third.restart();
      const second = await startStation({ workspace: ws, batchId: 'WO-TLS', ports: [third.path], caKey, actor: 'line-1', stepTimeoutMs: 20_000 }).done;
      expect(second.outcomes[0]).toMatchObject({ serial: 'HM-SIM1-0003', result: 'done' });
      const oldCert = new CertificateRepository(ws).byId(rework.oldCertificateId);
      expect(oldCert.status).toBe('revoked');

      const { der } = await issueCrl(ws, { ca: 'mfg', caKey, nextUpdateDays: 7, actor: 'custodian' });
      const crlPath = join(tmp.path, 'mfg.crl.pem');
      writeFileSync(crlPath, toPem(der, 'X509 CRL'));
      // -crl_check checks the leaf against its issuer's CRL: the mfg CA's, as Hallmark signed it.

      const current = new StationDeviceRepository(ws);
      for (const agent of agents.agents) {
        const { client, server } = await withServer(tmp.path, crlPath, (port) => tlsClient(agent.store, serverCa, port));
        expect(client.code, `${agent.serial}: ${client.stderr}`).toBe(0);
        const said = JSON.parse(client.stdout.trim().split('\n').at(-1)!) as { ok: boolean; version: string; received: string };
        expect(said).toMatchObject({ ok: true, version: 'TLSv1.2', received: 'olleh' });
        // The server's side: the client certificate it verified is this device's current IDevID.
        const row = current.byModelSerial('SIM1', agent.serial)!;
        const cert = new CertificateRepository(ws).byId(row.certificateId!);
        expect(server.output).toContain('CONNECTION ESTABLISHED');
        expect(server.output).toMatch(new RegExp(`Peer certificate: .*CN = SIM1-${agent.serial}, serialNumber = ${agent.serial}\n`));
        expect(server.output).toContain('Verification: OK');
        expect(server.output).toMatch(/depth=2 O = Acme, CN = Acme Device Root\nverify return:1/);
        expect(server.output).not.toMatch(/verify error/);
        expect(cert.status).toBe('active');
      }

      const { client, server } = await withServer(tmp.path, crlPath, (port) => tlsClient(oldElement, serverCa, port));
      expect(client.code).not.toBe(0);
      expect(server.output).toMatch(/verify error:num=23:certificate revoked/);
      expect(server.output).not.toContain('CONNECTION ESTABLISHED');

      // The other direction: an agent that does not trust the server's CA aborts the handshake itself.
      const distrust = await withServer(tmp.path, crlPath, (port) => tlsClient(agents.agents[0]!.store, rootPem, port));
      expect(distrust.client.code).not.toBe(0);
      expect(distrust.client.stderr).toMatch(/verif/i);
      expect(distrust.server.output).not.toContain('CONNECTION ESTABLISHED');
      expect(distrust.server.output).toMatch(/alert|handshake failure|unexpected eof/i);
    } finally {
      await agents.stop();
      ws.close();
      tmp.dispose();
    }
  });
});
