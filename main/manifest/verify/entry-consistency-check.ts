import type { DeviceEntry } from '../format/manifest-document.js';
import { verdict, type CheckResult } from './check-result.js';
import { entryLabel } from './device-checks.js';

/** Device states the station records only with a certificate_id (the devices table's CHECK). */
const HOLDS_CERTIFICATE = new Set(['issued', 'chain-written', 'done']);
/** The UTC ISO 8601 form every time of a manifest is written in. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/** serials the fail summary names, so the one line already says where to look */
const NAMED_IN_SUMMARY = 3;

interface Problem {
  readonly serial: string;
  readonly text: string;
}

/** What a device's entries must agree on once all of them are seen. */
interface DeviceSeen {
  readonly deviceState: string;
  /** an entry that is not superseded and holds a certificate */
  current: boolean;
}

/**
 * devices.entry-consistency: each entry agrees with itself, as the builder writes it
 * (build-manifest.ts) and the station's schema allows it. A confirmed entry is the
 * current certificate of a device in state done; a failed one belongs to a device not
 * done; a superseded entry has its certificate, rework record and revocation (the
 * station supersedes only after revoking); a revoked one its certificate and revocation
 * and no rework; revocation and rework appear nowhere else. All entries of a device state
 * the same device state, and a device in a state that holds a certificate has a current
 * one. Times are UTC ISO 8601 in order: first seen ≤ issued ≤ last change, revoked and
 * rework approval not before issuance, the approval not after the last change (the
 * rework itself changed the device). Without this, a confirmed entry of a failed device
 * with no certificate passes every other check: the counters count device states.
 */
export class EntryConsistencyCheck {
  private readonly problems: Problem[] = [];
  private readonly devices = new Map<string, DeviceSeen>();
  private n = 0;

  add(e: DeviceEntry): void {
    this.n++;
    const where = entryLabel(e);
    const wrong = (what: string) => this.problems.push({ serial: e.hardwareSerial, text: `${where}: ${what}` });
    const c = e.certificate;
    switch (e.status) {
      case 'confirmed':
        if (!c) wrong('confirmed without a certificate');
        if (e.deviceState !== 'done') wrong(`confirmed, but the device state is "${e.deviceState}" (a confirmed device is done)`);
        if (e.revocation) wrong('confirmed, yet it carries a revocation');
        if (e.rework) wrong('confirmed, yet it carries a rework record');
        break;
      case 'failed':
        if (e.deviceState === 'done') wrong('failed, but the device state is "done" (a done device\'s current certificate is confirmed)');
        if (e.revocation) wrong('failed, yet it carries a revocation (a revoked certificate is listed as revoked)');
        if (e.rework) wrong('failed, yet it carries a rework record (a reworked certificate is listed as superseded)');
        break;
      case 'superseded':
        if (!c) wrong('superseded without a certificate');
        if (!e.rework) wrong('superseded without a rework record');
        if (!e.revocation) wrong('superseded without a revocation (a certificate is superseded only after it was revoked)');
        break;
      case 'revoked':
        if (!c) wrong('revoked without a certificate');
        if (!e.revocation) wrong('revoked without a revocation');
        if (e.rework) wrong('revoked with a rework record (a reworked certificate is listed as superseded)');
        break;
    }
    this.checkTimes(e, wrong);

    const seen = this.devices.get(e.hardwareSerial);
    const current = c !== null && e.status !== 'superseded';
    if (!seen) this.devices.set(e.hardwareSerial, { deviceState: e.deviceState, current });
    else {
      if (seen.deviceState !== e.deviceState) wrong(`device state "${e.deviceState}", but another entry of the device says "${seen.deviceState}"`);
      seen.current ||= current;
    }
  }

  private checkTimes(e: DeviceEntry, wrong: (what: string) => void): void {
    const time = (what: string, value: string): number | null => {
      if (ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) return Date.parse(value);
      wrong(`${what} "${value.slice(0, 40)}" is not an ISO 8601 time`);
      return null;
    };
    const first = time('firstSeenAt', e.firstSeenAt);
    const last = time('lastChangeAt', e.lastChangeAt);
    if (first !== null && last !== null && first > last) wrong(`first seen ${e.firstSeenAt}, after its last change ${e.lastChangeAt}`);
    if (!e.certificate) return;
    const issued = time('issuedAt', e.certificate.issuedAt);
    if (issued === null) return;
    if (first !== null && issued < first) wrong(`issued ${e.certificate.issuedAt}, before the device was first seen ${e.firstSeenAt}`);
    if (last !== null && issued > last) wrong(`issued ${e.certificate.issuedAt}, after the device's last change ${e.lastChangeAt}`);
    if (e.revocation) {
      const revoked = time('revokedAt', e.revocation.revokedAt);
      if (revoked !== null && revoked < issued) wrong(`revoked ${e.revocation.revokedAt}, before it was issued ${e.certificate.issuedAt}`);
    }
    if (e.rework) {
      const approved = time('rework.approvedAt', e.rework.approvedAt);
      if (approved !== null && approved < issued) wrong(`rework approved ${e.rework.approvedAt}, before the certificate was issued ${e.certificate.issuedAt}`);
      if (approved !== null && last !== null && approved > last)
        wrong(`rework approved ${e.rework.approvedAt}, after the device's last change ${e.lastChangeAt}`);
    }
  }

  /** How many problems were found: the counters check says when the states it counts contradict the statuses shown. */
  get problemCount(): number {
    return this.problems.length + this.devicesWithoutCurrent().length;
  }

  private devicesWithoutCurrent(): Problem[] {
    const out: Problem[] = [];
    for (const [serial, d] of this.devices)
      if (HOLDS_CERTIFICATE.has(d.deviceState) && !d.current)
        out.push({ serial, text: `${serial}: device state "${d.deviceState}", but no entry holds its current certificate` });
    return out;
  }

  result(): CheckResult {
    const problems = [...this.problems, ...this.devicesWithoutCurrent()];
    const serials = [...new Set(problems.map((p) => p.serial))];
    const named = serials.slice(0, NAMED_IN_SUMMARY).join(', ') + (serials.length > NAMED_IN_SUMMARY ? ', …' : '');
    return verdict(
      'devices.entry-consistency',
      problems.map((p) => p.text),
      `all ${this.n} entries agree with themselves: each status matches its certificate, revocation, rework record and device state, and the times run in order`,
      (k) => `${k} inconsistenc${k === 1 ? 'y' : 'ies'} in the entries of ${serials.length} device${serials.length === 1 ? '' : 's'}: ${named}`,
    );
  }
}
