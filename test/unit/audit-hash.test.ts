import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditHash } from '../../main/store/audit/audit-hash.js';
import { GENESIS_HASH } from '../../main/store/audit/audit-entry.js';

const entry = {
  seq: 1,
  time: '2026-11-28T12:00:00.000Z',
  actor: 'alice',
  action: 'workspace.created',
  subject: '/ws',
  details: { workspaceId: 'abc', b: [1, 2] },
  prevHash: GENESIS_HASH,
};

describe('auditHash', () => {
  it('is SHA-256 over the documented canonical encoding', () => {
    // Written out by hand, so a change to the encoding cannot pass silently.
    const encoded =
      '["hallmark-audit-v1",1,"2026-11-28T12:00:00.000Z","alice","workspace.created","/ws",{"b":[1,2],"workspaceId":"abc"},"' + '0'.repeat(64) + '"]';
    expect(auditHash(entry)).toBe(createHash('sha256').update(encoded).digest('hex'));
  });

  it.each([
    ['seq', { seq: 2 }],
    ['time', { time: '2026-11-28T12:00:00.001Z' }],
    ['actor', { actor: 'mallory' }],
    ['action', { action: 'workspace.deleted' }],
    ['subject', { subject: '/other' }],
    ['details', { details: { workspaceId: 'abd', b: [1, 2] } }],
    ['prevHash', { prevHash: '1'.repeat(64) }],
  ])('changes when %s changes', (_field, change) => {
    expect(auditHash({ ...entry, ...change })).not.toBe(auditHash(entry));
  });

  it('does not depend on the key order of details', () => {
    expect(auditHash({ ...entry, details: { b: [1, 2], workspaceId: 'abc' } })).toBe(auditHash(entry));
  });
});
