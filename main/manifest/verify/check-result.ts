/** The named checks of `hallmark manifest verify`, in the order they run and are reported. */
export const CHECK_NAMES = [
  'format',
  'cms.signature',
  'cms.signer-chain',
  'cms.signer-eku',
  'devices.certificate-signature',
  'devices.chain',
  'devices.digests',
  'devices.list-digest',
  'devices.802-1ar',
  'devices.matter-dac',
  'devices.no-duplicates',
  'devices.entry-consistency',
  'counters',
  'plan',
  'sequence',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

/** pass and fail are verdicts; skip means the check had nothing to run on (no --plan) or its input failed an earlier check. */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  readonly name: CheckName;
  readonly status: CheckStatus;
  /** one line */
  readonly summary: string;
  /** what exactly is wrong (at most MAX_DETAILS lines, then a count) or what was checked */
  readonly details: readonly string[];
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly folder: string;
  readonly manifestSha256: string | null;
  readonly workOrder: string | null;
  readonly sequence: number | null;
  readonly devices: number | null;
  readonly signer: { readonly subject: string; readonly sha256: string } | null;
  readonly signingTime: string | null;
  readonly verifiedAt: string;
  readonly checks: readonly CheckResult[];
}

export const MAX_DETAILS = 25;

/** Builds a result from problems found: none → pass with `passSummary`. */
export function verdict(
  name: CheckName,
  problems: readonly string[],
  passSummary: string,
  failSummary: (n: number) => string,
  info: readonly string[] = [],
): CheckResult {
  if (problems.length === 0) return { name, status: 'pass', summary: passSummary, details: info };
  const details = problems.slice(0, MAX_DETAILS);
  if (problems.length > MAX_DETAILS) details.push(`… and ${problems.length - MAX_DETAILS} more`);
  return { name, status: 'fail', summary: failSummary(problems.length), details: [...details, ...info] };
}

export function skipped(name: CheckName, why: string): CheckResult {
  return { name, status: 'skip', summary: why, details: [] };
}
