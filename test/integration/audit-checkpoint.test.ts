import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { canonicalJson } from '../../main/encoding/canonical-json.js';
import { createRootCa } from '../../main/ca/create-ca.js';
import { AuditCheckpointer } from '../../main/store/audit/audit-checkpointer.js';
import { CHECKPOINT_ACTION, checkpointMessage, parseCheckpointDetails } from '../../main/store/audit/audit-checkpoint-claim.js';
import { AuditKeyRepository } from '../../main/store/audit/audit-key-repository.js';
import { auditTrustFromCertificate, type AuditTrust } from '../../main/store/audit/audit-trust.js';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { verifyAuditCheckpoints } from '../../main/store/audit/verify-audit-checkpoints.js';
import { writeAuditCheckpoint } from '../../main/store/audit/write-audit-checkpoint.js';
import { Workspace } from '../../main/store/workspace.js';
import { requiredTool } from '../support/required-tool.js';
import { rewriteAuditEntry, recomputeFrom } from '../support/rewrite-audit-chain.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tamper } from '../support/tamper.js';
import { tempDir } from '../support/temp-dir.js';

const PYTHON = '/usr/bin/python3';
const hasPython = requiredTool(existsSync(PYTHON), 'python3 with python3-cryptography', 'python3-cryptography');

let home: { path: string; dispose(): void };
let ws: Workspace;
let key: SyncSigningKey;
let trust: AuditTrust;
const dbPath = () => join(home.path, 'hallmark.db');
const note = (i: number) => ws.audit.append({ actor: 'bob', action: 'test.step', subject: `s${i}`, details: { i } });
const verify = () => verifyAuditCheckpoints(ws.db, [trust], ws.info().workspaceId);
const checkpoint = () => writeAuditCheckpoint(ws, key, { actor: 'alice', reason: 'manual' });
const checkpointSeqs = () => ws.audit.query({ action: CHECKPOINT_ACTION }).entries.map((e) => e.seq);

beforeEach(async () => {
  home = tempDir('hallmark-audit-checkpoint-');
  ws = Workspace.init(home.path, 'alice').workspace;
  key = await newSoftwareKey(ws, 'audit-key', 'ecdsa-p256');
  const row = await createAuditKey(ws, { key, actor: 'alice' });
  trust = auditTrustFromCertificate(row.certificate);
});
afterEach(() => {
  key.close();
  ws.close();
  home.dispose();
});

