import { accountsRequired } from '../operators/accounts.js';
import { actingOperator } from '../operators/acting-operator.js';
import { OperatorError } from '../operators/operator-errors.js';
import type { OperatorRole } from '../operators/operator-roles.js';
import type { OperatorSessions } from '../operators/operator-sessions.js';
import { hasRole, type VerifiedOperator } from '../operators/verified-operator.js';
import type { Workspace } from '../store/workspace.js';

export interface ActingCaller {
  /** the name the action records */
  readonly name: string;
  /** the signed-in account, when the workspace has accounts */
  readonly verified?: VerifiedOperator;
}

export interface ActingCallerRequest {
  /** what is being done, for the refusal's message and audit entry ("sign a CRL") */
  readonly action: string;
  /** the name typed in the request: only looked at while the workspace has no accounts */
  readonly typed?: string | undefined;
  /**
   * What an account-less workspace records when nothing was typed, for actions that never
   * had a typed field (`app`); without it an empty name is OPERATOR_NAME_REQUIRED.
   */
  readonly untypedName?: string;
  /** once the workspace has accounts: the signed-in account must hold one of these */
  readonly anyOf?: readonly OperatorRole[];
}

/** Bound to a workspace and its sessions: what every section's handlers ask (docs/operators.md). */
export type ActingCallerOf = (caller: unknown, req: ActingCallerRequest) => ActingCaller;

/**
 * Who an action from a window is recorded under — the one decision for every section
 * (docs/operators.md, the transition). Once the workspace has accounts: the account signed
 * in at that window, holding one of the roles asked for; a typed name in the request is
 * not looked at, and a window with nobody signed in is refused (OPERATOR_NOT_SIGNED_IN,
 * audited). While it has none: the typed name, as before. Checked before the action's own
 * work, so a refusal changes nothing but the audit log.
 */
export function actingCaller(ws: Workspace, sessions: OperatorSessions, caller: unknown, req: ActingCallerRequest): ActingCaller {
  if (!accountsRequired(ws)) {
    const name = (req.typed ?? '').trim();
    if (name !== '') return { name };
    if (req.untypedName !== undefined) return { name: req.untypedName };
    throw new OperatorError('OPERATOR_NAME_REQUIRED', `enter the operator's name to ${req.action}`, 'input');
  }
  let verified: VerifiedOperator;
  try {
    verified = sessions.require(caller, req.action);
  } catch (e) {
    ws.audit.append({ actor: 'app', action: 'operator.refused', subject: 'app', details: { action: req.action, code: 'OPERATOR_NOT_SIGNED_IN' } });
    throw e;
  }
  const roles = req.anyOf ?? [];
  if (roles.length > 0 && !roles.some((r) => hasRole(verified, r))) {
    ws.audit.append({
      actor: verified.name,
      action: 'operator.refused',
      subject: verified.name,
      details: { action: req.action, code: 'OPERATOR_ROLE_MISSING', roles: [...roles] },
    });
    throw new OperatorError(
      'OPERATOR_ROLE_MISSING',
      `${verified.name} (${verified.roles.join(', ')}) may not ${req.action}: it needs the ${roles.join(' or ')} role`,
    );
  }
  return { name: actingOperator(ws, { verified, typed: '', action: req.action }), verified };
}

export function actingCallerOf(ws: Workspace, sessions: OperatorSessions): ActingCallerOf {
  return (caller, req) => actingCaller(ws, sessions, caller, req);
}
