import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, verify, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCa } from '../../main/ca/certificate-authority.js';
import { createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { restoreSharedKey } from '../../main/ceremony/restore-shared-key.js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import type { KeyRecord } from '../../main/keys/key-record.js';
import { openSigningKey } from '../../main/keys/open-signing-key.js';
import { findObjects, readAttributes, readBooleans } from '../../main/keys/pkcs11/pkcs11-objects.js';
import { generatePkcs11Key, importKeyToToken, openPkcs11Key, type Pkcs11Binding } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import { Pkcs11TokenSession } from '../../main/keys/pkcs11/pkcs11-token-session.js';
import { generateSharedKey, openSharedKey, type ShareInput } from '../../main/keys/shares/index.js';
import { spkiDer } from '../../main/keys/software/generate-key-pair.js';
import { CaRepository } from '../../main/store/ca-repository.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { createSoftHsm, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * key-restore's core on a real SoftHSM token: a root CA whose key is split 2-of-3 among
 * custodians is restored onto the token, and from then on the CA signs there. No skip:
 * CI installs SoftHSM, and a restore path that never ran must not pass.
 */
const tmp = tempDir('hallmark-key-restore-');
const SHARES_LABEL = 'acme-root-key';
const CA = 'acme-root';
const custodians = ['Bob Custodian', 'Carol Custodian', 'Erin Custodian'].map((custodian, i) => ({
  custodian,
  passphrase: `custodian ${i + 1} passphrase, long enough`,
}));
let hsm: SoftHsm;
let binding: Pkcs11Binding;
let ws: Workspace;
let sharesRecord: KeyRecord;
let shareFiles: string[];
const share = (i: number, passphrase = custodians[i]!.passphrase): ShareInput => ({ file: shareFiles[i]!, passphrase });

/** Every object on the token with this label (a fresh read-only session each time). */
function onToken(label: string): number {
  const ts = Pkcs11TokenSession.open(binding, false);
  try {
    return findObjects(ts.pkcs11, ts.session, [{ type: pkcs11js.CKA_LABEL, value: label }], ts.name).length;
  } finally {
    ts.close();
  }
}

/** What a failed restore must leave as it was. */
function dbState(): { keys: string[]; cas: string; auditSeq: number } {
  return {
    keys: new KeyRepository(ws).list().map((k) => `${k.label}:${k.store}`),
    cas: JSON.stringify(new CaRepository(ws).list()),
    auditSeq: (ws.db.prepare('SELECT max(seq) AS s FROM audit_log').get() as { s: number }).s,
  };
}

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
  if (message) await expect(p).rejects.toThrow(message);
}

beforeAll(async () => {
  hsm = createSoftHsm([{ label: 'restored-root' }]);
  const token = hsm.tokens[0]!;
  binding = { modulePath: hsm.modulePath, tokenSerial: token.serial, pin: token.pin };
  ({ workspace: ws } = Workspace.init(join(tmp.path, 'ws'), 'custodian'));
  const made = await generateSharedKey({ label: SHARES_LABEL, algorithm: 'ecdsa-p384', threshold: 2, custodians, outDir: join(tmp.path, 'medium') });
  shareFiles = made.shareFiles;
  sharesRecord = new KeyRepository(ws).add(
    { label: SHARES_LABEL, store: 'shares', algorithm: 'ecdsa-p384', spki: made.spki, location: { ...made.location } },
    'custodian',
  );
  const key = await openSharedKey(sharesRecord, [share(0), share(1)]);
  try {
    await createRootCa(ws, { name: CA, subject: parseSubject('C=DE,O=Acme,CN=Acme Root 2026'), key, validityDays: 3650, actor: 'custodian' });
  } finally {
    key.close();
  }
});

afterAll(() => {
  ws?.close();
  hsm?.dispose();
  tmp.dispose();
});

