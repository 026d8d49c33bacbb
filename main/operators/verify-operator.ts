import { AccountRepository } from '../store/account-repository.js';
import type { Workspace } from '../store/workspace.js';
import { burnCredentialCheck, credentialMatches } from './credential-hash.js';
import { OperatorError } from './operator-errors.js';
import type { OperatorRole } from './operator-roles.js';
import { makeVerified, type VerifiedOperator } from './verified-operator.js';

/** Wrong credentials in a row before the account locks; a CA administrator unlocks it. */
export const MAX_FAILED_ATTEMPTS = 5;

export interface VerifyRequest {
  readonly name: string;
  readonly secret: string;
  /** the role the action needs; absent: any enabled account (a sign-in) */
  readonly role?: OperatorRole;
  /** what the credential is entered for, named in the audit entries (`sign-in`, `batch.rework`) */
  readonly action: string;
}

/**
 * Checks an operator's credential for one action. Every refusal changes nothing but the
 * failed-attempt counter and leaves an audit entry; the counter is committed before the
 * refusal is thrown, so a crash or a retry cannot reset it. The same message for an
 * unknown name and a wrong credential: a sign-in screen does not confirm who exists.
 */
export async function verifyOperator(ws: Workspace, req: VerifyRequest): Promise<VerifiedOperator> {
  const accounts = new AccountRepository(ws);
  const account = accounts.get(req.name);
  if (account === undefined) {
    await burnCredentialCheck(req.secret);
    ws.audit.append({
      actor: req.name.slice(0, 64),
      action: 'operator.sign-in-failed',
      subject: req.name.slice(0, 64),
      details: { action: req.action, code: 'OPERATOR_CREDENTIAL_INVALID', known: false },
    });
    throw wrongCredential();
  }
  if (account.disabledAt !== null) {
    refuse(ws, account.name, req.action, 'OPERATOR_ACCOUNT_DISABLED');
    throw new OperatorError('OPERATOR_ACCOUNT_DISABLED', `the account ${account.name} was disabled on ${account.disabledAt} by ${account.disabledBy}`);
  }
  if (account.lockedAt !== null) {
    refuse(ws, account.name, req.action, 'OPERATOR_ACCOUNT_LOCKED');
    throw locked(account.name, account.lockedAt);
  }
  const ok = await credentialMatches(account.credential, req.secret);
  if (!ok) {
    const lockedNow = ws.transact(() => {
      // Re-read inside the transaction: two stations may be failing at once.
      const current = accounts.get(account.name)!;
      const attempts = current.failedAttempts + 1;
      const lockedAt = attempts >= MAX_FAILED_ATTEMPTS ? new Date().toISOString() : null;
      accounts.setFailedAttempts(account.name, attempts, lockedAt);
      ws.audit.append({
        actor: account.name,
        action: 'operator.sign-in-failed',
        subject: account.name,
        details: { action: req.action, code: 'OPERATOR_CREDENTIAL_INVALID', failedAttempts: attempts },
      });
      if (lockedAt !== null) ws.audit.append({ actor: account.name, action: 'operator.locked', subject: account.name, details: { failedAttempts: attempts } });
      return lockedAt;
    });
    if (lockedNow !== null) throw locked(account.name, lockedNow);
    throw wrongCredential();
  }
  if (req.role !== undefined && !account.roles.includes(req.role)) {
    refuse(ws, account.name, req.action, 'OPERATOR_ROLE_MISSING', { role: req.role });
    throw new OperatorError('OPERATOR_ROLE_MISSING', `${account.name} (${account.roles.join(', ')}) may not ${req.action}: it needs the ${req.role} role`);
  }
  if (account.failedAttempts > 0) accounts.setFailedAttempts(account.name, 0, null);
  return makeVerified(account.name, account.roles as OperatorRole[], Date.now());
}

function refuse(ws: Workspace, name: string, action: string, code: string, extra: Record<string, string> = {}): void {
  ws.audit.append({ actor: name, action: 'operator.refused', subject: name, details: { action, code, ...extra } });
}

function wrongCredential(): OperatorError {
  return new OperatorError('OPERATOR_CREDENTIAL_INVALID', 'wrong account name or credential');
}

function locked(name: string, at: string): OperatorError {
  return new OperatorError(
    'OPERATOR_ACCOUNT_LOCKED',
    `the account ${name} is locked after ${MAX_FAILED_ATTEMPTS} wrong credentials (${at}); a CA administrator unlocks it (hallmark account unlock)`,
  );
}
