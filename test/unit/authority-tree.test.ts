import { describe, expect, it } from 'vitest';
import type { AuthorityView } from '../../preload/api.js';
import { crlStateText, treeRows } from '../../renderer/src/authorities/authority-tree.js';

const a = (id: string, parentId: string | null, kind: AuthorityView['kind']) => ({ id, parentId, kind }) as AuthorityView;

describe('the Authorities tree (renderer/src/authorities/authority-tree.ts)', () => {
  it('puts each authority under its issuer, CAs before signers, and an orphan at the top', () => {
    const rows = treeRows([
      a('ca:root', null, 'root'),
      a('cert:7', 'ca:mfg', 'manifest-signer'),
      a('cert:8', 'ca:root', 'crl-signer'),
      a('ca:mfg', 'ca:root', 'intermediate'),
      a('ca:other', null, 'root'),
      a('cert:9', 'ca:gone', 'manifest-signer'),
    ]);
    expect(rows.map((r) => `${r.depth}:${r.authority.id}`)).toEqual(['0:ca:root', '1:ca:mfg', '2:cert:7', '1:cert:8', '0:ca:other', '0:cert:9']);
  });

  it('says how a CRL stands in words', () => {
    const crl = (state: 'fresh' | 'due-soon' | 'overdue', daysLeft: number) => ({
      crlNumber: 1,
      thisUpdate: '',
      nextUpdate: '',
      resignFrom: '',
      state,
      daysLeft,
    });
    expect(crlStateText(crl('fresh', 29))).toBe('fresh: next update in 29 days');
    expect(crlStateText(crl('due-soon', 1))).toBe('due: re-sign within 1 day');
    expect(crlStateText(crl('overdue', -10))).toBe('overdue: nextUpdate passed 10 days ago');
    expect(crlStateText(crl('overdue', 0))).toBe('overdue: nextUpdate passed today');
  });
});
