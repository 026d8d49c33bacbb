import type { Command } from 'commander';
import { listSerialPorts, type SerialPortInfo } from '../../devices/serial/list-serial-ports.js';
import { watchSerialPorts } from '../../devices/serial/serial-port-watcher.js';
import { probeDevice } from '../../devices/probe-device.js';
import type { CliContext } from '../cli-context.js';
import { positiveInteger } from '../option-parsers.js';
import { untilSignal } from './sim-command.js';

/** `hallmark device list|watch|probe`: the technician's view of the fixture's serial ports. */
export function registerDevice(program: Command, ctx: () => CliContext): void {
  const device = program.command('device').description('serial ports and the devices on them');

  device
    .command('list')
    .description('list serial ports with their USB vendor/product id, serial number and location')
    .action(async () => {
      const c = ctx();
      const ports = await listSerialPorts();
      if (c.json) return c.printJson(ports);
      if (ports.length === 0) return c.io.out('no serial ports\n');
      c.io.out(ports.map(formatPort).join('\n') + '\n');
    });

  device
    .command('watch')
    .description('report serial ports appearing and disappearing until interrupted')
    .option('--interval <ms>', 'how often to look', positiveInteger, 1000)
    .action(async (opts: { interval: number }) => {
      const c = ctx();
      const emit = (event: 'added' | 'removed', port: SerialPortInfo) =>
        c.io.out(c.json ? `${JSON.stringify({ event, ...port })}\n` : `${event === 'added' ? '+' : '-'} ${formatPort(port)}\n`);
      // Listening before the first line can be printed (see sim-command.ts).
      const stopped = untilSignal();
      const watcher = watchSerialPorts({
        intervalMs: opts.interval,
        onAdded: (p) => emit('added', p),
        onRemoved: (p) => emit('removed', p),
        onError: (e) => c.io.err(`warning: listing ports failed: ${(e as Error)?.message ?? String(e)}\n`),
      });
      await stopped;
      watcher.stop();
    });

  device
    .command('probe')
    .description('identify whatever is on a port (Hallmark protocol, then nRF91 AT commands)')
    .argument('<port>', 'the serial port, e.g. /dev/ttyACM0')
    .option('--timeout <ms>', 'per command', positiveInteger, 2000)
    .option('--baud <rate>', 'baud rate (ignored by USB CDC-ACM devices)', positiveInteger, 115200)
    .action(async (port: string, opts: { timeout: number; baud: number }) => {
      const c = ctx();
      const result = await probeDevice(port, { timeoutMs: opts.timeout, baudRate: opts.baud });
      const id = result.identity;
      if (c.json) return c.printJson({ path: result.path, ...id, attempts: result.attempts });
      c.io.out(
        [
          `port        ${result.path}`,
          `protocol    ${id.protocol}${id.protocolVersion ? ` (version ${id.protocolVersion})` : ''}`,
          `model       ${id.model}`,
          `serial      ${id.hardwareSerial}`,
          `firmware    ${id.firmware}`,
          ...(id.provisioningState ? [`state       ${id.provisioningState}`] : []),
          '',
        ].join('\n'),
      );
    });
}

function formatPort(p: SerialPortInfo): string {
  const usb = p.vendorId && p.productId ? `${p.vendorId}:${p.productId}` : '-';
  return [p.path, usb, p.serialNumber ?? '-', p.location ?? '-', p.manufacturer ?? ''].join('  ').trimEnd();
}
