import type { ApiFailure } from '../api/hallmark.js';

export interface RefusalText {
  readonly reason: string;
  readonly action: string;
}

const TEXT: Record<string, RefusalText> = {
  OPERATOR_CREDENTIAL_INVALID: { reason: 'Wrong account name or passphrase / PIN.', action: 'Try again. After 5 wrong attempts in a row the account locks.' },
  OPERATOR_ACCOUNT_LOCKED: {
    reason: 'This account is locked after 5 wrong passphrases or PINs.',
    action: 'A CA administrator unlocks it (hallmark account unlock).',
  },
  OPERATOR_ACCOUNT_DISABLED: { reason: 'This account was disabled.', action: 'Ask a CA administrator for an account of your own.' },
  OPERATOR_ROLE_MISSING: {
    reason: 'This account does not hold the role this needs.',
    action: 'Ask someone who holds it, or a CA administrator to add the role.',
  },
  OPERATOR_NOT_SIGNED_IN: { reason: 'Nobody is signed in at this screen, or it locked while idle.', action: 'Sign in again.' },
  INVALID_INPUT: { reason: 'That is not an account name.', action: 'An account name has letters, digits, ".", "_", "@" or "-".' },
};

/** A sign-in refusal in plain words; the core's own message is shown beside it (it never holds the credential). */
export function refusalText(f: ApiFailure): RefusalText {
  return TEXT[f.code] ?? { reason: f.message, action: '' };
}
