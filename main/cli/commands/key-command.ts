import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../keys/key-algorithm.js';
import { KEY_STORE_KINDS, type KeyRecord, type KeyStoreKind } from '../../keys/key-record.js';
import { generatePkcs11Key } from '../../keys/pkcs11/pkcs11-key-store.js';
import { generateSharedKey } from '../../keys/shares/shared-key-store.js';
import { generateSoftwareKey } from '../../keys/software/software-key-store.js';
import { KeyRepository } from '../../store/key-repository.js';
import type { Workspace } from '../../store/workspace.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, pkcs11Binding, type KeyAccessOptions } from '../key-unlock-options.js';
import { positiveInteger, collect } from '../option-parsers.js';
import { readSecret } from '../secret-input.js';

interface GenerateOptions extends KeyAccessOptions {
  label: string;
  alg: KeyAlgorithm;
  store: KeyStoreKind;
  threshold?: number;
  custodian?: string[];
  custodianPassphraseFile?: string[];
  out?: string;
}

export function registerKey(program: Command, ctx: () => CliContext): void {
  const key = program.command('key').description('generate and list keys: encrypted software keys, PKCS#11 tokens, M-of-N custodian shares');

  addKeyAccessOptions(
    key
      .command('generate')
      .description('generate a key in a store and register it in the workspace (the private key never leaves the store unencrypted)')
      .requiredOption('--label <label>', 'the key label (unique in the workspace, and on the token)')
      .addOption(new Option('--alg <algorithm>', 'key algorithm').choices([...KEY_ALGORITHMS]).default('ecdsa-p384'))
      .addOption(new Option('--store <store>', 'where the key lives').choices([...KEY_STORE_KINDS]).default('software'))
      .option('--threshold <m>', 'shares: how many custodians are needed to use the key', positiveInteger)
      .option('--custodian <name>', 'shares: a custodian (repeat; N in M-of-N)', collect)
      .option('--custodian-passphrase-file <file>', "shares: that custodian's passphrase file (repeat, same order)", collect)
      .option('--out <dir>', 'shares: where share files and printable sheets are written (default: <workspace>/keys/shares/<label>)'),
  ).action(async (opts: GenerateOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const repo = new KeyRepository(ws);
      repo.assertFree(opts.label);
      const { record, files } = await generate(ws, opts, c.io.env);
      const registered = repo.add(record, c.actor);
      if (c.json) return c.printJson({ ...describe(registered), files });
      c.io.out(`generated ${registered.algorithm} key "${registered.label}" in the ${registered.store} store\n`);
      c.io.out(`public key SHA-256 ${registered.spkiSha256}\n`);
      for (const f of files) c.io.out(`wrote ${f}\n`);
    });
  });

  key
    .command('list')
    .description('list the keys registered in the workspace')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const keys = new KeyRepository(ws).list();
        if (c.json) return c.printJson(keys.map(describe));
        for (const k of keys) c.io.out(`${k.label}  ${k.algorithm}  ${k.store}  ${k.spkiSha256}  ${k.createdAt}\n`);
      });
    });

  key
    .command('export-public')
    .description('print a key’s public key (SubjectPublicKeyInfo) as PEM')
    .argument('<label>', 'the key label')
    .action(async (label: string) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const k = new KeyRepository(ws).get(label);
        if (c.json) return c.printJson(describe(k));
        c.io.out(pem(k.spki, 'PUBLIC KEY'));
      });
    });
}

async function generate(
  ws: Workspace,
  opts: GenerateOptions,
  env: NodeJS.ProcessEnv,
): Promise<{ record: Omit<KeyRecord, 'spkiSha256' | 'createdAt'>; files: string[] }> {
  const base = { label: opts.label, algorithm: opts.alg };
  switch (opts.store) {
    case 'software': {
      const passphrase = await readSecret(`passphrase for the new key "${opts.label}"`, { file: opts.passphraseFile, env: opts.passphraseEnv }, env);
      const keysDir = ws.info().keysPath;
      const { spki, location } = await generateSoftwareKey({ ...base, passphrase, keysDir });
      return { record: { ...base, store: 'software', spki, location }, files: [join(keysDir, location.file)] };
    }
    case 'pkcs11': {
      const { spki, location } = await generatePkcs11Key({ ...base, binding: await pkcs11Binding(opts, env, ws) });
      return { record: { ...base, store: 'pkcs11', spki, location: { ...location } }, files: [] };
    }
    case 'shares': {
      const names = opts.custodian ?? [];
      const passFiles = opts.custodianPassphraseFile ?? [];
      if (opts.threshold === undefined) throw new UsageError('--store shares needs --threshold M');
      if (names.length !== passFiles.length) throw new UsageError(`${names.length} --custodian but ${passFiles.length} --custodian-passphrase-file: one each`);
      const custodians = [];
      for (const [i, custodian] of names.entries()) {
        custodians.push({ custodian, passphrase: await readSecret(`passphrase of custodian ${custodian}`, { file: passFiles[i] }, env) });
      }
      const outDir = opts.out ?? join(ws.info().keysPath, 'shares', opts.label);
      mkdirSync(outDir, { recursive: true, mode: 0o700 });
      const result = await generateSharedKey({ ...base, threshold: opts.threshold, custodians, outDir });
      return { record: { ...base, store: 'shares', spki: result.spki, location: { ...result.location } }, files: [...result.shareFiles, ...result.sheetFiles] };
    }
  }
}

function describe(k: KeyRecord) {
  return {
    label: k.label,
    algorithm: k.algorithm,
    store: k.store,
    spkiSha256: k.spkiSha256,
    location: k.location,
    createdAt: k.createdAt,
    publicKeyPem: pem(k.spki, 'PUBLIC KEY'),
  };
}

export function pem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