describe('signed audit checkpoints', () => {
  it('signs the head as the entry right after it, and verifies with the audit certificate alone', async () => {
    for (let i = 0; i < 3; i++) note(i);
    const first = (await checkpoint())!;
    expect(first.seq).toBe(ws.audit.head()!.seq);
    const cp = parseCheckpointDetails(first.details)!;
    expect(cp).toMatchObject({
      seq: first.seq - 1,
      headHash: first.prevHash,
      workspaceId: ws.info().workspaceId,
      reason: 'manual',
      keySha256: trust.spkiSha256,
    });
    expect(await checkpoint()).toBeNull(); // nothing new to vouch for
    for (let i = 0; i < 4; i++) note(i);
    await checkpoint();
    note(9);
    note(10);

    const v = verify();
    expect(v.chain.ok).toBe(true);
    expect(v.checkpoints).toMatchObject({ ok: true, verified: 2, uncheckpointed: 2 });
    expect(v.checkpoints.last!.signedSeq).toBe(ws.audit.head()!.seq - 3);
  });

  it('makes a certificate and signatures an independent verifier accepts (python3-cryptography)', async ({ skip }) => {
    if (!hasPython) return skip();
    note(1);
    const entry = (await checkpoint())!;
    const cp = parseCheckpointDetails(entry.details)!;
    const certPem = `-----BEGIN CERTIFICATE-----\n${new AuditKeyRepository(ws.db).current()!.certificate.toString('base64')}\n-----END CERTIFICATE-----\n`;
    // The signed bytes rebuilt from the documented format (docs/audit.md), not by our encoder.
    const script = `
import sys, json, base64
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
cert = x509.load_pem_x509_certificate(sys.stdin.buffer.read())
d = json.loads(sys.argv[1])
msg = b"HALLMARK AUDIT CHECKPOINT v1\\0" + json.dumps(["hallmark-audit-checkpoint-v1", d["workspaceId"], d["seq"], d["headHash"], d["time"], d["reason"], d["keySha256"]], separators=(",", ":"), ensure_ascii=False).encode()
pub = cert.public_key()
pub.verify(base64.b64decode(d["signature"]), msg, ec.ECDSA(hashes.SHA256()))
cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
sn = cert.subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value
print(sn)
`;
    const out = execFileSync(PYTHON, ['-c', script, JSON.stringify(cp)], { input: certPem })
      .toString()
      .trim();
    expect(out).toBe(ws.info().workspaceId);
    // Debian's python3-cryptography 38 cannot read a 2.25 arc this long; openssl names the usage
    const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage'], { input: certPem }).toString();
    expect(text).toMatch(/CA:FALSE[\s\S]*Digital Signature\s[\s\S]*2\.25\.3147142320185124312162152537154128746/);
    expect(checkpointMessage(cp).subarray(29).toString()).toBe(
      canonicalJson(['hallmark-audit-checkpoint-v1', cp.workspaceId, cp.seq, cp.headHash, cp.time, cp.reason, cp.keySha256]),
    );
  });

  it('catches the attacker who rewrites an entry and recomputes the chain: the first checkpoint after it no longer matches', async () => {
    for (let i = 0; i < 3; i++) note(i);
    const first = (await checkpoint())!;
    for (let i = 0; i < 3; i++) note(i);
    const second = (await checkpoint())!;
    for (let i = 0; i < 3; i++) note(i);
    const third = (await checkpoint())!;
    const edited = second.seq + 1;

    rewriteAuditEntry(dbPath(), first.seq + 2, (d) => ({ ...d, i: 666 }));
    expect(ws.verifyAudit().ok).toBe(true); // the chain alone is fooled
    const v = verify();
    expect(v.checkpoints).toMatchObject({
      ok: false,
      problem: 'AUDIT_CHECKPOINT_MISMATCH',
      firstBadCheckpointSeq: second.seq,
      verified: 1,
      last: { seq: first.seq },
    });
    expect(v.checkpoints.ok ? '' : v.checkpoints.message).toContain(`checkpoint at seq ${second.seq}: it no longer matches`);

    // an edit after the second checkpoint is named at the third
    rewriteAuditEntry(dbPath(), first.seq + 2, (d) => ({ ...d, i: 1 }));
    expect(verify().checkpoints.ok).toBe(true);
    rewriteAuditEntry(dbPath(), edited, (d) => ({ ...d, i: 667 }));
    expect(verify().checkpoints).toMatchObject({ ok: false, firstBadCheckpointSeq: third.seq, verified: 2 });
  });

  it('reports entries after the last checkpoint as not yet checkpointed, edited or not', async () => {
    note(1);
    const cp = (await checkpoint())!;
    for (let i = 0; i < 4; i++) note(i);
    rewriteAuditEntry(dbPath(), cp.seq + 2, (d) => ({ ...d, i: 666 }));
    expect(verify().checkpoints).toEqual({ ok: true, verified: 1, last: expect.objectContaining({ seq: cp.seq }) as unknown, uncheckpointed: 4 });
  });

  it('refuses a replayed checkpoint: in verification, and by not signing over it (audited, nothing else written)', async () => {
    note(1);
    const genuine = (await checkpoint())!;
    note(2);
    // the attacker appends a copy of the genuine checkpoint through the normal path
    const replay = ws.audit.append({ actor: 'mallory', action: CHECKPOINT_ACTION, subject: genuine.subject, details: genuine.details });
    expect(verify().checkpoints).toMatchObject({ ok: false, problem: 'AUDIT_CHECKPOINT_REPLAYED', firstBadCheckpointSeq: replay.seq });

    const before = ws.audit.head()!.seq;
    await expect(checkpoint()).rejects.toMatchObject({ code: 'AUDIT_CHECKPOINT_REPLAYED' });
    expect(checkpointSeqs()).toEqual([genuine.seq, replay.seq]);
    const refused = ws.audit.query({ sinceSeq: before }).entries;
    expect(refused.map((e) => [e.action, e.details['code']])).toEqual([['audit.checkpoint-refused', 'AUDIT_CHECKPOINT_REPLAYED']]);
  });

  it('refuses a forged checkpoint: a valid-looking claim without the key, or a genuine one altered', async () => {
    note(1);
    const genuine = (await checkpoint())!;
    note(2);
    const head = ws.audit.head()!;
    const cp = parseCheckpointDetails(genuine.details)!;
    // right position and head, signed by a key the attacker made, claiming the audit key's identity
    const other = await newSoftwareKey(ws, 'mallory-key', 'ecdsa-p256');
    const claim = { ...cp, seq: head.seq, headHash: head.hash, time: new Date().toISOString() };
    const forged = ws.audit.append({
      actor: 'mallory',
      action: CHECKPOINT_ACTION,
      subject: String(head.seq),
      details: { ...claim, signature: other.signSync(checkpointMessage(claim)).toString('base64') },
    });
    other.close();
    expect(verify().checkpoints).toMatchObject({ ok: false, problem: 'AUDIT_CHECKPOINT_FORGED', firstBadCheckpointSeq: forged.seq, verified: 1 });
    await expect(checkpoint()).rejects.toMatchObject({ code: 'AUDIT_CHECKPOINT_FORGED' });
    expect(checkpointSeqs()).toEqual([genuine.seq, forged.seq]);
    expect(ws.audit.query({ action: 'audit.checkpoint-refused' }).entries.map((e) => e.details['code'])).toEqual(['AUDIT_CHECKPOINT_FORGED']);

    // the genuine checkpoint, its time changed (and the chain recomputed): the signature no longer holds
    tamper(dbPath(), (db) => {
      db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(canonicalJson({ ...genuine.details, time: '2020-01-01T00:00:00.000Z' }), genuine.seq);
      recomputeFrom(db, genuine.seq);
    });
    expect(ws.verifyAudit().ok).toBe(true);
    expect(verify().checkpoints).toMatchObject({ ok: false, problem: 'AUDIT_CHECKPOINT_FORGED', firstBadCheckpointSeq: genuine.seq, verified: 0 });
  });

  it('checkpoints on its own every N entries while a checkpointer watches', async () => {
    const cps = new AuditCheckpointer(ws, key, 'station', 5).watch();
    const start = ws.audit.head()!.seq;
    for (let i = 0; i < 12; i++) {
      note(i);
      await new Promise((resolve) => setImmediate(resolve)); // a station appends between I/O, not in one synchronous burst
    }
    await cps.close();
    const seqs = checkpointSeqs();
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    expect(seqs.every((s) => s > start)).toBe(true);
    expect(ws.audit.query({ action: CHECKPOINT_ACTION }).entries.every((e) => e.details['reason'] === 'interval')).toBe(true);
    expect(verify().checkpoints).toMatchObject({ ok: true, verified: seqs.length });
    expect(cps.lastError).toBeNull();
  });

  it("refuses a CA's key, or the same key a second time, as the audit key", async () => {
    await expect(createAuditKey(ws, { key, actor: 'alice' })).rejects.toMatchObject({ code: 'AUDIT_KEY_NOT_OWN' });
    const rootKey = await newSoftwareKey(ws, 'root-key', 'ecdsa-p256');
    await createRootCa(ws, { name: 'root', key: rootKey, subject: [{ type: 'CN', value: 'Root' }], validityDays: 365, actor: 'alice' });
    await expect(createAuditKey(ws, { key: rootKey, actor: 'alice' })).rejects.toMatchObject({
      code: 'AUDIT_KEY_NOT_OWN',
      message: expect.stringContaining('CA root') as unknown,
    });
    rootKey.close();
    expect(new AuditKeyRepository(ws.db).all()).toHaveLength(1);
  });

  it('refuses to sign over a chain that does not verify, and says so in the log', async () => {
    note(1);
    await checkpoint();
    note(2);
    tamper(dbPath(), (db) => db.prepare('UPDATE audit_log SET subject = ? WHERE seq = ?').run('changed', ws.audit.head()!.seq));
    await expect(checkpoint()).rejects.toMatchObject({ code: 'AUDIT_CHAIN_BROKEN' });
    expect(checkpointSeqs()).toHaveLength(1);
    expect(ws.audit.query({ action: 'audit.checkpoint-refused' }).entries[0]!.details['code']).toBe('AUDIT_CHAIN_BROKEN');
  });
});
