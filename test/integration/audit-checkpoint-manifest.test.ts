import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { checkpointMessage, parseCheckpointDetails } from '../../main/store/audit/audit-checkpoint-claim.js';
import { auditTrustFromCertificate } from '../../main/store/audit/audit-trust.js';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { writeAuditCheckpoint } from '../../main/store/audit/write-audit-checkpoint.js';
import { verifyX509Signature } from '../../main/x509/verify-signature.js';
import { closedBatch, exportTo, manifestWorkspace } from '../support/manifest-fixture.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-audit-checkpoint-manifest-');
afterAll(() => tmp.dispose());

describe('a manifest carries the latest audit checkpoint', () => {
  it('carries the checkpoint of its export, which verifies with the AUDIT-CERT, and the manifest still verifies', async () => {
    const m = await manifestWorkspace(tmp.path);
    try {
      await closedBatch(m, 'WO-CP');
      const auditKey = await newSoftwareKey(m.ws, 'audit-key', 'ecdsa-p256');
      const trust = auditTrustFromCertificate((await createAuditKey(m.ws, { key: auditKey, actor: 'custodian' })).certificate);
      const entry = (await writeAuditCheckpoint(m.ws, auditKey, { actor: 'qa', reason: 'manifest-export' }))!;
      auditKey.close();
      const dir = join(tmp.path, 'usb', 'WO-CP');
      await exportTo(m, 'WO-CP', dir);

      const doc = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { auditCheckpoint: Record<string, unknown>; auditHead: { seq: number } };
      const { entrySeq, ...carried } = doc.auditCheckpoint;
      expect(entrySeq).toBe(entry.seq);
      expect(carried).toEqual(entry.details);
      expect(doc.auditHead.seq).toBe(entry.seq);
      const cp = parseCheckpointDetails(carried)!;
      expect(verifyX509Signature(trust.algorithm, trust.spki, checkpointMessage(cp), Buffer.from(cp.signature, 'base64'))).toBe(true);

      const report = verifyManifestFolder(dir, { anchors: readTrustAnchors(readFileSync(m.rootPem), m.rootPem) });
      expect(report.checks.filter((k) => k.status === 'fail')).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      m.caKey.close();
      m.signerKey.close();
      m.ws.close();
    }
  });
});
