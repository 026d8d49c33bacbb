import { OperatorError } from './operator-errors.js';

/** The roles of issue #16; an account holds one or more. */
export const OPERATOR_ROLES = ['technician', 'supervisor', 'qa', 'ca-admin', 'custodian'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function checkAccountName(name: string): string {
  if (!NAME_PATTERN.test(name))
    throw new OperatorError('OPERATOR_NAME_INVALID', 'an account name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit', 'input');
  return name;
}

export function checkRoles(roles: readonly string[]): OperatorRole[] {
  if (roles.length === 0) throw new OperatorError('OPERATOR_ROLE_INVALID', `an account needs at least one role (${OPERATOR_ROLES.join(', ')})`, 'input');
  const out: OperatorRole[] = [];
  for (const r of roles) {
    if (!(OPERATOR_ROLES as readonly string[]).includes(r))
      throw new OperatorError('OPERATOR_ROLE_INVALID', `"${r.slice(0, 40)}" is not a role (one of ${OPERATOR_ROLES.join(', ')})`, 'input');
    if (!out.includes(r as OperatorRole)) out.push(r as OperatorRole);
  }
  return out;
}
