import { createECDH, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { devicesSha256Stream, planSha256 } from '../../main/manifest/format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { serializeManifest } from '../../main/manifest/format/serialize-manifest.js';
import { loadCurrentSigner } from '../../main/manifest/manifest-signer.js';
import { parseCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { closedBatch, exportTo, manifestWorkspace } from './manifest-fixture.js';

export interface SyntheticManifest {
  readonly dir: string;
  readonly rootPem: string;
  readonly planCsv: string;
  readonly devices: number;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * A signed manifest of `devices` confirmed entries in seconds rather than the minutes the
 * real station path takes (bench/manifest-fixture.ts, 100,000 devices): one real work order
 * is exported, and its first certificate is the template of every entry — its hardware
 * serial (subject serialNumber and hardwareModuleName), certificate serial and public key
 * (a fresh P-256 point each) patched in place, the TBS signed by the real issuing CA key.
 * Every check of the verifier passes on it; the manifest signer, issuing CA and root are
 * the real ones. Serials are `HM-` and nine digits (the document's serial pattern says so).
 */
export async function syntheticManifest(root: string, devices: number, options: { badSignatureAt?: readonly number[] } = {}): Promise<SyntheticManifest> {
  const bad = new Set(options.badSignatureAt ?? []);
  const m = await manifestWorkspace(join(root, 'factory'));
  try {
    await closedBatch(m, 'WO-SYN');
    const first = join(root, 'template');
    await exportTo(m, 'WO-SYN', first);
    const template = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8')) as ManifestDocument;
    const entry = template.devices.find((d) => d.status === 'confirmed' && d.certificate !== null)!;
    const der = Buffer.from(entry.certificate!.der, 'base64');
    const cert = parseCertificateFast(der);
    const tbs = Buffer.from(cert.tbsDer);
    const algorithmAt = der.indexOf(tbs) + tbs.length;
    const algorithm = der.subarray(algorithmAt, algorithmAt + 2 + der[algorithmAt + 1]!);
    const serialBytes = Buffer.from(entry.hardwareSerial, 'latin1');
    const serialAt: number[] = [];
    for (let at = tbs.indexOf(serialBytes); at >= 0; at = tbs.indexOf(serialBytes, at + 1)) serialAt.push(at);
    const point = cert.spki.subarray(cert.spki.length - 65);
    const pointAt = tbs.indexOf(point);
    const certSerialAt = tbs.indexOf(cert.serial);
    const spkiAt = tbs.indexOf(cert.spki);
    if (serialAt.length === 0 || pointAt < 0 || certSerialAt < 0 || spkiAt < 0 || cert.serial.length < 8)
      throw new Error('the template certificate is not as expected');

    const entries: DeviceEntry[] = [];
    const serials: string[] = [];
    const digest = devicesSha256Stream();
    for (let i = 0; i < devices; i++) {
      const hardwareSerial = `HM-${String(i + 1).padStart(9, '0')}`;
      serials.push(hardwareSerial);
      const t = Buffer.from(tbs);
      for (const at of serialAt) t.write(hardwareSerial, at, 'latin1');
      t.writeUInt32BE(i + 1, certSerialAt + cert.serial.length - 4);
      createECDH('prime256v1').generateKeys().copy(t, pointAt);
      const signature = m.caKey.signSync(t);
      // a signature of the same shape over other bytes: the entry's digests stay consistent
      if (bad.has(i)) signature.set(m.caKey.signSync(Buffer.concat([t, Buffer.from([0])])).subarray(0, signature.length));
      const bitString = Buffer.concat([Buffer.from([0x03]), derLength(signature.length + 1), Buffer.from([0]), signature]);
      const body = Buffer.concat([t, algorithm, bitString]);
      const certDer = Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
      const spki = t.subarray(spkiAt, spkiAt + cert.spki.length);
      const e: DeviceEntry = {
        ...entry,
        hardwareSerial,
        status: 'confirmed',
        deviceState: 'done',
        revocation: null,
        rework: null,
        lastError: null,
        certificate: {
          ...entry.certificate!,
          der: certDer.toString('base64'),
          sha256: sha256(certDer),
          publicKeySha256: sha256(spki),
          serial: t.subarray(certSerialAt, certSerialAt + cert.serial.length).toString('hex'),
        },
      };
      digest.add(e);
      entries.push(e);
    }
    const doc: ManifestDocument = {
      ...template,
      workOrder: {
        ...template.workOrder,
        policy: { ...template.workOrder.policy, serialPattern: 'HM-[0-9]{9}' },
        planned: devices,
        quantity: devices,
        planSha256: planSha256(serials),
      },
      counters: {
        ...template.counters,
        planned: devices,
        quantity: devices,
        issued: devices,
        devicesIssued: devices,
        confirmed: devices,
        failed: 0,
        reworked: 0,
        refused: 0,
      },
      devices: entries,
      devicesSha256: digest.hex(),
    };
    const json = serializeManifest(doc);
    const signer = loadCurrentSigner(m.ws);
    const p7s = await signDetachedCms({
      content: json,
      signer: m.signerKey,
      signerCertificate: signer.certificate.der,
      chain: signer.chain,
      signingTime: new Date(),
    });
    const dir = join(root, 'synthetic');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), json);
    writeFileSync(join(dir, 'manifest.json.p7s'), p7s);
    const planCsv = join(root, 'synthetic-plan.csv');
    writeFileSync(planCsv, `serial\n${serials.join('\n')}\n`);
    return { dir, rootPem: m.rootPem, planCsv, devices };
  } finally {
    m.ws.close();
  }
}
