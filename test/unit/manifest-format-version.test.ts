import { describe, expect, it } from 'vitest';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION } from '../../main/manifest/format/manifest-document.js';
import { validateManifest } from '../../main/manifest/verify/manifest-schema.js';

const hex = 'a'.repeat(64);
function doc(formatVersion: number, extra: Record<string, unknown> = {}, policy: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: MANIFEST_FORMAT,
    formatVersion,
    sequence: 1,
    previousManifestSha256: null,
    station: { workspaceId: 'ws' },
    workOrder: {
      id: 'WO-1',
      model: 'M',
      policySha256: hex,
      policy: { serialPattern: '^.*$', hwType: '1.2.3', subjectSerialNumber: true, ...policy },
      planSource: 'p.csv',
      planSha256: hex,
      planned: 0,
      quantity: 0,
      issuingCa: 'mfg',
    },
    operators: [],
    times: { createdAt: 't', createdBy: 'a', closedAt: 't', closedBy: 'a', firstIssuedAt: null, lastIssuedAt: null, exportedAt: 't' },
    issuingCaChain: ['AAAA'],
    counters: { planned: 0, quantity: 0, issued: 0, devicesIssued: 0, confirmed: 0, failed: 0, reworked: 0, refused: 0 },
    devices: [],
    devicesSha256: hex,
    auditHead: { seq: 1, hash: hex },
    ...extra,
  };
}
const checkpoint = {
  entrySeq: 2,
  format: 'f',
  workspaceId: 'ws',
  seq: 1,
  headHash: hex,
  time: 't',
  reason: 'manifest-export',
  keySha256: hex,
  signature: 'AAAA',
};

describe('manifest format versions', () => {
  it('writes version 3 and reads 1, 2 and 3', () => {
    expect(MANIFEST_FORMAT_VERSION).toBe(3);
    for (const v of [1, 2, 3]) expect(validateManifest(doc(v)).ok, `version ${v}`).toBe(true);
    expect(validateManifest(doc(4)).ok).toBe(false);
  });

  it('refuses a member newer than the version the document claims, naming it', () => {
    expect(validateManifest(doc(3, { auditCheckpoint: checkpoint })).ok).toBe(true);
    const cp = validateManifest(doc(2, { auditCheckpoint: checkpoint }));
    expect(cp).toMatchObject({ ok: false, issues: ['auditCheckpoint: new in format version 3, but the manifest says format version 2'] });
    const matter = validateManifest(doc(2, {}, { matter: { vendorId: 'FFF1', productId: '8000', certificationDeclarationSha256: hex } }));
    expect(matter).toMatchObject({ ok: false, issues: [expect.stringMatching(/^workOrder\.policy\.matter: new in format version 3/)] });
  });
});
