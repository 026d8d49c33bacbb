import type { AuthorityView } from '../../../preload/api.js';

export interface AuthorityNode {
  readonly authority: AuthorityView;
  readonly depth: number;
}

/**
 * The flat list from authorities.list as the tree's rows in order: each authority under
 * its issuer, CAs before the signers they certified. An authority whose issuer is not in
 * the list is a root of its own. Pure (unit-tested).
 */
export function treeRows(authorities: readonly AuthorityView[]): AuthorityNode[] {
  const ids = new Set(authorities.map((a) => a.id));
  const children = new Map<string | null, AuthorityView[]>();
  for (const a of authorities) {
    const parent = a.parentId !== null && ids.has(a.parentId) ? a.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), a]);
  }
  const rank = (a: AuthorityView) => (a.kind === 'root' || a.kind === 'intermediate' ? 0 : 1);
  const out: AuthorityNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    const kids = [...(children.get(parent) ?? [])].sort((x, y) => rank(x) - rank(y));
    for (const a of kids) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      out.push({ authority: a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export const KIND_LABELS: Record<AuthorityView['kind'], string> = {
  root: 'Root CA',
  intermediate: 'Intermediate CA',
  'manifest-signer': 'Manifest signer',
  'crl-signer': 'CRL signer',
};

export function crlStateText(crl: NonNullable<AuthorityView['crl']>): string {
  if (crl.state === 'overdue')
    return crl.daysLeft === 0 ? 'overdue: nextUpdate passed today' : `overdue: nextUpdate passed ${-crl.daysLeft} day${crl.daysLeft === -1 ? '' : 's'} ago`;
  if (crl.state === 'due-soon') return `due: re-sign within ${crl.daysLeft} day${crl.daysLeft === 1 ? '' : 's'}`;
  return `fresh: next update in ${crl.daysLeft} day${crl.daysLeft === 1 ? '' : 's'}`;
}
