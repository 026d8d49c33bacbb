import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CeremonyError } from '../../ceremony/ceremony-errors.js';
import { abortInterruptedCeremony } from '../../ceremony/run-ceremony.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from '../../ceremony/transcript/transcript-format.js';
import { CeremonyRepository, type CeremonyRow } from '../../store/ceremony-repository.js';
import type { CliContext } from '../cli-context.js';

/** `ceremony list | show | abort`: the workspace's register of ceremonies. */
export function registerCeremonyRegister(ceremony: Command, ctx: () => CliContext): void {
  ceremony
    .command('list')
    .description('every ceremony run against this workspace, newest first (an open one was interrupted: resume or abort it)')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const rows = new CeremonyRepository(ws).list();
        if (c.json) return c.printJson({ ceremonies: rows });
        if (rows.length === 0) return c.io.out('no ceremonies\n');
        for (const r of rows) {
          c.io.out(
            `${r.id}  ${r.startedAt}  ${statusOf(r).padEnd(11)}  ${r.kind.padEnd(12)}  ${r.name}  ${r.stepsDone}/${r.stepsTotal} steps${r.rehearsal ? '  (rehearsal)' : ''}\n`,
          );
        }
      });
    });

  ceremony
    .command('show')
    .description('one ceremony: its steps as committed, acknowledgments, outputs and transcript files')
    .argument('<id>', 'the ceremony id (hallmark ceremony list)')
    .action(async (id: string) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const repo = new CeremonyRepository(ws);
        const row = repo.get(id);
        if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace (hallmark ceremony list)`);
        const steps = repo.steps(id);
        const files = [TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE, SUMS_FILE]
          .filter((f) => existsSync(join(row.outDir, f)))
          .map((f) => join(row.outDir, f));
        if (c.json) return c.printJson({ ceremony: row, steps, transcriptFiles: files });
        c.io.out(`${row.name} (${row.kind}) ${statusOf(row)}${row.rehearsal ? ', rehearsal' : ''}\n`);
        c.io.out(
          `  id          ${row.id}\n  script      ${row.scriptPath}\n  SHA-256     ${row.scriptSha256}\n  started     ${row.startedAt} by ${row.startedBy}\n`,
        );
        if (row.finishedAt) c.io.out(`  finished    ${row.finishedAt}\n`);
        if (row.errorCode) c.io.out(`  stopped     ${row.errorCode}: ${row.errorMessage}\n`);
        c.io.out(`  output      ${row.outDir}\n`);
        if (row.transcriptSha256) c.io.out(`  transcript  SHA-256 ${row.transcriptSha256}\n`);
        c.io.out(`steps (${steps.length}/${row.stepsTotal} committed):\n`);
        for (const s of steps) {
          c.io.out(`  ${s.index + 1}. ${s.step}${s.action ? ` [${s.action}]` : ''}  ${s.completedAt}\n`);
          for (const a of s.acknowledgments as { role: string; name: string; time: string; via: string }[])
            c.io.out(`       ack ${a.role} ${a.name} ${a.time} (${a.via})\n`);
          for (const o of s.outputs) c.io.out(`       out ${o.sha256}  ${o.file}\n`);
        }
        for (const f of files) c.io.out(`file ${f}\n`);
      });
    });

  ceremony
    .command('abort')
    .description('end an interrupted ceremony: the register, the audit log and its transcript say so; what its committed steps made stays recorded')
    .argument('<id>', 'the ceremony id (hallmark ceremony list)')
    .requiredOption('--reason <text>', 'why it is abandoned (recorded)')
    .action(async (id: string, opts: { reason: string }) => {
      const c = ctx();
      const reason = opts.reason.trim();
      if (reason === '') throw new CeremonyError('CEREMONY_ACK_INVALID', '--reason must say why the ceremony is abandoned');
      await c.withWorkspace((ws) => {
        const transcriptNote = abortInterruptedCeremony(ws, id, c.actor, reason);
        if (c.json) return c.printJson({ id, status: 'aborted', reason, transcript: transcriptNote });
        c.io.out(`ceremony ${id} aborted\ntranscript: ${transcriptNote}\n`);
      });
    });
}

function statusOf(r: CeremonyRow): string {
  return r.status === 'running' ? 'open' : r.status;
}
