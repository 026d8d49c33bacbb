import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { CustodianSecret, ShareInput } from '../keys/shares/shared-key-store.js';
import { CeremonyError } from './ceremony-errors.js';
import { formatProblems, parseStrictYaml } from '../encoding/strict-yaml.js';

/**
 * The environment binding: where this machine finds the token and its PIN. Kept out of
 * the script so the reviewed, hash-approved plan is identical at rehearsal and at the
 * real ceremony. The token is chosen by serial only (labels repeat between tokens), and
 * the PIN and passphrases are named by their source (a file or an environment variable),
 * never written here.
 */
const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]);

type SecretSource = z.infer<typeof secretSource>;

const pkcs11Section = z.strictObject({
  module: z.string().min(1),
  tokenSerial: z.string().min(1).max(32),
  pin: secretSource,
});

export const bindingSchema = z.strictObject({
  version: z.literal(1),
  /** the token of a PKCS#11-keyed CA (or of a root being generated on one) */
  pkcs11: pkcs11Section.optional(),
  /**
   * Custodians of a shares-keyed CA: each one's passphrase source and, when the key
   * already exists, where their share file is (the custodian's own medium).
   */
  custodians: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(64),
        passphrase: secretSource,
        share: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .optional(),
  /** key-backup: the passphrase sources of the custodians the key is re-split to */
  newCustodians: z
    .array(z.strictObject({ name: z.string().min(1).max(64), passphrase: secretSource }))
    .min(1)
    .optional(),
  /** the passphrase source of a software-keyed CA's encrypted key file */
  software: z.strictObject({ passphrase: secretSource }).optional(),
  /** intermediate from a CSR: the request file as brought in on removable media */
  csr: z.string().min(1).optional(),
  /** intermediate with a key made in the ceremony: its own token, chosen by serial */
  intermediateToken: pkcs11Section.optional(),
});

export type CeremonyBinding = z.infer<typeof bindingSchema>;

export interface LoadedBinding {
  readonly binding: CeremonyBinding;
  readonly path: string;
}

export function loadBinding(path: string): LoadedBinding {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CeremonyError('CEREMONY_BINDING_INVALID', `cannot read the binding ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseStrictYaml(text, bindingSchema, { docsHint: 'docs/ceremonies.md' });
  if (!parsed.ok) throw new CeremonyError('CEREMONY_BINDING_INVALID', formatProblems(path, parsed.problems), 'input', { problems: parsed.problems });
  return { binding: parsed.value, path };
}

/** Relative paths in a binding are relative to the binding file, not to wherever the command was started. */
function relativeTo(bindingPath: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(bindingPath), p);
}

export function resolvePkcs11Binding(loaded: LoadedBinding, env: NodeJS.ProcessEnv): Pkcs11Binding {
  const { pkcs11 } = loaded.binding;
  if (!pkcs11) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: this ceremony uses a PKCS#11 token; the binding needs a pkcs11 section (module, tokenSerial, pin)`);
  const pin = readSecret(loaded, env, pkcs11.pin, 'the PKCS#11 PIN');
  return { modulePath: relativeTo(loaded.path, pkcs11.module), tokenSerial: pkcs11.tokenSerial, pin };
}

/** The second token of an intermediate ceremony, where the intermediate's own key is made. */
export function resolveIntermediateToken(loaded: LoadedBinding, env: NodeJS.ProcessEnv): Pkcs11Binding {
  const t = loaded.binding.intermediateToken;
  if (!t) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: the intermediate's key is made on its own token; the binding needs intermediateToken (module, tokenSerial, pin)`);
  const pin = readSecret(loaded, env, t.pin, "the intermediate token's PIN");
  if (loaded.binding.pkcs11?.tokenSerial === t.tokenSerial) {
    throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: intermediateToken is the root's token (serial ${t.tokenSerial}); the intermediate's key needs its own`);
  }
  return { modulePath: relativeTo(loaded.path, t.module), tokenSerial: t.tokenSerial, pin };
}

/** The CSR file named by the binding, resolved against the binding's directory. */
export function csrPath(loaded: LoadedBinding): string {
  const csr = loaded.binding.csr;
  if (csr === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: the intermediate's key comes from a CSR; the binding needs csr (the file on the removable medium)`);
  return relativeTo(loaded.path, csr);
}

/**
 * The passphrases of the custodians a new split is made for, in the script's order. The
 * binding must name exactly those custodians: a missing or extra one is a binding for a
 * different plan.
 */
