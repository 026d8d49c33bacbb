import type { DeviceIdentity } from '../devices/line-link.js';
import type { DeviceRow } from '../store/station-device-repository.js';
import type { BatchContext } from './batch-context.js';
import { serialMatchesPolicy } from './serial-pattern.js';
import { StationError } from './station-errors.js';

/**
 * Decides whether this device may go on in this work order. Runs inside the transaction
 * that then creates or updates its device row, so two ports (or two stations) cannot
 * both pass the quota with the last slot. Throws a coded StationError refusal.
 */
export function checkPlan(ctx: BatchContext, identity: DeviceIdentity): DeviceRow | undefined {
  const { policy } = ctx;
  const serial = identity.hardwareSerial;
  const batch = ctx.batches.get(ctx.batch.id);
  if (batch.status !== 'open') throw new StationError('BATCH_CLOSED', `work order ${batch.id} was closed; nothing more is issued under it`);
  if (identity.protocol !== policy.protocol) {
    throw new StationError('PROTOCOL_MISMATCH', `the device speaks ${identity.protocol}; product ${policy.model} uses ${policy.protocol}`);
  }
  if (identity.model !== policy.model) throw new StationError('MODEL_MISMATCH', `the device is a ${identity.model}; this work order makes ${policy.model}`);
  if (!serialMatchesPolicy(policy, serial)) throw new StationError('SERIAL_FORMAT', `serial "${serial}" does not match the product's serial format`);

  const device = ctx.devices.byModelSerial(policy.model, serial);
  if (device !== undefined && device.batchId !== batch.id) {
    if (device.certificateId !== null) {
      throw new StationError('ALREADY_PROVISIONED', `${serial} was provisioned in work order ${device.batchId}`, 'check', { batch: device.batchId });
    }
    throw new StationError('PLANNED_IN_OTHER_BATCH', `${serial} belongs to work order ${device.batchId}`, 'check', { batch: device.batchId });
  }
  if (device === undefined && !ctx.batches.inPlan(batch.id, serial)) {
    const other = ctx.batches.otherBatchPlanning(batch.id, serial);
    throw new StationError('NOT_IN_PLAN', `${serial} is not in the plan of work order ${batch.id}${other ? ` (it is planned in ${other})` : ''}`);
  }
  if (device?.state === 'done') {
    throw new StationError('ALREADY_PROVISIONED', `${serial} was already provisioned and confirmed in this work order`, 'check', { batch: batch.id });
  }
  // A device that already holds (or held) a certificate counts against the quota already.
  const counted = device !== undefined && ctx.devices.certificateIdsOfDevice(device.id).length > 0;
  if (!counted) {
    const issued = ctx.devices.devicesIssued(batch.id);
    if (issued >= batch.quantity) {
      throw new StationError('QUOTA_REACHED', `work order ${batch.id} has issued its ${batch.quantity} certificates`, 'check', { quantity: batch.quantity });
    }
  }
  return device;
}
