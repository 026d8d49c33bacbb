import { join } from 'node:path';
import type { DeviceDriver } from '../devices/line-link.js';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { outputFile } from '../files/output-path.js';
import { generateFactoryData, type FactoryData } from '../matter/factory-data.js';
import { labelSheetHtml } from '../matter/label-sheet.js';
import { MatterError } from '../matter/matter-errors.js';
import type { MatterFactoryRow } from '../store/matter-factory-repository.js';
import type { DeviceRow } from '../store/station-device-repository.js';
import type { BatchContext } from './batch-context.js';
import { stationTransact } from './device-log.js';
import type { MatterRun } from './matter-run.js';

export interface FactoryDataOutcome {
  readonly recordId: number;
  /** an earlier attempt's record the device already held (no new passcode, no new label) */
  readonly resumed: boolean;
  readonly labelPath: string;
}

/** A device of a Matter work order must run a Matter mode: refused before it makes a key. */
export function assertMatterDevice(driver: DeviceDriver, identity: { matter?: boolean; hardwareSerial: string }): void {
  if (identity.matter !== true || !driver.writeMatterFactoryData || !driver.readMatterFactoryData) {
    throw new MatterError(
      'MATTER_NOT_SUPPORTED',
      `${identity.hardwareSerial} does not run a Matter mode (its firmware takes no factory data); this is a Matter work order`,
      'check',
    );
  }
}

/**
 * The factory data step of a Matter device, after its DAC chain was written and read
 * back, before the lock.
 *
 * An earlier attempt's record decides first: the device is asked what it holds. A
 * record the device holds (its verifier digest matches) is the device's: committed ones
 * become written, and nothing new is made. Any other live record is abandoned — its
 * passcode existed only in the memory of the attempt that died (a drop, a crash, kill -9
 * between the commit and the device write), so it can never be written; its label must
 * be destroyed (the audit entry names it).
 *
 * Fresh factory data is generated, COMMITTED (everything but the passcode, and where the
 * label goes), then the label sheet is written from memory, then the record goes to the
 * device and is read back, then it is marked written. The passcode is then dropped.
 */
export async function provisionFactoryData(
  ctx: BatchContext,
  driver: DeviceDriver,
  device: DeviceRow,
  certificateId: number,
  port: string,
): Promise<FactoryDataOutcome> {
  const m = ctx.matter!;
  const serial = device.hardwareSerial;
  const live = m.factory.live(device.id);
  if (live !== undefined) {
    const held = await driver.readMatterFactoryData!();
    if (held?.verifierSha256 === live.verifierSha256) {
      if (live.state === 'committed') markWritten(ctx, live, port, true);
      return { recordId: live.id, resumed: true, labelPath: live.labelPath };
    }
    abandon(ctx, live, port, held === null ? 'the device holds no factory data' : 'the device holds other factory data');
  }

  const data = generateFactoryData({ vendorId: m.vendorId, productId: m.productId, iterations: m.iterations });
  const labelPath = outputFile(join(m.labelDir, `${fileSafe(serial)}-${data.verifierSha256.slice(0, 12)}.matter-label.html`), {
    extension: 'html',
    home: ctx.ws.home,
    what: 'a Matter label sheet',
  });
  const row = stationTransact(ctx, () => {
    const at = new Date().toISOString();
    const r = m.factory.insertCommitted({
      batchId: ctx.batch.id,
      deviceId: device.id,
      certificateId,
      discriminator: data.discriminator,
      iterations: data.iterations,
      salt: data.salt,
      verifier: data.verifier,
      verifierSha256: data.verifierSha256,
      rotatingIdUniqueId: data.rotatingIdUniqueId,
      cdSha256: m.declaration.cdSha256,
      labelPath,
      createdAt: at,
    });
    audit(ctx, 'matter.factory-data-committed', serial, {
      port,
      record: r.id,
      discriminator: r.discriminator,
      iterations: r.iterations,
      verifierSha256: r.verifierSha256,
      cdSha256: r.cdSha256,
      labelPath,
    });
    return r;
  });

  try {
    writeNewFile(labelPath, Buffer.from(labelSheetHtml(labelOf(ctx, m, serial, data, row)), 'utf8'), 0o600);
  } catch (e) {
    abandon(ctx, row, port, 'its label sheet could not be written');
    const why = e instanceof NewFileError ? e.message : (e as Error).message;
    throw new MatterError(
      'MATTER_LABEL_WRITE_FAILED',
      `the label sheet for ${serial} could not be written (${why}); its factory data is abandoned`,
      'environment',
      { path: labelPath },
    );
  }

  await driver.writeMatterFactoryData!({
    passcode: data.passcode,
    discriminator: data.discriminator,
    iterations: data.iterations,
    salt: data.salt,
    verifier: data.verifier,
    rotatingIdUniqueId: data.rotatingIdUniqueId,
    certificationDeclaration: m.declaration.cd,
  });
  markWritten(ctx, row, port, false);
  return { recordId: row.id, resumed: false, labelPath };
}

/** A locked device of a Matter work order is done only if its factory data was written. */
export function factoryDataWritten(ctx: BatchContext, device: DeviceRow): boolean {
  return ctx.matter === null || ctx.matter.factory.live(device.id)?.state === 'written';
}

function markWritten(ctx: BatchContext, row: MatterFactoryRow, port: string, resumed: boolean): void {
  stationTransact(ctx, () => {
    ctx.matter!.factory.setState(row.id, 'written', new Date().toISOString());
    audit(ctx, 'matter.factory-data-written', serialOf(ctx, row), {
      port,
      record: row.id,
      verifierSha256: row.verifierSha256,
      ...(resumed ? { resumed: true } : {}),
    });
  });
}

function abandon(ctx: BatchContext, row: MatterFactoryRow, port: string, why: string): void {
  stationTransact(ctx, () => {
    ctx.matter!.factory.setState(row.id, 'abandoned', new Date().toISOString());
    audit(ctx, 'matter.factory-data-abandoned', serialOf(ctx, row), { port, record: row.id, reason: why, destroyLabel: row.labelPath });
  });
}

function audit(ctx: BatchContext, action: string, serial: string, details: Record<string, string | number | boolean>): void {
  ctx.ws.audit.append({ actor: ctx.actor, action, subject: `${ctx.batch.id}/${serial}`, details });
}

function serialOf(ctx: BatchContext, row: MatterFactoryRow): string {
  return ctx.devices.byId(row.deviceId)?.hardwareSerial ?? '?';
}

function labelOf(ctx: BatchContext, m: MatterRun, serial: string, data: FactoryData, row: MatterFactoryRow) {
  return {
    model: ctx.policy.model,
    hardwareSerial: serial,
    vendorId: m.vendorId,
    productId: m.productId,
    qrText: data.qrText,
    manualCode: data.manualCode,
    recordId: row.id,
    generatedAt: row.createdAt,
  };
}

/** A serial as part of a file name: PrintableString allows `/` and `:`. */
function fileSafe(serial: string): string {
  return serial.replace(/[^A-Za-z0-9._-]/g, '_');
}
