import { CaRepository } from '../store/ca-repository.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { nameToString } from '../x509/describe-certificate.js';

export type CalendarEventKind = 'certificate-expires' | 'certificate-renew' | 'crl-resign';
export type CalendarEventState = 'ok' | 'due-soon' | 'overdue';

export interface CalendarEvent {
  /** stable per CA, kind and certificate serial or CRL number: re-exporting updates an event instead of adding a copy */
  readonly uid: string;
  readonly kind: CalendarEventKind;
  readonly ca: string;
  /** the day to act (the calendar entry's date) */
  readonly date: Date;
  /** the hard limit: after it the certificate or CRL is no longer valid */
  readonly due: Date;
  /** from when the event counts as due soon */
  readonly warnFrom: Date;
  readonly state: CalendarEventState;
  readonly summary: string;
  readonly description: string;
  readonly serial?: string;
  readonly crlNumber?: number;
}

const DAY = 86_400_000;
/** how long before a CA certificate's notAfter its expiry counts as due soon */
export const EXPIRY_WARNING_DAYS = 90;
/** a CA is re-issued once this share of its validity is left, and at least RENEW_MIN_DAYS before its horizon */
export const RENEW_SHARE = 0.2;
export const RENEW_MIN_DAYS = 90;
/** a CRL is re-signed this long before its nextUpdate: 25% of its period, at most CRL_LEAD_MAX_DAYS */
export const CRL_LEAD_SHARE = 0.25;
export const CRL_LEAD_MAX_DAYS = 30;

/**
 * What the workspace's CAs need and when (docs/ceremonies.md, "Calendar"):
 *
 * - `certificate-expires` on each CA certificate's notAfter (due soon in its last 90 days);
 * - `certificate-renew`: the day to hold the ceremony that re-issues the CA. A CA cannot
 *   certify past its own notAfter, nor can its parent sign it past the parent's, so its
 *   horizon is the earlier of the two; the renewal falls RENEW_SHARE of its validity (at
 *   least RENEW_MIN_DAYS) before that horizon, leaving room for what it still has to sign;
 * - `crl-resign` for each CA's latest CRL: an offline root's CRL is re-signed only at a
 *   ceremony, which takes people and days to gather, so the event starts a lead time
 *   before nextUpdate (25% of the CRL's period, at most 30 days) and is due at nextUpdate.
 *
 * State against `now`: overdue from `due`, due-soon from `warnFrom`, ok before. Sorted by
 * date, then CA name and kind.
 */
