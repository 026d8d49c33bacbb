import { KeyError } from '../key-errors.js';
import { passphraseBytes } from '../software/encrypted-pkcs8.js';
import { assertPassphraseStrength } from '../software/passphrase-policy.js';
import { MAX_SHARES } from './encrypted-share.js';

export interface CustodianSecret {
  custodian: string;
  passphrase: string;
}

/**
 * Every guard on an M-of-N split, checked before any key exists. Identical passphrases
 * are refused too: two shares one person can open are not two custodians.
 */
export function assertSharePlan(threshold: number, custodians: readonly CustodianSecret[]): void {
  const total = custodians.length;
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > total || total > MAX_SHARES) {
    throw new KeyError('SHARES_INVALID', `a split needs 2 ≤ threshold ≤ custodians ≤ ${MAX_SHARES}; got threshold ${threshold} with ${total} custodians`);
  }
  const names = new Map<string, string>();
  const passphrases = new Map<string, string>();
  for (const { custodian, passphrase } of custodians) {
    if (
      typeof custodian !== 'string' ||
      custodian.trim() === '' ||
      custodian !== custodian.trim() ||
      [...custodian].length > 64 ||
      /[\p{Cc}\p{Cf}]/u.test(custodian)
    ) {
      throw new KeyError('SHARES_INVALID', `custodian name ${JSON.stringify(custodian)} must be 1–64 printable characters without leading or trailing spaces`);
    }
    const key = custodian.normalize('NFC').toLowerCase();
    const clash = names.get(key);
    if (clash !== undefined) throw new KeyError('SHARES_INVALID', `custodians "${clash}" and "${custodian}" have the same name`);
    names.set(key, custodian);
    assertPassphraseStrength(passphrase, `custodian "${custodian}"`);
    const same = passphrases.get(passphraseBytes(passphrase).toString('base64'));
    if (same !== undefined) throw new KeyError('SHARES_INVALID', `custodians "${same}" and "${custodian}" chose the same passphrase; each share needs its own`);
    passphrases.set(passphraseBytes(passphrase).toString('base64'), custodian);
  }
}
