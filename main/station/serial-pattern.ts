import type { ProductPolicy } from './product-policy-schema.js';

const compiled = new Map<string, RegExp>();

/** The policy's serialPattern matched against the whole serial (anchored here, so `HM-\d+` cannot match a prefix). */
export function serialMatchesPolicy(policy: Pick<ProductPolicy, 'serialPattern'>, serial: string): boolean {
  let re = compiled.get(policy.serialPattern);
  if (re === undefined) {
    re = new RegExp(`^(?:${policy.serialPattern})$`, 'u');
    compiled.set(policy.serialPattern, re);
  }
  return re.test(serial);
}
