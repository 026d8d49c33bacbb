import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

/** A shipped example under resources/ceremonies/, as text. */
export function ceremonyExample(name: string): string {
  return readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8');
}

/**
 * The example scripts demand an air-gapped machine; test machines have interfaces up, so
 * tests lift that one rule (which changes the script's hash, as it should).
 */
export function allowNetwork(yaml: string): string {
  return yaml.replace('requireNoNetwork: true', 'requireNoNetwork: false');
}

/** Writes `content` as `name` under `dir` and returns its path. */
export function fileWriter(dir: string): (name: string, content: string | Buffer) => string {
  return (name, content) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
}

/** SHA-256 of a file's exact bytes, lowercase hex: what the custodians approve of a binding (`--approved-binding-hash`). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * A binding for the app: every `env:` secret source made `typed: true` (in the app every PIN
 * and passphrase is typed at the step that needs it; file and env sources are refused).
 */
export function typedSources(binding: string): string {
  return binding.replace(/^(\s+)env: [A-Za-z_][A-Za-z0-9_]*$/gm, '$1typed: true');
}

/** The shipped shares-root binding made for the app (typed passphrases), written into `dir`. */
export function typedSharesBinding(dir: string): string {
  const p = join(dir, 'root-shares.typed.binding.yaml');
  writeFileSync(p, typedSources(ceremonyExample('root-shares.binding.yaml')));
  return p;
}
