import type { Workspace } from '../store/workspace.js';
import { accountsRequired } from './accounts.js';
import { OperatorError } from './operator-errors.js';
import type { OperatorRole } from './operator-roles.js';
import { hasRole, type VerifiedOperator } from './verified-operator.js';

/** A credential entered "for this action" is good for this long (a slow key unlock included). */
export const ACTION_CREDENTIAL_MAX_AGE_MS = 5 * 60_000;

export interface ActingRequest {
  /** the operator whose credential was checked for this action, if any */
  readonly verified?: VerifiedOperator | undefined;
  /** the name typed (--actor, the Operator field): only honoured while the workspace has no accounts */
  readonly typed: string;
  readonly role?: OperatorRole;
  /** the credential must have been entered for this action (rework, close), not at sign-in */
  readonly fresh?: boolean;
  /** what is being done, for the refusal's message and audit entry */
  readonly action: string;
}

/**
 * The name an action records. While a workspace has no accounts (docs/operators.md: the
 * transition) it is the typed name, as before; once it has any, only a verified account
 * holding the role, checked recently, acts, and a typed name alone is refused.
 */
export function actingOperator(ws: Workspace, req: ActingRequest): string {
  const v = req.verified;
  if (v === undefined) {
    if (!accountsRequired(ws)) return req.typed;
    ws.audit.append({
      actor: req.typed.slice(0, 64) || 'unknown',
      action: 'operator.refused',
      subject: req.typed.slice(0, 64) || 'unknown',
      details: { action: req.action, code: 'OPERATOR_CREDENTIAL_REQUIRED' },
    });
    throw new OperatorError(
      'OPERATOR_CREDENTIAL_REQUIRED',
      `this workspace has operator accounts: ${req.action} needs ${req.role ? `a ${req.role}'s` : "an operator's"} credential, not a typed name`,
    );
  }
  if (req.fresh === true && Date.now() - v.verifiedAt > ACTION_CREDENTIAL_MAX_AGE_MS) {
    throw new OperatorError('OPERATOR_CREDENTIAL_REQUIRED', `${v.name}'s credential was entered too long ago for ${req.action}; enter it again`);
  }
  if (req.role !== undefined && !hasRole(v, req.role)) {
    ws.audit.append({
      actor: v.name,
      action: 'operator.refused',
      subject: v.name,
      details: { action: req.action, code: 'OPERATOR_ROLE_MISSING', role: req.role },
    });
    throw new OperatorError('OPERATOR_ROLE_MISSING', `${v.name} (${v.roles.join(', ')}) may not ${req.action}: it needs the ${req.role} role`);
  }
  return v.name;
}
