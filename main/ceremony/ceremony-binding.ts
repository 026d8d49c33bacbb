import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { readMediaFile } from '../files/read-media-file.js';
import type { Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import { libraryParametersSchema } from '../keys/pkcs11/pkcs11-library-parameters.js';
import type { CustodianSecret, ShareInput } from '../keys/shares/shared-key-store.js';
import { CeremonyError } from './ceremony-errors.js';
import { hashWords } from './hash-words.js';
import { bindingHashQrText } from './script-hash-qr.js';
import { formatProblems, parseStrictYaml } from '../encoding/strict-yaml.js';

/**
 * The environment binding: where this machine finds the token and its PIN. Kept out of
 * the script so the reviewed, hash-approved plan is identical at rehearsal and at the
 * real ceremony. The token is chosen by serial only (labels repeat between tokens), and
 * the PIN and passphrases are named by their source, never written here: typed at the
 * step that needs them by the person they belong to (`typed: true`), a file or an
 * environment variable. The binding is part of what the custodians approve: its SHA-256
 * (of its exact bytes) is shown beside the script's, and a run keeps the bytes it loaded.
 */
const secretSource = z.union([
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  z.strictObject({ typed: z.literal(true) }),
]);

type SecretSource = z.infer<typeof secretSource>;

const pkcs11Section = z.strictObject({
  /** an absolute path on this machine's allow-list (never resolved against the binding's folder) */
  module: z.string().min(1),
  tokenSerial: z.string().min(1).max(32),
  /** only where serials repeat (every NSS softokn and tpm2-pkcs11 token reports 0000000000000000) */
  tokenLabel: z.string().min(1).max(32).optional(),
  /** C_Initialize's parameters, for modules that need them (NSS softokn: its database directory) */
  libraryParameters: libraryParametersSchema.optional(),
  pin: secretSource,
});

export const bindingSchema = z.strictObject({
  version: z.literal(1),
  /**
   * The app (the Ceremonies screen) refuses `file:` and `env:` secret sources unless this
   * line says so: the custodians see it, and approve it with the binding's hash.
   */
  allowUnattendedSources: z.boolean().optional(),
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

export type SecretSourceKind = 'typed' | 'file' | 'env';

/** One PIN or passphrase source of the binding, where it is written and whose it is. */
export interface BindingSecretSource {
  /** its place in the binding: `pkcs11.pin`, `custodians[1].passphrase`, … */
  readonly at: string;
  /** 1-based line of the binding file */
  readonly line: number | null;
  readonly kind: SecretSourceKind;
  /** the custodian whose passphrase it is; null for a PIN or the software key's passphrase */
  readonly custodian: string | null;
  /** the environment variable of an `env:` source; null for the others */
  readonly env: string | null;
  /** e.g. "file /media/bob/pass", "environment variable X", "typed at the step that needs it" */
  readonly describe: string;
}

export interface LoadedBinding {
  readonly binding: CeremonyBinding;
  readonly path: string;
  /** the exact bytes loaded: a run uses these and never reads the binding again */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, lowercase hex: what the custodians approve */
  readonly sha256: string;
  readonly sources: readonly BindingSecretSource[];
}

/** A binding is a page of YAML; anything larger is not one. */
export const MAX_BINDING_BYTES = 64 * 1024;
/** A PIN or passphrase file holds one line. */
const MAX_SECRET_FILE_BYTES = 4096;

/** The one read of a binding file: bounded, no symbolic link, one descriptor (main/files/read-media-file.ts). */
function readBindingBytes(path: string): Buffer {
  try {
    return readMediaFile(path, MAX_BINDING_BYTES, 'the binding');
  } catch (e) {
    if (isHallmarkError(e) && e.code === 'FILE_UNREADABLE') throw new CeremonyError('CEREMONY_BINDING_INVALID', e.message, 'input', { path });
    throw e;
  }
}

export function loadBinding(path: string): LoadedBinding {
  const abs = resolve(path);
  return parseBinding(readBindingBytes(abs), abs);
}

/** Parses binding bytes read elsewhere (`path` names them in messages and anchors relative file paths). */
export function parseBinding(bytes: Buffer, path: string): LoadedBinding {
  const text = bytes.toString('utf8');
  const parsed = parseStrictYaml(text, bindingSchema, { docsHint: 'docs/ceremonies.md' });
  if (!parsed.ok) throw new CeremonyError('CEREMONY_BINDING_INVALID', formatProblems(path, parsed.problems), 'input', { problems: parsed.problems });
  const loaded = { binding: parsed.value, path, bytes: Buffer.from(bytes), sha256: sha256Hex(bytes), sources: [] as BindingSecretSource[] };
  loaded.sources.push(...secretSources(loaded, text));
  return loaded;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The binding file's SHA-256 as it is on disk now (read bounded, like the load). */
export function bindingFileSha256(path: string): string {
  return sha256Hex(readBindingBytes(path));
}

/**
 * The binding is the approved one and the file still is: the loaded bytes hash to
 * `approved`, and the file on disk, read again now, to the same. `when` names the moment
 * for the message (pre-flight, start). Refused with CEREMONY_BINDING_CHANGED otherwise.
 */
export function assertBindingApproved(loaded: LoadedBinding, approved: string, when: string): void {
  const want = approved.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(want))
    throw new CeremonyError('CEREMONY_BINDING_CHANGED', `the approved binding hash must be 64 hex digits, got "${approved}"`, 'input');
  if (loaded.sha256 !== want) {
    throw new CeremonyError(
      'CEREMONY_BINDING_CHANGED',
      `at ${when}, the binding ${loaded.path} has SHA-256 ${loaded.sha256}, not the approved ${want}: it is not the binding the custodians approved (even one changed byte counts); review it and approve its hash again`,
      'check',
      { path: loaded.path, actual: loaded.sha256, approved: want },
    );
  }
  let now: string;
  try {
    now = bindingFileSha256(loaded.path);
  } catch (e) {
    throw new CeremonyError(
      'CEREMONY_BINDING_CHANGED',
      `at ${when}, the binding ${loaded.path} cannot be read again (${(e as Error).message}); it is not the binding the custodians approved`,
      'check',
      { path: loaded.path },
    );
  }
  if (now !== want) {
    throw new CeremonyError(
      'CEREMONY_BINDING_CHANGED',
      `at ${when}, the binding ${loaded.path} has SHA-256 ${now}, not the approved ${want}: it changed since it was loaded for this run; review it and approve its hash again`,
      'check',
      { path: loaded.path, actual: now, approved: want },
    );
  }
}

/** The modules the binding names, for the allow-list check before anything loads one. */
export function bindingModules(loaded: LoadedBinding): { at: string; path: string }[] {
  const { pkcs11, intermediateToken } = loaded.binding;
  return [
    ...(pkcs11 ? [{ at: 'pkcs11.module', path: pkcs11.module }] : []),
    ...(intermediateToken ? [{ at: 'intermediateToken.module', path: intermediateToken.module }] : []),
  ];
}

/** The `file:` and `env:` sources: read without the person at the screen typing them. */
export function unattendedSources(loaded: LoadedBinding): BindingSecretSource[] {
  return loaded.sources.filter((s) => s.kind !== 'typed');
}

/**
 * The app's rule: every PIN and passphrase is typed at the step that needs it. A `file:` or
 * `env:` source is refused, naming its line, unless the binding says
 * `allowUnattendedSources: true` — a line the custodians see and approve with its hash.
 */
export function assertAttendedSources(loaded: LoadedBinding): void {
  if (loaded.binding.allowUnattendedSources === true) return;
  const refused = unattendedSources(loaded);
  if (refused.length === 0) return;
  throw new CeremonyError(
    'CEREMONY_SECRET_SOURCE_REFUSED',
    `${loaded.path}: ${refused.map((s) => `${s.line !== null ? `line ${s.line}: ` : ''}${s.at}: ${s.describe}`).join('; ')} — in the app every PIN and passphrase is typed at the step that needs it ({ typed: true }); a file or environment source needs "allowUnattendedSources: true" in the binding, shown to and approved by the custodians`,
    'input',
    { path: loaded.path, sources: refused.map((s) => ({ at: s.at, line: s.line, kind: s.kind })) },
  );
}

/** Where the answer to a typed source is kept in the run's environment (no variable name has a colon). */
export function typedKey(at: string): string {
  return `typed:${at}`;
}

/** The key a source's secret is found under in the run's environment. */
/** The 1-based line where the YAML node at `path` starts, for showing a binding part by its line. */
function yamlLineLocator(text: string): (path: (string | number)[]) => number | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (path) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : null;
  };
}

export function secretKey(source: BindingSecretSource): string {
  return source.env ?? typedKey(source.at);
}

function secretSources(loaded: Omit<LoadedBinding, 'sources'>, text: string): BindingSecretSource[] {
  const lineOf = yamlLineLocator(text);
  const b = loaded.binding;
  const out: BindingSecretSource[] = [];
  const add = (path: (string | number)[], source: SecretSource, custodian: string | null) =>
    out.push({
      at: atOf(path),
      line: lineOf(path),
      kind: kindOf(source),
      custodian,
      env: 'env' in source ? source.env : null,
      describe: describeSource(loaded, source),
    });
  if (b.pkcs11) add(['pkcs11', 'pin'], b.pkcs11.pin, null);
  if (b.intermediateToken) add(['intermediateToken', 'pin'], b.intermediateToken.pin, null);
  if (b.software) add(['software', 'passphrase'], b.software.passphrase, null);
  for (const [i, c] of (b.custodians ?? []).entries()) add(['custodians', i, 'passphrase'], c.passphrase, c.name);
  for (const [i, c] of (b.newCustodians ?? []).entries()) add(['newCustodians', i, 'passphrase'], c.passphrase, c.name);
  return out;
}

function atOf(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${p}`)).join('');
}

function kindOf(source: SecretSource): SecretSourceKind {
  return 'file' in source ? 'file' : 'env' in source ? 'env' : 'typed';
}

function sourceValue(loaded: Omit<LoadedBinding, 'sources'>, at: string): SecretSource {
  const b = loaded.binding;
  const m = /^(custodians|newCustodians)\[(\d+)\]\.passphrase$/.exec(at);
  if (m) return b[m[1] as 'custodians' | 'newCustodians']![Number(m[2])]!.passphrase;
  if (at === 'pkcs11.pin') return b.pkcs11!.pin;
  if (at === 'intermediateToken.pin') return b.intermediateToken!.pin;
  return b.software!.passphrase;
}

/**
 * Relative file paths in a binding (a CSR, share or secret file) are relative to the binding
 * file, not to wherever the command was started. A PKCS#11 module path never is: it must be
 * absolute and on the allow-list (main/keys/pkcs11/pkcs11-module-policy.ts).
 */
function relativeTo(bindingPath: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dirname(bindingPath), p);
}

export function resolvePkcs11Binding(loaded: LoadedBinding, env: NodeJS.ProcessEnv): Pkcs11Binding {
  const { pkcs11 } = loaded.binding;
  if (!pkcs11)
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: this ceremony uses a PKCS#11 token; the binding needs a pkcs11 section (module, tokenSerial, pin)`,
    );
  const pin = readSecret(loaded, env, 'pkcs11.pin', 'the PKCS#11 PIN');
  return { modulePath: pkcs11.module, tokenSerial: pkcs11.tokenSerial, ...tokenExtras(pkcs11), pin };
}