export function caCalendar(ws: Workspace, now: Date): CalendarEvent[] {
  const cas = new CaRepository(ws);
  const certs = new CertificateRepository(ws);
  const rows = cas.list();
  const certOf = new Map(rows.map((r) => [r.name, parseCertificateFast(certs.byId(r.certificateId).der)]));
  const events: CalendarEvent[] = [];
  const stateOf = (warnFrom: Date, due: Date): CalendarEventState => (now >= due ? 'overdue' : now >= warnFrom ? 'due-soon' : 'ok');

  for (const row of rows) {
    const cert = certOf.get(row.name)!;
    const serial = cert.serial.toString('hex');
    const subject = nameToString(cert.subject);
    const expires = cert.notAfter;
    const expiryWarn = new Date(expires.getTime() - EXPIRY_WARNING_DAYS * DAY);
    events.push({
      uid: `certificate-expires-${row.name}-${serial}@hallmark`,
      kind: 'certificate-expires',
      ca: row.name,
      date: expires,
      due: expires,
      warnFrom: expiryWarn,
      state: stateOf(expiryWarn, expires),
      summary: `CA certificate of ${row.name} expires`,
      description: `The ${row.profile} CA certificate "${subject}" (serial ${serial}) expires on ${expires.toISOString()}. Nothing it signed is valid after that.`,
      serial,
    });

    const parent = row.parent !== null ? certOf.get(row.parent) : undefined;
    const horizon = parent && parent.notAfter < expires ? parent.notAfter : expires;
    const validity = expires.getTime() - cert.notBefore.getTime();
    const renewBy = new Date(horizon.getTime() - Math.max(RENEW_MIN_DAYS * DAY, RENEW_SHARE * validity));
    const limitedBy = horizon === expires ? 'its own expiry' : `the expiry of its parent "${row.parent}"`;
    events.push({
      uid: `certificate-renew-${row.name}-${serial}@hallmark`,
      kind: 'certificate-renew',
      ca: row.name,
      date: renewBy,
      due: horizon,
      warnFrom: renewBy,
      state: stateOf(renewBy, horizon),
      summary: `Re-issue CA ${row.name} (${row.profile === 'root' ? 'root' : 'intermediate'} ceremony)`,
      description:
        `Hold the ceremony that re-issues "${subject}" by ${renewBy.toISOString().slice(0, 10)}: ` +
        `its horizon is ${limitedBy} on ${horizon.toISOString()}, and what it signs cannot outlive that.`,
      serial,
    });

    const crl = cas.latestCrl(row.name);
    if (crl) {
      const thisUpdate = new Date(crl.thisUpdate);
      const nextUpdate = new Date(crl.nextUpdate);
      const lead = Math.min(CRL_LEAD_MAX_DAYS * DAY, CRL_LEAD_SHARE * (nextUpdate.getTime() - thisUpdate.getTime()));
      const start = new Date(nextUpdate.getTime() - lead);
      events.push({
        uid: `crl-resign-${row.name}-${crl.crlNumber}@hallmark`,
        kind: 'crl-resign',
        ca: row.name,
        date: start,
        due: nextUpdate,
        warnFrom: start,
        state: stateOf(start, nextUpdate),
        summary: `Re-sign CRL #${crl.crlNumber} of ${row.name} before ${nextUpdate.toISOString().slice(0, 10)}`,
        description:
          `CRL #${crl.crlNumber} of "${subject}" (thisUpdate ${crl.thisUpdate}) is valid until its nextUpdate ${crl.nextUpdate}. ` +
          `Relying parties refuse it after that: sign CRL #${crl.crlNumber + 1}${row.profile === 'root' ? ' at a CRL ceremony' : ''} before then.`,
        crlNumber: crl.crlNumber,
      });
    }
  }
  // Intermediates signed here for an online CA's CSR are not CAs of this workspace, but their
  // expiry and renewal are still this root's ceremonies to plan.
  for (const row of certs.externalIntermediates()) {
    const cert = parseCertificateFast(row.der);
    const subject = nameToString(cert.subject);
    const name = cert.subject.find((a) => a.oid === '2.5.4.3')?.value ?? subject;
    const serial = cert.serial.toString('hex');
    const expires = cert.notAfter;
    const expiryWarn = new Date(expires.getTime() - EXPIRY_WARNING_DAYS * DAY);
    events.push({
      uid: `certificate-expires-${row.issuerCa}-${serial}@hallmark`,
      kind: 'certificate-expires',
      ca: name,
      date: expires,
      due: expires,
      warnFrom: expiryWarn,
      state: stateOf(expiryWarn, expires),
      summary: `Intermediate certificate "${name}" (signed by ${row.issuerCa}) expires`,
      description: `The intermediate CA certificate "${subject}" (serial ${serial}), signed by ${row.issuerCa} for an online CA's request, expires on ${expires.toISOString()}.`,
      serial,
    });
    const parent = certOf.get(row.issuerCa!);
    const horizon = parent && parent.notAfter < expires ? parent.notAfter : expires;
    const renewBy = new Date(horizon.getTime() - Math.max(RENEW_MIN_DAYS * DAY, RENEW_SHARE * (expires.getTime() - cert.notBefore.getTime())));
    events.push({
      uid: `certificate-renew-${row.issuerCa}-${serial}@hallmark`,
      kind: 'certificate-renew',
      ca: name,
      date: renewBy,
      due: horizon,
      warnFrom: renewBy,
      state: stateOf(renewBy, horizon),
      summary: `Re-issue intermediate "${name}" (intermediate ceremony with ${row.issuerCa})`,
      description: `Sign a new certificate for the online CA "${subject}" (from its new CSR) by ${renewBy.toISOString().slice(0, 10)}; its horizon is ${horizon.toISOString()}.`,
      serial,
    });
  }
  const kindOrder: Record<CalendarEventKind, number> = { 'crl-resign': 0, 'certificate-renew': 1, 'certificate-expires': 2 };
  return events.sort((a, b) => a.date.getTime() - b.date.getTime() || a.ca.localeCompare(b.ca) || kindOrder[a.kind] - kindOrder[b.kind]);
}

/** An event as plain JSON (ISO 8601 dates): what `ceremony calendar --json` prints and the UI receives. */
export function calendarEventRecord(e: CalendarEvent) {
  return {
    uid: e.uid,
    kind: e.kind,
    ca: e.ca,
    date: e.date.toISOString(),
    due: e.due.toISOString(),
    warnFrom: e.warnFrom.toISOString(),
    state: e.state,
    summary: e.summary,
    description: e.description,
    serial: e.serial ?? null,
    crlNumber: e.crlNumber ?? null,
  };
}
