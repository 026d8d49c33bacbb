import { Option, type Command } from 'commander';
import { UsageError } from '../errors/hallmark-error.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { KeyUnlock } from '../keys/open-signing-key.js';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import { checkLibraryParameters } from '../keys/pkcs11/pkcs11-library-parameters.js';
import { checkPkcs11Module } from '../keys/pkcs11/pkcs11-module-policy.js';
import { pkcs11ModulesAllowed } from '../store/settings-repository.js';
import type { Workspace } from '../store/workspace.js';
import { nonNegativeInteger, collect } from './option-parsers.js';
import { readSecret } from './secret-input.js';

/** The options any command that signs or generates accepts to reach a key; secrets only by file, env var or prompt. */
export interface KeyAccessOptions {
  passphraseFile?: string;
  passphraseEnv?: string;
  pkcs11Module?: string;
  pkcs11LibraryParameters?: string;
  tokenSerial?: string;
  tokenLabel?: string;
  slot?: number;
  pinFile?: string;
  pinEnv?: string;
  share?: string[];
  sharePassphraseFile?: string[];
}

export function addKeyAccessOptions(cmd: Command): Command {
  return cmd
    .option('--passphrase-file <file>', 'software key: file holding the passphrase')
    .option('--passphrase-env <name>', 'software key: environment variable holding the passphrase')
    .addOption(new Option('--pkcs11-module <path>', 'PKCS#11 module (.so/.dll/.dylib)').env('HALLMARK_PKCS11_MODULE'))
    .addOption(
      new Option('--pkcs11-library-parameters <text>', "the module's C_Initialize parameters (NSS softokn: configdir='sql:/dir' …)").env(
        'HALLMARK_PKCS11_LIBRARY_PARAMETERS',
      ),
    )
    .option('--token-serial <serial>', 'PKCS#11 token serial number (preferred over label)')
    .option('--token-label <label>', 'PKCS#11 token label')
    .option('--slot <n>', 'PKCS#11 slot id', nonNegativeInteger)
    .option('--pin-file <file>', 'PKCS#11 user PIN file')
    .option('--pin-env <name>', 'environment variable holding the PKCS#11 user PIN')
    .option('--share <file>', 'shares: a custodian share file (repeat, one per custodian present)', collect)
    .option('--share-passphrase-file <file>', "shares: the matching custodian's passphrase file (repeat, same order)", collect);
}

/**
 * The token binding from the options. The module is checked against the allow-list
 * (HALLMARK_PKCS11_MODULES and the workspace's setting) and its file rules before anything
 * loads it: --pkcs11-module only names a module the administrator put there.
 */
export async function pkcs11Binding(opts: KeyAccessOptions, env: NodeJS.ProcessEnv, ws: Workspace): Promise<Pkcs11Binding> {
  if (!opts.pkcs11Module) throw new UsageError('a PKCS#11 key needs --pkcs11-module (or HALLMARK_PKCS11_MODULE)');
  checkPkcs11Module(opts.pkcs11Module, pkcs11ModulesAllowed(ws, env));
  if (opts.tokenSerial === undefined && opts.tokenLabel === undefined && opts.slot === undefined) {
    throw new UsageError('choose the PKCS#11 token with --token-serial, --token-label or --slot');
  }
  const libraryParameters =
    opts.pkcs11LibraryParameters === undefined ? undefined : checkLibraryParameters(opts.pkcs11LibraryParameters, '--pkcs11-library-parameters');
  const pin = await readSecret('PKCS#11 user PIN', { file: opts.pinFile, env: opts.pinEnv }, env);
  return {
    modulePath: opts.pkcs11Module,
    ...(libraryParameters !== undefined ? { libraryParameters } : {}),
    pin,
    ...(opts.tokenSerial !== undefined ? { tokenSerial: opts.tokenSerial } : {}),
    ...(opts.tokenLabel !== undefined ? { tokenLabel: opts.tokenLabel } : {}),
    ...(opts.slot !== undefined ? { slot: opts.slot } : {}),
  };
}

/** Gathers what unlocks `record` from the command's options (prompting on a terminal where allowed). */
export async function keyUnlockFor(record: KeyRecord, opts: KeyAccessOptions, ws: Workspace, env: NodeJS.ProcessEnv): Promise<KeyUnlock> {
  switch (record.store) {
    case 'software':
      return {
        store: 'software',
        passphrase: await readSecret(`passphrase for key "${record.label}"`, { file: opts.passphraseFile, env: opts.passphraseEnv }, env),
        keysDir: ws.info().keysPath,
      };
    case 'pkcs11':
      return { store: 'pkcs11', binding: await pkcs11Binding(opts, env, ws) };
    case 'shares': {
      const files = opts.share ?? [];
      const passFiles = opts.sharePassphraseFile ?? [];
      if (files.length === 0) throw new UsageError(`key "${record.label}" is split into shares: give each custodian's --share and --share-passphrase-file`);
      if (files.length !== passFiles.length)
        throw new UsageError(`${files.length} --share but ${passFiles.length} --share-passphrase-file: give one passphrase file per share`);
      const shares = [];
      for (const [i, file] of files.entries()) {
        shares.push({ file, passphrase: await readSecret(`passphrase for share ${file}`, { file: passFiles[i] }, env) });
      }
      return { store: 'shares', shares };
    }
  }
}
