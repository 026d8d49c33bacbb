import { Option, type Command } from 'commander';
import { HallmarkError } from '../../errors/hallmark-error.js';
import { CaRepository } from '../../store/ca-repository.js';
import { CertificateRepository } from '../../store/certificate-repository.js';
import type { Workspace } from '../../store/workspace.js';
import { queryIssuedCertificates, type IssuedCertificateFilter, type IssuedCertificateRow } from '../../store/issued-certificate-query.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { describeForPeople, descriptionLines, labelColumn } from '../../x509/describe/certificate-description.js';
import type { CliContext } from '../cli-context.js';
import { positiveInteger } from '../option-parsers.js';
import { pem } from './key-command.js';

interface ListOptions {
  ca?: string;
  workOrder?: string;
  hwSerial?: string;
  status?: IssuedCertificateFilter['status'];
  limit?: number;
}

/** A serial as people type it: hex, optionally 0x-prefixed or colon-separated, any case. */
function serialArgument(text: string): string {
  const s = text.trim().toLowerCase().replace(/^0x/, '').replace(/:/g, '');
  if (!/^[0-9a-f]{1,64}$/.test(s)) throw new HallmarkError('CERTIFICATE_SERIAL_INVALID', `"${text.slice(0, 80)}" is not a hex certificate serial`);
  return s;
}

/** `hallmark cert list` and `cert show`: the certificates this workspace issued. */
export function registerCertQueries(cert: Command, ctx: () => CliContext): void {
  cert
    .command('list')
    .description('list the certificates this workspace issued, oldest first')
    .option('--ca <name>', 'only those issued by this CA')
    .option('--work-order <id>', 'only those issued in this station work order')
    .option('--hw-serial <serial>', 'only those issued to the device with this hardware serial')
    .addOption(new Option('--status <status>', 'active / revoked, or valid / expired (active, judged now)').choices(['active', 'revoked', 'valid', 'expired']))
    .option('--limit <n>', 'at most this many', positiveInteger)
    .action(async (opts: ListOptions) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        if (opts.ca !== undefined) new CaRepository(ws).get(opts.ca);
        const rows = queryIssuedCertificates(ws, {
          ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
          ...(opts.workOrder !== undefined ? { workOrder: opts.workOrder } : {}),
          ...(opts.hwSerial !== undefined ? { hardwareSerial: opts.hwSerial } : {}),
          ...(opts.status !== undefined ? { status: opts.status } : {}),
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        });
        if (c.json) return c.printJson(rows);
        if (rows.length === 0) return c.io.err('no certificates match\n');
        c.io.out(rows.map(listLine).join(''));
      });
    });

  cert
    .command('show')
    .description('print one certificate this workspace issued, in words (or as PEM)')
    .argument('<serial>', 'its serial number (hex)')
    .option('--ca <name>', 'the issuing CA, when two issuers used the same serial')
    .option('--pem', 'print the certificate as PEM instead')
    .action(async (serialText: string, opts: { ca?: string; pem?: boolean }) => {
      const c = ctx();
      const serial = serialArgument(serialText);
      await c.withWorkspace((ws) => {
        const rows = queryIssuedCertificates(ws, { serial, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) });
        if (rows.length === 0)
          throw new HallmarkError(
            'CERTIFICATE_NOT_FOUND',
            `this workspace issued no certificate with serial ${serial}${opts.ca !== undefined ? ` under CA "${opts.ca}"` : ''}`,
          );
        if (rows.length > 1)
          throw new HallmarkError(
            'CERTIFICATE_SERIAL_AMBIGUOUS',
            `serial ${serial} was issued by ${rows.map((r) => r.issuerCa ?? 'an external issuer').join(' and ')}; name one with --ca`,
          );
        const row = rows[0]!;
        const der = new CertificateRepository(ws).byId(row.id).der;
        if (opts.pem) return c.io.out(pem(der, 'CERTIFICATE'));
        const parsed = parseCertificateFast(der);
        const issuerSpki = row.issuerCa !== null ? issuerSpkiOf(ws, row.issuerCa) : undefined;
        const description = describeForPeople(parsed, issuerSpki);
        if (c.json) return c.printJson({ ...row, description });
        c.io.out(
          [
            ...descriptionLines(description),
            `${labelColumn('profile')}${row.profile}`,
            `${labelColumn('issued by CA')}${row.issuerCa ?? '—'}`,
            `${labelColumn('status')}${row.status}${row.revokedAt ? ` since ${row.revokedAt} (${row.revocationReason ?? 'unspecified'})` : ''}`,
            ...(row.workOrder ? [`${labelColumn('work order')}${row.workOrder}`, `${labelColumn('hardware serial')}${row.hardwareSerial ?? '—'}`] : []),
            '',
          ].join('\n'),
        );
      });
    });
}

function issuerSpkiOf(ws: Workspace, ca: string): Buffer | undefined {
  try {
    return parseCertificateFast(new CertificateRepository(ws).byId(new CaRepository(ws).get(ca).certificateId).der).spki;
  } catch {
    return undefined;
  }
}

function listLine(r: IssuedCertificateRow): string {
  const where = r.workOrder ? `  ${r.workOrder}/${r.hardwareSerial ?? '?'}` : '';
  return `${r.serial}  ${r.status.padEnd(7)}  ${r.profile.padEnd(15)}  ${(r.issuerCa ?? '—').padEnd(16)}  until ${r.notAfter}  ${r.subject}${where}\n`;
}
