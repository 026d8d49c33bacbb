import { validateName, type NameAttribute } from '../distinguished-name.js';
import { assertMatterId } from './matter-ids.js';

/** A Matter product's identifiers, as DN attributes carry them: 4 uppercase hex digits each. */
export interface MatterIds {
  readonly vendorId: string;
  readonly productId?: string;
}

/**
 * A DAC (or PAI) subject: the given attributes without any Matter identifier they might
 * carry, then VendorID, then ProductID — built from the policy, never from a CSR.
 */
export function matterDacSubject(base: readonly NameAttribute[], ids: MatterIds): NameAttribute[] {
  assertMatterId(ids.vendorId, 'matter.vendor-id', 'VendorID');
  if (ids.productId !== undefined) assertMatterId(ids.productId, 'matter.product-id', 'ProductID');
  const attributes: NameAttribute[] = base.filter((a) => a.type !== 'matterVendorId' && a.type !== 'matterProductId');
  attributes.push({ type: 'matterVendorId', value: ids.vendorId });
  if (ids.productId !== undefined) attributes.push({ type: 'matterProductId', value: ids.productId });
  validateName(attributes);
  return attributes;
}
