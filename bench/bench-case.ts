/**
 * The shape of a benchmark, as `bench/run.mjs` runs it.
 *
 * A `*.bench.ts` module default-exports an array of cases. Cases sharing a `group` are
 * compared with each other: exactly one of them is the group's `baseline`, and every
 * case's result is reported as a ratio against that baseline measured in the same run,
 * so the numbers stay comparable across machines.
 */
export interface BenchCase {
  /** short, unique within its group */
  readonly name: string;
  readonly group: string;
  /** the case the rest of the group is measured against; one per group */
  readonly baseline?: boolean;
  /** what the case measures, one sentence; copied into the JSON results */
  readonly description?: string;
  /**
   * How many logical operations one `run()` performs (rows, entries…). Rates are
   * reported in operations per second, so a case that does 1000 appends per call and one
   * that does 1 are compared per append. Default 1.
   */
  readonly opsPerRun?: number;
  /** untimed calls before measuring; default 3 */
  readonly warmup?: number;
  /** timed calls; default 30 (fewer if `maxTimeMs` runs out first, never fewer than 3) */
  readonly iterations?: number;
  /** time budget for the timed calls; default 5000 */
  readonly maxTimeMs?: number;
  /** once, before warmup; not timed */
  setup?(): void | Promise<void>;
  /** the measured operation */
  run(): void | Promise<void>;
  /**
   * Facts a rate cannot show (peak memory, say), measured once after the timed calls and
   * before teardown; numbers keyed by name with their unit in the name (`peakRssMiB`).
   * Printed under the table and saved as the result's `metrics`.
   */
  metrics?(): Record<string, number> | Promise<Record<string, number>>;
  /** once, after the last iteration (also after a failure); not timed */
  teardown?(): void | Promise<void>;
}

export type BenchModule = readonly BenchCase[];

/** Identity helper that gives a bench module's array its type. */
export function defineBenchmarks(cases: BenchModule): BenchModule {
  return cases;
}

type Disposer = () => void | Promise<void>;
const disposers: Disposer[] = [];

/**
 * A value shared by several cases (a workspace with 100,000 entries, say), built on first
 * use and disposed once by the harness when every benchmark has run, or on Ctrl-C.
 */
export function sharedFixture<T>(create: () => T | Promise<T>, dispose: (value: T) => void | Promise<void>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      pending = Promise.resolve().then(create);
      disposers.push(async () => dispose(await pending!));
    }
    return pending;
  };
}

/** Called by the harness; disposes fixtures newest first and keeps going past failures. */
export async function disposeSharedFixtures(): Promise<void> {
  while (disposers.length > 0) {
    const dispose = disposers.pop()!;
    try {
      await dispose();
    } catch (e) {
      console.error(`bench: failed to dispose a fixture: ${(e as Error).message}`);
    }
  }
}
