import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRootCa } from '../../main/ca/create-ca.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { exportBatch, type ExportFormat } from '../../main/manifest/export-batch.js';
import { createManifestSigner } from '../../main/manifest/manifest-signer.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { reworkDevice } from '../../main/station/rework.js';
import { closeBatch } from '../../main/station/work-orders.js';
import type { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { toPem } from './pem.js';
import { newSoftwareKey } from './software-keys.js';
import { FakeDevice, makeBatch, stationWorkspace } from './station-fixture.js';

export interface ManifestWorkspace {
  readonly ws: Workspace;
  readonly caKey: SyncSigningKey;
  readonly signerKey: SyncSigningKey;
  /** mfg then root */
  readonly caChain: Buffer[];
  /** the trusted root as a PEM file */
  readonly rootPem: string;
}

/** A station workspace with a P-256 manifest signer issued by the `mfg` CA. */
export async function manifestWorkspace(home: string): Promise<ManifestWorkspace> {
  const { ws, caKey, caChain } = await stationWorkspace(join(home, 'ws'));
  const signerKey = await newSoftwareKey(ws, 'signer-key', 'ecdsa-p256');
  await createManifestSigner(ws, { ca: 'mfg', caKey, signerKey, subject: parseSubject('O=Acme,CN=Acme Station 1 Manifest Signer'), actor: 'custodian' });
  const rootPem = join(home, 'root.pem');
  writeFileSync(rootPem, toPem(caChain[1]!));
  return { ws, caKey, signerKey, caChain, rootPem };
}

/**
 * A closed work order with every kind of entry: HM-SIM1-0006 failed without a
 * certificate (a stale nonce, before it took a quota slot); 0001..0003 confirmed; 0004
 * confirmed after a rework (its first certificate superseded); 0005 confirmed after a
 * drop between commit and write (its certificate re-sent); 0007 never seen.
 * Plan 0001..0007, quantity 5.
 */
export async function closedBatch(m: ManifestWorkspace, id: string, prefix = '000'): Promise<string[]> {
  const serials = [1, 2, 3, 4, 5, 6, 7].map((n) => `HM-SIM1-${prefix}${n}`);
  makeBatch(m.ws, id, `${serials[0]}..${serials[6]}`, 5);
  const ctx = prepareBatch(m.ws, id, m.caKey, 'line-1');
  await provisionDevice(ctx, new FakeDevice(serials[5]!, { staleNonce: true }), '/dev/fake3');
  for (const s of serials.slice(0, 4)) await provisionDevice(ctx, new FakeDevice(s), '/dev/fake0');
  const reworked = new FakeDevice(serials[3]!);
  reworkDevice(m.ws, { batchId: id, serial: serials[3]!, reason: 'SECURE_ELEMENT_REPLACED', actor: 'qa-lead', note: 'SE lot 7' });
  await provisionDevice(ctx, reworked, '/dev/fake1');
  const dropping = new FakeDevice(serials[4]!, { dropOnFirstWrite: true });
  await provisionDevice(ctx, dropping, '/dev/fake2');
  await provisionDevice(ctx, dropping, '/dev/fake2');
  closeBatch(m.ws, id, 'planner');
  return serials;
}

export async function exportTo(m: ManifestWorkspace, batchId: string, outDir: string, formats: ExportFormat[] = ['manifest']) {
  return exportBatch(m.ws, { batchId, outDir, formats, signerKey: async () => m.signerKey, actor: 'qa' });
}

/**
 * A factory workspace under `root/factory` with one closed work order exported to
 * `root/usb/<batchId>`, the factory then closed: what QA receives on a USB stick.
 */
export async function exportedBatch(root: string, batchId: string): Promise<{ dir: string; rootPem: string }> {
  const m = await manifestWorkspace(join(root, 'factory'));
  await closedBatch(m, batchId);
  const dir = join(root, 'usb', batchId);
  await exportTo(m, batchId, dir);
  m.ws.close();
  return { dir, rootPem: m.rootPem };
}

/** A root CA outside the trusted one, with its own manifest signer (for re-signing attacks). */
const rogues = new WeakMap<ManifestWorkspace, ReturnType<typeof makeRogueSigner>>();
export function rogueSigner(m: ManifestWorkspace) {
  let r = rogues.get(m);
  if (!r) rogues.set(m, (r = makeRogueSigner(m)));
  return r;
}

async function makeRogueSigner(m: ManifestWorkspace) {
  const rogueRootKey = await newSoftwareKey(m.ws, 'rogue-root-key', 'ecdsa-p256');
  const rogueRoot = await createRootCa(m.ws, {
    name: 'rogue-root',
    subject: parseSubject('O=Acme,CN=Acme Device Root'),
    key: rogueRootKey,
    validityDays: 3650,
    actor: 'mallory',
  });
  const rogueKey = await newSoftwareKey(m.ws, 'rogue-signer-key', 'ecdsa-p256');
  const { certificate } = await createManifestSigner(m.ws, {
    ca: 'rogue-root',
    caKey: rogueRootKey,
    signerKey: rogueKey,
    subject: parseSubject('O=Acme,CN=Acme Station 1 Manifest Signer'),
    actor: 'mallory',
  });
  return { rogueRootKey, rogueKey, signerDer: certificate.der, chain: [rogueRoot.certificate.der] };
}
