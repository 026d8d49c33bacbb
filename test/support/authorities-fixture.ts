import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { openSigningKey } from '../../main/keys/open-signing-key.js';
import { generatePkcs11Key } from '../../main/keys/pkcs11/pkcs11-key-generate.js';
import { generateSharedKey, shareFileNames } from '../../main/keys/shares/shared-key-store.js';
import { createManifestSigner } from '../../main/manifest/manifest-signer.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import type { SoftHsm } from './softhsm.js';
import { newSoftwareKey } from './software-keys.js';

const DAY = 86_400_000;
export const SHARE_CUSTODIANS = ['Alice Custodian', 'Bob Custodian', 'Carol Custodian'] as const;

/**
 * A workspace holding the PKI the Authorities screen shows (issue #14): a root on a
 * SoftHSM token with a fresh CRL, a root whose key is split 2-of-3 among custodians, the
 * `mfg` intermediate (software key, passphrase TEST_PASSPHRASE) under the token root with
 * an overdue CRL, and a manifest signer under `mfg`. Made in-process through the same
 * functions the CLI and ceremonies call.
 */
export async function authoritiesWorkspace(home: string, hsm: SoftHsm): Promise<void> {
  const { workspace: ws } = Workspace.init(home, 'custodian');
  const keys = new KeyRepository(ws);
  try {
    const binding = { modulePath: hsm.modulePath, tokenSerial: hsm.tokens[0]!.serial, pin: hsm.tokens[0]!.pin };
    const made = await generatePkcs11Key({ label: 'token-root-key', algorithm: 'ecdsa-p384', binding });
    const tokenRecord = keys.add(
      { label: 'token-root-key', store: 'pkcs11', algorithm: 'ecdsa-p384', spki: made.spki, location: { ...made.location } },
      'custodian',
    );
    const rootKey = await openSigningKey(tokenRecord, { store: 'pkcs11', binding });
    // Started in the past so a CRL signed 40 days ago lies inside the CA's validity.
    const notBefore = new Date(Date.now() - 60 * DAY);
    try {
      await createRootCa(ws, {
        name: 'token-root',
        subject: parseSubject('C=DE,O=Acme Devices GmbH,CN=Acme Token Root CA'),
        key: rootKey,
        validityDays: 3650,
        pathLen: 1,
        notBefore,
        actor: 'custodian',
      });
      const mfgKey = await newSoftwareKey(ws, 'mfg-key', 'ecdsa-p256');
      await createIntermediateCa(ws, {
        name: 'mfg',
        parent: 'token-root',
        parentKey: rootKey,
        subject: parseSubject('O=Acme Devices GmbH,CN=Acme Manufacturing CA'),
        key: keys.get('mfg-key'),
        validityDays: 1825,
        notBefore,
        options: { pathLen: 0, nameConstraints: { permitted: { dns: ['devices.acme.example'] } } },
        actor: 'custodian',
      });
      await issueCrl(ws, { ca: 'token-root', caKey: rootKey, nextUpdateDays: 90, actor: 'custodian' });
      const signerKey = await newSoftwareKey(ws, 'signer-key', 'ecdsa-p256');
      await createManifestSigner(ws, {
        ca: 'mfg',
        caKey: mfgKey,
        signerKey,
        subject: parseSubject('O=Acme Devices GmbH,CN=Acme Station 1 Manifest Signer'),
        actor: 'custodian',
      });
      // nextUpdate 10 days ago: overdue
      await issueCrl(ws, { ca: 'mfg', caKey: mfgKey, nextUpdateDays: 30, thisUpdate: new Date(Date.now() - 40 * DAY), actor: 'custodian' });
    } finally {
      rootKey.close();
    }

    const outDir = join(home, 'shares-out');
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const custodians = SHARE_CUSTODIANS.map((custodian, i) => ({ custodian, passphrase: `share passphrase ${i + 1} of the shares root` }));
    const shared = await generateSharedKey({ label: 'shares-root-key', algorithm: 'ecdsa-p384', threshold: 2, custodians, outDir });
    const sharesRecord = keys.add(
      { label: 'shares-root-key', store: 'shares', algorithm: 'ecdsa-p384', spki: shared.spki, location: { ...shared.location } },
      'custodian',
    );
    const sharesKey = await openSigningKey(sharesRecord, {
      store: 'shares',
      shares: [0, 1].map((i) => ({ file: join(outDir, shareFileNames('shares-root-key', i + 1, 3).share), passphrase: custodians[i]!.passphrase })),
    });
    try {
      await createRootCa(ws, {
        name: 'shares-root',
        subject: parseSubject('C=DE,O=Acme Devices GmbH,CN=Acme Offline Root CA'),
        key: sharesKey,
        validityDays: 7300,
        actor: 'custodian',
      });
    } finally {
      sharesKey.close();
    }
  } finally {
    ws.close();
  }
}
