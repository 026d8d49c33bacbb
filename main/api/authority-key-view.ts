import type { AuthorityKeyView } from '../../preload/api.js';
import type { KeyRecord } from '../keys/key-record.js';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Where an authority's key lives, in words, from the key record's location JSON (the
 * store's own: token label and serial, the shares' custodians, the encrypted file). Only
 * what the record says; nothing is opened and no secret is near.
 */
export function authorityKeyView(record: KeyRecord): AuthorityKeyView {
  const loc = record.location;
  const base = { label: record.label, store: record.store, algorithm: record.algorithm };
  switch (record.store) {
    case 'pkcs11': {
      const token = { label: text(loc['tokenLabel']) ?? '?', serial: text(loc['tokenSerial']) ?? '?' };
      const id = text(loc['id']);
      return {
        ...base,
        words: `on PKCS#11 token "${token.label}" (serial ${token.serial})${id ? `, object id ${id}` : ''}${loc['imported'] === true ? ', imported' : ''}`,
        token,
        shares: null,
      };
    }
    case 'shares': {
      const entries = Array.isArray(loc['shares']) ? loc['shares'] : [];
      const custodians = entries.flatMap((e) =>
        e !== null && typeof e === 'object' && !Array.isArray(e) && typeof e['custodian'] === 'string' ? [e['custodian']] : [],
      );
      const threshold = typeof loc['threshold'] === 'number' ? loc['threshold'] : 0;
      const total = typeof loc['total'] === 'number' ? loc['total'] : custodians.length;
      return {
        ...base,
        words: `split into ${threshold} of ${total} shares held by ${custodians.join(', ') || 'no recorded custodians'}`,
        token: null,
        shares: { threshold, total, custodians },
      };
    }
    case 'software': {
      const parts = [text(loc['file']), text(loc['kdf']), text(loc['cipher'])].filter((p) => p !== null);
      return { ...base, words: `encrypted software key in the workspace${parts.length ? ` (${parts.join(', ')})` : ''}`, token: null, shares: null };
    }
  }
}
