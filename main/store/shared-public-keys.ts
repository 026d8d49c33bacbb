import type { SharedKeyCertificate, SharedPublicKeys } from './inventory-store.js';

/**
 * From the certificates of every public key seen more than once, the keys that are on
 * more than one device (model + hardware serial): a device re-certified with its own key
 * is not a duplicate, the same key on two devices is (a cloned secure element, a key
 * generator without entropy, a factory re-using a key). Each key's certificates in id
 * order; keys by their first certificate's id, at most `maxKeys`. Both stores use it.
 */
export function sharedAcrossDevices(candidates: readonly SharedKeyCertificate[][], maxKeys: number): SharedPublicKeys {
  const shared = candidates.filter((certs) => new Set(certs.map((c) => `${c.model}\u0000${c.hardwareSerial}`)).size > 1);
  return { keys: shared.slice(0, maxKeys), truncated: shared.length > maxKeys };
}

/** Rows in id order → one list per key, keys in the order of their first row. */
export function groupByKey(rows: readonly SharedKeyCertificate[]): SharedKeyCertificate[][] {
  const groups = new Map<string, SharedKeyCertificate[]>();
  for (const r of rows) {
    const g = groups.get(r.publicKeySha256);
    if (g) g.push(r);
    else groups.set(r.publicKeySha256, [r]);
  }
  return [...groups.values()];
}
