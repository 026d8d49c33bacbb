import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSigningKey } from '../../main/keys/open-signing-key.js';
import { generatePkcs11Key, type Pkcs11Binding } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import { isSyncSigningKey, type SigningKey } from '../../main/keys/signing-key.js';
import { CHECKPOINT_ACTION } from '../../main/store/audit/audit-checkpoint-claim.js';
import { auditTrustFromCertificate } from '../../main/store/audit/audit-trust.js';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { verifyAuditCheckpoints } from '../../main/store/audit/verify-audit-checkpoints.js';
import { writeAuditCheckpoint } from '../../main/store/audit/write-audit-checkpoint.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/** The audit key on the station's token (SoftHSM2): it signs asynchronously, so the head can move while it does. */
const available = softHsmAvailable();
let hsm: SoftHsm;
const home = tempDir('hallmark-audit-checkpoint-token-');

beforeAll(() => {
  if (available) hsm = createSoftHsm([{ label: 'station-token' }]);
});
afterAll(() => {
  hsm?.dispose();
  home.dispose();
});

describe.skipIf(!available)('an audit key on a PKCS#11 token', () => {
  it('signs checkpoints on the token, signing again when entries arrive while it signs', async () => {
    const ws = Workspace.init(home.path, 'alice').workspace;
    const binding: Pkcs11Binding = { modulePath: hsm.modulePath, tokenSerial: hsm.tokens[0]!.serial, pin: hsm.tokens[0]!.pin };
    const { spki, location } = await generatePkcs11Key({ label: 'audit-token-key', algorithm: 'ecdsa-p256', binding });
    const record = new KeyRepository(ws).add({ label: 'audit-token-key', store: 'pkcs11', algorithm: 'ecdsa-p256', spki, location: { ...location } }, 'alice');
    const key = await openSigningKey(record, { store: 'pkcs11', binding });
    try {
      expect(isSyncSigningKey(key)).toBe(false);
      const trust = auditTrustFromCertificate((await createAuditKey(ws, { key, actor: 'alice' })).certificate);

      // A station appending while the token signs: the first signature names a head that is gone.
      let raced = 0;
      const racing: SigningKey = {
        label: key.label,
        algorithm: key.algorithm,
        spki: key.spki,
        close: () => undefined,
        sign: async (message) => {
          const signature = await key.sign(message);
          if (raced++ === 0) ws.audit.append({ actor: 'station', action: 'device.done', subject: 'HM-1' });
          return signature;
        },
      };
      const entry = (await writeAuditCheckpoint(ws, racing, { actor: 'alice', reason: 'manual' }))!;
      expect(raced).toBe(2);
      const prev = ws.audit.query({ sinceSeq: entry.seq - 2, limit: 1 }).entries[0]!;
      expect(prev.action).toBe('device.done');
      expect(entry.details['seq']).toBe(prev.seq);
      expect(ws.audit.query({ action: CHECKPOINT_ACTION }).total).toBe(1);
      expect(verifyAuditCheckpoints(ws.db, [trust], ws.info().workspaceId).checkpoints).toMatchObject({ ok: true, verified: 1, uncheckpointed: 0 });
    } finally {
      key.close();
      ws.close();
    }
  });
});
