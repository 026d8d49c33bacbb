import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pkcs11js from 'pkcs11js';
import { expect } from 'vitest';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { KeyError, type KeyErrorCode } from '../../main/keys/key-errors.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { generatePkcs11Key, openPkcs11Key, type Pkcs11Binding } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import { findObjects } from '../../main/keys/pkcs11/pkcs11-objects.js';
import { Pkcs11TokenSession } from '../../main/keys/pkcs11/pkcs11-token-session.js';
import type { SigningKey } from '../../main/keys/signing-key.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { allowNetwork, ceremonyExample, fileSha256, fileWriter } from './ceremony-files.js';
import { toPem } from './pem.js';
import { REPO_ROOT, runCli } from './run-cli.js';
import { FINISHED_FILES, readTranscript } from './transcript.js';
import { newSoftwareKey } from './software-keys.js';
import { makeBatch } from './station-fixture.js';
import { recordsConsistent } from './station-simulation.js';

/**
 * What every PKCS#11 implementation's test file shows with its own token (SoftHSM, TPM,
 * NSS softokn): a CA key generated there, certificates and CRLs it signs that openssl
 * accepts, and the station issuing with it. The token-specific refusals stay in each file.
 */

export async function expectKeyError(p: Promise<unknown> | (() => unknown), code: KeyErrorCode, message?: RegExp): Promise<KeyError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(KeyError);
  const err = caught as KeyError;
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** A key generated on the token and registered in the workspace. */
export async function tokenKeyRecord(ws: Workspace, binding: Pkcs11Binding, label: string, algorithm: KeyAlgorithm): Promise<KeyRecord> {
  const { spki, location } = await generatePkcs11Key({ label, algorithm, binding });
  return new KeyRepository(ws).add({ label, store: 'pkcs11', algorithm, spki, location: { ...location } }, 'custodian');
}

/** How many objects on the token carry `label` (seen through a logged-in session). */
export function objectsLabelled(binding: Pkcs11Binding, label: string): number {
  const ts = Pkcs11TokenSession.open(binding, false);
  try {
    return findObjects(ts.pkcs11, ts.session, [{ type: pkcs11js.CKA_LABEL, value: label }], ts.name).length;
  } finally {
    ts.close();
  }
}

/**
 * A root whose key is on the token signs itself and a CRL; `openssl verify` and
 * `openssl crl -verify` accept both.
 */
export async function rootAndCrlOnToken(
  ws: Workspace,
  binding: Pkcs11Binding,
  dir: string,
  name: string,
  algorithm: KeyAlgorithm = 'ecdsa-p256',
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const record = await tokenKeyRecord(ws, binding, `${name}-key`, algorithm);
  const key = await openPkcs11Key(record, binding);
  try {
    const root = await createRootCa(ws, { name, subject: parseSubject(`O=Acme,CN=${name}`), key, validityDays: 3650, actor: 'custodian' });
    const certPem = join(dir, `${name}.pem`);
    writeFileSync(certPem, toPem(root.certificate.der));
    expect(execFileSync('openssl', ['verify', '-CAfile', certPem, certPem], { encoding: 'utf8' }).trim()).toBe(`${certPem}: OK`);
    const crl = await issueCrl(ws, { ca: name, caKey: key, nextUpdateDays: 30, actor: 'custodian' });
    const crlPem = join(dir, `${name}.crl.pem`);
    writeFileSync(crlPem, toPem(crl.der, 'X509 CRL'));
    const out = execFileSync('openssl', ['crl', '-in', crlPem, '-CAfile', certPem, '-noout', '-verify'], { encoding: 'utf8', stdio: 'pipe' });
    expect(out).toBe('');
  } finally {
    key.close();
  }
}

/**
 * The shipped root-pkcs11 and crl example ceremonies through the CLI (a separate process,
 * so the token's environment must be in process.env), with `token` as the binding's pkcs11
 * lines after `module:`'s indentation. Returns the recorded pre-flight.
 */
