import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import { CeremonyError } from './ceremony-errors.js';
import { formatProblems, parseStrictYaml } from './strict-yaml.js';

/**
 * The environment binding: where this machine finds the token and its PIN. Kept out of
 * the script so the reviewed, hash-approved plan is identical at rehearsal and at the
 * real ceremony. The token is chosen by serial only (labels repeat between tokens), and
 * the PIN is named by its source (a file or an environment variable), never written here.
 */
const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]);

export const bindingSchema = z.strictObject({
  version: z.literal(1),
  pkcs11: z.strictObject({
    module: z.string().min(1),
    tokenSerial: z.string().min(1).max(32),
    pin: secretSource,
  }),
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
  const parsed = parseStrictYaml(text, bindingSchema);
  if (!parsed.ok) throw new CeremonyError('CEREMONY_BINDING_INVALID', formatProblems(path, parsed.problems), 'input', { problems: parsed.problems });
  return { binding: parsed.value, path };
}

/** Relative paths in a binding are relative to the binding file, not to wherever the command was started. */
function relativeTo(bindingPath: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(bindingPath), p);
}

export function resolvePkcs11Binding(loaded: LoadedBinding, env: NodeJS.ProcessEnv): Pkcs11Binding {
  const { pkcs11 } = loaded.binding;
  const pin = readPin(loaded, env);
  return { modulePath: relativeTo(loaded.path, pkcs11.module), tokenSerial: pkcs11.tokenSerial, pin };
}

/** What the transcript may say about the binding: everything but the secret. */
export function bindingSummary(loaded: LoadedBinding): { module: string; tokenSerial: string; pinSource: string } {
  const { pkcs11 } = loaded.binding;
  return {
    module: relativeTo(loaded.path, pkcs11.module),
    tokenSerial: pkcs11.tokenSerial,
    pinSource: 'file' in pkcs11.pin ? `file ${relativeTo(loaded.path, pkcs11.pin.file)}` : `environment variable ${pkcs11.pin.env}`,
  };
}

function readPin(loaded: LoadedBinding, env: NodeJS.ProcessEnv): string {
  const source = loaded.binding.pkcs11.pin;
  let pin: string | undefined;
  if ('file' in source) {
    const file = relativeTo(loaded.path, source.file);
    try {
      // One trailing newline is the file's, not the PIN's.
      pin = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new CeremonyError('CEREMONY_BINDING_INVALID', `cannot read the PIN file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'environment');
    }
  } else {
    pin = env[source.env];
    if (pin === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `the environment variable ${source.env} (the PKCS#11 PIN) is not set`, 'environment');
  }
  if (pin === '') throw new CeremonyError('CEREMONY_BINDING_INVALID', 'the PKCS#11 PIN is empty');
  return pin;
}
