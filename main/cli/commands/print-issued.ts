import type { SignedCertificate } from '../../x509/sign-certificate.js';
import type { CliContext } from '../cli-context.js';
import { pem } from './key-command.js';

/** Reports a freshly signed certificate: lint warnings, skipped rules, and the certificate itself. */
export function printIssued(c: CliContext, signed: SignedCertificate, what: string): void {
  const cert = signed.certificate;
  if (c.json) {
    return c.printJson({
      serial: cert.serial.toString('hex'),
      sha256: cert.sha256,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      warnings: signed.findings,
      skippedLints: signed.skipped,
      pem: pem(cert.der, 'CERTIFICATE'),
    });
  }
  c.io.err(signed.findings.map((f) => `warning: [${f.rule}] ${f.message}\n`).join(''));
  c.io.err(signed.skipped.map((s) => `lint skipped: ${s.rule} — ${s.reason}\n`).join(''));
  c.io.err(`issued ${what}: serial ${cert.serial.toString('hex')}, SHA-256 ${cert.sha256}\n`);
  c.io.out(pem(cert.der, 'CERTIFICATE'));
}
