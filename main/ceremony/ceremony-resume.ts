import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadCa } from '../ca/certificate-authority.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import { shareFileNames, type SharedKeyLocation } from '../keys/shares/shared-key-store.js';
import { CaRepository } from '../store/ca-repository.js';
import { CeremonyRepository, type CeremonyRow, type CeremonyStepRow } from '../store/ceremony-repository.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { accessOf, crlResult, pem, tokenKeyResult, type ActionContext } from './ceremony-actions.js';
import { CeremonyError } from './ceremony-errors.js';
import { shareCheckOf, type CeremonyScript, type CeremonyStep, type CrlScript } from './ceremony-script-schema.js';
import type { OutputDir } from './exclusive-output.js';
import { hashWords } from './hash-words.js';
import type { LoadedScript } from './parse-ceremony-script.js';
import { signedFields } from './rehearsal-fields.js';
import { typeBackShares } from './share-type-back.js';
import { verifyShare } from './split-root-key.js';
import { TranscriptWriter } from './transcript/transcript-chain.js';
import { TRANSCRIPT_FILE } from './transcript/transcript-format.js';
import type { TranscriptRecord } from './transcript/transcript-record.js';

export interface ResumePoint {
  readonly row: CeremonyRow;
  readonly committed: readonly CeremonyStepRow[];
  readonly writer: TranscriptWriter;
  readonly records: readonly TranscriptRecord[];
  /** files of the interrupted attempt, moved into interrupted-<time>/ */
  readonly movedAside: readonly string[];
  /** the interrupted step had already changed the workspace: it is adopted, not redone */
  readonly adoptable: boolean;
}

/**
 * Picks an interrupted ceremony up where its last committed step left it. Everything is
 * checked before anything is touched: the register row is still running and is this
 * script on this medium, the transcript's chain is intact, and every file a committed
 * step wrote is still the bytes it recorded. Files of the step that did not commit are
 * moved aside (never deleted) unless that step's workspace effect already happened, in
 * which case the step is adopted: its files are checked or written from the workspace.
 */
export function openResume(ws: Workspace, loaded: LoadedScript, id: string, outDir: string, out: OutputDir): ResumePoint {
  const repo = new CeremonyRepository(ws);
  const row = repo.get(id);
  if (!row) throw new CeremonyError('CEREMONY_NOT_FOUND', `no ceremony ${id} in this workspace (hallmark ceremony list)`);
  if (row.status !== 'running')
    throw new CeremonyError('CEREMONY_INTERRUPTED', `ceremony ${id} has ${row.status}; only an interrupted ceremony can be resumed`);
  if (row.scriptSha256 !== loaded.sha256) {
    throw new CeremonyError(
      'CEREMONY_HASH_MISMATCH',
      `ceremony ${id} ran the script with SHA-256 ${row.scriptSha256}, not this one (${loaded.sha256}); resume it with the same script`,
      'check',
    );
  }
  if (resolve(row.outDir) !== resolve(outDir))
    throw new CeremonyError('CEREMONY_INTERRUPTED', `ceremony ${id} writes to ${row.outDir}; resume it with --out ${row.outDir}`);
  const committed = repo.steps(id);
  const { writer, records } = TranscriptWriter.resume(join(outDir, TRANSCRIPT_FILE));
  try {
    for (const s of committed) for (const o of s.outputs) out.recall(o);
    const script = loaded.script;
    const next = script.steps[committed.length];
    const started = records.find((r) => r.type === 'started');
    const planned = started?.type === 'started' ? started.plannedOutputs : [];
    const adoptable = next !== undefined && effectExists(ws, script, next, planned, row.startedAt, csrSpkiSha256(records));
    const keep = new Set([TRANSCRIPT_FILE, ...out.written.map((o) => o.file)]);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const movedAside: string[] = [];
    for (const file of listFiles(outDir)) {
      if (keep.has(file) || file.startsWith('interrupted-')) continue;
      if (adoptable && stepOutputs(script, next, planned).includes(file)) continue;
      movedAside.push(out.moveAside(file, `interrupted-${stamp}`));
    }
    return { row, committed, writer, records, movedAside, adoptable };
  } catch (e) {
    writer.close();
    throw e;
  }
}

/** The planned files a step writes: shares and sheets at generate-key, certificates at sign-*, CRLs at sign-crl. */
function stepOutputs(script: CeremonyScript, step: CeremonyStep, planned: readonly string[]): string[] {
  switch (step.action) {
    case 'generate-key':
    case 're-split':
      return planned.filter((f) => f.includes('share'));
    case 'sign-root':
    case 'sign-intermediate':
      return planned.filter((f) => /\.(pem|der|csr)$/.test(f) && !f.includes('-crl-') && !f.includes('share'));
    case 'sign-crl':
      return planned.filter((f) => f.includes('-crl-'));
    default:
      return [];
  }
}

