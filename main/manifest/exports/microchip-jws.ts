import { createHash, createPublicKey } from 'node:crypto';
import { ecdsaDerToRaw } from '../../keys/ecdsa-signature.js';
import type { SigningKey } from '../../keys/signing-key.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { OID } from '../../x509/oids.js';
import { base64url } from '../format/base64url.js';
import type { ManifestDocument } from '../format/manifest-document.js';
import { ManifestError } from '../manifest-errors.js';
import { shippedDevices } from './shipped-devices.js';

export const MICROCHIP_FILE = 'devices.microchip.json';

/** One element of the array: a flattened JWS (RFC 7515 §7.2.2). */
export interface MicrochipEntry {
  readonly payload: string;
  readonly protected: string;
  readonly header: { readonly uniqueId: string };
  readonly signature: string;
}

/**
 * The shipped devices in the shape of Microchip's secure-element manifests, which AWS
 * importers (Thingpress and the like) read: a JSON array of flattened JWS, ES256, signed
 * per device by the manifest signer. Importers find the signer by `x5t#S256` among their
 * trusted signer certificates, so a rotated signer needs only its certificate added there.
 * ES256 needs a P-256 signer key.
 */
export async function microchipManifest(doc: ManifestDocument, signer: { key: SigningKey; certificateDer: Buffer }): Promise<Buffer> {
  if (signer.key.algorithm !== 'ecdsa-p256') {
    throw new ManifestError(
      'MICROCHIP_SIGNER_NOT_P256',
      `the Microchip manifest is ES256, but the manifest signer key "${signer.key.label}" is ${signer.key.algorithm}; rotate to a P-256 signer (hallmark manifest signer create)`,
    );
  }
  const signerFacts = parseCertificateFast(signer.certificateDer);
  if (!signerFacts.spki.equals(signer.key.spki))
    throw new ManifestError('MANIFEST_SIGNER_KEY_MISMATCH', 'the unlocked key is not the key of the signer certificate');
  const ski = signerFacts.subjectKeyId ?? createHash('sha1').update(signerFacts.spki).digest();
  const protectedHeader = base64url(
    JSON.stringify({ alg: 'ES256', kid: base64url(ski), typ: 'JWT', 'x5t#S256': base64url(createHash('sha256').update(signer.certificateDer).digest()) }),
  );
  const signerB64 = signer.certificateDer.toString('base64');
  const entries: MicrochipEntry[] = [];
  for (const device of shippedDevices(doc)) {
    const der = Buffer.from(device.certificate.der, 'base64');
    const facts = parseCertificateFast(der);
    const jwk = createPublicKey({ key: facts.spki, format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty !== 'EC' || (jwk.crv !== 'P-256' && jwk.crv !== 'P-384')) {
      throw new ManifestError(
        'MICROCHIP_KEY_UNSUPPORTED',
        `${device.hardwareSerial}: the Microchip format carries EC public keys; this device has a ${jwk.kty} key`,
      );
    }
    const organization = {
      organizationName: facts.subject.find((a) => a.oid === OID.organizationName)?.value ?? '',
      organizationalUnitName: facts.subject.find((a) => a.oid === OID.organizationalUnitName)?.value ?? '',
    };
    const payload = base64url(
      JSON.stringify({
        version: 1,
        model: doc.workOrder.model,
        partNumber: doc.workOrder.model,
        manufacturer: organization,
        provisioner: organization,
        distributor: organization,
        groupId: doc.workOrder.id,
        provisioningTimestamp: new Date(device.certificate.issuedAt).toISOString(),
        uniqueId: device.hardwareSerial,
        publicKeySet: { keys: [{ kid: '0', kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, x5c: [device.certificate.der, signerB64] }] },
      }),
    );
    const signature = ecdsaDerToRaw(await signer.key.sign(Buffer.from(`${protectedHeader}.${payload}`, 'ascii')), 32);
    entries.push({ payload, protected: protectedHeader, header: { uniqueId: device.hardwareSerial }, signature: base64url(signature) });
  }
  return Buffer.from(`[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`, 'utf8');
}
