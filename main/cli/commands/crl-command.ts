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

interface CrlOptions extends KeyAccessOptions {
  ca: string;
  revoke?: string[];
  nextUpdateDays: number;
  out?: string;
}


export function registerCrl(program: Command, ctx: () => CliContext): void {
  const crl = program.command('crl').description('certificate revocation lists');
  addKeyAccessOptions(
    crl
      .command('issue')
      .description("revoke certificates (optional) and sign a CRL listing everything the CA has revoked")
      .requiredOption('--ca <name>', 'the CA whose CRL this is')
      .option('--revoke <serial[:reason]>', `revoke this serial (hex), reason one of ${Object.keys(REVOCATION_REASONS).join(', ')} (repeat)`, collect)
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
    await c.withWorkspace(async (ws) => {
      const ca = loadCa(ws, opts.ca);
      const key = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
      try {
        const { der, crlNumber } = await issueCrl(ws, { ca: opts.ca, caKey: key, revoke, nextUpdateDays: opts.nextUpdateDays, actor: c.actor });
        const text = pem(der, 'X509 CRL');
        if (c.json) return c.printJson({ crlNumber, pem: text });
        if (opts.out) {
          try {
            writeFileSync(opts.out, text, { flag: 'wx' });
          } catch (e) {
            throw new UsageError(`CRL ${crlNumber} was recorded but cannot be written to ${opts.out}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists' : (e as Error).message}; export it again with --json`);
          }
          c.io.err(`wrote CRL ${crlNumber} to ${opts.out}\n`);
        } else c.io.out(text);
      } finally {
        key.close();
      }
    });
  });
}
