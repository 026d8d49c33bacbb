import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationSession } from '../../main/api/station-session.js';
import { restoreSharedKey } from '../../main/ceremony/restore-shared-key.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { generatePkcs11Key, importKeyToToken, listPkcs11Tokens, openPkcs11Key, type Pkcs11Binding } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import type { SigningKey } from '../../main/keys/signing-key.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { makeBatch } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import {
  expectKeyError,
  objectsLabelled,
  rootAndCrlCeremonies,
  rootAndCrlOnToken,
  stationIssuesWithTokenKey,
  tokenIssuingCa,
  tokenKeyRecord,
  tokenPulledMidRun,
} from '../support/token-scenarios.js';
import { startTpmToken, tpmMissing, type TpmToken } from '../support/tpm-token.js';

/**
 * Keys on a TPM 2.0 through tpm2-pkcs11 (swtpm behind tpm2-abrmd, test/support/tpm-token.ts):
 * what a station PC's TPM holds and what it refuses, shown on the real implementation rather
 * than assumed from SoftHSM. Under CI a missing tool fails the file (the fixture throws);
 * elsewhere the file is skipped. The tests run in order: the last one pulls the TPM.
 */
const runHere = tpmMissing().length === 0 || process.env.CI === 'true';
const tmp = tempDir('hallmark-tpm-test-');
let tpm: TpmToken;
let ws: Workspace;
let binding: Pkcs11Binding;
let issuing: { record: KeyRecord; chain: Buffer[] };
const sims: RunningSimulator[] = [];
const opened: SigningKey[] = [];

async function simulator(name: string, count: number, serialStart: number): Promise<RunningSimulator> {
  mkdirSync(join(tmp.path, name));
  const sim = await startSimulator({
    dir: join(tmp.path, name),
    count,
    protocol: 'hallmark',
    baudRate: 0,
    serialStart,
    seed: serialStart,
    timing: { keygenMinMs: 5, keygenMaxMs: 40, stallMs: 1000 },
  });
  sims.push(sim);
  return sim;
}

