import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../main/keys/signing-key.js';
import { KeyObjectSigningKey } from '../main/keys/software/key-object-signing-key.js';
import { buildCsr } from '../main/x509/build-csr.js';
import type { ParsedCertificate } from '../main/x509/certificate-facts.js';
import { parseCsr } from '../main/x509/csr/parse-csr.js';
import { encodeName, parseSubject } from '../main/x509/distinguished-name.js';
import { intermediateCaExtensions, rootCaExtensions } from '../main/x509/profiles/ca-profiles.js';
import { randomSerialNumber } from '../main/x509/serial-number.js';
import { signCertificate } from '../main/x509/sign-certificate.js';
import { wholeSeconds } from '../main/x509/validity.js';

const DAY = 86_400_000;

/** A software P-256 signing key, and its private KeyObject for the raw baselines. */
export function softwareP256Pair(label: string): { key: KeyObjectSigningKey; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: new KeyObjectSigningKey(label, 'ecdsa-p256', privateKey, publicKey.export({ type: 'spki', format: 'der' })), privateKey };
}

export function softwareP256Key(label: string): KeyObjectSigningKey {
  return softwareP256Pair(label).key;
}

/** A software root and, under it, the manufacturing CA whose key is `caKey` (software or on a token). */
export async function manufacturingCa(caKey: SigningKey): Promise<ParsedCertificate> {
  const rootKey = softwareP256Key('bench-root');
  const rootName = encodeName(parseSubject('C=DE,O=Acme Devices GmbH,CN=Acme Bench Root'));
  const notBefore = wholeSeconds(new Date(Date.now() - DAY));
  const root = await signCertificate({
    template: {
      profile: 'root',
      serial: randomSerialNumber(),
      issuerName: rootName,
      subjectName: rootName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 20 * 365 * DAY),
      subjectSpki: rootKey.spki,
      extensions: rootCaExtensions(rootKey.spki, 1),
    },
    signer: rootKey,
    issuer: null,
  });
  const ca = await signCertificate({
    template: {
      profile: 'intermediate',
      serial: randomSerialNumber(),
      issuerName: rootName,
      subjectName: encodeName(parseSubject('C=DE,O=Acme Devices GmbH,OU=Factory Berlin,CN=Acme Manufacturing CA 1')),
      notBefore,
      notAfter: new Date(notBefore.getTime() + 5 * 365 * DAY),
      subjectSpki: caKey.spki,
      extensions: intermediateCaExtensions(caKey.spki, rootKey.spki, { pathLen: 0 }),
    },
    signer: rootKey,
    issuer: root.certificate,
  });
  return ca.certificate;
}

export interface DeviceCsr {
  readonly der: Buffer;
  readonly hwSerial: string;
}

/** CSRs as devices send them: a P-256 key, CN, and the station nonce as challengePassword. */
export async function deviceCsrs(count: number): Promise<DeviceCsr[]> {
  const out: DeviceCsr[] = [];
  for (let i = 0; i < count; i++) {
    const hwSerial = `WX-${String(i).padStart(6, '0')}`;
    const der = await buildCsr({ key: softwareP256Key(hwSerial), subject: parseSubject(`CN=${hwSerial}`), challengePassword: `nonce-${i}-4f1c9a` });
    parseCsr(der); // every fixture CSR must pass the checks the measured path runs
    out.push({ der, hwSerial });
  }
  return out;
}
