import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type OperatorErrorCode =
  | 'OPERATOR_NAME_INVALID'
  | 'OPERATOR_ROLE_INVALID'
  | 'OPERATOR_CREDENTIAL_WEAK'
  | 'OPERATOR_ACCOUNT_EXISTS'
  | 'OPERATOR_ACCOUNT_NOT_FOUND'
  | 'OPERATOR_ACCOUNTS_EXIST'
  | 'OPERATOR_LAST_ADMINISTRATOR'
  /** wrong name or credential: which of the two is not said */
  | 'OPERATOR_CREDENTIAL_INVALID'
  | 'OPERATOR_ACCOUNT_DISABLED'
  | 'OPERATOR_ACCOUNT_LOCKED'
  | 'OPERATOR_ROLE_MISSING'
  /** the workspace has accounts: a typed name is not an operator, a credential is needed */
  | 'OPERATOR_CREDENTIAL_REQUIRED'
  | 'OPERATOR_NOT_SIGNED_IN'
  /** an account-less workspace: the station action still needs the typed operator name */
  | 'OPERATOR_NAME_REQUIRED'
  | 'OPERATOR_IDLE_LOCK_INVALID';

/** Refusals of sign-in and of actions a role does not cover; the codes the UI and CLI show. */
export class OperatorError extends HallmarkError {
  declare readonly code: OperatorErrorCode;

  constructor(code: OperatorErrorCode, message: string, kind: ErrorKind = 'check', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'OperatorError';
  }
}