/** The second token of an intermediate ceremony, where the intermediate's own key is made. */
export function resolveIntermediateToken(loaded: LoadedBinding, env: NodeJS.ProcessEnv): Pkcs11Binding {
  const t = loaded.binding.intermediateToken;
  if (!t)
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: the intermediate's key is made on its own token; the binding needs intermediateToken (module, tokenSerial, pin)`,
    );
  const pin = readSecret(loaded, env, 'intermediateToken.pin', "the intermediate token's PIN");
  if (loaded.binding.pkcs11?.tokenSerial === t.tokenSerial) {
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: intermediateToken is the root's token (serial ${t.tokenSerial}); the intermediate's key needs its own`,
    );
  }
  return { modulePath: t.module, tokenSerial: t.tokenSerial, ...tokenExtras(t), pin };
}

function tokenExtras(t: { tokenLabel?: string | undefined; libraryParameters?: string | undefined }): { tokenLabel?: string; libraryParameters?: string } {
  return {
    ...(t.tokenLabel !== undefined ? { tokenLabel: t.tokenLabel } : {}),
    ...(t.libraryParameters !== undefined ? { libraryParameters: t.libraryParameters } : {}),
  };
}

/** The CSR file named by the binding, resolved against the binding's directory. */
export function csrPath(loaded: LoadedBinding): string {
  const csr = loaded.binding.csr;
  if (csr === undefined)
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: the intermediate's key comes from a CSR; the binding needs csr (the file on the removable medium)`,
    );
  return relativeTo(loaded.path, csr);
}

