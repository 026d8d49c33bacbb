import { KeyError } from '../key-errors.js';

/**
 * Length is the only rule: composition rules make passphrases harder to remember without
 * making them harder to guess, and the KDF does the rest. Counted in code points, so an
 * accented passphrase is not penalised for its UTF-16 surrogates or rewarded for them.
 */
export const MIN_PASSPHRASE_CHARS = 12;

export function assertPassphraseStrength(passphrase: string, whose: string): void {
  if (typeof passphrase !== 'string' || [...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_CHARS) {
    throw new KeyError('KEY_PASSPHRASE_WEAK', `the passphrase for ${whose} must be at least ${MIN_PASSPHRASE_CHARS} characters`);
  }
}
