import { Option, type Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { MAX_POLICY_BYTES, parseProductPolicy } from '../../station/parse-product-policy.js';
import { parsePlanCsv, parseSerialRange } from '../../station/production-plan.js';
import { REWORK_REASONS, reworkDevice } from '../../station/rework.js';
import { batchSummary, closeBatch, createBatch } from '../../station/work-orders.js';
import { StationBatchRepository, type BatchCounts } from '../../store/station-batch-repository.js';
import { StationDeviceRepository } from '../../store/station-device-repository.js';
import type { CliContext } from '../cli-context.js';
import { positiveInteger } from '../option-parsers.js';
import { addAuditKeyOptions, checkpointAfter, type AuditKeyOptions } from '../audit-key-options.js';
import { readInputFile } from '../../files/read-input-file.js';
import { MAX_CD_BYTES } from '../../matter/certification-declaration.js';
import { MatterError } from '../../matter/matter-errors.js';
import { addCredentialOptions, credentialFor, type CredentialOptions } from '../operator-credential-options.js';

interface CreateOptions {
  product: string;
  quantity: number;
  planCsv?: string;
  serialRange?: string;
  id?: string;
  matterCd?: string;
}

const MAX_PLAN_CSV_BYTES = 16 * 1024 * 1024;

/** `hallmark batch …`: work orders (create, list, show, close) and rework approvals. */
export function registerBatch(program: Command, ctx: () => CliContext): void {
  const batch = program.command('batch').description('work orders: a product policy, a quantity and a production plan');

  addCredentialOptions(
    batch
      .command('create')
      .description('open a work order; the policy text and the plan are copied into the workspace')
      .requiredOption('--product <file>', 'the product policy (YAML)')
      .requiredOption('--quantity <n>', 'how many certificates the work order may issue', positiveInteger)
      .option('--plan-csv <file>', 'the expected hardware serials, one per line (first CSV column)')
      .option('--serial-range <A..B>', 'the expected hardware serials as a range, e.g. HM-SIM1-0001..HM-SIM1-0500')
      .option('--id <id>', 'the work order id (default: WO-<date>-<random>)')
      .option('--matter-cd <file>', 'a Matter product: the Certification Declaration the CSA issued (DER CMS), written to every device as given'),
    'operator',
  ).action(async (opts: CreateOptions & CredentialOptions) => {
    const c = ctx();
    if ((opts.planCsv === undefined) === (opts.serialRange === undefined))
      throw new UsageError('give the plan as --plan-csv FILE or --serial-range A..B (one of them)');
    const policy = parseProductPolicy(readInputFile(opts.product, MAX_POLICY_BYTES).toString('utf8'), opts.product);
    const plan =
      opts.planCsv !== undefined
        ? parsePlanCsv(readInputFile(opts.planCsv, MAX_PLAN_CSV_BYTES).toString('utf8'), policy.policy, opts.planCsv)
        : parseSerialRange(opts.serialRange!, policy.policy);
    await c.withWorkspace(async (ws) => {
      const operator = await credentialFor(c, ws, opts, 'operator', 'open a work order');
      const certificationDeclaration =
        opts.matterCd === undefined
          ? undefined
          : readInputFile(
              opts.matterCd,
              MAX_CD_BYTES,
              (m) => new MatterError('MATTER_CD_INVALID', `[matter.certification-declaration] ${m}`, 'input', { rule: 'matter.certification-declaration' }),
            );
      const row = createBatch(ws, {
        policy,
        plan,
        quantity: opts.quantity,
        actor: operator?.name ?? opts.operator ?? c.actor,
        ...(operator ? { operator } : {}),
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        ...(certificationDeclaration ? { certificationDeclaration } : {}),
      });
      if (c.json) return c.printJson(batchSummary(ws, row.id));
      c.io.out(
        `work order ${row.id} opened: ${row.model}, ${row.quantity} of ${row.planned} planned serials, CA ${row.issuingCa}, policy sha256 ${row.policySha256}\n`,
      );
    });
  });

  batch
    .command('list')
    .description('list work orders with their counters')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const repo = new StationBatchRepository(ws);
        const rows = repo.list().map((b) => batchSummary(ws, b.id));
        if (c.json) return c.printJson(rows);
        if (rows.length === 0) return c.io.out('no work orders\n');
        for (const { batch: b, counts } of rows) c.io.out(`${b.id}  ${b.status.padEnd(6)}  ${b.model}  ${formatCounts(counts)}\n`);
      });
    });

  batch
    .command('show')
    .description('one work order: policy digest, plan, counters (frozen once closed), devices')
    .argument('<id>', 'the work order')
    .option('--devices', 'list each device with its state and last error')
    .action(async (id: string, opts: { devices?: boolean }) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const summary = batchSummary(ws, id);
        const devices = opts.devices ? new StationDeviceRepository(ws).inBatch(id) : undefined;
        const reworks = new StationDeviceRepository(ws).reworksOf(id);
        if (c.json) return c.printJson({ ...summary, reworks, ...(devices ? { devices } : {}) });
        const b = summary.batch;
        c.io.out(
          [
            `work order   ${b.id} (${b.status}${b.closedAt ? ` ${b.closedAt} by ${b.closedBy}` : ''})`,
            `product      ${b.model}, policy sha256 ${b.policySha256}`,
            `issuing CA   ${b.issuingCa}`,
            `plan         ${b.planSource} (${b.planned} serials), quantity ${b.quantity}`,
            `created      ${b.createdAt} by ${b.createdBy}`,
            `counts       ${formatCounts(summary.counts)}${b.finalCounts ? ' (frozen)' : ''}`,
            ...reworks.map(
              (r) =>
                `rework #${r.id}  device ${r.deviceId}  ${r.reasonCode} → ${r.revocationReason} by ${r.operator}${r.newCertificateId ? '' : ' (waiting for the new certificate)'}`,
            ),
            ...(devices ?? []).map(
              (d) =>
                `  ${d.hardwareSerial.padEnd(20)} ${d.state.padEnd(14)} attempts ${d.attempts}${d.lastErrorCode ? `  ${d.lastErrorCode}: ${d.lastErrorMessage}` : ''}`,
            ),
            '',
          ].join('\n'),
        );
      });
    });

  addCredentialOptions(
    addAuditKeyOptions(
      batch
        .command('close')
        .description(
          "close a work order: nothing more is issued under it and its counters are frozen; with the audit key given, the close is checkpointed. Needs a supervisor's credential once the workspace has accounts",
        )
        .argument('<id>', 'the work order'),
    ),
    'supervisor',
  ).action(async (id: string, opts: AuditKeyOptions & CredentialOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const supervisor = await credentialFor(c, ws, opts, 'supervisor', 'close a work order', 'supervisor');
      return checkpointAfter(c, ws, opts, 'work-order-close', async () => {
        const row = closeBatch(ws, id, opts.supervisor ?? c.actor, supervisor);
        if (c.json) return c.printJson(batchSummary(ws, id));
        c.io.out(`work order ${id} closed: ${formatCounts(row.finalCounts!)}\n`);
      });
    });
  });

  addCredentialOptions(
    batch
      .command('rework')
      .description("approve a device's new certificate: its current one is revoked and superseded, one new issuance is allowed")
      .requiredOption('--batch <id>', 'the work order the device belongs to')
      .requiredOption('--serial <serial>', 'the hardware serial')
      .addOption(new Option('--reason <code>', 'why the device came back').choices(Object.keys(REWORK_REASONS)).makeOptionMandatory())
      .addOption(new Option('--revocation-reason <reason>', 'override the revocation reason the code implies').choices(['superseded', 'keyCompromise']))
      .option('--note <text>', 'a short note for the record (e.g. the RMA number)'),
    'supervisor',
  ).action(
    async (opts: CredentialOptions & { batch: string; serial: string; reason: string; revocationReason?: 'superseded' | 'keyCompromise'; note?: string }) => {
      const c = ctx();
      await c.withWorkspace(async (ws) => {
        // A supervisor's credential entered for this rework, once the workspace has accounts.
        const supervisor = await credentialFor(c, ws, opts, 'supervisor', 'approve a rework', 'supervisor');
        const rework = reworkDevice(ws, {
          batchId: opts.batch,
          serial: opts.serial,
          reason: opts.reason,
          actor: opts.supervisor ?? c.actor,
          ...(supervisor ? { approvedBy: supervisor } : {}),
          ...(opts.revocationReason ? { revocationReason: opts.revocationReason } : {}),
          ...(opts.note !== undefined ? { note: opts.note } : {}),
        });
        if (c.json) return c.printJson(rework);
        c.io.out(
          `rework #${rework.id} approved for ${opts.serial}: old certificate revoked (${rework.revocationReason}); the device may be provisioned once more\n`,
        );
      });
    },
  );
}

export function formatCounts(k: BatchCounts): string {
  return `planned ${k.planned}, quota ${k.quantity}, issued ${k.issued}, confirmed ${k.confirmed}, failed ${k.failed}, reworked ${k.reworked}, refused ${k.refused}`;
}