export async function rootAndCrlCeremonies(
  dir: string,
  pin: string,
  token: string,
  refusedAlgorithm?: string,
): Promise<{ token: unknown; refusal?: { stderr: string; audited: { action: string; details: string }[] } }> {
  mkdirSync(dir, { recursive: true });
  const file = fileWriter(dir);
  const home = join(dir, 'ws');
  const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args]);
  expect((await runCli(['--home', home, 'init'])).code).toBe(0);
  file('pin', `${pin}\n`);
  const binding = file('token.binding.yaml', `version: 1\npkcs11:\n  ${token}\n  pin:\n    file: pin\n`);
  const acks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');
  const run = async (name: string, text: string) => {
    const path = file(name, text);
    const out = join(dir, `out-${name}`);
    return {
      out,
      r: await cli(
        'ceremony',
        'run',
        path,
        '--binding',
        binding,
        '--approved-binding-hash',
        fileSha256(binding),
        '--approved-hash',
        fileSha256(path),
        '--out',
        out,
        '--ack-file',
        acks,
      ),
    };
  };
  const ceremony = async (name: string) => {
    const { out, r } = await run(name, allowNetwork(ceremonyExample(name)));
    expect(r.code, r.stderr).toBe(0);
    return out;
  };
  let refusal: { stderr: string; audited: { action: string; details: string }[] } | undefined;
  if (refusedAlgorithm !== undefined) {
    // A root key the token cannot hold: refused at pre-flight, before any acknowledgment or key.
    const text = allowNetwork(ceremonyExample('root-pkcs11.yaml'))
      .replace('algorithm: ecdsa-p384', `algorithm: ${refusedAlgorithm}`)
      .replace('name: acme-root-2026', 'name: acme-root-refused');
    const { out, r } = await run('root-refused.yaml', text);
    expect(r.code).not.toBe(0);
    const db = new Database(join(home, 'hallmark.db'), { readonly: true });
    try {
      refusal = {
        stderr: r.stderr,
        audited: db.prepare("SELECT action, details FROM audit_log WHERE subject = 'acme-root-refused' ORDER BY seq").all() as {
          action: string;
          details: string;
        }[],
      };
    } finally {
      db.close();
    }
    expect(readdirSync(dir).includes(`out-root-refused.yaml`) ? readdirSync(out).filter((f) => f.endsWith('.pem')) : []).toEqual([]);
  }
  const rootOut = await ceremony('root-pkcs11.yaml');
  expect(readdirSync(rootOut).sort()).toEqual(['acme-root-2026.der', 'acme-root-2026.pem', ...FINISHED_FILES].sort());
  const cert = join(rootOut, 'acme-root-2026.pem');
  expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
  const crlOut = await ceremony('crl.yaml');
  const crl = join(crlOut, 'acme-root-2026-crl-1.pem');
  expect(execFileSync('openssl', ['crl', '-in', crl, '-CAfile', cert, '-noout', '-verify'], { encoding: 'utf8', stdio: 'pipe' })).toBe('');
  return { token: (readTranscript(rootOut).of('preflight')[0]!.preflight as { token: unknown }).token, ...(refusal ? { refusal } : {}) };
}

/** A software root and the `mfg` intermediate whose key is on the token, as the station's policy wants. */
export async function tokenIssuingCa(ws: Workspace, binding: Pkcs11Binding): Promise<{ record: KeyRecord; chain: Buffer[] }> {
  const rootKey = await newSoftwareKey(ws, 'root-key', 'ecdsa-p256');
  const root = await createRootCa(ws, {
    name: 'root',
    subject: parseSubject('O=Acme,CN=Acme Device Root'),
    key: rootKey,
    validityDays: 3650,
    actor: 'custodian',
  });
  const record = await tokenKeyRecord(ws, binding, 'mfg-token', 'ecdsa-p256');
  const mfg = await createIntermediateCa(ws, {
    name: 'mfg',
    parent: 'root',
    parentKey: rootKey,
    subject: parseSubject('O=Acme,CN=Acme Manufacturing CA'),
    key: record,
    validityDays: 1825,
    options: { pathLen: 0 },
    actor: 'custodian',
  });
  rootKey.close();
  return { record, chain: [mfg.certificate.der, root.certificate.der] };
}

/**
 * The station issues a whole work order with the CA key on the token; every device
 * certificate chains to the root under `openssl verify`.
 */
