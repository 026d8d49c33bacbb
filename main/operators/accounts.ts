import { AccountRepository, type AccountRow, type CredentialKind } from '../store/account-repository.js';
import type { Workspace } from '../store/workspace.js';
import { hashCredential } from './credential-hash.js';
import { OperatorError } from './operator-errors.js';
import { checkAccountName, checkRoles, type OperatorRole } from './operator-roles.js';
import { hasRole, type VerifiedOperator } from './verified-operator.js';

export interface NewAccount {
  readonly name: string;
  readonly roles: readonly string[];
  readonly kind: CredentialKind;
  readonly secret: string;
}

/** What an account looks like outside main/operators: never the hash or the salt. */
export interface AccountView {
  readonly name: string;
  readonly roles: readonly string[];
  readonly credential: CredentialKind;
  readonly status: 'active' | 'locked' | 'disabled';
  readonly failedAttempts: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export function accountView(a: AccountRow): AccountView {
  return {
    name: a.name,
    roles: a.roles,
    credential: a.credential.kind,
    status: a.disabledAt !== null ? 'disabled' : a.lockedAt !== null ? 'locked' : 'active',
    failedAttempts: a.failedAttempts,
    createdAt: a.createdAt,
    createdBy: a.createdBy,
  };
}

/** True once the workspace has an account: from then on, typed names are not operators. */
export function accountsRequired(ws: Workspace): boolean {
  return new AccountRepository(ws).count() > 0;
}

export function listAccounts(ws: Workspace): AccountView[] {
  return new AccountRepository(ws).list().map(accountView);
}

/**
 * The first CA administrator of a workspace that has none (`hallmark init --admin`,
 * `hallmark account bootstrap`). Refused once any account exists: after that only a CA
 * administrator creates accounts. `actor` is who ran the step, for the audit entry.
 */
export async function bootstrapAdministrator(ws: Workspace, account: Omit<NewAccount, 'roles'>, actor: string): Promise<AccountView> {
  const name = checkAccountName(account.name);
  const credential = await hashCredential(account.kind, account.secret);
  return ws.transact(() => {
    const repo = new AccountRepository(ws);
    if (repo.count() > 0)
      throw new OperatorError(
        'OPERATOR_ACCOUNTS_EXIST',
        'this workspace already has accounts; a CA administrator creates new ones (hallmark account create)',
        'input',
      );
    repo.insert({ name, roles: ['ca-admin'], credential, createdAt: new Date().toISOString(), createdBy: actor });
    ws.audit.append({ actor, action: 'operator.bootstrapped', subject: name, details: { roles: ['ca-admin'], credential: account.kind } });
    return accountView(repo.get(name)!);
  });
}

export async function createAccount(ws: Workspace, account: NewAccount, by: VerifiedOperator): Promise<AccountView> {
  assertAdministrator(ws, by, 'create accounts');
  const name = checkAccountName(account.name);
  const roles = checkRoles(account.roles);
  const credential = await hashCredential(account.kind, account.secret);
  return ws.transact(() => {
    const repo = new AccountRepository(ws);
    if (repo.get(name) !== undefined)
      throw new OperatorError('OPERATOR_ACCOUNT_EXISTS', `an account ${name} already exists (accounts are disabled, never deleted)`, 'input');
    repo.insert({ name, roles, credential, createdAt: new Date().toISOString(), createdBy: by.name });
    ws.audit.append({ actor: by.name, action: 'operator.created', subject: name, details: { roles, credential: account.kind } });
    return accountView(repo.get(name)!);
  });
}

/** Disables an account for good; the last enabled CA administrator cannot be disabled (nobody could create accounts). */
export function disableAccount(ws: Workspace, name: string, by: VerifiedOperator): AccountView {
  assertAdministrator(ws, by, 'disable accounts');
  return ws.transact(() => {
    const repo = new AccountRepository(ws);
    const account = existing(repo, name);
    if (account.disabledAt !== null) return accountView(account);
    const admins = repo.list().filter((a) => a.disabledAt === null && a.roles.includes('ca-admin'));
    if (account.roles.includes('ca-admin') && admins.length <= 1)
      throw new OperatorError('OPERATOR_LAST_ADMINISTRATOR', `${name} is the last enabled CA administrator; create another first`, 'input');
    repo.setDisabled(name, new Date().toISOString(), by.name);
    ws.audit.append({ actor: by.name, action: 'operator.disabled', subject: name, details: { roles: [...account.roles] } });
    return accountView(repo.get(name)!);
  });
}

/** Clears a lockout after wrong credentials. */
export function unlockAccount(ws: Workspace, name: string, by: VerifiedOperator): AccountView {
  assertAdministrator(ws, by, 'unlock accounts');
  return ws.transact(() => {
    const repo = new AccountRepository(ws);
    const account = existing(repo, name);
    repo.setFailedAttempts(name, 0, null);
    ws.audit.append({ actor: by.name, action: 'operator.unlocked', subject: name, details: { failedAttempts: account.failedAttempts } });
    return accountView(repo.get(name)!);
  });
}

function existing(repo: AccountRepository, name: string): AccountRow {
  const account = repo.get(name);
  if (account === undefined) throw new OperatorError('OPERATOR_ACCOUNT_NOT_FOUND', `no account ${name.slice(0, 64)}`, 'input');
  return account;
}

function assertAdministrator(ws: Workspace, by: VerifiedOperator, what: string): void {
  const role: OperatorRole = 'ca-admin';
  if (hasRole(by, role)) return;
  ws.audit.append({ actor: by.name, action: 'operator.refused', subject: by.name, details: { action: what, code: 'OPERATOR_ROLE_MISSING', role } });
  throw new OperatorError('OPERATOR_ROLE_MISSING', `${by.name} may not ${what}: it needs the ca-admin role`);
}
