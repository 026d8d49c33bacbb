import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../main/x509/certificate-facts.js';
import { parseCertificateFast, readCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { expectSameFacts } from '../support/facts-equality.js';
import { tempDir } from '../support/temp-dir.js';

/** Certificates made by openssl, not by Hallmark's encoder: the fast facts reader must agree with asn1-x509 on them. */

const tmp = tempDir('hallmark-facts-');
afterAll(() => tmp.dispose());

const KEYS = {
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-newkey', 'ed25519'],
  rsa2048: ['-newkey', 'rsa:2048'],
} as const;

let n = 0;
function selfSigned(key: keyof typeof KEYS, subject: string, extra: string[] = []): { der: Buffer; cert: string; key: string } {
  const id = ++n;
  const cert = join(tmp.path, `c${id}.pem`);
  const keyPath = join(tmp.path, `k${id}.pem`);
  execFileSync('openssl', ['req', '-x509', ...KEYS[key], '-nodes', '-keyout', keyPath, '-subj', subject, '-days', '30', '-out', cert, ...extra], {
    stdio: 'pipe',
  });
  return { der: toDer(cert), cert, key: keyPath };
}

function toDer(pemPath: string): Buffer {
  const out = join(tmp.path, `d${++n}.der`);
  execFileSync('openssl', ['x509', '-in', pemPath, '-outform', 'DER', '-out', out], { stdio: 'pipe' });
  return readFileSync(out);
}

/** A leaf signed by `ca` from a fresh CSR, with an extfile. */
function issued(ca: { cert: string; key: string }, key: keyof typeof KEYS, subject: string, extensions: string, days = '30'): Buffer {
  const id = ++n;
  const csr = join(tmp.path, `r${id}.pem`);
  const keyPath = join(tmp.path, `lk${id}.pem`);
  const ext = join(tmp.path, `e${id}.cnf`);
  const cert = join(tmp.path, `l${id}.pem`);
  execFileSync('openssl', ['req', '-new', ...KEYS[key], '-nodes', '-keyout', keyPath, '-subj', subject, '-out', csr], { stdio: 'pipe' });
  execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', extensions, ext]);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', days, '-extfile', ext, '-out', cert], {
    stdio: 'pipe',
  });
  return toDer(cert);
}

function expectFastCovers(der: Buffer): void {
  const fast = readCertificateFast(der);
  expect(fast, 'the fast reader covers this certificate').not.toBeNull();
  expectSameFacts(fast, parseCertificate(der));
}

function expectFallback(der: Buffer): void {
  expect(readCertificateFast(der)).toBeNull();
  expectSameFacts(parseCertificateFast(der), parseCertificate(der));
}

describe('openssl-made certificates', () => {
  it.each(Object.keys(KEYS) as (keyof typeof KEYS)[])('%s self-signed with openssl’s default extensions', (key) => {
    expectFastCovers(selfSigned(key, '/C=DE/O=Acme Devices GmbH/CN=openssl root').der);
  });

  it('a CA with path length, name constraints, EKU, full key usage, DNS and URI SANs; UTF-8 names; GeneralizedTime after 2049', () => {
    const ca = selfSigned('p256', '/C=DE/O=Äcme Gerätebau/CN=Prüf-CA', [
      '-utf8',
      '-days',
      '12000',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:3',
      '-addext',
      'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement,keyCertSign,cRLSign,encipherOnly,decipherOnly',
      '-addext',
      'extendedKeyUsage=serverAuth,clientAuth,codeSigning,1.3.6.1.4.1.55555.1',
      '-addext',
      'subjectAltName=DNS:ca.acme.example,URI:https://acme.example/ca',
      '-addext',
      'nameConstraints=critical,permitted;DNS:.acme.example,permitted;dirName:dir_sect,excluded;DNS:bad.acme.example',
      '-config',
      nameConstraintConfig(),
    ]);
    expectFastCovers(ca.der);
    expect(readCertificateFast(ca.der)!.notAfterEncoding).toBe('generalized');
  });

  it('leaves issued by openssl: IDevID-like otherName SAN, masa URL, AKI keyid only; and one with AKI issuer+serial (left to asn1-x509)', () => {
    const ca = selfSigned('p384', '/C=DE/O=Acme/CN=openssl CA', ['-addext', 'basicConstraints=critical,CA:TRUE']);
    const leaf = issued(
      ca,
      'p256',
      '/O=Acme/CN=widget-1/serialNumber=WX-1',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
        'subjectAltName=otherName:1.3.6.1.5.5.7.8.4;SEQUENCE:hmn',
        '1.3.6.1.5.5.7.1.32=ASN1:IA5STRING:masa.acme.example',
        '[hmn]',
        'hwType=OID:2.23.133.1.2',
        'hwSerialNum=OCTETSTRING:WX-1',
      ].join('\n'),
    );
    expectFastCovers(leaf);
    const facts = readCertificateFast(leaf)!;
    expect(facts.san?.hardwareModuleNames.map((h) => [h.hwType, h.hwSerialNum.toString()])).toEqual([['2.23.133.1.2', 'WX-1']]);
    expect(facts.masaUrl).toBe('masa.acme.example');
    expectFallback(issued(ca, 'rsa2048', '/CN=legacy', 'authorityKeyIdentifier=keyid:always,issuer:always\nsubjectAltName=email:pki@acme.example,IP:10.0.0.1'));
  });

  it('multi-valued RDNs are left to asn1-x509', () => {
    expectFallback(selfSigned('p256', '/O=Acme/CN=a+serialNumber=1', ['-multivalue-rdn']).der);
  });
});

function nameConstraintConfig(): string {
  const path = join(tmp.path, 'nc.cnf');
  execFileSync('sh', ['-c', `printf '%s\\n' "[req]" "distinguished_name = dn" "[dn]" "[dir_sect]" "C = DE" "O = Acme" > "$1"`, 'sh', path]);
  return path;
}
