import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { HallmarkError } from '../../errors/hallmark-error.js';
import { CsrError } from '../../x509/csr/csr-errors.js';
import { CSR_OID_NAMES } from '../../x509/csr/csr-oids.js';
import { MAX_CSR_INPUT_BYTES } from '../../x509/csr/csr-pem.js';
import { signatureAlgorithmName } from '../../x509/csr/csr-signature.js';
import { parseCsr } from '../../x509/csr/parse-csr.js';
import type { ParsedCsr } from '../../x509/csr/parsed-csr.js';
import type { CliContext } from '../cli-context.js';

/**
 * `hallmark csr inspect FILE`: parse and check a CSR exactly as the station would, with no
 * workspace. A refused CSR exits 2 with `error: CSR_<CODE>: <message>` (main() prints it).
 * The challengePassword is printed: in our device protocol it carries the station's nonce,
 * which is not a secret.
 */
export function registerCsr(program: Command, ctx: () => CliContext): void {
  const csr = program.command('csr').description('check certificate signing requests');

  csr
    .command('inspect')
    .description('parse and check a CSR (PEM or DER): subject, key, challengePassword, attributes, requested extensions')
    .argument('<file>', 'the CSR file, at most 16 KiB')
    .option('--allow-ecdsa-null-params', 'accept ECDSA signature algorithms with NULL parameters (some nRF91 firmware)')
    .action((file: string, opts: { allowEcdsaNullParams?: boolean }) => {
      const c = ctx();
      const parsed = parseCsr(readAtMost(file, MAX_CSR_INPUT_BYTES), {
        allowEcdsaNullParams: opts.allowEcdsaNullParams === true,
      });
      if (c.json) c.printJson(toJson(parsed));
      else c.io.out(formatText(parsed));
    });
}

/** Reads at most limit+1 bytes, so a huge file (or /dev/zero) is refused without reading it. */
function readAtMost(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    while (n < buf.length) {
      const read = readSync(fd, buf, n, buf.length - n, null);
      if (read === 0) break;
      n += read;
    }
    if (n > limit) throw new CsrError('CSR_TOO_LARGE', `${path} is larger than ${limit} bytes; a CSR is never that big`);
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof HallmarkError) throw e;
    throw unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, e: unknown): HallmarkError {
  const code = (e as NodeJS.ErrnoException)?.code;
  return new HallmarkError('FILE_UNREADABLE', `cannot read ${path}${code ? ` (${code})` : ''}`, 'input');
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
  };
}

function formatText(csr: ParsedCsr): string {
  const k = csr.publicKey;
  const key =
    k.family === 'ec' ? `EC ${k.curve}` : k.family === 'rsa' ? `RSA ${k.modulusBits} bits, e=${k.publicExponent}` : 'Ed25519';
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
    lines.push(`${i === 0 ? 'extensions   ' : '             '}${label(e.oid)}${e.critical ? ' critical' : ''}: ${e.value.toString('hex')}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Quotes a device-supplied string so control characters cannot reach the terminal. */
function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(s).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) =>
    `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
