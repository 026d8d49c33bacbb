/**
 * The transcript's files on the ceremony's output medium (docs/ceremonies.md):
 *
 * - transcript.jsonl — one canonical-JSON record per line, appended (and fsynced) as the
 *   ceremony happens, each naming the SHA-256 of the line before it (`prev`), so a line
 *   edited, dropped, inserted or reordered breaks the chain at that line;
 * - transcript.html — the printable document, made from the records at the end;
 * - transcript.jsonl.p7s — a detached CMS SignedData over transcript.jsonl by the
 *   ceremony's CA key (absent only when the ceremony has no CA key, e.g. a key restore of
 *   a key that certifies nothing yet);
 * - SHA256SUMS — `sha256sum -c` lines over every file the ceremony wrote.
 */
export const TRANSCRIPT_FORMAT = 'hallmark-ceremony-transcript-v2';
export const TRANSCRIPT_FILE = 'transcript.jsonl';
export const TRANSCRIPT_HTML_FILE = 'transcript.html';
export const TRANSCRIPT_SIGNATURE_FILE = 'transcript.jsonl.p7s';
export const SUMS_FILE = 'SHA256SUMS';
/** the `prev` of the first record */
export const GENESIS_PREV = '0'.repeat(64);