function plannedCrlNumber(script: CrlScript, planned: readonly string[]): number | null {
  const m = planned.map((f) => new RegExp(`^${script.crl.ca.replace(/[.]/g, '\\.')}-crl-(\\d+)\\.der$`).exec(f)).find((x) => x !== null);
  return m ? Number(m[1]) : null;
}

/** Did the interrupted step's action already change the workspace before it was killed? */
/** The SHA-256 of the CSR's key, from the transcript's `input` record (an intermediate for a CSR). */
function csrSpkiSha256(records: readonly TranscriptRecord[]): string | null {
  const input = records.find((r) => r.type === 'input' && r.name === 'csr');
  const facts = input?.type === 'input' ? (input.facts as { spkiSha256?: unknown }) : undefined;
  return typeof facts?.spkiSha256 === 'string' ? facts.spkiSha256 : null;
}

function effectExists(
  ws: Workspace,
  script: CeremonyScript,
  step: CeremonyStep,
  planned: readonly string[],
  startedAt: string,
  csrSpki: string | null,
): boolean {
  const keys = new KeyRepository(ws);
  const cas = new CaRepository(ws);
  switch (step.action) {
    case 'generate-key':
      if (script.kind === 'root') return keys.exists(script.key.label);
      if (script.kind === 'intermediate' && script.intermediate.key.source === 'pkcs11') return keys.exists(script.intermediate.key.label);
      return false;
    case 'sign-root':
      return script.kind === 'root' && cas.list().some((c) => c.name === script.certificate.ca);
    case 'sign-intermediate':
      if (script.kind !== 'intermediate') return false;
      // An intermediate for a CSR is a certificate of the workspace, not a CA: look for it by its key.
      if (script.intermediate.key.source === 'csr')
        return csrSpki !== null && new CertificateRepository(ws).issuedSince(script.intermediate.parent, csrSpki, startedAt) !== undefined;
      return cas.list().some((c) => c.name === script.intermediate.ca);
    case 'sign-crl': {
      if (script.kind !== 'crl') return false;
      const n = plannedCrlNumber(script, planned);
      return n !== null && cas.latestCrl(script.crl.ca)?.crlNumber === n;
    }
    case 'restore-to-token':
      // The restored key's label is free at the start (preconditions): if it is taken now, this step made it.
      return script.kind === 'key-restore' && keys.exists(script.restore.label);
    case 're-split':
      // Its effect cannot be told apart from an earlier ceremony's; refuse rather than guess.
      if (script.kind === 'key-backup') {
        throw new CeremonyError(
          'CEREMONY_INTERRUPTED',
          `the interrupted step "${step.id}" re-splits key "${script.backup.key}"; whether the new split was recorded cannot be decided safely — check \`hallmark key list\`, abort this ceremony and run a new key-backup`,
        );
      }
      return false;
    default:
      return false;
  }
}

/**
 * The interrupted step's result, rebuilt from what the workspace committed: the key it
 * made or the certificate/CRL it signed. Its files are written now if the kill came
 * before them, or checked against the workspace's bytes if they exist.
 */