/**
 * The passphrases of the custodians a new split is made for, in the script's order. The
 * binding must name exactly those custodians: a missing or extra one is a binding for a
 * different plan.
 */
export function resolveCustodianPassphrases(
  loaded: LoadedBinding,
  env: NodeJS.ProcessEnv,
  custodians: readonly string[],
  list: 'custodians' | 'newCustodians' = 'custodians',
): CustodianSecret[] {
  const entries = custodianEntries(loaded, custodians, list);
  return entries.map((c) => ({
    custodian: c.name,
    passphrase: readSecret(loaded, env, `${list}[${c.index}].passphrase`, `custodian "${c.name}"'s passphrase`),
  }));
}

/** The shares of an existing shares-keyed CA: each custodian's share file with their passphrase. */
export function resolveShareInputs(loaded: LoadedBinding, env: NodeJS.ProcessEnv): ShareInput[] {
  const custodians = loaded.binding.custodians;
  if (!custodians)
    throw new CeremonyError(
      'CEREMONY_BINDING_INVALID',
      `${loaded.path}: this CA's key is split among custodians; the binding needs a custodians list (name, share, passphrase)`,
    );
  return custodians.map((c, i) => {
    if (c.share === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: custodian "${c.name}" has no share file`);
    return { file: relativeTo(loaded.path, c.share), passphrase: readSecret(loaded, env, `custodians[${i}].passphrase`, `custodian "${c.name}"'s passphrase`) };
  });
}

export function resolveSoftwarePassphrase(loaded: LoadedBinding, env: NodeJS.ProcessEnv): string {
  const software = loaded.binding.software;
  if (!software) throw new CeremonyError('CEREMONY_BINDING_INVALID', `${loaded.path}: this CA has a software key; the binding needs software.passphrase`);
  return readSecret(loaded, env, 'software.passphrase', "the software key's passphrase");
}

function custodianEntries(loaded: LoadedBinding, wanted: readonly string[], list: 'custodians' | 'newCustodians'): { name: string; index: number }[] {
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
  return wanted.map((w) => ({ name: w, index: names.indexOf(w) }));
}

export interface BindingSummary {
  module?: string;
  tokenSerial?: string;
  tokenLabel?: string;
  libraryParameters?: string;
  pinSource?: string;
  custodians?: { name: string; passphraseSource: string; share?: string }[];
  softwarePassphraseSource?: string;
  newCustodians?: { name: string; passphraseSource: string }[];
  csr?: string;
  intermediateToken?: { module: string; tokenSerial: string; tokenLabel?: string; libraryParameters?: string; pinSource: string };
}

/** What the binding chooses, without the secrets: module paths, serials, files, each secret's source. */
export function bindingSummary(loaded: LoadedBinding): BindingSummary {
  const { pkcs11, custodians, software, csr, intermediateToken: t, newCustodians } = loaded.binding;
  return {
    ...(pkcs11 ? { module: pkcs11.module, tokenSerial: pkcs11.tokenSerial, ...tokenExtras(pkcs11), pinSource: describeSource(loaded, pkcs11.pin) } : {}),
    ...(custodians
      ? {
          custodians: custodians.map((c) => ({
            name: c.name,
            passphraseSource: describeSource(loaded, c.passphrase),
            ...(c.share !== undefined ? { share: relativeTo(loaded.path, c.share) } : {}),
          })),
        }
      : {}),
    ...(software ? { softwarePassphraseSource: describeSource(loaded, software.passphrase) } : {}),
    ...(newCustodians ? { newCustodians: newCustodians.map((c) => ({ name: c.name, passphraseSource: describeSource(loaded, c.passphrase) })) } : {}),
    ...(csr !== undefined ? { csr: relativeTo(loaded.path, csr) } : {}),
    ...(t ? { intermediateToken: { module: t.module, tokenSerial: t.tokenSerial, ...tokenExtras(t), pinSource: describeSource(loaded, t.pin) } } : {}),
  };
}

/**
 * What the transcript records about the binding: the summary, and the binding's own
 * identity — path, SHA-256 (hex, words, QR text) and the hash the custodians approved —
 * with every secret source's kind per person (typed, file, env), never a secret.
 */
export function bindingRecord(
  loaded: LoadedBinding,
  approvedHash: string,
): BindingSummary & {
  path: string;
  sha256: string;
  words: string[];
  qrText: string;
  approvedHash: string;
  allowUnattendedSources: boolean;
  secretSources: { at: string; kind: SecretSourceKind; custodian: string | null; line: number | null }[];
} {
  return {
    ...bindingSummary(loaded),
    path: loaded.path,
    sha256: loaded.sha256,
    words: hashWords(loaded.sha256),
    qrText: bindingHashQrText(loaded.sha256),
    approvedHash: approvedHash.trim().toLowerCase(),
    allowUnattendedSources: loaded.binding.allowUnattendedSources === true,
    secretSources: loaded.sources.map((s) => ({ at: s.at, kind: s.kind, custodian: s.custodian, line: s.line })),
  };
}

function describeSource(loaded: Omit<LoadedBinding, 'sources'>, source: SecretSource): string {
  if ('file' in source) return `file ${relativeTo(loaded.path, source.file)}`;
  if ('env' in source) return `environment variable ${source.env}`;
  return 'typed at the step that needs it';
}

function readSecret(loaded: LoadedBinding, env: NodeJS.ProcessEnv, at: string, what: string): string {
  const source = sourceValue(loaded, at);
  let secret: string | undefined;
  if ('file' in source) {
    const file = relativeTo(loaded.path, source.file);
    let bytes: Buffer;
    try {
      bytes = readMediaFile(file, MAX_SECRET_FILE_BYTES, `the file holding ${what}`);
    } catch (e) {
      if (isHallmarkError(e) && e.code !== 'FILE_UNREADABLE') throw e;
      throw new CeremonyError(
        'CEREMONY_BINDING_INVALID',
        `cannot read ${what} from ${file}${isHallmarkError(e) ? '' : `: ${(e as Error).message}`}`,
        'environment',
      );
    }
    // One trailing newline is the file's, not the secret's.
    secret = bytes.toString('utf8').replace(/\r?\n$/, '');
  } else if ('env' in source) {
    secret = env[source.env];
    if (secret === undefined) throw new CeremonyError('CEREMONY_BINDING_INVALID', `the environment variable ${source.env} (${what}) is not set`, 'environment');
  } else {
    secret = env[typedKey(at)];
    if (secret === undefined) {
      throw new CeremonyError(
        'CEREMONY_BINDING_INVALID',
        `${what} (${at}) is typed at the step that needs it, and nobody can be asked here: run at a terminal or on the Ceremonies screen`,
        'environment',
      );
    }
  }
  if (secret === '') throw new CeremonyError('CEREMONY_BINDING_INVALID', `${what} is empty`);
  return secret;
}

/** One line of what a binding chooses, for the people who approve it. */
export interface BindingPart {
  readonly label: string;
  readonly value: string;
  /** its line in the binding file */
  readonly line: number | null;
  /** why this line deserves a second look (a secret nobody types, unattended sources allowed) */
  readonly attention: string | null;
}

/**
 * Every part of the binding in words: module, token serial and PIN source of each token,
 * each custodian's passphrase source and share file, the software key's passphrase source,
 * the CSR file, and whether unattended (file / environment) sources are allowed. What the
 * custodians read before approving the binding's hash.
 */
export function bindingParts(loaded: LoadedBinding): BindingPart[] {
  const text = loaded.bytes.toString('utf8');
  const lineOf = yamlLineLocator(text);
  const b = loaded.binding;
  const parts: BindingPart[] = [];
  const part = (label: string, value: string, path: (string | number)[], attention: string | null = null) =>
    parts.push({ label, value, line: lineOf(path), attention });
  const secret = (label: string, at: string, path: (string | number)[]) => {
    const s = loaded.sources.find((x) => x.at === at)!;
    part(
      label,
      s.describe,
      path,
      s.kind === 'file' ? 'read from a file, nobody types it' : s.kind === 'env' ? 'read from the environment, nobody types it' : null,
    );
  };
  if (b.allowUnattendedSources === true) {
    part(
      'Unattended secret sources',
      'allowed (allowUnattendedSources: true)',
      ['allowUnattendedSources'],
      'PINs and passphrases from files and environment variables are read without anyone typing them',
    );
  }
  const token = (section: 'pkcs11' | 'intermediateToken', prefix: string) => {
    const t = b[section];
    if (!t) return;
    part(`${prefix}PKCS#11 module`, t.module, [section, 'module']);
    part(`${prefix}token serial`, t.tokenSerial, [section, 'tokenSerial']);
    if (t.tokenLabel !== undefined) part(`${prefix}token label`, t.tokenLabel, [section, 'tokenLabel']);
    if (t.libraryParameters !== undefined) part(`${prefix}PKCS#11 library parameters`, t.libraryParameters, [section, 'libraryParameters']);
    secret(`${prefix}token PIN`, `${section}.pin`, [section, 'pin']);
  };
  token('pkcs11', '');
  token('intermediateToken', "Intermediate's ");
  if (b.software) secret('Software key passphrase', 'software.passphrase', ['software', 'passphrase']);
  for (const [i, c] of (b.custodians ?? []).entries()) {
    secret(`Custodian ${c.name}: passphrase`, `custodians[${i}].passphrase`, ['custodians', i, 'passphrase']);
    if (c.share !== undefined) part(`Custodian ${c.name}: share file`, relativeTo(loaded.path, c.share), ['custodians', i, 'share']);
  }
  for (const [i, c] of (b.newCustodians ?? []).entries())
    secret(`New custodian ${c.name}: passphrase`, `newCustodians[${i}].passphrase`, ['newCustodians', i, 'passphrase']);
  if (b.csr !== undefined) part('CSR file', relativeTo(loaded.path, b.csr), ['csr']);
  return parts.map((p) => ({ ...p, label: p.label.charAt(0).toUpperCase() + p.label.slice(1) }));
}
