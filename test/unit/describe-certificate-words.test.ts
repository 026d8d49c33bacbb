import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../main/x509/certificate-facts.js';
import { certificateDer } from '../../main/x509/certificate-input.js';
import { describeForPeople, descriptionLines, NO_EXPIRY_NOTE } from '../../main/x509/describe/certificate-description.js';
import { NO_WELL_DEFINED_EXPIRATION } from '../../main/x509/validity.js';
import { requiredTool } from '../support/required-tool.js';
import { tempDir } from '../support/temp-dir.js';

const hasOpenssl = requiredTool(spawnSync('openssl', ['version']).status === 0, 'openssl', 'openssl');
const tmp = tempDir('hallmark-describe-');
afterAll(() => tmp.dispose());

/** A certificate made by openssl (an independent encoder) from a config of extensions. */
function opensslCert(name: string, opts: { curve?: string; ed25519?: boolean; subj: string; ext: string; extra?: string }): Buffer {
  const key = join(tmp.path, `${name}.key`);
  const cfg = join(tmp.path, `${name}.cnf`);
  const out = join(tmp.path, `${name}.pem`);
  execFileSync(
    'openssl',
    opts.ed25519
      ? ['genpkey', '-algorithm', 'ed25519', '-out', key]
      : ['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${opts.curve ?? 'P-384'}`, '-out', key],
  );
  writeFileSync(
    cfg,
    `oid_section=oids\n[oids]\nmatterVendorId=1.3.6.1.4.1.37244.2.1\nmatterProductId=1.3.6.1.4.1.37244.2.2\n[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${opts.ext}\n${opts.extra ?? ''}`,
  );
  const args = ['req', '-new', '-x509', '-key', key, '-subj', opts.subj, '-config', cfg, '-extensions', 'ext', '-out', out, '-days', '30', '-sha384'];
  execFileSync('openssl', args);
  return certificateDer(readFileSync(out));
}

describe.runIf(hasOpenssl)('a certificate in words (main/x509/describe)', () => {
  it('names the algorithm and curve, and every extension with its decoded value and criticality', () => {
    const der = opensslCert('root', {
      subj: '/C=DE/O=Acme/CN=Acme Root',
      ext: 'basicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nnameConstraints=critical,permitted;DNS:.acme.example\nextendedKeyUsage=clientAuth,1.3.6.1.5.5.7.3.9',
    });
    const d = describeForPeople(parseCertificate(der));
    expect(d.publicKey).toEqual({ words: 'ECDSA P-384', oid: '1.2.840.10045.2.1', curveOid: '1.3.132.0.34' });
    expect(d.signature).toEqual({ words: 'ECDSA P-384 with SHA-384', oid: '1.2.840.10045.4.3.3', curveOid: '1.3.132.0.34' });
    const ext = Object.fromEntries(d.extensions.map((e) => [e.oid, e]));
    expect(ext['2.5.29.19']).toEqual({ oid: '2.5.29.19', name: 'Basic constraints', critical: true, values: ['CA, at most 1 CA below it (path length 1)'] });
    expect(ext['2.5.29.15']).toMatchObject({ name: 'Key usage', critical: true, values: ['certificate signing', 'CRL signing'] });
    expect(ext['2.5.29.30']).toMatchObject({ name: 'Name constraints', critical: true, values: ['permitted DNS subtree .acme.example'] });
    expect(ext['2.5.29.37']).toMatchObject({
      name: 'Extended key usage',
      critical: false,
      values: ['TLS client authentication (1.3.6.1.5.5.7.3.2)', 'OCSP signing (1.3.6.1.5.5.7.3.9)'],
    });
    expect(ext['2.5.29.14']!.values[0]).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const text = descriptionLines(d).join('\n');
    expect(text).toMatch(/Basic constraints\s+CA, at most 1 CA below it \(path length 1\)\s+\[2\.5\.29\.19, critical\]/);
    expect(text).not.toMatch(/\{"ca"/);
  });

  it('reads the curve of a signature by another key from its size, and names Ed25519 keys', () => {
    const p256 = describeForPeople(parseCertificate(opensslCert('p256', { curve: 'P-256', subj: '/CN=leaf', ext: 'basicConstraints=critical,CA:FALSE' })));
    expect(p256.publicKey.words).toBe('ECDSA P-256');
    // self-signed with -sha384 on a P-256 key: the curve is the key's, the hash what was asked
    expect(p256.signature.words).toBe('ECDSA P-256 with SHA-384');
    expect(p256.extensions[0]).toMatchObject({ name: 'Basic constraints', values: ['not a CA (end entity)'] });
    const ed = describeForPeople(parseCertificate(opensslCert('ed', { ed25519: true, subj: '/CN=ed', ext: 'basicConstraints=critical,CA:FALSE' })));
    expect(ed.publicKey.words).toBe('Ed25519');
    expect(ed.signature.words).toBe('Ed25519');
  });

  it("decodes 802.1AR's hardwareModuleName, the BRSKI MASA URL, Matter VID/PID, and notes no expiry", () => {
    const der = opensslCert('idevid', {
      subj: '/O=Acme/CN=widget-7/matterVendorId=FFF1/matterProductId=8000',
      ext: 'basicConstraints=critical,CA:FALSE\nsubjectAltName=critical,otherName:1.3.6.1.5.5.7.8.4;SEQUENCE:hmn\n1.3.6.1.5.5.7.1.32=ASN1:IA5STRING:masa.acme.example\n1.2.3.4.5=ASN1:UTF8String:mystery',
      extra: '[hmn]\nhwType=OID:2.23.133.1.2\nhwSerialNum=OCTETSTRING:SN-0042\n',
    });
    const d = describeForPeople(parseCertificate(der));
    expect(d.subject).toBe('O=Acme, CN=widget-7, matterVendorId=FFF1, matterProductId=8000');
    expect(d.subjectAttributes.slice(2)).toEqual([
      { oid: '1.3.6.1.4.1.37244.2.1', short: 'matterVendorId', words: 'Matter Vendor ID', value: 'FFF1' },
      { oid: '1.3.6.1.4.1.37244.2.2', short: 'matterProductId', words: 'Matter Product ID', value: '8000' },
    ]);
    const ext = Object.fromEntries(d.extensions.map((e) => [e.oid, e]));
    expect(ext['2.5.29.17']).toMatchObject({
      name: 'Subject alternative name',
      critical: true,
      values: ['hardware module (802.1AR hardwareModuleName, 1.3.6.1.5.5.7.8.4): TPM 2.0 2.23.133.1.2, serial "SN-0042"'],
    });
    expect(ext['1.3.6.1.5.5.7.1.32']).toMatchObject({ name: 'BRSKI MASA URL', values: ['masa.acme.example'] });
    expect(ext['1.2.3.4.5']).toMatchObject({ name: 'Unknown extension', values: [expect.stringMatching(/^not decoded here \(\d+ bytes\)$/)] });
    expect(d.validityNote).toBeNull();
    // openssl before 3.4 cannot write a chosen notAfter: the same facts with 802.1AR's 99991231235959Z
    const noExpiry = describeForPeople({ ...parseCertificate(der), notAfter: NO_WELL_DEFINED_EXPIRATION });
    expect(noExpiry.notAfter).toBe('9999-12-31T23:59:59.000Z');
    expect(noExpiry.validityNote).toBe(NO_EXPIRY_NOTE);
  });
});
