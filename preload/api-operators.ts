/**
 * Operator sign-in's part of the contract (preload/api.ts spreads the schemas in): who is
 * signed in at this window, with which roles, and until when an idle screen stays open.
 * The session itself lives in the main process (main/operators/operator-sessions.ts),
 * bound to the window that signed in; the renderer gets a name and roles, never a
 * credential hash nor anything it could replay.
 * zod and types only (the sandboxed preload and the browser import this).
 */
import { z } from 'zod';

/** as main/operators/operator-roles.ts spells an account name */
const accountName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'an account name: letters, digits, ".", "_", "@" or "-"');

export const operatorsInputSchemas = {
  /**
   * The credential (passphrase or PIN) typed at the sign-in screen crosses IPC in memory
   * only: checked against the stored scrypt hash and dropped, never logged or echoed.
   */
  'operator.signIn': z.strictObject({ name: accountName, credential: z.string().min(1).max(1024) }),
  'operator.signOut': z.strictObject({}),
  /** `activity`: the person at the window did something, so the idle lock starts over */
  'operator.status': z.strictObject({ activity: z.boolean().optional() }),
} as const;

export interface OperatorSessionView {
  name: string;
  roles: string[];
  signedInAt: string;
  /** when the screen locks unless the person does something before */
  idleDeadline: string;
}

export interface OperatorStatusView {
  /** the workspace has accounts: the station records the signed-in account, a typed name is refused */
  accountsRequired: boolean;
  signedIn: OperatorSessionView | null;
  /** the workspace's idle lock (hallmark account idle-lock) */
  idleLockSeconds: number;
}

export interface OperatorsOutputs {
  'operator.signIn': OperatorStatusView;
  'operator.signOut': OperatorStatusView;
  'operator.status': OperatorStatusView;
}
