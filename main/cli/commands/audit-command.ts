import type { Command } from 'commander';
import type { AuditEntry } from '../../store/audit/audit-entry.js';
import type { ChainStatus } from '../../store/audit/audit-verify.js';
import { openInventoryStore } from '../../store/open-inventory-store.js';
import { HallmarkError, UsageError } from '../../errors/hallmark-error.js';
import type { CliContext } from '../cli-context.js';
import { collect, nonNegativeInteger, positiveInteger } from '../option-parsers.js';
import { readInputFile } from '../../files/read-input-file.js';
import { AuditCheckpointError } from '../../store/audit/audit-errors.js';
import { CHECKPOINT_ACTION } from '../../store/audit/audit-checkpoint-claim.js';
import { auditTrustFromCertificate } from '../../store/audit/audit-trust.js';
import { verifyAuditCheckpoints, type AuditVerification } from '../../store/audit/verify-audit-checkpoints.js';
import { registerAuditKey } from './audit-key-command.js';

export function registerAudit(program: Command, ctx: () => CliContext): void {
  const audit = program.command('audit').description('read, verify and annotate the hash-chained audit log');

  audit
    .command('list')
    .description('list audit entries, oldest first')
    .option('--since <seq>', 'only entries after this seq', nonNegativeInteger)
    .option('--action <action>', 'only entries with this action')
    .option('--by <actor>', 'only entries by this actor')
    .option('--limit <n>', 'at most this many entries', positiveInteger)
    .action(async (opts: { since?: number; action?: string; by?: string; limit?: number }) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const page = ws.audit.query({ sinceSeq: opts.since, action: opts.action, actor: opts.by, limit: opts.limit });
        if (c.json) return c.printJson(page.entries);
        for (const e of page.entries) c.io.out(`${formatEntry(e)}\n`);
      });
    });

  audit
    .command('verify')
    .description('recompute the whole hash chain; exit 0 and print the head if it holds, exit 1 naming the first bad seq if not')
    .option('--db <url>', "verify the audit log of the PostgreSQL inventory at this postgres:// URL instead of the workspace's")
    .option(
      '--trust <audit-cert>',
      'also check every checkpoint against this audit certificate (repeat for rotated keys); entries after the last are counted as not yet checkpointed',
      collect,
    )
    .action(async (opts: { db?: string; trust?: string[] }) => {
      const c = ctx();
      const report = (status: ChainStatus) => {
        if (c.json) c.printJson(status);
        if (status.ok) {
          if (!c.json) {
            c.io.out(
              status.head
                ? `audit chain verified: ${status.count} entries, head seq ${status.head.seq} hash ${status.head.hash}\n`
                : 'audit chain verified: the log is empty\n',
            );
          }
          return;
        }
        throw new HallmarkError(
          'AUDIT_CHAIN_BROKEN',
          status.firstBadSeq !== null ? `first bad seq ${status.firstBadSeq}: ${status.message}` : status.message,
          'check',
          { status },
        );
      };
      if (opts.db !== undefined) {
        if (opts.trust !== undefined) throw new UsageError('--trust checks workspace checkpoints; the PostgreSQL inventory log has none yet');
        const store = await openInventoryStore(opts.db, { actor: c.actor });
        try {
          return report(await store.verifyAudit());
        } finally {
          await store.close();
        }
      }
      if (opts.trust !== undefined) {
        const trusts = opts.trust.map((file) => auditTrustFromCertificate(readInputFile(file, MAX_AUDIT_CERT_BYTES)));
        return c.withWorkspace((ws) => reportCheckpoints(c, verifyAuditCheckpoints(ws.db, trusts, ws.info().workspaceId), report));
      }
      await c.withWorkspace((ws) => {
        report(ws.verifyAudit());
        const signed = ws.audit.query({ action: CHECKPOINT_ACTION, limit: 1 }).total;
        if (signed > 0 && !c.json)
          c.io.out(`${signed} signed checkpoint(s) not checked: the chain proves order, not authorship; give --trust AUDIT-CERT to check them\n`);
      });
    });

  registerAuditKey(audit, ctx);

  audit
    .command('note')
    .description('append a signed-off remark to the log (e.g. "HSM returned to safe 2, seal 4411")')
    .argument('<text>', 'the remark, at most 2000 characters')
    .option('--subject <subject>', 'what the remark is about', '')
    .action(async (text: string, opts: { subject: string }) => {
      const c = ctx();
      if (text.trim() === '' || text.length > 2000) {
        throw new HallmarkError('INVALID_INPUT', 'the note must be 1 to 2000 characters');
      }
      await c.withWorkspace((ws) => {
        const entry = ws.audit.append({ actor: c.actor, action: 'audit.note', subject: opts.subject, details: { text } });
        if (c.json) c.printJson(entry);
        else c.io.out(`recorded as seq ${entry.seq}\n`);
      });
    });
}

const MAX_AUDIT_CERT_BYTES = 64 * 1024;

/** The chain first (a broken chain is reported as without --trust), then the checkpoints. */
function reportCheckpoints(c: CliContext, v: AuditVerification, reportChain: (s: ChainStatus) => void): void {
  if (!v.chain.ok) return reportChain(v.chain);
  const cp = v.checkpoints;
  if (c.json) c.printJson(v);
  const last = cp.last
    ? `the last good one at seq ${cp.last.seq} (${cp.last.reason}, ${cp.last.time}) vouches for entries 1 to ${cp.last.signedSeq}`
    : 'none vouches for any entry';
  if (!cp.ok) {
    throw new AuditCheckpointError(
      cp.problem,
      `first bad checkpoint seq ${cp.firstBadCheckpointSeq}: ${cp.message} (${cp.verified} checkpoint(s) held before it; ${last})`,
      'check',
      { verification: v },
    );
  }
  if (c.json) return;
  c.io.out(
    v.chain.head
      ? `audit chain verified: ${v.chain.count} entries, head seq ${v.chain.head.seq} hash ${v.chain.head.hash}\n`
      : 'audit chain verified: the log is empty\n',
  );
  c.io.out(`checkpoints verified: ${cp.verified}${cp.last ? `; ${last}` : ''}\n`);
  if (cp.uncheckpointed > 0)
    c.io.out(
      `not yet checkpointed: ${cp.uncheckpointed} entries (seq ${(cp.last?.seq ?? 0) + 1} to ${v.chain.head?.seq ?? 0}) — in the chain, but no audit key signature vouches for them yet\n`,
    );
}

function formatEntry(e: AuditEntry): string {
  const details = Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : '';
  return `${String(e.seq).padStart(6)}  ${e.time}  ${e.actor}  ${e.action}  ${e.subject}${details}`;
}
