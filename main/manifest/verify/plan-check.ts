import { planSha256 } from '../format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../format/manifest-document.js';
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
  for (const [i, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const row = raw.trim();
    if (row === '' || row.startsWith('#')) continue;
    const cell = firstCell(row);
    if (cell === undefined)
      throw new ManifestError(
        'MANIFEST_PLAN_INVALID',
        `plan line ${i + 1}, column ${raw.length - raw.trimStart().length + 1}: unbalanced quotes: expected a closing '"' in the first field`,
      );
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
export class PlanCheck {
  private readonly problems: string[] = [];
  private readonly planned = new Set<string>();
  private readonly current = new Map<string, number>();
  private readonly confirmed = new Set<string>();

  constructor(
    private readonly workOrder: ManifestDocument['workOrder'],
    plan: readonly string[],
  ) {
    for (const s of plan) {
      if (this.planned.has(s)) this.problems.push(`duplicated: ${s} is listed twice in the plan`);
      this.planned.add(s);
    }
    const digest = planSha256([...this.planned]);
    if (digest !== workOrder.planSha256) this.problems.push(`the plan given hashes to ${digest}, the work order was approved with ${workOrder.planSha256}`);
  }

  add(d: DeviceEntry): void {
    if (!this.planned.has(d.hardwareSerial)) this.problems.push(`unexpected: ${d.hardwareSerial} is not in the plan`);
    if (d.status !== 'superseded') this.current.set(d.hardwareSerial, (this.current.get(d.hardwareSerial) ?? 0) + 1);
    if (d.status === 'confirmed') this.confirmed.add(d.hardwareSerial);
  }

  result(): CheckResult {
    const { planned, confirmed, workOrder } = this;
    const problems = [...this.problems];
    const info: string[] = [];
    for (const [s, n] of this.current) if (n > 1) problems.push(`duplicated: ${s} has ${n} current entries`);
    const missing = [...planned].filter((s) => !confirmed.has(s));
    const allowed = Math.max(0, workOrder.planned - workOrder.quantity);
    if (missing.length > allowed)
      problems.push(
        `missing: ${missing.length} planned serials have no confirmed device, the quota allows ${allowed}: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`,
      );
    else if (missing.length > 0)
      info.push(
        `${missing.length} planned serial(s) without a confirmed device, within the ${allowed} the quota leaves out: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`,
      );
    return verdict(
      'plan',
      problems,
      `the ${planned.size} planned serials are the approved plan; no device missing, unexpected or duplicated`,
      (n) => `${n} plan problem(s)`,
      info,
    );
  }
}
