import { certificatesWithCommonName, unindexedCertificatesMentioning } from '../store/certificate-common-names.js';
import type { Workspace } from '../store/workspace.js';

/**
 * Azure DPS takes the device certificate's CN as the registration id: another certificate
 * of this workspace with the same CN (not one of this device's own earlier certificates)
 * would collide. Returns the clashing certificate's serial, if any.
 */
export function commonNameClash(ws: Workspace, commonName: string, ownCertificateIds: readonly number[]): string | undefined {
  const own = new Set(ownCertificateIds);
  const clash = certificatesWithCommonName(ws, commonName).find((r) => !own.has(r.id));
  if (clash) return clash.serial;
  // Certificates recorded before the common_name column existed are matched by subject.
  const needle = `CN=${escapeValue(commonName)}`;
  for (const r of unindexedCertificatesMentioning(ws, needle)) {
    if (own.has(r.id)) continue;
    if (splitFormattedName(r.subject).some((part) => part === needle)) return r.serial;
  }
  return undefined;
}

/** formatName escapes `,` and `\` in values; parts are joined by ", ". */
function escapeValue(v: string): string {
  return v.replace(/([,\\])/g, '\\$1');
}

function splitFormattedName(subject: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < subject.length; i++) {
    const ch = subject[i]!;
    if (ch === '\\' && i + 1 < subject.length) {
      current += ch + subject[++i]!;
    } else if (ch === ',') {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts;
}
