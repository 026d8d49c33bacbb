import type { ProfileName } from '../certificate-template.js';
import { MATTER_CERTIFICATE_RULES, MATTER_CHAIN_RULES, type MatterRole } from '../matter/matter-rules.js';
import type { Lint } from './lint-types.js';

const ROLE_OF: Partial<Record<ProfileName, MatterRole>> = { 'matter-paa': 'paa', 'matter-pai': 'pai', 'matter-dac': 'dac' };

export function matterRoleOf(profile: ProfileName): MatterRole | undefined {
  return ROLE_OF[profile];
}

/**
 * One lint per Matter rule (matter/matter-rules.ts), applied to the matter-* profiles only,
 * in 'issue' mode: what Hallmark signs follows the rules without the legacy CN form.
 */
export const matterLints: Lint[] = [
  ...MATTER_CERTIFICATE_RULES.map((r): Lint => ({
    rule: r.rule,
    description: r.description,
    check: (c, ctx) => {
      const role = matterRoleOf(ctx.profile);
      return role ? r.check(c, role, 'issue') : [];
    },
  })),
  ...MATTER_CHAIN_RULES.map((r): Lint => ({
    rule: r.rule,
    description: r.description,
    check: (c, ctx) => {
      const role = matterRoleOf(ctx.profile);
      return role && ctx.issuer ? r.check(c, role, ctx.issuer, ctx.issuerParents ?? [], 'issue') : [];
    },
  })),
];
