import type { Command } from 'commander';
import type { AuditEntry } from '../../store/audit/audit-entry.js';
import type { ChainStatus } from '../../store/audit/audit-verify.js';
import { openInventoryStore } from '../../store/open-inventory-store.js';
import { HallmarkError } from '../../errors/hallmark-error.js';
import type { CliContext } from '../cli-context.js';
import { nonNegativeInteger, positiveInteger } from '../option-parsers.js';

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
    .action(async (opts: { db?: string }) => {
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
          status.firstBadSeq !== null
            ? `first bad seq ${status.firstBadSeq}: ${status.message}`
            : status.message,
          'check',
          { status },
        );
      };
      if (opts.db !== undefined) {
        const store = await openInventoryStore(opts.db, { actor: c.actor });
        try {
          return report(await store.verifyAudit());
        } finally {
          await store.close();
        }
      }
      await c.withWorkspace((ws) => report(ws.verifyAudit()));
    });

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

function formatEntry(e: AuditEntry): string {
  const details = Object.keys(e.details).length ? ` ${JSON.stringify(e.details)}` : '';
  return `${String(e.seq).padStart(6)}  ${e.time}  ${e.actor}  ${e.action}  ${e.subject}${details}`;
}
