import type { ManifestDocument } from './manifest-document.js';

/**
 * manifest.json's bytes: one top-level member per line and one device entry per line, so
 * the file reads in a pager, greps by serial and diffs by device. Any JSON parser reads
 * it; the signature covers these exact bytes, and the digests inside are over canonical
 * JSON, so the layout is free to stay readable.
 */
export function serializeManifest(doc: ManifestDocument): Buffer {
  const lines: string[] = [];
  const entries = Object.entries(doc);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (key === 'devices' && Array.isArray(value) && value.length > 0) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      value.forEach((d, j) => lines.push(`    ${JSON.stringify(d)}${j < value.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  return Buffer.from(`{\n${lines.join('\n')}\n}\n`, 'utf8');
}
