import type { Command } from 'commander';
import { loadCa } from '../../ca/certificate-authority.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import type { DeviceOutcome } from '../../station/device-outcome.js';
import { startStation } from '../../station/start-station.js';
import type { StationEvent } from '../../station/station-events.js';
import { StationError } from '../../station/station-errors.js';
import { StationBatchRepository } from '../../store/station-batch-repository.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { collect, nonNegativeInteger, positiveInteger } from '../option-parsers.js';
import { formatCounts } from './batch-command.js';

interface RunOptions extends KeyAccessOptions {
  batch: string;
  port: string[];
  operator?: string;
  baud: number;
  stepTimeout?: number;
  maxAttempts: number;
}

/**
 * `hallmark station run`: the headless station. Per-device result lines on stdout (JSON
 * lines with --json), a live progress line on stderr. The first SIGINT/SIGTERM stops it
 * starting new devices; devices past their commit finish, then it exits. Exit 1 when a
 * device did not complete.
 */
export function registerStation(program: Command, ctx: () => CliContext): void {
  const station = program.command('station').description('the factory station: provision devices on serial ports for a work order');

  addKeyAccessOptions(
    station
      .command('run')
      .description('provision the device on each port (one state machine per port, all at once) until every port is done')
      .requiredOption('--batch <id>', 'the work order')
      .requiredOption('--port <path>', 'a serial port with a device (repeat for each fixture port)', collect)
      .option('--operator <name>', 'the technician the audit log names (default: --actor)')
      .option('--baud <rate>', 'serial line speed', positiveInteger, 115200)
      .option('--step-timeout <ms>', "one bound for every device exchange (default: each protocol's own)", positiveInteger)
      .option('--max-attempts <n>', 'attempts per port after a transient link fault', nonNegativeInteger, 3),
  ).action(async (opts: RunOptions) => {
    const c = ctx();
    const actor = opts.operator ?? c.actor;
    await c.withWorkspace(async (ws) => {
      const batch = new StationBatchRepository(ws).get(opts.batch);
      const ca = loadCa(ws, batch.issuingCa);
      // Unlocked once for the whole run: every device is signed with this one handle.
      const caKey = await openSigningKey(ca.key, await keyUnlockFor(ca.key, opts, ws, c.io.env));
      const onSignal = () => run.stop('interrupted');
      let run: ReturnType<typeof startStation>;
      try {
        run = startStation({
          workspace: ws,
          batchId: opts.batch,
          ports: opts.port,
          caKey,
          actor,
          baudRate: opts.baud,
          maxAttempts: Math.max(1, opts.maxAttempts),
          ...(opts.stepTimeout !== undefined ? { stepTimeoutMs: opts.stepTimeout } : {}),
        });
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        const progress = progressLine(c);
        for await (const event of run) {
          if (event.type === 'device') printOutcome(c, event.outcome);
          else if (event.type === 'retry' && !c.json) c.io.err(`${clear(c)}retry ${event.port}: attempt ${event.attempt} after ${event.code}\n`);
          else if (event.type === 'stopping') c.io.err(`${clear(c)}stopping: ${event.reason}; finishing devices already committed\n`);
          progress(event);
        }
        const summary = await run.done;
        if (c.json) c.io.out(`${JSON.stringify({ type: 'summary', batchId: summary.batchId, counts: summary.counts, stopped: summary.stopped, elapsedMs: summary.elapsedMs })}\n`);
        else c.io.err(`${clear(c)}${summary.batchId}: ${formatCounts(summary.counts)} (${(summary.elapsedMs / 1000).toFixed(1)} s)\n`);
        const incomplete = summary.outcomes.filter((o) => o.result !== 'done');
        if (incomplete.length > 0) {
          throw new StationError('STATION_INCOMPLETE', `${incomplete.length} of ${summary.outcomes.length} ports did not complete${summary.stopped ? ` (${summary.stopped})` : ''}`);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        caKey.close();
      }
    });
  });
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
