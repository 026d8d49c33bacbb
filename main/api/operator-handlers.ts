import type { Input, OperationName, OperatorStatusView, Output } from '../../preload/api.js';
import { accountsRequired } from '../operators/accounts.js';
import { idleLockMs } from '../operators/idle-lock.js';
import { OperatorSessions } from '../operators/operator-sessions.js';
import { verifyOperator } from '../operators/verify-operator.js';
import type { Workspace } from '../store/workspace.js';

type OperatorOp = Extract<OperationName, `operator.${string}`>;
export type OperatorHandlers = { [Op in OperatorOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/**
 * The workspace's sign-in sessions for the app's windows: the idle lock is the workspace
 * setting, read at each check; a session found idle past it leaves an audit entry.
 */
export function workspaceOperatorSessions(ws: Workspace): OperatorSessions {
  return new OperatorSessions({
    idleLockMs: () => idleLockMs(ws),
    onExpired: (op, idleMs) =>
      ws.audit.append({ actor: op.name, action: 'operator.idle-locked', subject: op.name, details: { idleSeconds: Math.round(idleMs / 1000) } }),
  });
}

/**
 * Sign-in at a window (docs/operators.md). The credential is checked by the same
 * verifyOperator() as the CLI's (lockout counter, audit entries); the session is kept
 * here, bound to the caller, and the answer names the account and its roles only.
 */
export function createOperatorHandlers(ws: Workspace, sessions: OperatorSessions): OperatorHandlers {
  const status = (caller: unknown): OperatorStatusView => {
    const s = sessions.status(caller);
    return {
      accountsRequired: accountsRequired(ws),
      signedIn: s === null ? null : { name: s.name, roles: [...s.roles], signedInAt: s.signedInAt, idleDeadline: s.idleDeadline },
      idleLockSeconds: Math.round(sessions.idleLockMs / 1000),
    };
  };
  return {
    'operator.signIn': async ({ name, credential }, caller) => {
      const verified = await verifyOperator(ws, { name, secret: credential, action: 'sign-in' });
      // Someone else signing in at this window ends the previous session on the record.
      const previous = sessions.signOut(caller);
      if (previous !== null && previous.name !== verified.name)
        ws.audit.append({ actor: previous.name, action: 'operator.signed-out', subject: previous.name, details: { reason: `${verified.name} signed in` } });
      sessions.signIn(caller, verified);
      ws.audit.append({ actor: verified.name, action: 'operator.signed-in', subject: verified.name, details: { roles: [...verified.roles] } });
      return status(caller);
    },
    'operator.signOut': (_input, caller) => {
      const op = sessions.signOut(caller);
      if (op !== null) ws.audit.append({ actor: op.name, action: 'operator.signed-out', subject: op.name, details: {} });
      return status(caller);
    },
    'operator.status': ({ activity }, caller) => {
      if (activity === true) sessions.current(caller, true);
      return status(caller);
    },
  };
}
