import { Option, type Command } from 'commander';
import {
  accountsRequired,
  bootstrapAdministrator,
  createAccount,
  disableAccount,
  listAccounts,
  unlockAccount,
  type AccountView,
} from '../../operators/accounts.js';
import { OperatorError } from '../../operators/operator-errors.js';
import { OPERATOR_ROLES } from '../../operators/operator-roles.js';
import { verifyOperator } from '../../operators/verify-operator.js';
import type { VerifiedOperator } from '../../operators/verified-operator.js';
import type { CredentialKind } from '../../store/account-repository.js';
import type { Workspace } from '../../store/workspace.js';
import type { CliContext } from '../cli-context.js';
import { collect, positiveInteger } from '../option-parsers.js';
import { MAX_IDLE_LOCK_SECONDS, MIN_IDLE_LOCK_SECONDS, setIdleLock } from '../../operators/idle-lock.js';
import { readSecret } from '../secret-input.js';

interface AdminOptions {
  admin?: string;
  adminCredentialFile?: string;
  adminCredentialEnv?: string;
}

interface NewCredentialOptions {
  credential: CredentialKind;
  credentialFile?: string;
  credentialEnv?: string;
}

/** `hallmark account …`: operator accounts, changed only by a CA administrator (docs/operators.md). */
export function registerAccount(program: Command, ctx: () => CliContext): void {
  const account = program.command('account').description('operator accounts: who may sign in, with which roles');

  addNewCredentialOptions(
    account
      .command('bootstrap')
      .description('a workspace without accounts: create its first CA administrator (the one-time step; after it, typed names are refused)')
      .argument('<name>', 'the administrator account'),
  ).action(async (name: string, opts: NewCredentialOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const secret = await readSecret(`${opts.credential} for ${name}`, { file: opts.credentialFile, env: opts.credentialEnv }, c.io.env);
      const view = await bootstrapAdministrator(ws, { name, kind: opts.credential, secret }, c.actor);
      printAccount(c, view, 'created');
    });
  });

  addAdminOptions(
    addNewCredentialOptions(
      account
        .command('create')
        .description('create an account (needs a CA administrator)')
        .argument('<name>', 'the account')
        .requiredOption('--role <role>', `a role the account holds, repeat for more (${OPERATOR_ROLES.join(', ')})`, collect),
    ),
  ).action(async (name: string, opts: NewCredentialOptions & AdminOptions & { role: string[] }) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const admin = await signInAdmin(c, ws, opts, 'create accounts');
      const secret = await readSecret(`${opts.credential} for ${name}`, { file: opts.credentialFile, env: opts.credentialEnv }, c.io.env);
      printAccount(c, await createAccount(ws, { name, roles: opts.role, kind: opts.credential, secret }, admin), 'created');
    });
  });

  addAdminOptions(
    account
      .command('disable')
      .description('disable an account for good (needs a CA administrator); its records keep its name')
      .argument('<name>', 'the account'),
  ).action(async (name: string, opts: AdminOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => printAccount(c, disableAccount(ws, name, await signInAdmin(c, ws, opts, 'disable accounts')), 'disabled'));
  });

  addAdminOptions(
    account.command('unlock').description('clear the lockout after wrong credentials (needs a CA administrator)').argument('<name>', 'the account'),
  ).action(async (name: string, opts: AdminOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => printAccount(c, unlockAccount(ws, name, await signInAdmin(c, ws, opts, 'unlock accounts')), 'unlocked'));
  });

  addAdminOptions(
    account
      .command('idle-lock')
      .description(
        `how long an operator stays signed in at the app's Station screen without activity, in seconds (${MIN_IDLE_LOCK_SECONDS}–${MAX_IDLE_LOCK_SECONDS}; default 900); needs a CA administrator`,
      )
      .argument('<seconds>', 'the idle time before the screen locks', positiveInteger),
  ).action(async (seconds: number, opts: AdminOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const changed = setIdleLock(ws, seconds, await signInAdmin(c, ws, opts, 'set the idle lock'));
      if (c.json) return c.printJson({ idleLockSeconds: seconds, changed });
      c.io.out(`idle lock: ${seconds} s${changed ? '' : ' (unchanged)'}\n`);
    });
  });

  account
    .command('list')
    .description('the accounts with their roles and status (never a credential)')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const rows = listAccounts(ws);
        if (c.json) return c.printJson(rows);
        if (rows.length === 0)
          return c.io.out('no accounts: typed names are recorded unverified (hallmark account bootstrap NAME creates the first CA administrator)\n');
        for (const a of rows) c.io.out(`${a.name.padEnd(20)} ${a.status.padEnd(8)} ${a.roles.join(', ')}  (${a.credential})\n`);
      });
    });
}

export function addNewCredentialOptions(cmd: Command, prefix = ''): Command {
  const flag = prefix === '' ? 'credential' : `${prefix}-credential`;
  return cmd
    .addOption(new Option(`--${flag} <kind>`, 'passphrase (10+ characters) or PIN (6–12 digits)').choices(['passphrase', 'pin']).default('passphrase'))
    .option(`--${flag}-file <file>`, 'file holding the new passphrase or PIN')
    .option(`--${flag}-env <name>`, 'environment variable holding the new passphrase or PIN');
}

function addAdminOptions(cmd: Command): Command {
  return cmd
    .option('--admin <account>', 'the CA administrator making the change (default: --actor)')
    .option('--admin-credential-file <file>', "file holding the administrator's passphrase or PIN")
    .option('--admin-credential-env <name>', "environment variable holding the administrator's passphrase or PIN");
}

async function signInAdmin(c: CliContext, ws: Workspace, opts: AdminOptions, action: string): Promise<VerifiedOperator> {
  if (!accountsRequired(ws))
    throw new OperatorError(
      'OPERATOR_ACCOUNT_NOT_FOUND',
      'this workspace has no accounts yet: create its first CA administrator with hallmark account bootstrap NAME',
      'input',
    );
  const name = opts.admin ?? c.actor;
  const secret = await readSecret(`credential for ${name}`, { file: opts.adminCredentialFile, env: opts.adminCredentialEnv }, c.io.env);
  return verifyOperator(ws, { name, secret, role: 'ca-admin', action });
}

function printAccount(c: CliContext, a: AccountView, what: string): void {
  if (c.json) return c.printJson(a);
  c.io.out(`account ${a.name} ${what}: ${a.roles.join(', ')} (${a.credential}), ${a.status}\n`);
}
