import type { ManifestDocument } from '../format/manifest-document.js';
import { verdict, type CheckResult } from './check-result.js';

export interface PreviousManifest {
  /** only what the check compares: the previous document's entries are not kept */
  readonly document: Pick<ManifestDocument, 'station' | 'sequence'>;
  readonly sha256: string;
  /** why the previous manifest's own signature or chain failed, if it did */
  readonly problem: string | null;
}

/**
 * sequence: the manifest's place in its station's chain. Alone: a positive sequence, and
 * no previous hash exactly for sequence 1. With --previous: the previous manifest
 * verifies under the same trust, is from the same station, has sequence − 1, and its
 * manifest.json bytes hash to previousManifestSha256 — so a skipped, replayed or
 * substituted batch shows.
 */
export function checkSequence(doc: ManifestDocument, previous: PreviousManifest | null): CheckResult {
  const problems: string[] = [];
  if ((doc.sequence === 1) !== (doc.previousManifestSha256 === null)) {
    problems.push(doc.sequence === 1 ? 'sequence 1 must not name a previous manifest' : `sequence ${doc.sequence} must name its previous manifest's SHA-256`);
  }
  if (previous === null) {
    return verdict(
      'sequence',
      problems,
      `sequence ${doc.sequence}${doc.previousManifestSha256 ? `, previous manifest ${doc.previousManifestSha256.slice(0, 16)}…` : ''} (no --previous given: the chain link was not checked)`,
      (n) => `${n} sequence problem(s)`,
    );
  }
  if (previous.problem) problems.push(`the previous manifest does not verify: ${previous.problem}`);
  if (previous.document.station.workspaceId !== doc.station.workspaceId)
    problems.push(`the previous manifest is from station ${previous.document.station.workspaceId}, this one from ${doc.station.workspaceId}`);
  if (doc.sequence !== previous.document.sequence + 1) {
    problems.push(
      `sequence ${doc.sequence} does not follow the previous manifest's ${previous.document.sequence}${doc.sequence > previous.document.sequence + 1 ? ` (${doc.sequence - previous.document.sequence - 1} manifest(s) missing in between)` : ''}`,
    );
  }
  if (doc.previousManifestSha256 !== previous.sha256)
    problems.push(`previousManifestSha256 is ${doc.previousManifestSha256 ?? 'null'}, the previous manifest.json hashes to ${previous.sha256}`);
  return verdict(
    'sequence',
    problems,
    `sequence ${doc.sequence} follows manifest ${previous.document.sequence} (${previous.sha256.slice(0, 16)}…) of the same station`,
    (n) => `${n} sequence problem(s)`,
  );
}
