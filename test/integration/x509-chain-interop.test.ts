import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { issueFromCsr } from '../../main/ca/issue-from-csr.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../main/keys/key-algorithm.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseCsr } from '../../main/x509/csr/parse-csr.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { HW_TYPE_TPM2 } from '../../main/x509/profiles/idevid-profile.js';
import { opensslCsr } from '../support/device-csr.js';
import { toPem } from '../support/pem.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-x509-');
afterAll(() => tmp.dispose());
const PY = '/usr/bin/python3';
const CHECK = join(import.meta.dirname, '../support/check_chain.py');

function run(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe.each(KEY_ALGORITHMS)('a %s chain', (alg: KeyAlgorithm) => {
  it('root → intermediate → IDevID verifies with openssl, certtool and python3-cryptography; the CRL verifies and revokes', async () => {
    const dir = join(tmp.path, alg);
    const { workspace: ws } = Workspace.init(dir, 'custodian');
    try {
      const rootKey = await newSoftwareKey(ws, 'root-key', alg);
      const root = await createRootCa(ws, {
        name: 'acme-root',
        subject: parseSubject('C=DE,O=Acme Devices GmbH,CN=Acme Device Root CA'),
        key: rootKey,
        validityDays: 20 * 365,
        actor: 'custodian',
      });
      const mfgKey = await newSoftwareKey(ws, 'mfg-key', alg);
      const mfgRecord = new KeyRepository(ws).get('mfg-key');
      const mfg = await createIntermediateCa(ws, {
        name: 'acme-mfg',
        parent: 'acme-root',
        parentKey: rootKey,
        subject: parseSubject('C=DE,O=Acme Devices GmbH,OU=Factory Berlin,CN=Acme Manufacturing CA 1'),
        key: mfgRecord,
        validityDays: 5 * 365,
        options: { pathLen: 0 },
        actor: 'custodian',
      });
      const device = opensslCsr(dir, 'device', alg);
      const hwSerial = 'WX-0001-7731';
      const leaf = await issueFromCsr(ws, {
        ca: 'acme-mfg',
        caKey: mfgKey,
        csr: parseCsr(device.csrDer),
        profile: 'idevid',
        subject: parseSubject(`O=Acme Devices GmbH,CN=widget-${hwSerial},serialNumber=${hwSerial}`),
        validity: 'no-expiration',
        idevid: {
          hardwareModuleName: { hwType: HW_TYPE_TPM2, hwSerialNum: Buffer.from(hwSerial) },
          masaUrl: 'masa.acme.example',
        },
        actor: 'station-1',
      });
      expect(leaf.signed.findings.map((f) => f.rule)).toEqual(['validity.within-issuer']);

      const rootPem = join(dir, 'root.pem');
      const mfgPem = join(dir, 'mfg.pem');
      const leafPem = join(dir, 'leaf.pem');
      writeFileSync(rootPem, toPem(root.certificate.der));
      writeFileSync(mfgPem, toPem(mfg.certificate.der));
      writeFileSync(leafPem, toPem(leaf.signed.certificate.der));
      writeFileSync(join(dir, 'chain.pem'), toPem(leaf.signed.certificate.der) + toPem(mfg.certificate.der) + toPem(root.certificate.der));

      const ossl = run('openssl', ['verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', mfgPem, leafPem]);
      expect(ossl.out).toContain(`${leafPem}: OK`);
      const gnutls = run('certtool', ['--verify', '--load-ca-certificate', rootPem, '--infile', join(dir, 'chain.pem')]);
      expect(gnutls.code, gnutls.out).toBe(0);
      expect(gnutls.out).toMatch(/Chain verification output: Verified/);
      const py = run(PY, [CHECK, rootPem, mfgPem, leafPem, '--idevid', HW_TYPE_TPM2, Buffer.from(hwSerial).toString('hex'), hwSerial, '--no-expiry']);
      expect(py.code, py.out).toBe(0);
      expect(JSON.parse(py.out)).toMatchObject({ hwType: HW_TYPE_TPM2, notAfter: '9999-12-31T23:59:59' });
      // openssl reads the 802.1AR fields the same way.
      const text = execFileSync('openssl', ['x509', '-in', leafPem, '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toMatch(/Not After : Dec 31 23:59:59 9999 GMT/);
      expect(text).toMatch(/serialNumber = WX-0001-7731/);
      expect(text).toMatch(/1\.3\.6\.1\.5\.5\.7\.1\.32:\s*\n\s*\.\.masa\.acme\.example/);

      // Revoke the device certificate and check the CRL with openssl.
      const crl = await issueCrl(ws, {
        ca: 'acme-mfg',
        caKey: mfgKey,
        revoke: [{ serialHex: leaf.row.serial, reason: 'keyCompromise' }],
        nextUpdateDays: 30,
        actor: 'custodian',
      });
      expect(crl.crlNumber).toBe(1);
      const crlPem = join(dir, 'mfg.crl.pem');
      writeFileSync(crlPem, toPem(crl.der, 'X509 CRL'));
      const crlCheck = run('openssl', ['crl', '-in', crlPem, '-CAfile', mfgPem, '-noout', '-verify']);
      expect(crlCheck.out).toMatch(/verify OK/);
      const crlText = execFileSync('openssl', ['crl', '-in', crlPem, '-noout', '-text'], { encoding: 'utf8' });
      expect(crlText).toMatch(/X509v3 CRL Number:\s*\n\s*1/);
      expect(crlText).toMatch(/Key Compromise/);
      const revoked = run('openssl', ['verify', '-crl_check', '-CAfile', rootPem, '-untrusted', mfgPem, '-CRLfile', crlPem, leafPem]);
      expect(revoked.out).toMatch(/certificate revoked/);
      const gnutlsCrl = run('certtool', ['--verify-crl', '--load-ca-certificate', mfgPem, '--infile', crlPem]);
      expect(gnutlsCrl.code, gnutlsCrl.out).toBe(0);
      expect(gnutlsCrl.out).toMatch(/Verification output: Verified/);

      // Everything is recorded and the audit chain holds.
      expect(ws.audit.query({ action: 'certificate.issued' }).total).toBe(3);
      expect(ws.audit.query({ action: 'certificate.revoked' }).total).toBe(1);
      expect(ws.verifyAudit().ok).toBe(true);
    } finally {
      ws.close();
    }
  });
});
