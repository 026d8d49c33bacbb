import type { ProductPolicy } from './product-policy-schema.js';
import { serialMatchesPolicy } from './serial-pattern.js';
import { StationError } from './station-errors.js';

/** The most serials one work order plans (a range is expanded into the database). */
export const MAX_PLAN_SERIALS = 200_000;

export interface ProductionPlan {
  readonly kind: 'csv' | 'range';
  /** the range as written (`A..B`), or `csv:<n serials>` */
  readonly source: string;
  readonly serials: readonly string[];
}

/**
 * A CSV of expected hardware serials: the serial is the first column; an optional header
 * row (`serial` or `hardware_serial`), blank lines and `#` comments are skipped. Every
 * serial must match the policy's format and appear once; problems name their line and
 * column and what was expected there, never the text found (a "plan" that is really some
 * other file must not have its lines copied into an error, a log or the UI).
 */
export function parsePlanCsv(text: string, policy: Pick<ProductPolicy, 'serialPattern'>, source = 'plan'): ProductionPlan {
  const serials: string[] = [];
  const firstLine = new Map<string, number>();
  const problems: string[] = [];
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  rows.forEach((row, i) => {
    const line = i + 1;
    if (row.trim() === '' || row.trimStart().startsWith('#')) return;
    const cell = firstCell(row);
    const at = `line ${line}, column ${row.length - row.trimStart().length + 1}`;
    if (cell === undefined) return void problems.push(`${at}: unbalanced quotes: expected a closing '"' in the first field`);
    if (serials.length === 0 && problems.length === 0 && /^(hardware_)?serial$/i.test(cell)) return;
    if (!serialMatchesPolicy(policy, cell)) return void problems.push(`${at}: expected a serial matching the policy's serial pattern ${policy.serialPattern}`);
    const earlier = firstLine.get(cell);
    if (earlier !== undefined) return void problems.push(`${at}: expected each serial once; this serial is already on line ${earlier}`);
    firstLine.set(cell, line);
    serials.push(cell);
  });
  if (problems.length > 0) {
    throw new StationError(
      'PLAN_INVALID',
      `${source}: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`,
      'input',
      {
        problems: problems.slice(0, 100),
      },
    );
  }
  if (serials.length === 0) throw new StationError('PLAN_INVALID', `${source}: the plan lists no serials`, 'input');
  if (serials.length > MAX_PLAN_SERIALS) throw new StationError('PLAN_INVALID', `${source}: at most ${MAX_PLAN_SERIALS} serials per work order`, 'input');
  return { kind: 'csv', source: `csv:${serials.length}`, serials };
}

/**
 * `PREFIX0001..PREFIX0500`: both ends share everything but a trailing number of the same
 * width (leading zeros kept); every serial of the range must match the policy's format.
 */
export function parseSerialRange(range: string, policy: Pick<ProductPolicy, 'serialPattern'>): ProductionPlan {
  const m = /^(.*?)(\d+)\.\.(.*?)(\d+)$/.exec(range.trim());
  if (!m || m[1] !== m[3] || m[2]!.length !== m[4]!.length) {
    throw new StationError(
      'PLAN_INVALID',
      `serial range "${range}" must be A..B where A and B differ only in a trailing number of the same width (e.g. HM-SIM1-0001..HM-SIM1-0008)`,
      'input',
    );
  }
  const prefix = m[1]!;
  const width = m[2]!.length;
  const from = BigInt(m[2]!);
  const to = BigInt(m[4]!);
  if (to < from) throw new StationError('PLAN_INVALID', `serial range "${range}" ends before it starts`, 'input');
  if (to - from + 1n > BigInt(MAX_PLAN_SERIALS))
    throw new StationError('PLAN_INVALID', `serial range "${range}" holds more than ${MAX_PLAN_SERIALS} serials`, 'input');
  const serials: string[] = [];
  for (let n = from; n <= to; n++) {
    const serial = `${prefix}${n.toString().padStart(width, '0')}`;
    if (!serialMatchesPolicy(policy, serial))
      throw new StationError('PLAN_INVALID', `serial range "${range}": ${serial} does not match the serial pattern`, 'input');
    serials.push(serial);
  }
  return { kind: 'range', source: range.trim(), serials };
}

/** The first CSV field, unquoted; undefined for unbalanced quotes. */
function firstCell(row: string): string | undefined {
  const s = row.trim();
  if (!s.startsWith('"')) return (s.split(',')[0] ?? '').trim();
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') {
      if (s[i + 1] === '"') {
        out += '"';
        i++;
      } else {
        return out.trim();
      }
    } else {
      out += ch;
    }
  }
  return undefined;
}