export function resolveCustodianPassphrases(loaded: LoadedBinding, env: NodeJS.ProcessEnv, custodians: readonly string[], list: 'custodians' | 'newCustodians' = 'custodians'): CustodianSecret[] {
  const entries = custodianEntries(loaded, custodians, list);
  return entries.map((c) => ({ custodian: c.name, passphrase: readSecret(loaded, env, c.passphrase, `custodian "${c.name}"'s passphrase`) }));
}

/** The shares of an existing shares-keyed CA: each custodian's share file with their passphrase. */
export function resolveShareInputs(loaded: LoadedBinding, env: NodeJS.ProcessEnv): ShareInput[] {
  const custodians = loaded.binding.custodians;
  if (!custodians) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: this CA's key is split among custodians; the binding needs a custodians list (name, share, passphrase)`);
  return custodians.map((c) => {
    if (c.share === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: custodian "${c.name}" has no share file`);
    return { file: relativeTo(loaded.path, c.share), passphrase: readSecret(loaded, env, c.passphrase, `custodian "${c.name}"'s passphrase`) };
  });
}

export function resolveSoftwarePassphrase(loaded: LoadedBinding, env: NodeJS.ProcessEnv): string {
  const software = loaded.binding.software;
  if (!software) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: this CA has a software key; the binding needs software.passphrase`);
  return readSecret(loaded, env, software.passphrase, "the software key's passphrase");
}

function custodianEntries(loaded: LoadedBinding, wanted: readonly string[], list: 'custodians' | 'newCustodians'): { name: string; passphrase: SecretSource }[] {
  const listed = loaded.binding[list] ?? [];
  const names = listed.map((c) => c.name);
  const missing = wanted.filter((w) => !names.includes(w));
  const extra = names.filter((n) => !wanted.includes(n));
  if (missing.length > 0 || extra.length > 0 || new Set(names).size !== names.length) {
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: ${list} must list each of the script's key custodians once (${wanted.join(', ')})${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not in the script: ${extra.join(', ')}` : ''}`,
    );
  }
  return wanted.map((w) => listed.find((c) => c.name === w)!);
}

/** What the transcript may say about the binding: everything but the secrets. */
export function bindingSummary(loaded: LoadedBinding): {
  module?: string;
  tokenSerial?: string;
  pinSource?: string;
  custodians?: { name: string; passphraseSource: string; share?: string }[];
  softwarePassphraseSource?: string;
  newCustodians?: { name: string; passphraseSource: string }[];
  csr?: string;
  intermediateToken?: { module: string; tokenSerial: string; pinSource: string };
} {
  const { pkcs11, custodians, software, csr, intermediateToken: t, newCustodians } = loaded.binding;
  return {
    ...(pkcs11 ? { module: relativeTo(loaded.path, pkcs11.module), tokenSerial: pkcs11.tokenSerial, pinSource: describeSource(loaded, pkcs11.pin) } : {}),
    ...(custodians
      ? { custodians: custodians.map((c) => ({ name: c.name, passphraseSource: describeSource(loaded, c.passphrase), ...(c.share !== undefined ? { share: relativeTo(loaded.path, c.share) } : {}) })) }
      : {}),
    ...(software ? { softwarePassphraseSource: describeSource(loaded, software.passphrase) } : {}),
    ...(newCustodians ? { newCustodians: newCustodians.map((c) => ({ name: c.name, passphraseSource: describeSource(loaded, c.passphrase) })) } : {}),
    ...(csr !== undefined ? { csr: relativeTo(loaded.path, csr) } : {}),
    ...(t ? { intermediateToken: { module: relativeTo(loaded.path, t.module), tokenSerial: t.tokenSerial, pinSource: describeSource(loaded, t.pin) } } : {}),
  };
}

function describeSource(loaded: LoadedBinding, source: SecretSource): string {
  return 'file' in source ? `file ${relativeTo(loaded.path, source.file)}` : `environment variable ${source.env}`;
}

function readSecret(loaded: LoadedBinding, env: NodeJS.ProcessEnv, source: SecretSource, what: string): string {
  let secret: string | undefined;
  if ('file' in source) {
    const file = relativeTo(loaded.path, source.file);
    try {
      // One trailing newline is the file's, not the secret's.
      secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new CeremonyError('CEREMONY_BINDING_INVALID', `cannot read ${what} from ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'environment');
    }
  } else {
    secret = env[source.env];
    if (secret === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `the environment variable ${source.env} (${what}) is not set`, 'environment');
  }
  if (secret === '') throw new CeremonyError('CEREMONY_BINDING_INVALID', `${what} is empty`);
  return secret;
}
