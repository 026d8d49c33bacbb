import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { loadCa } from '../../ca/certificate-authority.js';
import { issueCrl, type Revocation } from '../../ca/issue-crl.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { REVOCATION_REASONS, type RevocationReason } from '../../x509/crl.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { positiveInteger, collect } from '../option-parsers.js';
import { pem } from './key-command.js';
import { readInputFile } from '../../files/read-input-file.js';
import { inventoryTrustFromCertificate } from '../../revocation/inventory-key-trust.js';
import { issueCrlFromRequest, reviewRevocationRequest } from '../../revocation/issue-crl-from-request.js';
import { readRevocationRequest } from '../../revocation/read-revocation-request.js';

interface CrlOptions extends KeyAccessOptions {
  ca: string;
  revoke?: string[];
  requests?: string;
  requestsTrust?: string;
  nextUpdateDays: number;
  out?: string;
}

export function registerCrl(program: Command, ctx: () => CliContext): void {
  const crl = program.command('crl').description('certificate revocation lists');
  addKeyAccessOptions(
    crl
      .command('issue')
      .description('revoke certificates (optional) and sign a CRL listing everything the CA has revoked')
      .requiredOption('--ca <name>', 'the CA whose CRL this is')
      .option('--revoke <serial[:reason]>', `revoke this serial (hex), reason one of ${Object.keys(REVOCATION_REASONS).join(', ')} (repeat)`, collect)
      .option('--requests <file>', "an inventory's revocation-request.json (its .p7s beside it): verified, every serial checked, all revoked or none")
      .option('--requests-trust <cert>', 'the inventory certificate the request must be signed by (from `hallmark inventory key create`)')
      .option('--next-update-days <n>', 'days until nextUpdate (at most 366)', positiveInteger, 30)
      .option('--out <file>', 'write the CRL as PEM to this file (never overwrites)'),
  ).action(async (opts: CrlOptions) => {
    const c = ctx();
    const revoke: Revocation[] = (opts.revoke ?? []).map((v) => {
      const [serialHex, reason = 'unspecified'] = v.split(/:(?=[a-zA-Z]+$)/);
      if (!serialHex || !/^(0x)?[0-9a-fA-F:]+$/.test(serialHex)) throw new UsageError(`--revoke "${v}": the serial must be hex`);
      if (!Object.hasOwn(REVOCATION_REASONS, reason)) throw new UsageError(`--revoke "${v}": unknown reason "${reason}"`);
      return { serialHex, reason: reason as RevocationReason };
    });
    if (opts.requests !== undefined) return issueFromRequests(c, opts, revoke);
    await c.withWorkspace(async (ws) => {
      const ca = loadCa(ws, opts.ca);
      const key = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
      try {
        const { der, crlNumber } = await issueCrl(ws, { ca: opts.ca, caKey: key, revoke, nextUpdateDays: opts.nextUpdateDays, actor: c.actor });
        const text = pem(der, 'X509 CRL');
        if (c.json) return c.printJson({ crlNumber, pem: text });
        printCrl(c, opts.out, crlNumber, text);
      } finally {
        key.close();
      }
    });
  });
}

/** `crl issue --requests`: the inventory's signed request, reviewed and shown with its counts, then one CRL revoking all of it. */
async function issueFromRequests(c: CliContext, opts: CrlOptions, revoke: readonly Revocation[]): Promise<void> {
  if (revoke.length) throw new UsageError('give --requests or --revoke, not both');
  if (opts.requestsTrust === undefined)
    throw new UsageError('--requests needs --requests-trust <cert>: the inventory certificate its signature is checked against');
  const trusted = inventoryTrustFromCertificate(readInputFile(opts.requestsTrust, 1024 * 1024));
  const request = readRevocationRequest(opts.requests!, trusted.certificate);
  await c.withWorkspace(async (ws) => {
    const review = reviewRevocationRequest(ws, opts.ca, request);
    if (!c.json) {
      c.io.err(
        `revocation request ${review.requestId} from inventory ${review.workspaceId} (sha256 ${review.sha256}): ${review.entries.length} certificate(s) of CA "${opts.ca}" — ${Object.entries(
          review.byReason,
        )
          .map(([r, n]) => `${n} ${r}`)
          .join(', ')}\n`,
      );
      for (const e of review.entries) c.io.err(`  ${e.certificateSerial}  ${e.hardwareSerial}  ${e.reason}\n`);
    }
    const ca = loadCa(ws, opts.ca);
    const key = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
    try {
      const { der, crlNumber } = await issueCrlFromRequest(ws, { ca: opts.ca, caKey: key, request, nextUpdateDays: opts.nextUpdateDays, actor: c.actor });
      const text = pem(der, 'X509 CRL');
      if (c.json)
        return c.printJson({
          crlNumber,
          pem: text,
          request: { sha256: review.sha256, requestId: review.requestId, revoked: review.entries.length, byReason: review.byReason },
        });
      printCrl(c, opts.out, crlNumber, text);
    } finally {
      key.close();
    }
  });
}

/** The signed CRL to `--out` (a new file only) or stdout; it is already recorded, so a failed write says how to get it again. */
function printCrl(c: CliContext, out: string | undefined, crlNumber: number, text: string): void {
  if (!out) {
    c.io.out(text);
    return;
  }
  try {
    writeFileSync(out, text, { flag: 'wx' });
  } catch (e) {
    throw new UsageError(
      `CRL ${crlNumber} was recorded but cannot be written to ${out}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists' : (e as Error).message}; export it again with --json`,
    );
  }
  c.io.err(`wrote CRL ${crlNumber} to ${out}\n`);
}
