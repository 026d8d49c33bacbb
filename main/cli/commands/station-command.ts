import type { Command } from 'commander';
import { loadCa } from '../../ca/certificate-authority.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import type { DeviceOutcome } from '../../station/device-outcome.js';
import { startAutoStation, type UntilDone } from '../../station/start-auto-station.js';
import { startStation } from '../../station/start-station.js';
import type { StationEvent } from '../../station/station-events.js';
import { StationError } from '../../station/station-errors.js';
import { UsageError } from '../../errors/hallmark-error.js';
import { StationBatchRepository } from '../../store/station-batch-repository.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { addAuditKeyOptions, openAuditKeyIfGiven, type AuditKeyOptions } from '../audit-key-options.js';
import { AuditCheckpointer } from '../../store/audit/audit-checkpointer.js';
import { collect, nonNegativeInteger, positiveInteger } from '../option-parsers.js';
import { formatCounts } from './batch-command.js';
import { addCredentialOptions, credentialFor, type CredentialOptions } from '../operator-credential-options.js';
import { actingOperator } from '../../operators/acting-operator.js';

interface RunOptions extends KeyAccessOptions, AuditKeyOptions, CredentialOptions {
  batch: string;
  port?: string[];
  auto?: boolean;
  portGlob?: string;
  untilDone?: true | number;
  pollInterval: number;
  operator?: string;
  baud: number;
  stepTimeout?: number;
  maxAttempts: number;
  labelDir?: string;
}

/**
 * `hallmark station run`: the headless station. Per-device result lines on stdout (JSON
 * lines with --json), a live progress line on stderr. The first SIGINT/SIGTERM stops it
 * starting new devices; devices past their commit finish, then it exits. Exit 1 when a
 * device did not complete.
 *
 * `--auto` watches the fixture's ports instead of taking a list (docs/station.md): USB
 * ports with the policy's fixture ids, or with `--port-glob` the character devices a
 * pattern names (PTYs have no USB ids); it runs until interrupted or `--until-done`.
 */
