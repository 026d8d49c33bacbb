import { planSha256 } from '../format/manifest-digests.js';
import type { ManifestDocument } from '../format/manifest-document.js';
import { ManifestError } from '../manifest-errors.js';
import { verdict, type CheckResult } from './check-result.js';

/**
 * A production plan CSV as the station reads it: the serial is the first column; an
 * optional `serial` / `hardware_serial` header, blank lines and `#` comments are
 * skipped; a quoted first field is unquoted. Repeated serials are kept (the check
 * reports them).
 */
export function readPlanCsv(text: string): string[] {
  const serials: string[] = [];
  for (const [i, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const row = raw.trim();
    if (row === '' || row.startsWith('#')) continue;
    const cell = firstCell(row);
    if (cell === undefined) throw new ManifestError('MANIFEST_PLAN_INVALID', `plan line ${i + 1}: unbalanced quotes`);
    if (serials.length === 0 && /^(hardware_)?serial$/i.test(cell)) continue;
    serials.push(cell);
  }
  return serials;
}

function firstCell(row: string): string | undefined {
  if (!row.startsWith('"')) return (row.split(',')[0] ?? '').trim();
  let out = '';
  for (let i = 1; i < row.length; i++) {
    if (row[i] === '"') {
      if (row[i + 1] === '"') {
        out += '"';
        i++;
      } else return out.trim();
    } else out += row[i];
  }
  return undefined;
}

/**
 * plan: the given plan is the one the work order was approved with (planSha256), and the
 * manifest matches it: no device outside it (unexpected), no serial twice in it or with
 * two current certificates (duplicated), and no more planned serials without a confirmed
 * device than the quota left out (missing; a plan of 500 with quantity 480 may leave 20).
 */
export function checkPlan(doc: ManifestDocument, plan: readonly string[]): CheckResult {
  const problems: string[] = [];
  const info: string[] = [];
  const planned = new Set<string>();
  for (const s of plan) {
    if (planned.has(s)) problems.push(`duplicated: ${s} is listed twice in the plan`);
    planned.add(s);
  }
  const digest = planSha256([...planned]);
  if (digest !== doc.workOrder.planSha256) problems.push(`the plan given hashes to ${digest}, the work order was approved with ${doc.workOrder.planSha256}`);
  const current = new Map<string, number>();
  const confirmed = new Set<string>();
  for (const d of doc.devices) {
    if (!planned.has(d.hardwareSerial)) problems.push(`unexpected: ${d.hardwareSerial} is not in the plan`);
    if (d.status !== 'superseded') current.set(d.hardwareSerial, (current.get(d.hardwareSerial) ?? 0) + 1);
    if (d.status === 'confirmed') confirmed.add(d.hardwareSerial);
  }
  for (const [s, n] of current) if (n > 1) problems.push(`duplicated: ${s} has ${n} current entries`);
  const missing = [...planned].filter((s) => !confirmed.has(s));
  const allowed = Math.max(0, doc.workOrder.planned - doc.workOrder.quantity);
  if (missing.length > allowed) problems.push(`missing: ${missing.length} planned serials have no confirmed device, the quota allows ${allowed}: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`);
  else if (missing.length > 0) info.push(`${missing.length} planned serial(s) without a confirmed device, within the ${allowed} the quota leaves out: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`);
  return verdict('plan', problems, `the ${planned.size} planned serials are the approved plan; no device missing, unexpected or duplicated`, (n) => `${n} plan problem(s)`, info);
}
