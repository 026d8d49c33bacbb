import type { Command } from 'commander';
import { bootstrapAdministrator } from '../../operators/accounts.js';
import { checkAccountName } from '../../operators/operator-roles.js';
import { checkCredentialStrength } from '../../operators/credential-hash.js';
import type { CredentialKind } from '../../store/account-repository.js';
import { Workspace } from '../../store/workspace.js';
import type { CliContext } from '../cli-context.js';
import { readSecret } from '../secret-input.js';
import { addNewCredentialOptions } from './account-command.js';

interface InitOptions {
  admin?: string;
  adminCredential: CredentialKind;
  adminCredentialFile?: string;
  adminCredentialEnv?: string;
}

export function registerInit(program: Command, ctx: () => CliContext): void {
  addNewCredentialOptions(
    program
      .command('init')
      .description('create a workspace (database, key directory, audit log) and, with --admin, its first CA administrator; on an existing one, change nothing')
      .option('--admin <account>', 'the first CA administrator account (its passphrase or PIN by --admin-credential-file / -env, else prompted)'),
    'admin',
  ).action(async (opts: InitOptions) => {
    const c = ctx();
    // The credential is read and checked before anything exists: a bad one leaves no workspace behind.
    let admin: { name: string; secret: string } | undefined;
    if (opts.admin !== undefined) {
      const name = checkAccountName(opts.admin);
      const secret = await readSecret(`${opts.adminCredential} for ${name}`, { file: opts.adminCredentialFile, env: opts.adminCredentialEnv }, c.io.env);
      checkCredentialStrength(opts.adminCredential, secret);
      admin = { name, secret };
    }
    const { workspace, created } = Workspace.init(c.home, c.actor);
    try {
      const account = admin
        ? await bootstrapAdministrator(workspace, { name: admin.name, kind: opts.adminCredential, secret: admin.secret }, c.actor)
        : undefined;
      const info = workspace.info();
      if (c.json) c.printJson({ created, ...info, ...(account ? { administrator: account.name } : {}) });
      else if (created) c.io.out(`created workspace ${info.home} (id ${info.workspaceId})\n`);
      else c.io.out(`workspace ${info.home} already exists (id ${info.workspaceId}); nothing changed\n`);
      if (account && !c.json) c.io.out(`CA administrator ${account.name} created; from now on actions are signed in, typed names are refused\n`);
      if (!account && created)
        c.io.err(
          'warning: no operator accounts: typed names are recorded unverified until hallmark account bootstrap NAME (or init --admin NAME) creates the first CA administrator\n',
        );
    } finally {
      workspace.close();
    }
  });
}
