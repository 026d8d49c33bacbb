import type { ManifestDocument } from '../format/manifest-document.js';

export const JSON_LINES_FILE = 'devices.jsonl';

/**
 * Every device entry of the manifest as one JSON object per line (all statuses), each
 * stamped with its work order and manifest sequence so lines from many manifests can be
 * concatenated and still be traced to their signed source.
 */
export function jsonLines(doc: ManifestDocument, manifestSha256: string): string {
  const context = { workOrder: doc.workOrder.id, manifestSequence: doc.sequence, manifestSha256 };
  return doc.devices.map((d) => JSON.stringify({ ...context, ...d })).join('\n') + (doc.devices.length ? '\n' : '');
}
