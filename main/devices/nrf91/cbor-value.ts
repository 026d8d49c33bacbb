/**
 * The CBOR data model this project reads and writes: the subset COSE_Sign1 and the nRF91
 * attestation payload need. Integers are JS numbers (safe range only); maps keep their
 * keys as int or text, in wire order.
 */
export type CborValue = number | Buffer | string | readonly CborValue[] | CborMap | CborTagged;

export type CborMapKey = number | string;

export class CborMap {
  constructor(readonly entries: ReadonlyMap<CborMapKey, CborValue>) {}
  get(key: CborMapKey): CborValue | undefined {
    return this.entries.get(key);
  }
  get size(): number {
    return this.entries.size;
  }
}

export class CborTagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}
