import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caKeyUnlock } from '../../main/api/station-unlock.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import {
  checkLibraryParameters,
  generatePkcs11Key,
  importKeyToToken,
  listPkcs11Tokens,
  openPkcs11Key,
  type Pkcs11Binding,
} from '../../main/keys/pkcs11/pkcs11-key-store.js';
import { parsePkcs11KeyLocation } from '../../main/keys/pkcs11/pkcs11-binding.js';
import { CKO, findObjects, readBooleans } from '../../main/keys/pkcs11/pkcs11-objects.js';
import { Pkcs11TokenSession } from '../../main/keys/pkcs11/pkcs11-token-session.js';
import { Workspace } from '../../main/store/workspace.js';
import { createNssToken, nssMissing, type NssToken } from '../support/nss-token.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { tempDir } from '../support/temp-dir.js';
import {
  expectKeyError,
  objectsLabelled,
  rootAndCrlCeremonies,
  rootAndCrlOnToken,
  stationIssuesWithTokenKey,
  tokenIssuingCa,
  tokenKeyRecord,
} from '../support/token-scenarios.js';

/**
 * Keys on NSS softokn (libsoftokn3.so over a certutil database, test/support/nss-token.ts):
 * a module that needs C_Initialize's libraryParameters, whose two slots share a serial,
 * and whose keys report CKA_LOCAL false. Under CI a missing tool fails the file.
 */
const runHere = nssMissing().length === 0 || process.env.CI === 'true';
const tmp = tempDir('hallmark-nss-test-');
let nss: NssToken;
let ws: Workspace;
let binding: Pkcs11Binding;
let sim: RunningSimulator | undefined;

function privateFlags(record: KeyRecord, types: number[]): boolean[] {
  const ts = Pkcs11TokenSession.open(binding, false);
  try {
    const [priv] = findObjects(
      ts.pkcs11,
      ts.session,
      [
        { type: pkcs11js.CKA_CLASS, value: CKO.privateKey },
        { type: pkcs11js.CKA_ID, value: Buffer.from(parsePkcs11KeyLocation(record).id, 'hex') },
      ],
      ts.name,
    );
    return readBooleans(ts.pkcs11, ts.session, priv!, types, ts.name);
  } finally {
    ts.close();
  }
}

