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
