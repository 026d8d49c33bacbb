import { loadCa } from '../ca/certificate-authority.js';
import type { KeyStoreKind } from '../keys/key-record.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { LoadedBinding } from './ceremony-binding.js';
import type { CeremonyScript } from './ceremony-script-schema.js';
import type { SecretPrompt, SecretRequest } from './secret-request.js';

type Needed = Omit<SecretRequest, 'id' | 'step'>;

/**
 * The environment-sourced secrets this ceremony will read that the environment does not
 * hold: these are the ones a face with a SecretPrompt asks people for, at the step that
 * needs the key. Token PINs come first, then custodians in the script's order, so the
 * room hears the requests in the order people sit in the script.
 */
export function missingEnvSecrets(ws: Workspace, script: CeremonyScript, loaded: LoadedBinding, env: NodeJS.ProcessEnv): Needed[] {
  const b = loaded.binding;
  const needed: Needed[] = [];
  const pin = (section: typeof b.pkcs11, what: string) => {
    if (section && 'env' in section.pin) needed.push({ kind: 'pin', what, env: section.pin.env, custodian: null });
  };
  const custodians = (list: 'custodians' | 'newCustodians', names?: readonly string[]) => {
    for (const c of b[list] ?? []) {
      if (names && !names.includes(c.name)) continue;
      if ('env' in c.passphrase) needed.push({ kind: 'passphrase', what: `custodian "${c.name}"'s passphrase${list === 'newCustodians' ? ' for the new share' : ''}`, env: c.passphrase.env, custodian: c.name });
    }
  };
  const existing = (store: KeyStoreKind) => {
    if (store === 'pkcs11') pin(b.pkcs11, `the PIN of token serial ${b.pkcs11?.tokenSerial ?? '?'}`);
    else if (store === 'shares') custodians('custodians');
    else if (b.software && 'env' in b.software.passphrase) needed.push({ kind: 'passphrase', what: "the CA's software key passphrase", env: b.software.passphrase.env, custodian: null });
  };
  switch (script.kind) {
    case 'root':
      if (script.key.store === 'pkcs11') pin(b.pkcs11, `the PIN of token serial ${b.pkcs11?.tokenSerial ?? '?'}`);
      else custodians('custodians', script.key.custodians);
      break;
    case 'crl':
      existing(loadCa(ws, script.crl.ca).key.store);
      break;
    case 'intermediate':
      existing(loadCa(ws, script.intermediate.parent).key.store);
      if (script.intermediate.key.source === 'pkcs11') pin(b.intermediateToken, `the PIN of the intermediate's token serial ${b.intermediateToken?.tokenSerial ?? '?'}`);
      break;
    case 'key-backup':
      if (new KeyRepository(ws).exists(script.backup.key)) custodians('custodians');
      custodians('newCustodians', script.backup.custodians);
      break;
    case 'key-restore':
      // The shares that rebuild the key, and the new token's PIN.
      pin(b.pkcs11, `the PIN of token serial ${b.pkcs11?.tokenSerial ?? '?'}`);
      custodians('custodians');
      break;
  }
  const seen = new Set<string>();
  return needed.filter((n) => env[n.env] === undefined && !seen.has(n.env) && seen.add(n.env));
}

/** Asks for each missing secret in turn; the answers exist only in the returned environment. */
export async function askForSecrets(needed: readonly Needed[], prompt: SecretPrompt, step: string, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const filled: NodeJS.ProcessEnv = { ...env };
  for (const [i, n] of needed.entries()) filled[n.env] = await prompt({ ...n, id: `${step}-${i + 1}`, step });
  return filled;
}
