import { loadCa } from '../ca/certificate-authority.js';
import type { KeyStoreKind } from '../keys/key-record.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { secretKey, type LoadedBinding } from './ceremony-binding.js';
import type { CeremonyScript } from './ceremony-script-schema.js';
import type { SecretPrompt, SecretRequest } from './secret-request.js';

type Needed = Omit<SecretRequest, 'id' | 'step'>;

/**
 * The secrets this ceremony will read that a face with a SecretPrompt asks people for, at
 * the step that needs the key: every source the binding marks `typed: true`, and — when
 * `askMissingEnv` (the app, which never hands its environment over) — environment sources
 * the environment does not hold. Token PINs come first, then custodians in the script's
 * order, so the room hears the requests in the order people sit in the script.
 */
export function deferredSecrets(ws: Workspace, script: CeremonyScript, loaded: LoadedBinding, env: NodeJS.ProcessEnv, askMissingEnv: boolean): Needed[] {
  const b = loaded.binding;
  const needed: Needed[] = [];
  const ask = (at: string, kind: Needed['kind'], what: string, custodian: string | null) => {
    const source = loaded.sources.find((s) => s.at === at);
    if (!source || source.kind === 'file') return;
    if (source.kind === 'env' && !askMissingEnv) return;
    needed.push({ kind, what, env: secretKey(source), custodian });
  };
  const pin = (section: 'pkcs11' | 'intermediateToken', what: string) => {
    if (b[section]) ask(`${section}.pin`, 'pin', what, null);
  };
  const custodians = (list: 'custodians' | 'newCustodians', names?: readonly string[]) => {
    for (const [i, c] of (b[list] ?? []).entries()) {
      if (names && !names.includes(c.name)) continue;
      ask(`${list}[${i}].passphrase`, 'passphrase', `custodian "${c.name}"'s passphrase${list === 'newCustodians' ? ' for the new share' : ''}`, c.name);
    }
  };
  const tokenPin = () => pin('pkcs11', `the PIN of token serial ${b.pkcs11?.tokenSerial ?? '?'}`);
  const existing = (store: KeyStoreKind) => {
    if (store === 'pkcs11') tokenPin();
    else if (store === 'shares') custodians('custodians');
    else if (b.software) ask('software.passphrase', 'passphrase', "the CA's software key passphrase", null);
  };
  switch (script.kind) {
    case 'root':
      if (script.key.store === 'pkcs11') tokenPin();
      else custodians('custodians', script.key.custodians);
      break;
    case 'crl':
      existing(loadCa(ws, script.crl.ca).key.store);
      break;
    case 'intermediate':
      existing(loadCa(ws, script.intermediate.parent).key.store);
      if (script.intermediate.key.source === 'pkcs11')
        pin('intermediateToken', `the PIN of the intermediate's token serial ${b.intermediateToken?.tokenSerial ?? '?'}`);
      break;
    case 'key-backup':
      if (new KeyRepository(ws).exists(script.backup.key)) custodians('custodians');
      custodians('newCustodians', script.backup.custodians);
      break;
    case 'key-restore':
      // The shares that rebuild the key, and the new token's PIN.
      tokenPin();
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