export function registerStation(program: Command, ctx: () => CliContext): void {
  const station = program.command('station').description('the factory station: provision devices on serial ports for a work order');

  addCredentialOptions(
    addAuditKeyOptions(
      addKeyAccessOptions(
        station
          .command('run')
          .description(
            'provision the device on each port (one state machine per port, all at once) until every port is done; or --auto: each device plugged into the fixture, until interrupted',
          )
          .requiredOption('--batch <id>', 'the work order')
          .option('--port <path>', 'a serial port with a device (repeat for each fixture port)', collect)
          .option('--auto', "watch the fixture's ports and provision each device that appears (USB ports with the policy's fixture ids)")
          .option(
            '--port-glob <pattern>',
            "with --auto: the fixture ports are the character devices matching this pattern (wildcards in the last segment; PTYs, the simulator's station-*)",
          )
          .option(
            '--until-done [n]',
            'with --auto: stop once the work order has all its devices confirmed, or after n devices done in this run',
            positiveInteger,
          )
          .option('--poll-interval <ms>', 'with --auto: how often the ports are listed', positiveInteger, 500)
          .option('--operator <name>', 'the technician the audit log names (default: --actor)')
          .option('--baud <rate>', 'serial line speed', positiveInteger, 115200)
          .option('--step-timeout <ms>', "one bound for every device exchange (default: each protocol's own)", positiveInteger)
          .option('--max-attempts <n>', 'attempts per port after a transient link fault', nonNegativeInteger, 3)
          .option(
            '--label-dir <dir>',
            "a Matter work order: the folder each device's label sheet (QR code, manual pairing code) is written to; never inside the workspace",
          ),
      ),
    ),
    'operator',
    false,
  ).action(async (opts: RunOptions) => {
    const c = ctx();
    checkPortChoice(opts);
    await c.withWorkspace(async (ws) => {
      // Once the workspace has accounts, the operator signs in (before the CA key is unlocked) and the log names the account.
      const signedIn = await credentialFor(c, ws, opts, 'operator', 'run the station');
      const actor = actingOperator(ws, { verified: signedIn, typed: opts.operator ?? c.actor, action: 'run the station' });
      const batch = new StationBatchRepository(ws).get(opts.batch);
      const ca = loadCa(ws, batch.issuingCa);
      // Unlocked once for the whole run: every device is signed with this one handle.
      const caKey = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
      const onSignal = () => run.stop('interrupted');
      let run: ReturnType<typeof startStation>;
      // The audit key, when given, checkpoints every N entries of the run and once at its stop.
      let checkpoints: AuditCheckpointer | null = null;
      try {
        const auditKey = await openAuditKeyIfGiven(ws, opts, c.io.env);
        checkpoints = auditKey ? new AuditCheckpointer(ws, auditKey, actor, undefined, () => auditKey.close()).watch() : null;
        const common = {
          workspace: ws,
          batchId: opts.batch,
          caKey,
          actor,
          baudRate: opts.baud,
          maxAttempts: Math.max(1, opts.maxAttempts),
          ...(opts.stepTimeout !== undefined ? { stepTimeoutMs: opts.stepTimeout } : {}),
          ...(opts.labelDir !== undefined ? { matterLabelDir: opts.labelDir } : {}),
        };
        run = opts.auto
          ? startAutoStation({
              ...common,
              pollIntervalMs: opts.pollInterval,
              ...(opts.portGlob !== undefined ? { portGlob: opts.portGlob } : {}),
              ...(opts.untilDone !== undefined ? { untilDone: untilDoneRule(opts.untilDone) } : {}),
            })
          : startStation({ ...common, ports: opts.port ?? [] });
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const progress = progressLine(c);
        for await (const event of run) {
          if (event.type === 'device') printOutcome(c, event.outcome);
          else if (event.type === 'retry' && !c.json) c.io.err(`${clear(c)}retry ${event.port}: attempt ${event.attempt} after ${event.code}\n`);
          else if (event.type === 'stopping') c.io.err(`${clear(c)}stopping: ${event.reason}; finishing devices already committed\n`);
          else if (event.type === 'port') printPortChange(c, event.port, event.change);
          else if (event.type === 'port-watch-failed' && !c.json) c.io.err(`${clear(c)}warning: listing the ports failed: ${event.message}\n`);
          progress(event);
        }
        const summary = await run.done;
        if (c.json)
          c.io.out(
            `${JSON.stringify({ type: 'summary', batchId: summary.batchId, counts: summary.counts, stopped: summary.stopped, elapsedMs: summary.elapsedMs })}\n`,
          );
        else c.io.err(`${clear(c)}${summary.batchId}: ${formatCounts(summary.counts)} (${(summary.elapsedMs / 1000).toFixed(1)} s)\n`);
        const incomplete = summary.outcomes.filter((o) => o.result !== 'done');
        if (incomplete.length > 0) {
          const what = opts.auto ? 'devices' : 'ports';
          throw new StationError(
            'STATION_INCOMPLETE',
            `${incomplete.length} of ${summary.outcomes.length} ${what} did not complete${summary.stopped ? ` (${summary.stopped})` : ''}`,
          );
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await checkpoints?.finish('station-stop', (e) => c.io.err(`warning: the station-stop checkpoint was refused: ${e.message}\n`));
        caKey.close();
      }
    });
  });
}

/** Exactly one way of finding ports; the auto-only options only with --auto. */
function checkPortChoice(opts: RunOptions): void {
  const hasPorts = (opts.port?.length ?? 0) > 0;
  if (hasPorts === (opts.auto === true)) throw new UsageError('give either --port P (one or more) or --auto');
  if (!opts.auto && opts.portGlob !== undefined) throw new UsageError('--port-glob needs --auto');
  if (!opts.auto && opts.untilDone !== undefined) throw new UsageError('--until-done needs --auto');
}

function untilDoneRule(value: true | number): UntilDone {
  return value === true ? { kind: 'quota' } : { kind: 'devices', count: value };
}

function printPortChange(c: CliContext, port: string, change: 'added' | 'removed'): void {
  if (c.json) return c.io.out(`${JSON.stringify({ type: 'port', port, change })}\n`);
  c.io.err(`${clear(c)}port ${change === 'added' ? 'appeared' : 'went away'}: ${port}\n`);
}

function printOutcome(c: CliContext, o: DeviceOutcome): void {
  if (c.json) return c.io.out(`${JSON.stringify({ type: 'device', ...o })}\n`);
  // On a terminal the progress line (stderr) is rewritten in place: clear it before a result line.
  if (process.stdout.isTTY === true && process.stderr.isTTY === true) c.io.out('\r\x1b[K');
  const who = `${o.port}  ${o.serial ?? '?'}`;
  if (o.result === 'done') return c.io.out(`done     ${who}  certificate ${o.certificateSerial}${o.resent ? ' (re-sent)' : ''}\n`);
  c.io.out(`${o.result.padEnd(8)} ${who}  ${o.code}: ${o.message}${o.remedy ? `\n         → ${o.remedy}` : ''}\n`);
}

/** On a terminal, one line rewritten in place; elsewhere (logs, pipes) a line per change of the counts. */
function progressLine(c: CliContext): (e: StationEvent) => void {
  const tty = process.stderr.isTTY === true;
  let last = '';
  const active = new Set<string>();
  let counts: Extract<StationEvent, { type: 'progress' }>['counts'] | undefined;
  return (e) => {
    if (e.type === 'step') active.add(e.port);
    if (e.type === 'device') active.delete(e.outcome.port);
    if (e.type === 'progress' || e.type === 'started') counts = e.counts;
    if (counts === undefined || (c.json && !tty)) return;
    const text = `issued ${counts.issued}/${counts.quantity}  confirmed ${counts.confirmed}  failed ${counts.failed}  refused ${counts.refused}`;
    const line = tty ? `${text}  active ports ${active.size}` : text;
    if (line === last) return;
    last = line;
    c.io.err(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
}

function clear(c: CliContext): string {
  return process.stderr.isTTY === true && !c.json ? '\r\x1b[K' : '';
}
