import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { KeyRepository } from '../../store/key-repository.js';
import { buildCsr } from '../../x509/build-csr.js';
import { parseSubject } from '../../x509/distinguished-name.js';
import { CsrError } from '../../x509/csr/csr-errors.js';
import { CSR_OID_NAMES } from '../../x509/csr/csr-oids.js';
import { CSR_ALLOWANCES, CSR_ALLOWANCE_NAMES } from '../../x509/csr/csr-allowances.js';
import { allowanceList } from '../csr-allowance-option.js';
import { MAX_CSR_INPUT_BYTES } from '../../x509/csr/csr-pem.js';
import { signatureAlgorithmName } from '../../x509/csr/csr-signature.js';
import { parseCsr } from '../../x509/csr/parse-csr.js';
import type { ParsedCsr } from '../../x509/csr/parsed-csr.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { readInputFile } from '../../files/read-input-file.js';
import { pem } from './key-command.js';

/**
 * `hallmark csr inspect FILE`: parse and check a CSR exactly as the station would, with no
 * workspace, and say which named allowances (a product policy's `csrAllowances`) it needs.
 * With `--allow` only those are accepted, as a policy listing them would; without it every
 * allowance is, so the answer is the list to put in the policy. A refused CSR exits 2 with
 * `error: CSR_<CODE>: <message>` (main() prints it).
 * The challengePassword is printed: in our device protocol it carries the station's nonce,
 * which is not a secret.
 */
export function registerCsr(program: Command, ctx: () => CliContext): void {
  const csr = program.command('csr').description('check certificate signing requests');

  csr
    .command('inspect')
    .description('parse and check a CSR (PEM or DER): subject, key, challengePassword, attributes, requested extensions')
    .argument('<file>', 'the CSR file, at most 16 KiB')
    .option('--allow <names>', `accept only these allowances, comma-separated ("none" for none), as a product policy would: ${CSR_ALLOWANCE_NAMES.join(', ')}`)
    .action((file: string, opts: { allow?: string }) => {
      const c = ctx();
      const allow = opts.allow === undefined ? 'all' : allowanceList(opts.allow);
      const input = readInputFile(file, MAX_CSR_INPUT_BYTES, (m) => new CsrError('CSR_TOO_LARGE', `${m}; a CSR is never that big`));
      const parsed = parseCsr(input, { allow });
      if (c.json) c.printJson(toJson(parsed));
      else c.io.out(formatText(parsed));
    });

  addKeyAccessOptions(
    csr
      .command('create')
      .description("make a CSR signed by one of the workspace's keys (e.g. an intermediate for an outside root)")
      .requiredOption('--key <label>', 'the key')
      .requiredOption('--subject <dn>', 'the requested subject, e.g. "C=DE,O=Acme,CN=Acme Online CA"')
      .option('--out <file>', 'write the PEM here (never overwrites)'),
  ).action(async (opts: KeyAccessOptions & { key: string; subject: string; out?: string }) => {
    const c = ctx();
    const subject = parseSubject(opts.subject);
    await c.withWorkspace(async (ws) => {
      const record = new KeyRepository(ws).get(opts.key);
      const key = await openSigningKey(record, await keyUnlockFor(record, opts, ws, c.io.env));
      let text: string;
      try {
        text = pem(await buildCsr({ key, subject }), 'CERTIFICATE REQUEST');
      } finally {
        key.close();
      }
      ws.audit.append({ actor: c.actor, action: 'csr.created', subject: opts.key, details: { subject: opts.subject } });
      if (!opts.out) return void c.io.out(text);
      try {
        writeFileSync(opts.out, text, { flag: 'wx' });
      } catch (e) {
        throw new UsageError(
          `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists (never overwritten)' : (e as Error).message}`,
        );
      }
      c.io.err(`wrote ${opts.out}\n`);
    });
  });
}

function nameOf(oid: string): string | undefined {
  return CSR_OID_NAMES[oid];
}

function toJson(csr: ParsedCsr): unknown {
  const k = csr.publicKey;
  return {
    subject: csr.subject,
    subjectDer: csr.subjectDer.toString('hex'),
    publicKey: {
      family: k.family,
      algorithm: k.algorithm,
      ...(k.curve !== undefined ? { curve: k.curve } : {}),
      ...(k.modulusBits !== undefined ? { modulusBits: k.modulusBits, publicExponent: k.publicExponent } : {}),
      spkiSha256: k.spkiSha256,
      spki: k.spki.toString('base64'),
    },
    challengePassword: csr.challengePassword,
    attributes: csr.attributes.map((a) => ({
      oid: a.oid,
      name: nameOf(a.oid) ?? null,
      values: a.values.map((v) => v.toString('hex')),
    })),
    requestedExtensions: csr.requestedExtensions.map((e) => ({
      oid: e.oid,
      name: nameOf(e.oid) ?? null,
      critical: e.critical,
      value: e.value.toString('hex'),
    })),
    signatureAlgorithm: { oid: csr.signatureAlgorithm, name: signatureAlgorithmName(csr.signatureAlgorithm) },
    allowances: csr.allowances.map((a) => ({ name: a, deviation: CSR_ALLOWANCES[a].deviation })),
  };
}

function formatText(csr: ParsedCsr): string {
  const k = csr.publicKey;
  const key = k.family === 'ec' ? `EC ${k.curve}` : k.family === 'rsa' ? `RSA ${k.modulusBits} bits, e=${k.publicExponent}` : 'Ed25519';
  const label = (oid: string) => (nameOf(oid) ? `${nameOf(oid)} (${oid})` : oid);
  const lines = [
    `subject      ${csr.subject === '' ? '(empty)' : csr.subject}`,
    `key          ${key} (${k.algorithm})`,
    `spki sha256  ${k.spkiSha256}`,
    `signature    ${signatureAlgorithmName(csr.signatureAlgorithm)} (${csr.signatureAlgorithm}), verified`,
    `challenge    ${csr.challengePassword === null ? '(none)' : visible(csr.challengePassword)}`,
    `attributes   ${csr.attributes.length === 0 ? '(none)' : csr.attributes.map((a) => label(a.oid)).join(', ')}`,
  ];
  if (csr.requestedExtensions.length === 0) lines.push('extensions   (none)');
  csr.requestedExtensions.forEach((e, i) => {
    const prefix = i === 0 ? 'extensions   ' : '             ';
    lines.push(`${prefix}${label(e.oid)}${e.critical ? ' critical' : ''}: ${e.value.toString('hex')}`);
  });
  if (csr.allowances.length === 0) lines.push('allowances   none needed (follows RFC 2986 and DER)');
  csr.allowances.forEach((a, i) => lines.push(`${i === 0 ? 'allowances   ' : '             '}${a}: ${CSR_ALLOWANCES[a].deviation}`));
  if (csr.allowances.length > 0) lines.push(`             (a product policy accepts this CSR with csrAllowances: [${csr.allowances.join(', ')}])`);
  return `${lines.join('\n')}\n`;
}

/** Quotes a device-supplied string so control characters cannot reach the terminal. */
function visible(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
