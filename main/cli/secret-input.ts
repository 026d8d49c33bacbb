import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../errors/hallmark-error.js';
import { MediaFileError, readMediaFile } from '../files/read-media-file.js';

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

/** A passphrase or PIN file holds one line. */
const MAX_SECRET_FILE_BYTES = 4096;

export async function readSecret(what: string, source: SecretSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let secret: string;
  if (source.file !== undefined) {
    try {
      // One trailing newline is the file's, not the secret's.
      secret = readMediaFile(source.file, MAX_SECRET_FILE_BYTES, `${what} file`)
        .toString('utf8')
        .replace(/\r?\n$/, '');
    } catch (e) {
      if (!(e instanceof MediaFileError) || e.code !== 'FILE_UNREADABLE') throw e;
      throw new UsageError(e.message);
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

/** Asks on the terminal with echo off (the answer is never shown). */
export function promptHidden(prompt: string): Promise<string> {
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
