import type { ApiFailure } from '../api/hallmark.js';
import type { Route } from '../routing/routes.js';

/** Which screen (null: the window itself) and which of its actions raised an error. */
export interface ErrorKey {
  readonly section: Route | null;
  readonly action: string;
}

export interface Reported extends ApiFailure, ErrorKey {
  /** distinguishes repeats of the same failure so the banner re-announces them */
  readonly id: number;
  readonly context: string;
}

/** A new failure of an action replaces that action's earlier one and becomes the newest. */
export function withReported(list: readonly Reported[], r: Reported): readonly Reported[] {
  return [...list.filter((x) => x.section !== r.section || x.action !== r.action), r];
}

export function withoutResolved(list: readonly Reported[], section: Route | null, actions: readonly string[]): readonly Reported[] {
  const next = list.filter((x) => x.section !== section || !actions.includes(x.action));
  return next.length === list.length ? list : next;
}

/** What the screen at `route` may show, oldest first: its own errors and the window's. */
export function pendingErrors(list: readonly Reported[], route: Route): readonly Reported[] {
  return list.filter((x) => x.section === null || x.section === route);
}
