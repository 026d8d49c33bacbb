import type { OperatorRole } from './operator-roles.js';

declare const verifiedBrand: unique symbol;

/**
 * An account whose credential was just checked. Only verifyOperator() makes one, so a
 * function that takes it cannot be handed a typed name instead.
 */
export interface VerifiedOperator {
  readonly name: string;
  readonly roles: readonly OperatorRole[];
  /** when the credential was checked (ms since the epoch) */
  readonly verifiedAt: number;
  readonly [verifiedBrand]: true;
}

export function makeVerified(name: string, roles: readonly OperatorRole[], verifiedAt: number): VerifiedOperator {
  return Object.freeze({ name, roles: Object.freeze([...roles]), verifiedAt }) as VerifiedOperator;
}

export function hasRole(op: VerifiedOperator, role: OperatorRole): boolean {
  return op.roles.includes(role);
}
