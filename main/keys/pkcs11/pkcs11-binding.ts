import type { KeyRecord } from '../key-record.js';
import { KeyError } from '../key-errors.js';

/**
 * How this station reaches a token: given at use, never stored in the workspace (a PIN
 * must not sit in SQLite, and the module path and slot differ between machines). The
 * serial is the preferred selector because ceremony scripts name tokens by serial and
 * labels can repeat; label and slot are fallbacks for interactive use.
 */
export interface Pkcs11Binding {
  modulePath: string;
  /**
   * C_Initialize's libraryParameters, for modules that need them (NSS softokn: its database
   * directory). Checked by checkLibraryParameters where the binding is read.
   */
  libraryParameters?: string;
  tokenSerial?: string;
  tokenLabel?: string;
  slot?: number;
  pin: string;
}

/** What a KeyRecord's `location` holds for a PKCS#11 key. */
export interface Pkcs11KeyLocation {
  tokenSerial: string;
  tokenLabel: string;
  /** hex CKA_ID shared by the private and public objects */
  id: string;
  sensitive: boolean;
  extractable: boolean;
}

/**
 * `imported` is true for a key put on the token from outside (restored from custodian
 * shares): such a key is held to the same sensitive / non-extractable rule when opened,
 * but its CKA_ALWAYS_SENSITIVE and CKA_NEVER_EXTRACTABLE are honestly false, so nothing
 * may demand them of it.
 */
export function parsePkcs11KeyLocation(record: KeyRecord): Pkcs11KeyLocation & { imported: boolean } {
  if (record.store !== 'pkcs11') {
    throw new KeyError('KEY_NOT_FOUND', `key ${record.label} lives in the ${record.store} store, not on a PKCS#11 token`);
  }
  const loc = record.location;
  const { tokenSerial, tokenLabel, id, sensitive, extractable, imported } = loc;
  if (typeof tokenSerial !== 'string' || tokenSerial === '' || typeof tokenLabel !== 'string' || typeof id !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(id)) {
    throw new KeyError('KEY_NOT_FOUND', `key ${record.label}: its PKCS#11 location is malformed (needs tokenSerial, tokenLabel and a hex id)`, 'input', {
      location: loc,
    });
  }
  return { tokenSerial, tokenLabel, id, sensitive: sensitive === true, extractable: extractable === true, imported: imported === true };
}
