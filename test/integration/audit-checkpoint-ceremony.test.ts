import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrustFromCertificate, type AuditTrust } from '../../main/store/audit/audit-trust.js';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { verifyAuditCheckpoints } from '../../main/store/audit/verify-audit-checkpoints.js';
import { Workspace } from '../../main/store/workspace.js';
import { allowNetwork, ceremonyExample, fileSha256, fileWriter } from '../support/ceremony-files.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { newSoftwareKey, TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/** The checkpoint at a ceremony's end: the examples' root ceremony on SoftHSM, the workspace's software audit key given. */
const tmp = tempDir('hallmark-audit-checkpoint-ceremony-');
const home = join(tmp.path, 'ws');
const file = fileWriter(tmp.path);
let hsm: SoftHsm;
let trust: AuditTrust;

describe.skipIf(!softHsmAvailable())('a checkpoint at ceremony end', () => {
  beforeAll(async () => {
    hsm = createSoftHsm([{ label: 'root-token', pin: '731946' }]);
    const ws = Workspace.init(home, 'custodian').workspace;
    const key = await newSoftwareKey(ws, 'audit-key', 'ecdsa-p256');
    trust = auditTrustFromCertificate((await createAuditKey(ws, { key, actor: 'custodian' })).certificate);
    key.close();
    ws.close();
  });
  afterAll(() => {
    hsm?.dispose();
    tmp.dispose();
  });

  it('signs the head after the last step, covering the whole ceremony', async () => {
    file('pin', '731946\n');
    const pass = file('audit.pass', `${TEST_PASSPHRASE}\n`);
    const binding = file(
      'binding.yaml',
      `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    file: pin\n`,
    );
    const script = file('root.yaml', allowNetwork(ceremonyExample('root-pkcs11.yaml')));
    const r = await runCli([
      '--home',
      home,
      '--actor',
      'ceremony-admin',
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      fileSha256(script),
      '--out',
      join(tmp.path, 'out'),
      '--ack-file',
      join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks'),
      '--audit-passphrase-file',
      pass,
    ]);
    expect(r.code, r.stderr).toBe(0);

    const ws = Workspace.open(home, 'test');
    try {
      const [last, before] = ws.audit.query({ newestFirst: true, limit: 2 }).entries;
      expect([last!.action, last!.details['reason'], last!.actor]).toEqual(['audit.checkpoint', 'ceremony-end', 'ceremony-admin']);
      expect(before!.action).toMatch(/^ceremony\./);
      expect(verifyAuditCheckpoints(ws.db, [trust], ws.info().workspaceId).checkpoints).toMatchObject({ ok: true, verified: 1, uncheckpointed: 0 });
    } finally {
      ws.close();
    }
  });
});
