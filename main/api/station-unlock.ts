import type { Input } from '../../preload/api.js';
import { HallmarkError } from '../errors/hallmark-error.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { KeyUnlock } from '../keys/open-signing-key.js';
import { parsePkcs11KeyLocation } from '../keys/pkcs11/pkcs11-binding.js';
import { checkLibraryParameters } from '../keys/pkcs11/pkcs11-library-parameters.js';
import { checkPkcs11Module } from '../keys/pkcs11/pkcs11-module-policy.js';
import { pkcs11ModulesAllowed } from '../store/settings-repository.js';
import type { Workspace } from '../store/workspace.js';

export type CaUnlockInput = Input<'station.start'>['unlock'];

/**
 * What opens the issuing CA's key for a dashboard run. The secret is the one the
 * technician typed (it crossed IPC in memory); it goes into the KeyUnlock and nowhere
 * else, and the caller drops both once the key is open. Nothing here may put it in an
 * error message.
 *
 * PKCS#11: the module path comes from the main process's environment
 * (HALLMARK_PKCS11_MODULE, as for the CLI), never from the renderer — loading a module is
 * running its code — and it must be on the allow-list (HALLMARK_PKCS11_MODULES or the
 * workspace's setting) and pass the module file rules (pkcs11-module-policy.ts), checked
 * here before anything loads it. The token is the one the key record names. A module that
 * needs C_Initialize parameters (NSS softokn) gets them from HALLMARK_PKCS11_LIBRARY_PARAMETERS
 * of the same environment, validated before the module is loaded.
 */
export function caKeyUnlock(record: KeyRecord, given: CaUnlockInput, ws: Workspace, env: NodeJS.ProcessEnv): KeyUnlock {
  switch (record.store) {
    case 'software':
      if (given.kind !== 'passphrase') throw mismatch(record, 'a software key: enter its passphrase');
      return { store: 'software', passphrase: given.passphrase, keysDir: ws.info().keysPath };
    case 'pkcs11': {
      if (given.kind !== 'pkcs11-pin') throw mismatch(record, 'on a PKCS#11 token: enter the token PIN');
      const modulePath = env['HALLMARK_PKCS11_MODULE'];
      if (modulePath === undefined || modulePath === '') {
        throw new HallmarkError(
          'PKCS11_MODULE',
          'no PKCS#11 module is configured for this station: start Hallmark with HALLMARK_PKCS11_MODULE set',
          'environment',
        );
      }
      checkPkcs11Module(modulePath, pkcs11ModulesAllowed(ws, env));
      const parameters = env['HALLMARK_PKCS11_LIBRARY_PARAMETERS'];
      const libraryParameters =
        parameters === undefined || parameters === '' ? undefined : checkLibraryParameters(parameters, 'HALLMARK_PKCS11_LIBRARY_PARAMETERS');
      return {
        store: 'pkcs11',
        binding: {
          modulePath,
          ...(libraryParameters !== undefined ? { libraryParameters } : {}),
          tokenSerial: parsePkcs11KeyLocation(record).tokenSerial,
          pin: given.pin,
        },
      };
    }
    case 'shares':
      throw new HallmarkError(
        'UNLOCK_UNSUPPORTED',
        `the issuing CA's key "${record.label}" is split into custodian shares; the station cannot open it from the dashboard (use hallmark station run)`,
        'input',
      );
  }
}

function mismatch(record: KeyRecord, what: string): HallmarkError {
  return new HallmarkError('UNLOCK_MISMATCH', `the issuing CA's key "${record.label}" is ${what}`, 'input');
}
