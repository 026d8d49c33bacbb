import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyAlgorithm } from '../../main/keys/key-algorithm.js';

const GENPKEY: Record<KeyAlgorithm, string[]> = {
  'ecdsa-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ecdsa-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-3072': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  'rsa-4096': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
};

/** A device key and CSR made by openssl, as a device or an outside CA would make them. Returns the CSR DER. */
export function opensslCsr(dir: string, name: string, algorithm: KeyAlgorithm, subject = `/CN=${name}`): { csrDer: Buffer; keyPath: string; csrPath: string } {
  const keyPath = join(dir, `${name}.key.pem`);
  const csrPath = join(dir, `${name}.csr.der`);
  execFileSync('openssl', ['genpkey', ...GENPKEY[algorithm], '-out', keyPath], { stdio: 'pipe' });
  execFileSync('openssl', ['req', '-new', '-key', keyPath, '-subj', subject, '-outform', 'DER', '-out', csrPath], { stdio: 'pipe' });
  return { csrDer: readFileSync(csrPath), keyPath, csrPath };
}