describe.skipIf(!runHere)('PKCS#11 keys on a TPM 2.0 (tpm2-pkcs11 over swtpm and tpm2-abrmd)', () => {
  beforeAll(async () => {
    tpm = await startTpmToken({ label: 'station-tpm', pin: '2468' });
    binding = { modulePath: tpm.modulePath, tokenSerial: tpm.serial, pin: tpm.pin };
    ({ workspace: ws } = Workspace.init(join(tmp.path, 'ws'), 'custodian'));
    issuing = await tokenIssuingCa(ws, binding);
  }, 30_000);

  afterAll(async () => {
    for (const k of opened) k.close();
    await Promise.all(sims.map((s) => s.stop()));
    ws?.close();
    await tpm?.stop();
    tmp.dispose();
    expect(socatPidsMentioning(tmp.path)).toEqual([]);
  });

  it("lists the token with the TPM's manufacturer and model, padding removed", () => {
    const tokens = listPkcs11Tokens(tpm.modulePath).filter((t) => t.initialized);
    expect(tokens).toEqual([
      expect.objectContaining({ label: 'station-tpm', serial: tpm.serial, manufacturer: 'IBM', model: 'SW   TPM', loginRequired: true }),
    ]);
  });

  it('generates P-256 on the TPM (sensitive, never extractable); a P-384 root and its CRL signed there verify with openssl', async () => {
    const record = await tokenKeyRecord(ws, binding, 'tpm-p256', 'ecdsa-p256');
    expect(record.location).toMatchObject({ tokenSerial: tpm.serial, tokenLabel: 'station-tpm', sensitive: true, extractable: false });
    await rootAndCrlOnToken(ws, binding, join(tmp.path, 'root'), 'tpm-root', 'ecdsa-p384');
  });

  it('refuses Ed25519 and RSA-4096 before generating anything, naming the token and what it lacks', async () => {
    const named = /token "station-tpm" \(serial 0000000000000000, IBM SW {3}TPM\)/;
    const ed = await expectKeyError(generatePkcs11Key({ label: 'no-ed', algorithm: 'ed25519', binding }), 'PKCS11_MECHANISM_UNSUPPORTED', named);
    expect(ed.message).toMatch(/cannot hold ed25519 keys: it does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN/);
    const rsa = await expectKeyError(generatePkcs11Key({ label: 'no-rsa', algorithm: 'rsa-4096', binding }), 'PKCS11_MECHANISM_UNSUPPORTED', named);
    expect(rsa.message).toMatch(/CKM_RSA_PKCS_KEY_PAIR_GEN makes 1024–3072-bit keys, not 4096-bit; nothing was generated/);
    expect(objectsLabelled(binding, 'no-ed')).toBe(0);
    expect(objectsLabelled(binding, 'no-rsa')).toBe(0);
  });

  it('refuses a key restore onto the TPM plainly, before any share is opened, and changes nothing', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    // A shares record whose shares are never reached: the refusal comes first.
    const shares: KeyRecord = {
      label: 'shares-root',
      store: 'shares',
      algorithm: 'ecdsa-p256',
      spki,
      spkiSha256: createHash('sha256').update(spki).digest('hex'),
      location: {},
      createdAt: new Date().toISOString(),
    };
    const auditBefore = ws.audit.query({ sinceSeq: 0 }).entries.length;
    const err = await expectKeyError(
      restoreSharedKey({ ws, record: shares, shares: [], binding, label: 'restored-root', actor: 'custodian' }),
      'PKCS11_IMPORT_UNSUPPORTED',
    );
    expect(err.message).toMatch(
      /^token "station-tpm" \(serial 0000000000000000, IBM SW {3}TPM\) is a TPM \(TPM2\.0 Cryptoki\), and a TPM cannot take an imported private key: it only holds keys it generated itself/,
    );
    // The importer itself refuses too, before creating either object.
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
    await expectKeyError(importKeyToToken({ binding, label: 'restored-root', algorithm: 'ecdsa-p256', pkcs8, spki }), 'PKCS11_IMPORT_UNSUPPORTED');
    expect(pkcs8.every((b) => b === 0)).toBe(true);
    expect(objectsLabelled(binding, 'restored-root')).toBe(0);
    expect(new KeyRepository(ws).exists('restored-root')).toBe(false);
    expect(ws.audit.query({ sinceSeq: 0 }).entries.length).toBe(auditBefore);
  });

  it('the station issues a work order with its CA key on the TPM; every device certificate verifies with openssl', async () => {
    const caKey = await openPkcs11Key(issuing.record, binding);
    try {
      const sim = await simulator('sim-issue', 4, 1);
      await stationIssuesWithTokenKey({
        ws,
        caKey,
        chain: issuing.chain,
        ports: sim.devices.map((d) => d.path),
        batchId: 'WO-TPM',
        firstSerial: 1,
        dir: join(tmp.path, 'issued'),
      });
    } finally {
      caKey.close();
    }
  });

  it('runs a rehearsal root ceremony and a CRL ceremony with the root key on the TPM (CLI); the pre-flight names the TPM', async () => {
    const preflight = await rootAndCrlCeremonies(join(tmp.path, 'ceremony'), tpm.pin, `module: ${tpm.modulePath}\n  tokenSerial: "${tpm.serial}"`, 'ed25519');
    expect(preflight.token).toMatchObject({ label: 'station-tpm', serial: tpm.serial, manufacturer: 'IBM', model: 'SW   TPM' });
    expect(preflight.refusal!.stderr).toMatch(
      /^error: CEREMONY_PREFLIGHT_FAILED: .*PKCS11_MECHANISM_UNSUPPORTED: token "station-tpm" \(serial 0000000000000000, IBM SW {3}TPM\) cannot hold ed25519 keys/m,
    );
    // Refused before the ceremony started: nothing generated, no run registered (as for any failed pre-flight).
    expect(preflight.refusal!.audited).toEqual([]);
  }, 60_000);

  it('a wrong PIN is PKCS11_PIN_WRONG; in dictionary-attack lockout even the right PIN is PKCS11_TPM_LOCKOUT, audited at the station; nothing changes', async () => {
    // Nothing of this process is logged in to the token now, so every PIN reaches the TPM.
    await expectKeyError(
      generatePkcs11Key({ label: 'never', algorithm: 'ecdsa-p256', binding: { ...binding, pin: '0000' } }),
      'PKCS11_PIN_WRONG',
      /wrong PIN on token "station-tpm"/,
    );
    makeBatch(ws, 'WO-LOCKED', 'HM-SIM1-0900..HM-SIM1-0900', 1);
    const sim = await simulator('sim-locked', 1, 900);
    await tpm.setLockout(1, 600);
    try {
      await expectKeyError(openPkcs11Key(issuing.record, { ...binding, pin: '1111' }), 'PKCS11_PIN_WRONG');
      const right = await expectKeyError(
        openPkcs11Key(issuing.record, binding),
        'PKCS11_TPM_LOCKOUT',
        /dictionary-attack lockout after too many wrong PINs: it refuses every PIN, the right one included/,
      );
      expect(right.kind).toBe('environment');
      // The dashboard's station: refused with the code, and the log keeps that PINs were being guessed.
      const session = new StationSession(ws, { env: { ...process.env, HALLMARK_PKCS11_MODULE: tpm.modulePath } });
      const seq = ws.audit.query({ sinceSeq: 0 }).entries.length;
      await expect(
        session.start({ batchId: 'WO-LOCKED', operator: 'tech-token', ports: [sim.devices[0]!.path], unlock: { kind: 'pkcs11-pin', pin: tpm.pin } }),
      ).rejects.toMatchObject({ code: 'PKCS11_TPM_LOCKOUT' });
      const refused = ws.audit.query({ sinceSeq: seq, action: 'station.refused' }).entries;
      expect(refused.map((e) => [e.subject, e.details])).toEqual([['WO-LOCKED', { code: 'PKCS11_TPM_LOCKOUT', key: 'mfg-token' }]]);
      expect(ws.db.prepare("SELECT COUNT(*) FROM devices WHERE batch_id = 'WO-LOCKED'").pluck().get()).toBe(0);
    } finally {
      await tpm.clearLockout();
    }
    expect(objectsLabelled(binding, 'never')).toBe(0);
  });

  it('the TPM pulled mid-run (its resource manager killed) stops the station with CA_KEY_UNAVAILABLE; nothing is half-recorded', async () => {
    const caKey = await openPkcs11Key(issuing.record, binding);
    opened.push(caKey);
    const sim = await simulator('sim-pulled', 6, 200);
    await tokenPulledMidRun({ ws, caKey, ports: sim.devices.map((d) => d.path), batchId: 'WO-PULLED', firstSerial: 200, pull: () => tpm.kill('abrmd') });
  }, 30_000);
});
