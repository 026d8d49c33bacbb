import { lstatSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MediaFileError, readMediaFile } from '../../files/read-media-file.js';
import { ReconcileError, type ReconcileItemCode } from './reconcile-errors.js';

/** A registry lists one certificate per device; a fleet of this many is already large. */
export const MAX_EXPORT_FILES = 200_000;
/** A device certificate (or a small chain in one PEM) is a few KiB; anything far larger is not one. */
export const MAX_CERTIFICATE_FILE_BYTES = 64 * 1024;
/** The whole folder: bounded so a crafted export cannot exhaust memory. */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;
/** A CSV of fingerprints: ~100 bytes a row, so a million devices fit well below it. */
export const MAX_CSV_BYTES = 128 * 1024 * 1024;

/** One certificate the cloud registry lists: its SHA-256, and its DER when the export carried the certificate itself. */
export interface RegisteredCertificate {
  readonly sha256: string;
  readonly der: Buffer | null;
  /** the file (and block) or CSV line it came from */
  readonly source: string;
}

export interface ExportProblem {
  readonly source: string;
  /** the file's full path, for the audit entry of a refusal the log must hold (a symlink, a huge file) */
  readonly path?: string;
  readonly code: ReconcileItemCode;
  readonly message: string;
}

export interface RegistryExport {
  readonly kind: 'pem-folder' | 'fingerprint-csv';
  readonly path: string;
  readonly certificates: readonly RegisteredCertificate[];
  /** every file or line not read as a certificate, by name, never with its content */
  readonly problems: readonly ExportProblem[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Reads what AWS IoT, Azure DPS or nRF Cloud list as registered devices: a folder of
 * certificates (PEM, one or more blocks a file, or DER) or a CSV whose rows carry a
 * certificate SHA-256. Read-only and bounded: every file through readMediaFile (no
 * symlinks, regular files only, size refused before reading), the folder's entry count
 * and total size capped. A bad file or line is reported by name and code and the rest
 * still read; nothing of it is stored.
 */
export interface RegistryExportLimits {
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  readonly maxCsvBytes: number;
}

export const REGISTRY_EXPORT_LIMITS: RegistryExportLimits = {
  maxFiles: MAX_EXPORT_FILES,
  maxFileBytes: MAX_CERTIFICATE_FILE_BYTES,
  maxTotalBytes: MAX_EXPORT_BYTES,
  maxCsvBytes: MAX_CSV_BYTES,
};

/** `limits` are the defaults everywhere but in tests, which cannot make 200,000 files cheaply. */
export function readRegistryExport(path: string, limits: RegistryExportLimits = REGISTRY_EXPORT_LIMITS): RegistryExport {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    throw new ReconcileError('RECONCILE_SOURCE_INVALID', `cannot read the registry export ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'input', {
      path,
    });
  }
  // Refusals of what the source is are the media reader's, so they are audited like any medium's.
  if (st.isSymbolicLink()) throw new MediaFileError('FILE_SYMLINK_REFUSED', `the registry export ${path} is a symbolic link; refused`, path);
  if (st.isDirectory()) return readCertificateFolder(path, limits);
  if (st.isFile()) return readFingerprintCsv(path, limits);
  throw new MediaFileError('FILE_NOT_REGULAR', `the registry export ${path} is neither a folder of certificates nor a CSV file; refused`, path);
}

function readCertificateFolder(dir: string, limits: RegistryExportLimits): RegistryExport {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new ReconcileError('RECONCILE_SOURCE_INVALID', `cannot list the registry export ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'input', {
      path: dir,
    });
  }
  if (names.length > limits.maxFiles)
    throw new ReconcileError(
      'RECONCILE_TOO_MANY_FILES',
      `${dir} holds ${names.length} entries, more than the ${limits.maxFiles} a registry export is read with; refused unread`,
      'input',
      { path: dir },
    );
  const certificates: RegisteredCertificate[] = [];
  const problems: ExportProblem[] = [];
  let total = 0;
  for (const name of names.sort()) {
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = readMediaFile(file, limits.maxFileBytes, 'registry certificate');
    } catch (e) {
      if (!(e instanceof MediaFileError)) throw e;
      problems.push({ source: name, path: file, code: e.code as ReconcileItemCode, message: e.message });
      continue;
    }
    total += bytes.length;
    if (total > limits.maxTotalBytes)
      throw new ReconcileError('RECONCILE_TOO_LARGE', `the files of ${dir} exceed ${limits.maxTotalBytes} bytes together; refused`, 'input', { path: dir });
    const found = certificatesIn(bytes);
    if (found.length === 0) {
      problems.push({
        source: name,
        code: 'RECONCILE_NOT_A_CERTIFICATE',
        message: `${name} is not a certificate (neither PEM CERTIFICATE blocks nor DER); skipped`,
      });
      continue;
    }
    found.forEach((der, i) => certificates.push({ sha256: sha256(der), der, source: found.length > 1 ? `${name}#${i + 1}` : name }));
  }
  return { kind: 'pem-folder', path: dir, certificates, problems };
}

/** PEM CERTIFICATE blocks, or the file as one DER certificate; [] when it is neither. */
function certificatesIn(bytes: Buffer): Buffer[] {
  if (bytes[0] === 0x30 && looksLikeDerSequence(bytes)) return [bytes];
  const text = bytes.toString('latin1');
  const out: Buffer[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
    if (looksLikeDerSequence(der)) out.push(der);
  }
  return out;
}

/** A SEQUENCE whose length covers the buffer exactly: what a DER certificate is, before it is parsed. */
function looksLikeDerSequence(b: Buffer): boolean {
  if (b.length < 4 || b[0] !== 0x30) return false;
  const first = b[1]!;
  if (first < 0x80) return first + 2 === b.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return len + 2 + n === b.length;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A CSV (or one fingerprint a line): the first field of each row that is a SHA-256 in hex (colons allowed). */
function readFingerprintCsv(path: string, limits: RegistryExportLimits): RegistryExport {
  const bytes = readMediaFile(path, limits.maxCsvBytes, 'registry export');
  const text = bytes.toString('utf8');
  // One certificate or a PEM bundle given as a file reads as the folder's files do.
  if (looksLikeDerSequence(bytes) || text.includes('-----BEGIN CERTIFICATE-----')) {
    const found = certificatesIn(bytes);
    return { kind: 'pem-folder', path, certificates: found.map((der, i) => ({ sha256: sha256(der), der, source: `block ${i + 1}` })), problems: [] };
  }
  if (bytes.includes(0))
    throw new ReconcileError('RECONCILE_SOURCE_INVALID', `${path} is not a text file (neither a CSV of fingerprints nor PEM certificates)`, 'input', { path });
  const certificates: RegisteredCertificate[] = [];
  const problems: ExportProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(/[,;\t]/).map((f) => f.trim().replace(/^"|"$/g, '').replace(/:/g, '').toLowerCase());
    const fp = fields.find((f) => HEX64.test(f));
    if (fp !== undefined) certificates.push({ sha256: fp, der: null, source: `line ${i + 1}` });
    // The first line without a fingerprint is the header; later ones are reported.
    else if (i > 0 || certificates.length > 0)
      problems.push({
        source: `line ${i + 1}`,
        code: 'RECONCILE_LINE_INVALID',
        message: `line ${i + 1} of ${path} holds no certificate SHA-256 (64 hex digits); skipped`,
      });
  });
  return { kind: 'fingerprint-csv', path, certificates, problems };
}