describe('importKeyToToken', () => {
  const keyPair = (algorithm: KeyAlgorithm) => {
    const info = KEY_ALGORITHM_INFO[algorithm];
    const { privateKey, publicKey } =
      info.family === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: info.curve! })
        : info.family === 'rsa'
          ? generateKeyPairSync('rsa', { modulusLength: info.modulusBits! })
          : generateKeyPairSync('ed25519');
    return { pkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }), spki: spkiDer(publicKey) };
  };

  for (const algorithm of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'ed25519'] as const) {
    it(`imports an ${algorithm} key sensitive and non-extractable, wipes the plaintext, and the key opens and signs`, async () => {
      const label = `import-${algorithm}`;
      const { pkcs8, spki } = keyPair(algorithm);
      const imported = await importKeyToToken({ binding, label, algorithm, pkcs8, spki });
      expect(pkcs8.every((b) => b === 0)).toBe(true);
      expect(imported.spki.equals(spki)).toBe(true);
      expect(imported.location).toMatchObject({
        tokenSerial: binding.tokenSerial,
        tokenLabel: 'restored-root',
        sensitive: true,
        extractable: false,
        imported: true,
      });
      // Honest about its past: it was outside a token once.
      expect(imported.attributes).toEqual({ sensitive: true, extractable: false, alwaysSensitive: false, neverExtractable: false });
      expect(onToken(label)).toBe(2);

      const record: KeyRecord = {
        label,
        store: 'pkcs11',
        algorithm,
        spki,
        spkiSha256: '',
        location: { ...imported.location },
        createdAt: new Date().toISOString(),
      };
      const key = await openPkcs11Key(record, binding);
      try {
        const message = Buffer.from(`signed on the token by ${algorithm}`);
        const signature = await key.sign(message);
        expect(verify(KEY_ALGORITHM_INFO[algorithm].hash, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)).toBe(true);
      } finally {
        key.close();
      }
    });
  }

  it('refuses a private key that is not the given public key, and leaves nothing on the token', async () => {
    const a = keyPair('ecdsa-p256');
    const b = keyPair('ecdsa-p256');
    await expectCode(
      importKeyToToken({ binding, label: 'import-wrong', algorithm: 'ecdsa-p256', pkcs8: a.pkcs8, spki: b.spki }),
      'PKCS11_KEY_MISMATCH',
      /does not verify/,
    );
    expect(a.pkcs8.every((x) => x === 0)).toBe(true);
    expect(onToken('import-wrong')).toBe(0);
  });

  it('refuses a key of another algorithm than the one named, before touching the token', async () => {
    const { pkcs8, spki } = keyPair('ecdsa-p384');
    await expectCode(
      importKeyToToken({ binding, label: 'import-p256-claimed', algorithm: 'ecdsa-p256', pkcs8, spki }),
      'KEY_FILE_INVALID',
      /not a PKCS#8 ecdsa-p256 key: not an EC key on the expected curve/,
    );
    expect(pkcs8.every((x) => x === 0)).toBe(true);
    expect(onToken('import-p256-claimed')).toBe(0);
  });
});

