import type { DeviceEntry, ManifestDocument } from '../format/manifest-document.js';
import { verdict, type CheckResult } from './check-result.js';

/**
 * counters: the counters frozen when the work order closed equal what the entries show —
 * issued = entries with a certificate, devicesIssued = serials with one, confirmed /
 * failed = devices in state done / failed, reworked = superseded certificates — and
 * stay inside the plan and quota. `refused` (devices that never joined) has no entries.
 */
export class CounterCheck {
  private readonly deviceState = new Map<string, string>();
  private readonly withCertificate = new Set<string>();
  private issued = 0;
  private reworked = 0;

  add(d: DeviceEntry): void {
    this.deviceState.set(d.hardwareSerial, d.deviceState);
    if (d.certificate) {
      this.issued++;
      this.withCertificate.add(d.hardwareSerial);
    }
    if (d.status === 'superseded') this.reworked++;
  }

  /** `inconsistent`: devices.entry-consistency's problems, after which the entries' statuses no longer show what the device states count. */
  result(doc: Pick<ManifestDocument, 'counters' | 'workOrder'>, inconsistent = 0): CheckResult {
    const k = doc.counters;
    const deviceState = this.deviceState;
    const states = [...deviceState.values()];
    const actual = {
      issued: this.issued,
      devicesIssued: this.withCertificate.size,
      confirmed: states.filter((s) => s === 'done').length,
      failed: states.filter((s) => s === 'failed').length,
      reworked: this.reworked,
    };
    const problems: string[] = [];
    for (const [name, value] of Object.entries(actual)) {
      const stated = k[name as keyof typeof actual];
      if (stated !== value) problems.push(`${name}: the manifest states ${stated}, its entries show ${value}`);
    }
    if (k.planned !== doc.workOrder.planned) problems.push(`planned: counters say ${k.planned}, the work order ${doc.workOrder.planned}`);
    if (k.quantity !== doc.workOrder.quantity) problems.push(`quantity: counters say ${k.quantity}, the work order ${doc.workOrder.quantity}`);
    if (actual.devicesIssued > k.quantity) problems.push(`${actual.devicesIssued} devices hold certificates, more than the quota of ${k.quantity}`);
    if (deviceState.size > k.planned) problems.push(`${deviceState.size} devices, more than the ${k.planned} planned`);
    return verdict(
      'counters',
      problems,
      `planned ${k.planned}, quota ${k.quantity}, issued ${k.issued}, confirmed ${k.confirmed}, failed ${k.failed}, reworked ${k.reworked} — ${
        inconsistent === 0
          ? 'as the entries show'
          : `as the entries' device states count them, though ${inconsistent} inconsistenc${inconsistent === 1 ? 'y' : 'ies'} leave their statuses saying otherwise (see devices.entry-consistency)`
      }`,
      (n) => `${n} counter(s) disagree with the entries`,
    );
  }
}
