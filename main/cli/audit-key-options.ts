import type { Command } from 'commander';
import { openSigningKey } from '../keys/open-signing-key.js';
import type { SigningKey } from '../keys/signing-key.js';
import { AuditCheckpointer } from '../store/audit/audit-checkpointer.js';
import type { CheckpointReason } from '../store/audit/audit-checkpoint-claim.js';
import { AuditKeyRepository } from '../store/audit/audit-key-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { CliContext } from './cli-context.js';
import { keyUnlockFor, type KeyAccessOptions } from './key-unlock-options.js';

/** How a command that checkpoints on its way (station run, work-order close, export) reaches the audit key. */
export interface AuditKeyOptions {
  auditPassphraseFile?: string;
  auditPassphraseEnv?: string;
}

export function addAuditKeyOptions(cmd: Command): Command {
  return cmd
    .option(
      '--audit-passphrase-file <file>',
      'software audit key: file holding its passphrase (a token audit key uses the --pkcs11-module, token and PIN options)',
    )
    .option('--audit-passphrase-env <name>', 'software audit key: environment variable holding its passphrase');
}

/**
 * The workspace's audit key, unlocked, when the command was given what unlocks it: a
 * software key's passphrase by --audit-passphrase-file/-env, a token key through the
 * command's token options. Otherwise null, and the caller checkpoints nothing: a
 * verifier then counts the entries as not yet checkpointed.
 */
export async function openAuditKeyIfGiven(ws: Workspace, opts: AuditKeyOptions & KeyAccessOptions, env: NodeJS.ProcessEnv): Promise<SigningKey | null> {
  const current = new AuditKeyRepository(ws.db).current();
  if (!current) return null;
  const record = new KeyRepository(ws).get(current.keyLabel);
  if (record.store === 'software') {
    if (opts.auditPassphraseFile === undefined && opts.auditPassphraseEnv === undefined) return null;
    return openSigningKey(
      record,
      await keyUnlockFor(
        record,
        {
          ...(opts.auditPassphraseFile !== undefined ? { passphraseFile: opts.auditPassphraseFile } : {}),
          ...(opts.auditPassphraseEnv !== undefined ? { passphraseEnv: opts.auditPassphraseEnv } : {}),
        },
        ws,
        env,
      ),
    );
  }
  if (record.store === 'pkcs11' && opts.pkcs11Module !== undefined) return openSigningKey(record, await keyUnlockFor(record, opts, ws, env));
  return null;
}

/** Checkpoints for `reason` now with the audit key if it was given (a warning on stderr if it was not). */
export async function checkpointNow(c: CliContext, ws: Workspace, opts: AuditKeyOptions & KeyAccessOptions, reason: CheckpointReason): Promise<void> {
  await checkpointAfter(c, ws, opts, reason, () => Promise.resolve());
}

/** Runs `fn`, then checkpoints for `reason` with the audit key if it was given (a warning on stderr if it was not). */
export async function checkpointAfter<T>(
  c: CliContext,
  ws: Workspace,
  opts: AuditKeyOptions & KeyAccessOptions,
  reason: CheckpointReason,
  fn: () => Promise<T>,
): Promise<T> {
  const key = await openAuditKeyIfGiven(ws, opts, c.io.env);
  try {
    const result = await fn();
    if (key) await new AuditCheckpointer(ws, key, c.actor).checkpoint(reason);
    else if (new AuditKeyRepository(ws.db).current())
      c.io.err('warning: the audit key was not unlocked; this step is not checkpointed (give --audit-passphrase-file or -env)\n');
    return result;
  } finally {
    key?.close();
  }
}
