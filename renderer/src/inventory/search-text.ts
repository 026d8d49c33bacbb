/** What the one search box asks for: a SHA-256 fingerprint when it looks like one, else a hardware serial. */
export type SearchKey = { kind: 'none' } | { kind: 'serial'; serial: string } | { kind: 'fingerprint'; fingerprint: string };

export function parseSearchText(text: string): SearchKey {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'none' };
  // Fingerprints are pasted as "AB:CD:…", with spaces, or plain hex; serials are never 64 hex digits.
  const hex = trimmed.replace(/[:\s]/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { kind: 'fingerprint', fingerprint: hex };
  return { kind: 'serial', serial: trimmed.slice(0, 200) };
}

export const STATUSES = ['confirmed', 'failed', 'superseded', 'revoked'] as const;
export type StatusFilter = '' | (typeof STATUSES)[number];

export interface InventoryFilter {
  readonly text: string;
  readonly status: StatusFilter;
  readonly batch: string;
}

/** A stable key for the filter: a new key is a new list (scroll to top, new page cache). */
export function filterKey(f: InventoryFilter): string {
  const key = parseSearchText(f.text);
  const search = key.kind === 'none' ? '' : key.kind === 'serial' ? `s:${key.serial}` : `f:${key.fingerprint}`;
  return `${search}\u0000${f.status}\u0000${f.batch}`;
}

/** The inventory.search fields (besides offset and limit) for a filter. */
export function searchFields(f: InventoryFilter): { serial?: string; fingerprint?: string; batch?: string; status?: (typeof STATUSES)[number] } {
  const key = parseSearchText(f.text);
  return {
    ...(key.kind === 'serial' ? { serial: key.serial } : {}),
    ...(key.kind === 'fingerprint' ? { fingerprint: key.fingerprint } : {}),
    ...(f.batch !== '' ? { batch: f.batch.slice(0, 64) } : {}),
    ...(f.status !== '' ? { status: f.status } : {}),
  };
}