describe.skipIf(!runHere)('PKCS#11 keys on NSS softokn', () => {
  beforeAll(async () => {
    nss = createNssToken();
    // By serial alone the two NSS slots are ambiguous; the label tells them apart.
    binding = { modulePath: nss.modulePath, libraryParameters: nss.libraryParameters, tokenSerial: nss.serial, tokenLabel: nss.label, pin: nss.pin };
    ({ workspace: ws } = Workspace.init(join(tmp.path, 'ws'), 'custodian'));
  });

  afterAll(async () => {
    await sim?.stop();
    ws?.close();
    nss?.dispose();
    tmp.dispose();
    expect(socatPidsMentioning(tmp.path)).toEqual([]);
  });

  it('lists both slots with manufacturer and model; refuses a serial that two tokens share unless the label or slot decides', async () => {
    const tokens = listPkcs11Tokens(nss.modulePath, nss.libraryParameters);
    expect(tokens.map((t) => [t.slot, t.label, t.serial, t.manufacturer, t.model])).toEqual([
      [1, 'NSS Generic Crypto Services', nss.serial, 'Mozilla Foundation', 'NSS 3'],
      [2, 'NSS Certificate DB', nss.serial, 'Mozilla Foundation', 'NSS 3'],
    ]);
    await expectKeyError(
      generatePkcs11Key({
        label: 'x',
        algorithm: 'ecdsa-p256',
        binding: { modulePath: nss.modulePath, libraryParameters: nss.libraryParameters, tokenSerial: nss.serial, pin: nss.pin },
      }),
      'PKCS11_TOKEN_NOT_FOUND',
      /the serial 0000000000000000 is shared .* by "NSS Generic Crypto Services" \(serial 0000000000000000\) in slot 1 and "NSS Certificate DB" \(serial 0000000000000000\) in slot 2; name the token's label or slot as well/,
    );
    // By slot as well.
    const { location } = await generatePkcs11Key({
      label: 'by-slot',
      algorithm: 'ecdsa-p256',
      binding: { modulePath: nss.modulePath, libraryParameters: nss.libraryParameters, slot: nss.slot, pin: nss.pin },
    });
    expect(location).toMatchObject({ tokenLabel: 'NSS Certificate DB', tokenSerial: nss.serial });
  });

  it('refuses the module asked for with other library parameters while it is open, and parameters that are not one line of text', async () => {
    const ts = Pkcs11TokenSession.open(binding, false);
    try {
      await expectKeyError(
        () => listPkcs11Tokens(nss.modulePath, `configdir='sql:${tmp.path}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=`),
        'PKCS11_MODULE_IN_USE',
        /open in this process with other library parameters/,
      );
      await expectKeyError(() => listPkcs11Tokens(nss.modulePath), 'PKCS11_MODULE_IN_USE');
    } finally {
      ts.close();
    }
    await expectKeyError(() => checkLibraryParameters("configdir='sql:/x'\nflags=", 'the binding'), 'PKCS11_PARAMETERS_INVALID', /control character/);
    await expectKeyError(() => checkLibraryParameters('', 'the binding'), 'PKCS11_PARAMETERS_INVALID', /is empty/);
  });

  it('generates P-256 in the database (CKA_LOCAL false, as NSS reports it); a root and its CRL signed there verify with openssl', async () => {
    const record = await tokenKeyRecord(ws, binding, 'nss-p256', 'ecdsa-p256');
    expect(record.location).toMatchObject({ tokenSerial: nss.serial, tokenLabel: 'NSS Certificate DB', sensitive: true, extractable: false });
    expect(
      privateFlags(record, [
        pkcs11js.CKA_SENSITIVE,
        pkcs11js.CKA_EXTRACTABLE,
        pkcs11js.CKA_ALWAYS_SENSITIVE,
        pkcs11js.CKA_NEVER_EXTRACTABLE,
        pkcs11js.CKA_LOCAL,
      ]),
    ).toEqual([true, false, true, true, false]);
    await rootAndCrlOnToken(ws, binding, join(tmp.path, 'root'), 'nss-root', 'ecdsa-p384');
  });

  it('runs a rehearsal root ceremony and a CRL ceremony with the root key in NSS (CLI; the binding names label and library parameters)', async () => {
    const preflight = await rootAndCrlCeremonies(
      join(tmp.path, 'ceremony'),
      nss.pin,
      `module: ${nss.modulePath}\n  tokenSerial: "${nss.serial}"\n  tokenLabel: ${nss.label}\n  libraryParameters: "${nss.libraryParameters}"`,
    );
    expect(preflight.token).toMatchObject({ label: 'NSS Certificate DB', serial: nss.serial, manufacturer: 'Mozilla Foundation', model: 'NSS 3', slot: 2 });
  }, 60_000);

  it('refuses Ed25519 before generating anything, naming the token', async () => {
    await expectKeyError(
      generatePkcs11Key({ label: 'no-ed', algorithm: 'ed25519', binding }),
      'PKCS11_MECHANISM_UNSUPPORTED',
      /token "NSS Certificate DB" \(serial 0000000000000000, Mozilla Foundation NSS 3\) cannot hold ed25519 keys: it does not offer CKM_EC_EDWARDS_KEY_PAIR_GEN/,
    );
    expect(objectsLabelled(binding, 'no-ed')).toBe(0);
  });

  it('imports a key (restore): sensitive and non-extractable, CKA_ALWAYS_SENSITIVE honestly false, and it signs', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const imported = await importKeyToToken({
      binding,
      label: 'nss-restored',
      algorithm: 'ecdsa-p256',
      pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }),
      spki,
    });
    expect(imported.attributes).toEqual({ sensitive: true, extractable: false, alwaysSensitive: false, neverExtractable: false });
    expect(objectsLabelled(binding, 'nss-restored')).toBe(2);
  });

  it('a wrong PIN is PKCS11_PIN_WRONG and creates nothing', async () => {
    await expectKeyError(
      generatePkcs11Key({ label: 'never', algorithm: 'ecdsa-p256', binding: { ...binding, pin: 'not-the-pin' } }),
      'PKCS11_PIN_WRONG',
      /wrong PIN on token "NSS Certificate DB"/,
    );
    expect(objectsLabelled(binding, 'never')).toBe(0);
  });

  it('the station issues a work order with its CA key in NSS, opened as the dashboard does (library parameters from the environment)', async () => {
    const issuing = await tokenIssuingCa(ws, binding);
    const env = { ...process.env, HALLMARK_PKCS11_MODULE: nss.modulePath, HALLMARK_PKCS11_LIBRARY_PARAMETERS: nss.libraryParameters };
    const unlock = caKeyUnlock(issuing.record, { kind: 'pkcs11-pin', pin: nss.pin }, ws, env);
    expect(() => caKeyUnlock(issuing.record, { kind: 'pkcs11-pin', pin: nss.pin }, ws, { ...env, HALLMARK_PKCS11_LIBRARY_PARAMETERS: 'a\u0000b' })).toThrow(
      /PKCS#11 library parameters from HALLMARK_PKCS11_LIBRARY_PARAMETERS holds a control character/,
    );
    if (unlock.store !== 'pkcs11') throw new Error('expected a PKCS#11 unlock');
    // The record names serial and label; the label tells the shared serial apart.
    const caKey = await openPkcs11Key(issuing.record, unlock.binding);
    try {
      mkdirSync(join(tmp.path, 'sim'));
      sim = await startSimulator({
        dir: join(tmp.path, 'sim'),
        count: 4,
        protocol: 'hallmark',
        baudRate: 0,
        seed: 5,
        timing: { keygenMinMs: 5, keygenMaxMs: 40, stallMs: 1000 },
      });
      await stationIssuesWithTokenKey({
        ws,
        caKey,
        chain: issuing.chain,
        ports: sim.devices.map((d) => d.path),
        batchId: 'WO-NSS',
        firstSerial: 1,
        dir: join(tmp.path, 'issued'),
      });
    } finally {
      caKey.close();
    }
  });
});
