import type { NameFact } from '../certificate-facts.js';
import { OID } from '../oids.js';
import { X509Error } from '../x509-errors.js';

/** A Matter VendorID or ProductID as a DN attribute carries it: exactly 4 uppercase hex digits. */
export const MATTER_ID_PATTERN = /^[0-9A-F]{4}$/;

/** Throws MATTER_RULE naming `rule` unless `value` is 4 uppercase hex digits (what Hallmark writes and policies give). */
export function assertMatterId(value: string, rule: 'matter.vendor-id' | 'matter.product-id', what: 'VendorID' | 'ProductID'): void {
  if (!MATTER_ID_PATTERN.test(value)) {
    throw new X509Error('MATTER_RULE', `[${rule}] a Matter ${what} must be exactly 4 uppercase hex digits (e.g. FFF1), got "${value}"`, 'input', { rule });
  }
}

/** One identifier as it was found in a name. */
export interface MatterIdFound {
  readonly value: string;
  /** 'attribute': the 1.3.6.1.4.1.37244.2.x attribute; 'legacy-cn': `Mvid:XXXX` / `Mpid:YYYY` inside the CN */
  readonly source: 'attribute' | 'legacy-cn';
  readonly stringType?: NameFact['stringType'];
}

export interface MatterIdsOfName {
  readonly vendorIds: readonly MatterIdFound[];
  readonly productIds: readonly MatterIdFound[];
}

const LEGACY = { vid: /Mvid:([0-9A-F]{4})/, pid: /Mpid:([0-9A-F]{4})/ } as const;

/**
 * The VendorID and ProductID a name carries. The attributes always; the legacy CN form
 * (`CN=ACME Matter Devel DAC 5CDA9899 Mvid:FFF1 Mpid:8000`, the Matter 1.0 spec's
 * alternative) only when `legacy` is set and the name has no attribute of that kind,
 * as connectedhomeip's ExtractVIDPIDFromX509Cert reads it. Hallmark never writes it.
 */
export function matterIdsOf(names: readonly NameFact[], legacy: boolean): MatterIdsOfName {
  const pick = (oid: string): MatterIdFound[] =>
    names.filter((n) => n.oid === oid).map((n) => ({ value: n.value, source: 'attribute' as const, stringType: n.stringType }));
  let vendorIds = pick(OID.matterVendorId);
  let productIds = pick(OID.matterProductId);
  if (legacy) {
    const cns = names.filter((n) => n.oid === OID.commonName).map((n) => n.value);
    const fromCn = (re: RegExp) =>
      cns.flatMap((cn) => {
        const m = re.exec(cn);
        return m ? [{ value: m[1]!, source: 'legacy-cn' as const }] : [];
      });
    if (vendorIds.length === 0) vendorIds = fromCn(LEGACY.vid);
    if (productIds.length === 0) productIds = fromCn(LEGACY.pid);
  }
  return { vendorIds, productIds };
}

/** True when a CN uses the legacy `Mvid:` / `Mpid:` form (read when verifying, never written). */
export function hasLegacyMatterCn(names: readonly NameFact[]): boolean {
  return names.some((n) => n.oid === OID.commonName && /Mvid:|Mpid:/.test(n.value));
}