export async function adoptStep(step: CeremonyStep, ctx: ActionContext, planned: readonly string[], startedAt: string): Promise<{ [k: string]: JsonValue }> {
  const { req, state, out } = ctx;
  const ws = req.ws;
  const script = req.script.script;
  const adopted = { adoptedOnResume: 'this step had changed the workspace when the ceremony was interrupted; its result is read back from the workspace' };
  if (step.action === 'generate-key' && script.kind === 'intermediate' && script.intermediate.key.source === 'pkcs11') {
    state.intermediateKey = new KeyRepository(ws).get(script.intermediate.key.label);
    return { ...tokenKeyResult(state.intermediateKey), ...adopted };
  }
  if (step.action === 'generate-key' && script.kind === 'root') {
    const record = new KeyRepository(ws).get(script.key.label);
    state.keyRecord = record;
    if (record.store !== 'shares') return { ...tokenKeyResult(record), ...adopted };
    const location = record.location as unknown as SharedKeyLocation & { shares: { custodian: string; file?: string; sha256: string }[] };
    const secrets = accessOf(ctx).newSplit ?? [];
    const shares: { file: string; passphrase: string }[] = [];
    for (const file of stepOutputs(script, step, planned)) if (out.has(file) && !out.written.some((o) => o.file === file)) out.adopt(file);
    for (const [i, entry] of location.shares.entries()) {
      const name = planned.filter((f) => f.includes('share') && !f.endsWith('.html'))[i];
      const passphrase = secrets.find((s) => s.custodian === entry.custodian)?.passphrase;
      if (!name || !passphrase)
        throw new CeremonyError(
          'CEREMONY_INTERRUPTED',
          `the interrupted split of "${record.label}" cannot be checked: no share file or passphrase for ${entry.custodian}`,
        );
      await verifyShare(join(out.path, name), passphrase, record, entry.sha256, entry.custodian);
      shares.push({ file: join(out.path, name), passphrase });
    }
    // The kill may have come while the custodians were typing their shares back: the adopted split is not accepted untyped.
    const typed =
      shareCheckOf(script) === 'type-back' && req.typeBack
        ? await typeBackShares({
            ws,
            typeBack: req.typeBack,
            ceremony: script.name,
            step: step.id,
            label: record.label,
            total: location.shares.length,
            shares: location.shares.map((e, i) => ({
              index: e.index,
              custodian: e.custodian,
              file: shares[i]!.file,
              sheet: shareFileNames(record.label, e.index, location.shares.length).sheet,
            })),
          })
        : null;
    return {
      label: record.label,
      algorithm: record.algorithm,
      store: 'shares',
      spkiSha256: record.spkiSha256,
      sharesVerified: shares.length,
      ...(typed ? { typedBack: location.shares.map((e) => ({ index: e.index, custodian: e.custodian, ...typed.get(e.index)! })) } : {}),
      ...adopted,
    };
  }
  if (step.action === 'sign-intermediate' && script.kind === 'intermediate' && script.intermediate.key.source === 'csr' && state.csr) {
    const name = script.intermediate.ca;
    const cert = new CertificateRepository(ws).issuedSince(script.intermediate.parent, state.csr.csr.publicKey.spkiSha256, startedAt)!;
    adoptOrWrite(out, [
      { name: `${name}.der`, bytes: cert.der },
      { name: `${name}.pem`, bytes: Buffer.from(pem(cert.der, 'CERTIFICATE')) },
      { name: `${name}.csr`, bytes: state.csr.bytes },
    ]);
    state.produced.push(signedFields(name, cert.der));
    return {
      ca: name,
      parent: script.intermediate.parent,
      keySource: 'csr',
      serial: cert.serial,
      sha256: cert.sha256,
      sha256Words: hashWords(cert.sha256),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      ...adopted,
    };
  }
  if ((step.action === 'sign-root' && script.kind === 'root') || (step.action === 'sign-intermediate' && script.kind === 'intermediate')) {
    const name = script.kind === 'root' ? script.certificate.ca : script.intermediate.ca;
    const ca = loadCa(ws, name);
    const der = ca.certificate.der;
    adoptOrWrite(out, [
      { name: `${name}.der`, bytes: der },
      { name: `${name}.pem`, bytes: Buffer.from(pem(der, 'CERTIFICATE')) },
    ]);
    state.produced.push(signedFields(name, ca.certificate.der));
    const c = ca.certificate;
    return {
      ca: name,
      serial: c.serial.toString('hex'),
      sha256: c.sha256,
      sha256Words: hashWords(c.sha256),
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      ...adopted,
    };
  }
  if (step.action === 'restore-to-token' && script.kind === 'key-restore') {
    const record = new KeyRepository(ws).get(script.restore.label);
    state.keyRecord = record;
    return { ...tokenKeyResult(record), restoredFrom: script.restore.key, ...adopted };
  }
  if (step.action === 'sign-crl' && script.kind === 'crl') {
    const crl = new CaRepository(ws).latestCrl(script.crl.ca)!;
    const base = `${script.crl.ca}-crl-${crl.crlNumber}`;
    adoptOrWrite(out, [
      { name: `${base}.der`, bytes: crl.der },
      { name: `${base}.pem`, bytes: Buffer.from(pem(crl.der, 'X509 CRL')) },
    ]);
    return { ...crlResult(script, crl.crlNumber, crl.der), ...adopted };
  }
  throw new CeremonyError('CEREMONY_INTERRUPTED', `step "${step.id}" cannot be adopted on resume`);
}

/**
 * The interrupted step's files, as the workspace says they must be: none on the medium →
 * written; all → adopted if they are those bytes (refused otherwise); some → those are
 * moved aside and the set written again, so the set on the medium is one write.
 */
function adoptOrWrite(out: OutputDir, files: readonly { name: string; bytes: Buffer }[]): void {
  const present = files.filter((f) => out.has(f.name));
  if (present.length > 0 && present.length < files.length) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    for (const f of present) out.moveAside(f.name, `interrupted-${stamp}`);
  }
  if (present.length < files.length) {
    for (const f of files) out.write(f.name, f.bytes);
    return;
  }
  for (const f of files) {
    const got = out.adopt(f.name);
    if (got.sha256 !== createHash('sha256').update(f.bytes).digest('hex')) {
      throw new CeremonyError(
        'CEREMONY_TRANSCRIPT_INVALID',
        `${join(out.path, f.name)} is not what the workspace recorded for the interrupted step; abort the ceremony`,
        'check',
      );
    }
  }
}

/** Files under dir, relative, recursively (a publication/ folder included). */
function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // lstat: a symbolic link on the medium is listed as itself (and then refused when read), never followed.
    return lstatSync(p).isDirectory() ? (name.startsWith('interrupted-') ? [] : listFiles(p, base)) : [relative(base, p)];
  });
}
