import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../errors/hallmark-error.js';

/**
 * Where a secret (passphrase, PIN) comes from. Never a plain command-line argument: it
 * would sit in shell history and in every `ps` listing. In order of preference: a file
 * (`--passphrase-file`), an environment variable the user names (`--passphrase-env`),
 * or a prompt on the terminal with echo off.
 */
export interface SecretSource {
  readonly file?: string | undefined;
  readonly env?: string | undefined;
}

export async function readSecret(what: string, source: SecretSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let secret: string;
  if (source.file !== undefined) {
    try {
      // One trailing newline is the file's, not the secret's.
      secret = readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`cannot read the ${what} file ${source.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else if (source.env !== undefined) {
    const value = env[source.env];
    if (value === undefined) throw new UsageError(`the environment variable ${source.env} (for the ${what}) is not set`);
    secret = value;
  } else if (process.stdin.isTTY) {
    secret = await promptHidden(`${what}: `);
  } else {
    throw new UsageError(`no ${what} given: use a --…-file or --…-env option, or run on a terminal to be prompted`);
  }
  if (secret === '') throw new UsageError(`the ${what} is empty`);
  return secret;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}
