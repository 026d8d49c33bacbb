/**
 * Raised inside the fast facts reader when a certificate uses a structure it does not
 * decode itself (multi-valued RDNs, BMPString names, e-mail SANs, issuerUniqueID…). The
 * caller then hands the whole certificate to the asn1-x509 reader, so rare structures get
 * exactly the facts and the error messages they always had. Never escapes
 * certificate-facts-fast.ts.
 */
export class OutsideFastSubset extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'OutsideFastSubset';
  }
}

export function outside(what: string): never {
  throw new OutsideFastSubset(what);
}
