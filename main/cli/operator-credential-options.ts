import type { Command } from 'commander';
import { accountsRequired } from '../operators/accounts.js';
import type { OperatorRole } from '../operators/operator-roles.js';
import { verifyOperator } from '../operators/verify-operator.js';
import type { VerifiedOperator } from '../operators/verified-operator.js';
import type { Workspace } from '../store/workspace.js';
import type { CliContext } from './cli-context.js';
import { readSecret } from './secret-input.js';

/** Who enters a credential on a command: the operator running it, or the supervisor approving it. */
export type CredentialHolder = 'operator' | 'supervisor';

export interface CredentialOptions {
  operator?: string;
  operatorCredentialFile?: string;
  operatorCredentialEnv?: string;
  supervisor?: string;
  supervisorCredentialFile?: string;
  supervisorCredentialEnv?: string;
}

/**
 * The account options of a command (docs/operators.md). The credential (passphrase or
 * PIN) comes from a file, an environment variable or the terminal, never argv.
 * `withName: false` when the command already has the name option (station run's --operator).
 */
export function addCredentialOptions(cmd: Command, who: CredentialHolder, withName = true): Command {
  if (withName) cmd.option(`--${who} <account>`, `the ${who} account (default: --actor)`);
  return cmd
    .option(`--${who}-credential-file <file>`, `file holding the ${who}'s passphrase or PIN`)
    .option(`--${who}-credential-env <name>`, `environment variable holding the ${who}'s passphrase or PIN`);
}

/**
 * Checks the holder's credential for this action when the workspace has accounts;
 * undefined (a supervisor's action warns on stderr) while it has none: the typed name is recorded, as before.
 */
export async function credentialFor(
  c: CliContext,
  ws: Workspace,
  opts: CredentialOptions,
  who: CredentialHolder,
  action: string,
  role?: OperatorRole,
): Promise<VerifiedOperator | undefined> {
  const name = (who === 'operator' ? opts.operator : opts.supervisor) ?? c.actor;
  if (!accountsRequired(ws)) {
    // The dangerous actions say so; a sign-in for routine work stays quiet until accounts exist.
    if (who === 'supervisor')
      c.io.err(
        `warning: this workspace has no operator accounts; "${name}" is recorded as typed, unverified (create the first CA administrator with hallmark account bootstrap)\n`,
      );
    return undefined;
  }
  const file = who === 'operator' ? opts.operatorCredentialFile : opts.supervisorCredentialFile;
  const env = who === 'operator' ? opts.operatorCredentialEnv : opts.supervisorCredentialEnv;
  const secret = await readSecret(`${who} credential for ${name}`, { file, env }, c.io.env);
  return verifyOperator(ws, { name, secret, action, ...(role ? { role } : {}) });
}