export async function stationIssuesWithTokenKey(args: {
  ws: Workspace;
  caKey: SigningKey;
  chain: Buffer[];
  ports: string[];
  batchId: string;
  firstSerial: number;
  dir: string;
}): Promise<void> {
  const { ws, caKey, chain, ports, batchId, dir } = args;
  const n = ports.length;
  const serial = (i: number) => `HM-SIM1-${String(args.firstSerial + i).padStart(4, '0')}`;
  makeBatch(ws, batchId, `${serial(0)}..${serial(n - 1)}`, n);
  const run = startStation({ workspace: ws, batchId, ports, caKey, actor: 'tech-token', stepTimeoutMs: 5000 });
  const summary = await run.done;
  expect(
    summary.outcomes.map((o) => o.code ?? 'done'),
    summary.stopped ?? '',
  ).toEqual(ports.map(() => 'done'));
  expect(recordsConsistent(ws, batchId)).toEqual({ orphans: 0, doubleActive: 0, issuedEntries: n, certificates: n });
  mkdirSync(dir, { recursive: true });
  const [mfg, root] = chain as [Buffer, Buffer];
  writeFileSync(join(dir, 'root.pem'), toPem(root));
  writeFileSync(join(dir, 'mfg.pem'), toPem(mfg));
  const ders = ws.db
    .prepare('SELECT c.der FROM certificates c JOIN devices d ON d.certificate_id = c.id WHERE d.batch_id = ?')
    .pluck()
    .all(batchId) as Buffer[];
  expect(ders).toHaveLength(n);
  for (const [i, der] of ders.entries()) {
    const leaf = join(dir, `device-${i}.pem`);
    writeFileSync(leaf, toPem(der));
    expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'mfg.pem'), leaf], { encoding: 'utf8' }).trim()).toBe(
      `${leaf}: OK`,
    );
  }
  expect(ws.verifyAudit().ok).toBe(true);
}

/**
 * The token goes away mid-run (`pull` runs right after the first commit): the next
 * signature fails CA_KEY_UNAVAILABLE naming the token, the rest end STATION_STOPPED,
 * nothing is half-recorded, and the failure is in the audit log.
 */
export async function tokenPulledMidRun(args: {
  ws: Workspace;
  caKey: SigningKey;
  ports: string[];
  batchId: string;
  firstSerial: number;
  pull: () => Promise<void> | void;
}): Promise<void> {
  const { ws, caKey, ports, batchId } = args;
  const n = ports.length;
  const serial = (i: number) => `HM-SIM1-${String(args.firstSerial + i).padStart(4, '0')}`;
  makeBatch(ws, batchId, `${serial(0)}..${serial(n - 1)}`, n);
  const run = startStation({ workspace: ws, batchId, ports, caKey, actor: 'tech-token', stepTimeoutMs: 5000 });
  let pulled: Promise<void> | undefined;
  run.on('event', (e: StationEvent) => {
    if (!pulled && e.type === 'step' && e.step === 'issued') pulled = Promise.resolve(args.pull());
  });
  const summary = await run.done;
  await pulled;
  expect(pulled).toBeDefined();
  const codes = summary.outcomes.map((o) => o.code ?? 'done');
  expect(codes).toContain('CA_KEY_UNAVAILABLE');
  expect(
    codes.every((c) => ['done', 'CA_KEY_UNAVAILABLE', 'STATION_STOPPED'].includes(c)),
    codes.join(),
  ).toBe(true);
  expect(summary.stopped).toMatch(/^CA_KEY_UNAVAILABLE: the CA key cannot sign: PKCS11_ERROR/);
  expect(summary.stopped).toMatch(/on token "/);
  const half = ws.db.prepare("SELECT COUNT(*) AS n FROM devices WHERE batch_id = ? AND certificate_id IS NOT NULL AND state <> 'done'").get(batchId) as {
    n: number;
  };
  expect(half.n).toBe(0);
  const done = codes.filter((c) => c === 'done').length;
  expect(recordsConsistent(ws, batchId)).toEqual({ orphans: 0, doubleActive: 0, issuedEntries: done, certificates: done });
  expect(ws.verifyAudit().ok).toBe(true);
  const entries = ws.audit.query({ sinceSeq: 0, action: 'device.failed' }).entries.map((e) => (e.details as { code?: string }).code);
  expect(entries).toContain('CA_KEY_UNAVAILABLE');
}
