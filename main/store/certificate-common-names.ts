import type { Workspace } from './workspace.js';

/** A certificate as the CN-uniqueness check needs it (station/common-name-uniqueness.ts). */
export interface NamedCertificate {
  readonly id: number;
  readonly serial: string;
  readonly subject: string;
}

/** Certificates whose indexed common name is `commonName` (migration 005's column). */
export function certificatesWithCommonName(ws: Workspace, commonName: string): NamedCertificate[] {
  return ws.db.prepare('SELECT id, serial, subject FROM certificates WHERE common_name = ?').all(commonName) as NamedCertificate[];
}

/**
 * Certificates recorded before the common_name column existed whose formatted subject
 * contains `needle`: candidates only, the caller compares the parsed name.
 */
export function unindexedCertificatesMentioning(ws: Workspace, needle: string): NamedCertificate[] {
  return ws.db.prepare('SELECT id, serial, subject FROM certificates WHERE common_name IS NULL AND instr(subject, ?) > 0').all(needle) as NamedCertificate[];
}
