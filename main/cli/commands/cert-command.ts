import { Option, type Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { loadCa } from '../../ca/certificate-authority.js';
import { issueFromCsr, type IssuedProfile } from '../../ca/issue-from-csr.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { parseCertificate } from '../../x509/certificate-facts.js';
import { certificateDer } from '../../x509/certificate-input.js';
import { CsrError } from '../../x509/csr/csr-errors.js';
import { MAX_CSR_INPUT_BYTES } from '../../x509/csr/csr-pem.js';
import { allowanceList } from '../csr-allowance-option.js';
import { parseCsr } from '../../x509/csr/parse-csr.js';
import { describeCertificate } from '../../x509/describe-certificate.js';
import { describeForPeople, descriptionLines } from '../../x509/describe/certificate-description.js';
import { parseSubject } from '../../x509/distinguished-name.js';
import { HW_TYPE_TPM2 } from '../../x509/profiles/idevid-profile.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { positiveInteger, collect } from '../option-parsers.js';
import { readInputFile } from '../../files/read-input-file.js';
import { parseSkips } from './ca-command.js';
import { printIssued } from './print-issued.js';
import { registerCertQueries } from './cert-query-command.js';

interface IssueOptions extends KeyAccessOptions {
  ca: string;
  csr: string;
  csrAllow?: string;
  profile: IssuedProfile;
  subject?: string;
  days?: number;
  neverExpires?: boolean;
  hwType: string;
  hwSerial?: string;
  masaUrl?: string;
  keyAgreement?: boolean;
  pathLen?: number;
  skipLint?: string[];
  vid?: string;
  pid?: string;
}

export function registerCert(program: Command, ctx: () => CliContext): void {
  const cert = program.command('cert').description('issue and inspect certificates');
  registerCertQueries(cert, ctx);

  addKeyAccessOptions(
    cert
      .command('issue')
      .description("issue a certificate for a CSR under one of the workspace's CAs (manual issuance; the station does this per device)")
      .requiredOption('--ca <name>', 'the issuing CA')
      .requiredOption('--csr <file>', 'the CSR (PEM or DER)')
      .option(
        '--csr-allow <names>',
        'accept these named CSR deviations, comma-separated (hallmark csr inspect lists what a CSR needs); recorded in the audit entry',
      )
      .addOption(
        new Option('--profile <profile>', 'certificate profile')
          .choices(['idevid', 'intermediate', 'manifest-signer', 'crl-signer', 'matter-dac'])
          .makeOptionMandatory(),
      )
      .option('--subject <dn>', "the certificate's subject (default: the CSR's)")
      .option('--days <n>', 'validity in days', positiveInteger)
      .option('--never-expires', "IDevID: 802.1AR's 'no well-defined expiration', notAfter 99991231235959Z")
      .option('--hw-type <oid>', 'IDevID: hardwareModuleName hwType', HW_TYPE_TPM2)
      .option('--hw-serial <text>', 'IDevID: hardwareModuleName hwSerialNum (text; its bytes are stored)')
      .option('--masa-url <url>', 'IDevID: BRSKI MASA URL')
      .option('--key-agreement', 'IDevID: also allow keyAgreement')
      .option('--path-len <n>', 'intermediate: pathLenConstraint', positiveInteger)
      .option('--vid <hex>', 'matter-dac: VendorID, 4 uppercase hex digits (e.g. FFF1)')
      .option('--pid <hex>', 'matter-dac: ProductID, 4 uppercase hex digits (e.g. 8000)')
      .option('--skip-lint <rule=reason>', 'skip one lint rule, with a written reason recorded in the audit log (repeat)', collect),
  ).action(async (opts: IssueOptions) => {
    const c = ctx();
    const csr = parseCsr(
      readInputFile(opts.csr, MAX_CSR_INPUT_BYTES, (m) => new CsrError('CSR_TOO_LARGE', `${m}; a CSR is never that big`)),
      {
        allow: opts.csrAllow === undefined ? [] : allowanceList(opts.csrAllow),
      },
    );
    if (opts.neverExpires && opts.days !== undefined) throw new UsageError('give --days or --never-expires, not both');
    const validity = opts.neverExpires ? 'no-expiration' : (opts.days ?? 365);
    if (opts.profile === 'idevid' && !opts.hwSerial) throw new UsageError('the idevid profile needs --hw-serial');
    if (opts.profile === 'matter-dac' && (!opts.vid || !opts.pid)) throw new UsageError('the matter-dac profile needs --vid and --pid');
    if (opts.profile !== 'matter-dac' && (opts.vid || opts.pid)) throw new UsageError('--vid and --pid are for the matter-dac profile');
    await c.withWorkspace(async (ws) => {
      const ca = loadCa(ws, opts.ca);
      const caKey = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
      try {
        const skipLints = parseSkips(opts.skipLint);
        const issued = await issueFromCsr(ws, {
          ca: opts.ca,
          caKey,
          csr,
          profile: opts.profile,
          validity,
          actor: c.actor,
          ...(opts.subject ? { subject: parseSubject(opts.subject) } : {}),
          ...(opts.profile === 'matter-dac' ? { matter: { vendorId: opts.vid!, productId: opts.pid! } } : {}),
          ...(skipLints.length ? { skipLints } : {}),
          ...(opts.profile === 'idevid'
            ? {
                idevid: {
                  hardwareModuleName: { hwType: opts.hwType, hwSerialNum: Buffer.from(opts.hwSerial!, 'utf8') },
                  ...(opts.masaUrl ? { masaUrl: opts.masaUrl } : {}),
                  ...(opts.keyAgreement ? { keyAgreement: true } : {}),
                },
              }
            : {}),
          ...(opts.profile === 'intermediate' && opts.pathLen !== undefined ? { intermediate: { pathLen: opts.pathLen } } : {}),
        });
        printIssued(c, issued.signed, `${opts.profile} certificate`);
      } finally {
        caKey.close();
      }
    });
  });

  cert
    .command('inspect')
    .description('print what a certificate says (PEM or DER)')
    .argument('<file>', 'the certificate')
    .action(async (file: string) => {
      const c = ctx();
      const parsed = parseCertificate(certificateDer(readInputFile(file, 64 * 1024)));
      const description = describeForPeople(parsed);
      if (c.json) return c.printJson({ ...describeCertificate(parsed), description });
      c.io.out([...descriptionLines(description), ''].join('\n'));
    });
}
