import { Option, type Command } from 'commander';
import { HallmarkError } from '../../errors/hallmark-error.js';
import { parseCertificate } from '../../x509/certificate-facts.js';
import { certificateDer } from '../../x509/certificate-input.js';
import { PROFILE_NAMES, type ProfileName } from '../../x509/certificate-template.js';
import { detectProfile } from '../../x509/detect-profile.js';
import { lintCertificate } from '../../x509/lint/lint-certificate.js';
import type { CliContext } from '../cli-context.js';
import { readInputFile } from '../../files/read-input-file.js';
import { keyAlgorithmOfSpki } from '../../x509/spki-key-algorithm.js';

export function registerLint(program: Command, ctx: () => CliContext): void {
  program
    .command('lint')
    .description("check a certificate against RFC 5280 and Hallmark's profile rules; exit 1 if any rule fails")
    .argument('<file>', 'the certificate (PEM or DER)')
    .option('--issuer <file>', "the issuer's certificate (enables the issuer-dependent rules)")
    .addOption(new Option('--profile <profile>', 'the profile to hold it to (default: guessed from the certificate)').choices([...PROFILE_NAMES]))
    .action(async (file: string, opts: { issuer?: string; profile?: ProfileName }) => {
      const c = ctx();
      const cert = parseCertificate(certificateDer(readInputFile(file, 64 * 1024)));
      const issuer = opts.issuer ? parseCertificate(certificateDer(readInputFile(opts.issuer, 64 * 1024))) : null;
      const profile = opts.profile ?? detectProfile(cert);
      const selfSigned = cert.issuerDer.equals(cert.subjectDer);
      const signerAlgorithm = issuer ? keyAlgorithmOfSpki(issuer.spki) : selfSigned ? keyAlgorithmOfSpki(cert.spki) : null;
      // Without the issuer the signer's key is unknown: that one rule cannot be judged.
      const skips = signerAlgorithm ? [] : [{ rule: 'signature.algorithm-matches-key', reason: 'issuer certificate not given (--issuer)' }];
      const report = lintCertificate(cert, { profile, issuer, signerAlgorithm: signerAlgorithm ?? 'ecdsa-p256' }, skips);
      const errors = report.findings.filter((f) => f.severity === 'error');
      if (c.json) c.printJson({ profile, findings: report.findings });
      else {
        for (const f of report.findings) c.io.out(`${f.severity}: [${f.rule}] ${f.message}\n`);
        for (const s of report.skipped) c.io.out(`not checked: [${s.rule}] ${s.reason}\n`);
        if (report.findings.length === 0) c.io.out(`${file}: passes every ${profile} rule\n`);
      }
      if (errors.length) throw new HallmarkError('LINT_FAILED', `${errors.length} rule(s) failed`, 'check');
    });
}