describe('restoreSharedKey', () => {
  const restore = (label: string, shares: ShareInput[]) => restoreSharedKey({ ws, record: sharesRecord, shares, binding, label, actor: 'ceremony-admin' });

  it('fails on a wrong passphrase for one share: nothing on the token, nothing in the workspace', async () => {
    const before = dbState();
    await expectCode(restore('root-on-token', [share(0), share(2, custodians[1]!.passphrase)]), 'SHARE_PASSPHRASE_WRONG', /share 3 \(Erin Custodian\)/);
    expect(onToken('root-on-token')).toBe(0);
    expect(dbState()).toEqual(before);
  });

  it('fails with fewer than M shares: nothing changed', async () => {
    const before = dbState();
    await expectCode(restore('root-on-token', [share(1)]), 'SHARES_TOO_FEW', /needs 2 of its 3 shares; 1 given/);
    expect(onToken('root-on-token')).toBe(0);
    expect(dbState()).toEqual(before);
  });

  it('refuses a label already on the token before anything is imported', async () => {
    await generatePkcs11Key({ label: 'taken-on-token', algorithm: 'ecdsa-p256', binding });
    const before = dbState();
    await expectCode(restore('taken-on-token', [share(0), share(1)]), 'KEY_LABEL_EXISTS', /already exists on token restored-root/);
    expect(onToken('taken-on-token')).toBe(2); // only the key that was there
    expect(dbState()).toEqual(before);
  });

  it('refuses a label already in the workspace before any share is opened', async () => {
    const before = dbState();
    // Wrong passphrases: had the shares been opened, the error would be SHARE_PASSPHRASE_WRONG.
    await expectCode(restore(SHARES_LABEL, [share(0, 'not it at all, long enough'), share(1, 'not it either, long enough')]), 'KEY_LABEL_EXISTS');
    expect(dbState()).toEqual(before);
  });

  it('removes the imported key from the token again when the workspace cannot record it', async () => {
    const before = dbState();
    // A real database fault at the commit, after the import succeeded.
    ws.db.exec(`CREATE TEMP TRIGGER refuse_keys BEFORE INSERT ON main.keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    try {
      await expectCode(
        restore('root-on-token', [share(0), share(1)]),
        'CEREMONY_RESTORE_FAILED',
        /could not be recorded in the workspace \(disk says no\); the key was removed from the token again/,
      );
    } finally {
      ws.db.exec('DROP TRIGGER temp.refuse_keys');
    }
    expect(onToken('root-on-token')).toBe(0);
    expect(dbState()).toEqual(before);
  });

  it('restores the key onto the token, registers it, rebinds the CA, and the CA signs a CRL there', async () => {
    const seqBefore = dbState().auditSeq;
    const { record, result } = await restore('root-on-token', [share(0), share(2)]);
    expect(record).toMatchObject({ label: 'root-on-token', store: 'pkcs11', algorithm: 'ecdsa-p384', spkiSha256: sharesRecord.spkiSha256 });
    expect(record.location).toMatchObject({
      tokenSerial: binding.tokenSerial,
      imported: true,
      restoredFrom: SHARES_LABEL,
      sensitive: true,
      extractable: false,
    });
    expect(result).toEqual({
      label: 'root-on-token',
      algorithm: 'ecdsa-p384',
      spkiSha256: sharesRecord.spkiSha256,
      tokenSerial: binding.tokenSerial,
      tokenLabel: 'restored-root',
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
      CKA_ALWAYS_SENSITIVE: false,
      CKA_NEVER_EXTRACTABLE: false,
      imported: true,
      restoredFrom: SHARES_LABEL,
      sharesUsed: 2,
      reboundCas: [CA],
    });

    // The token object, read back on its own session: sensitive, non-extractable, its value unreadable.
    const ts = Pkcs11TokenSession.open(binding, false);
    try {
      const [priv] = findObjects(
        ts.pkcs11,
        ts.session,
        [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_LABEL, value: 'root-on-token' },
        ],
        ts.name,
      );
      expect(priv).toBeDefined();
      expect(
        readBooleans(ts.pkcs11, ts.session, priv!, [pkcs11js.CKA_SENSITIVE, pkcs11js.CKA_EXTRACTABLE, pkcs11js.CKA_PRIVATE, pkcs11js.CKA_TOKEN], ts.name),
      ).toEqual([true, false, true, true]);
      expect(() => readAttributes(ts.pkcs11, ts.session, priv!, [pkcs11js.CKA_VALUE], ts.name)).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    } finally {
      ts.close();
    }

    // The workspace: the new record, the shares record kept as the backup, the CA on the token key.
    const keys = new KeyRepository(ws);
    expect(keys.get('root-on-token').spki.equals(sharesRecord.spki)).toBe(true);
    expect(keys.get(SHARES_LABEL).store).toBe('shares');
    const ca = loadCa(ws, CA);
    expect(ca.row.keyLabel).toBe('root-on-token');
    const audit = ws.db.prepare('SELECT actor, action, subject, details FROM audit_log WHERE seq > ? ORDER BY seq').all(seqBefore) as {
      actor: string;
      action: string;
      subject: string;
      details: string;
    }[];
    expect(audit.map((a) => [a.action, a.subject, a.actor])).toEqual([
      ['key.restored', 'root-on-token', 'ceremony-admin'],
      ['ca.key-rebound', CA, 'ceremony-admin'],
    ]);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      restoredFrom: SHARES_LABEL,
      spkiSha256: sharesRecord.spkiSha256,
      CKA_ALWAYS_SENSITIVE: false,
      CKA_NEVER_EXTRACTABLE: false,
    });
    expect(JSON.parse(audit[1]!.details)).toMatchObject({ from: SHARES_LABEL, to: 'root-on-token', spkiSha256: sharesRecord.spkiSha256 });
    expect(ws.verifyAudit()).toMatchObject({ ok: true });

    // The token key signs, and the root certificate's public key verifies it.
    const rootPem = new X509Certificate(ca.certificate.der).toString();
    const rootFile = join(tmp.path, 'root.pem');
    writeFileSync(rootFile, rootPem);
    const key = await openSigningKey(ca.key, { store: 'pkcs11', binding });
    try {
      const message = Buffer.from('signed by the restored root key');
      expect(verify('sha384', message, new X509Certificate(ca.certificate.der).publicKey, await key.sign(message))).toBe(true);

      const crl = await issueCrl(ws, { ca: CA, caKey: key, nextUpdateDays: 30, actor: 'ceremony-admin' });
      const crlFile = join(tmp.path, 'root.crl.der');
      writeFileSync(crlFile, crl.der);
      const r = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', rootFile, '-noout'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/verify OK/);
    } finally {
      key.close();
    }

    // The shares still open the key: they are the backup.
    const backup = await openSharedKey(keys.get(SHARES_LABEL), [share(1), share(2)]);
    backup.close();
  });

  it('refuses a second copy that does not name its original (the schema keeps one original per public key)', () => {
    const copy = new KeyRepository(ws).get('root-on-token');
    const { restoredFrom: _drop, ...location } = copy.location;
    expect(() =>
      ws.db
        .prepare('INSERT INTO keys (label, store, algorithm, spki, spki_sha256, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('rogue-copy', 'pkcs11', copy.algorithm, copy.spki, copy.spkiSha256, JSON.stringify(location), copy.createdAt),
    ).toThrow(/UNIQUE constraint failed: keys.spki_sha256/);
    expect(() =>
      ws.db
        .prepare('INSERT INTO keys (label, store, algorithm, spki, spki_sha256, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('rogue-copy', 'pkcs11', copy.algorithm, copy.spki, 'f'.repeat(64), JSON.stringify({ ...location, restoredFrom: SHARES_LABEL }), copy.createdAt),
    ).toThrow(/must name, in restoredFrom, an existing key with the same public key/);
  });
});
