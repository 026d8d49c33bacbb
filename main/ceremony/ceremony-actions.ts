import { createHash } from 'node:crypto';
import { loadCa } from '../ca/certificate-authority.js';
import { createRootCa } from '../ca/create-ca.js';
import { issueCrl } from '../ca/issue-crl.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { KeyAlgorithm } from '../keys/key-algorithm.js';
import type { KeyRecord } from '../keys/key-record.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import { generatePkcs11Key, type Pkcs11Binding } from '../keys/pkcs11/pkcs11-key-store.js';
import type { ShareEntry, SharedKeyLocation } from '../keys/shares/shared-key-store.js';
import type { SigningKey } from '../keys/signing-key.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import { encodeName, parseSubject } from '../x509/distinguished-name.js';
import { intermediateCaExtensions, rootCaExtensions } from '../x509/profiles/ca-profiles.js';
import type { SignedCertificate, TbsReviewer } from '../x509/sign-and-check.js';
import { describeFacts } from '../x509/describe-certificate.js';
import { describeForPeople, descriptionLines, labelColumn, type CertificateDescription } from '../x509/describe/certificate-description.js';
import { acknowledgeStep } from './acknowledge-step.js';
import { unlockFor, type KeyAccess } from './ceremony-key-access.js';
import { CeremonyError } from './ceremony-errors.js';
import { intermediateValidityBound, rootValidityBound } from './ceremony-guards.js';
import type { RunCeremonyRequest } from './ceremony-request.js';
import {
  shareCheckOf,
  type CeremonyStep,
  type CrlScript,
  type IntermediateScript,
  type KeyBackupScript,
  type KeyRestoreScript,
  type Role,
  type RootScript,
} from './ceremony-script-schema.js';
import { restoreSharedKey } from './restore-shared-key.js';
import type { OutputDir } from './exclusive-output.js';
import { hashWords } from './hash-words.js';
import type { CeremonyCsr } from './intermediate-csr.js';
import { compareFields, formatComparison, plannedFields, signedFields, type ComparableCertificate, type RehearsalRecord } from './rehearsal-fields.js';
import { resplitSharedKey } from './resplit-shared-key.js';
import { intermediateOptions, signIntermediate } from './sign-intermediate.js';
import { typeBackShares } from './share-type-back.js';
import { splitRootKey, type ShareCheckHook } from './split-root-key.js';
import type { TranscriptWriter } from './transcript/transcript-chain.js';

/** What the actions hand to each other and to the transcript. */
export interface RunState {
  /** null until the first step that needs a key has its secrets (asked at that step in the app) */
  access: KeyAccess | null;
  keyRecord?: KeyRecord;
  /** the ceremony's CA key once opened: it signs the certificate or CRL, then the transcript */
  signer?: SigningKey;
  /** an intermediate ceremony's CSR, checked before the first step */
  csr?: CeremonyCsr;
  /** an intermediate ceremony's own key, made on its token by generate-key */
  intermediateKey?: KeyRecord;
  rehearsal?: { path: string; record: RehearsalRecord; sha256: string };
  /** key-backup: the split that was replaced, for the destruction step's record */
  oldShares?: ShareEntry[];
  /** the signed certificates, as a rehearsal record keeps them */
  produced: ComparableCertificate[];
}

export interface ActionContext {
  readonly req: RunCeremonyRequest;
  readonly state: RunState;
  readonly out: OutputDir;
  readonly transcript: TranscriptWriter;
}

/** The credentials a key action works with; run-ceremony resolves them before any such step. */
export function accessOf(ctx: Pick<ActionContext, 'state'>): KeyAccess {
  if (ctx.state.access === null) throw new CeremonyError('CEREMONY_UNSUPPORTED', "a key action ran before the key's credentials were resolved", 'check');
  return ctx.state.access;
}

/** Steps whose action needs the ceremony's key material (and so its secrets). */
export const KEY_ACTIONS: ReadonlySet<string> = new Set(['generate-key', 'sign-root', 'sign-crl', 'sign-intermediate', 're-split', 'restore-to-token']);

export async function runAction(step: CeremonyStep, ctx: ActionContext): Promise<{ [k: string]: JsonValue }> {
  const script = ctx.req.script.script;
  switch (step.action) {
    case 'generate-key':
      return script.kind === 'intermediate' ? generateIntermediateKey(script, ctx) : generateKey(script as RootScript, ctx, step);
    case 'sign-root':
      return signRoot(script as RootScript, ctx, step);
    case 'sign-crl':
      return signCrl(script as CrlScript, ctx);
    case 'sign-intermediate':
      return signIntermediateStep(script as IntermediateScript, ctx, step);
    case 're-split':
      return resplit(script as KeyBackupScript, ctx, step);
    case 'restore-to-token':
      return restoreToToken(script as KeyRestoreScript, ctx);
    case 'old-shares-destroyed':
      // What the acknowledging custodians and witnesses just attested: these shares no longer exist.
      return {
        destroyed: (ctx.state.oldShares ?? []).map((s) => ({ ...s })),
        note: 'the old shares no longer open the key: the workspace records only the new split',
      };
    case undefined:
      return {};
    default:
      throw new CeremonyError(
        'CEREMONY_UNSUPPORTED',
        `step "${step.id}": action ${(step as { readonly action: string }).action} is not built into this version`,
      );
  }
}

async function generateKey(script: RootScript, ctx: ActionContext, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const { req, state, out } = ctx;
  if (script.key.store === 'shares') {
    const split = await splitRootKey({
      ws: req.ws,
      out,
      label: script.key.label,
      algorithm: script.key.algorithm,
      threshold: script.key.threshold,
      custodians: accessOf(ctx).newSplit ?? [],
      actor: req.actor,
      ...typeBackCheck(ctx, step, script.key.label, script.key.custodians.length),
    });
    // From here on the key is opened through the share files just verified on the medium (unlockFor).
    state.keyRecord = split.record;
    return split.result;
  }
  const generated = await generateOnToken(req.ws, req.actor, script.key.label, script.key.algorithm, accessOf(ctx).pkcs11!);
  state.keyRecord = generated.record;
  return generated.result;
}

/**
 * Generates a key on a token and registers it. generatePkcs11Key refuses a label already
 * on the token and destroys a key the token did not make sensitive and non-extractable;
 * what it read back is what the transcript records.
 */
async function generateOnToken(
  ws: Workspace,
  actor: string,
  label: string,
  algorithm: KeyAlgorithm,
  binding: Pkcs11Binding,
): Promise<{ record: KeyRecord; result: { [k: string]: JsonValue } }> {
  const { spki, location } = await generatePkcs11Key({ label, algorithm, binding });
  const record = new KeyRepository(ws).add({ label, algorithm, store: 'pkcs11', spki, location: { ...location } }, actor);
  return { record, result: tokenKeyResult(record) };
}

/** What the transcript says of a key on a token (also for one adopted when resuming). */
export function tokenKeyResult(record: KeyRecord): { [k: string]: JsonValue } {
  const location = record.location as unknown as { tokenSerial: string; tokenLabel: string; sensitive: boolean; extractable: boolean };
  return {
    label: record.label,
    algorithm: record.algorithm,
    spkiSha256: record.spkiSha256,
    tokenSerial: location.tokenSerial,
    tokenLabel: location.tokenLabel,
    CKA_SENSITIVE: location.sensitive,
    CKA_EXTRACTABLE: location.extractable,
  };
}

/** Opens the CA key the ceremony signs with (once; it is closed when the ceremony ends). */
export async function openCeremonyKey(ctx: Pick<ActionContext, 'req' | 'state' | 'out'>, record: KeyRecord): Promise<SigningKey> {
  if (ctx.state.signer && ctx.state.signer.label === record.label) return ctx.state.signer;
  ctx.state.signer?.close();
  // With shares, this is where the key is reassembled in memory; close() at the end wipes it.
  const key = await openSigningKey(record, unlockFor(ctx.req.ws, accessOf(ctx), record, ctx.out.path));
  ctx.state.signer = key;
  return key;
}

async function signRoot(script: RootScript, ctx: ActionContext, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const { req, state } = ctx;
  const record = state.keyRecord ?? new KeyRepository(req.ws).get(script.key.label);
  const key = await openCeremonyKey(ctx, record);
  const bound = rootValidityBound(script);
  const subjectDer = encodeName(parseSubject(script.certificate.subject));
  const planned = plannedFields(script.certificate.ca, {
    subjectDer,
    issuerDer: subjectDer,
    validityDays: script.certificate.validityDays,
    extensions: rootCaExtensions(key.spki, script.certificate.pathLen),
  });
  const comparison = await compareWithRehearsal(planned, step, ctx);
  // signCertificate lints the TBS, signs, verifies, requires the signed TBS to equal the linted bytes and lints again.
  const signed = await createRootCa(req.ws, {
    name: script.certificate.ca,
    subject: parseSubject(script.certificate.subject),
    validityDays: script.certificate.validityDays,
    key,
    actor: req.actor,
    ...(script.certificate.pathLen !== undefined ? { pathLen: script.certificate.pathLen } : {}),
    ...(script.guards ? { maxValidityDays: bound } : {}),
    review: tbsReview(step, ctx),
  });
  return { ca: script.certificate.ca, ...recordSignedCertificate(script.certificate.ca, signed, script, ctx, planned, comparison) };
}

/**
 * Writes a ceremony's certificate (DER and PEM, exclusively) and returns what the
 * transcript says of it, including whether the signed fields match the compared plan.
 */
function recordSignedCertificate(
  ca: string,
  signed: SignedCertificate,
  script: RootScript | IntermediateScript,
  ctx: ActionContext,
  planned: ComparableCertificate,
  comparison: { [k: string]: JsonValue } | undefined,
): { [k: string]: JsonValue } {
  const cert = signed.certificate;
  const produced = signedFields(ca, cert.der);
  ctx.state.produced.push(produced);
  writeCertificateFiles(ctx.out, ca, cert.der);
  return {
    serial: cert.serial.toString('hex'),
    sha256: cert.sha256,
    sha256Words: hashWords(cert.sha256),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    lintWarnings: signed.findings.map((f) => `[${f.rule}] ${f.message}`),
    lintsSkipped: signed.skipped.map((s) => ({ rule: s.rule, reason: s.reason })),
    tbsIdenticalToLinted: true,
    ...(script.guards ? { validityGuard: { maxValidityDays: script.guards.maxValidityDays, reason: script.guards.reason } } : {}),
    ...(comparison ? { rehearsalComparison: { ...comparison, signedMatchesCompared: JSON.stringify(produced) === JSON.stringify(planned) } } : {}),
  };
}

export function writeCertificateFiles(out: OutputDir, ca: string, der: Buffer): void {
  out.write(`${ca}.der`, der);
  out.write(`${ca}.pem`, pem(der, 'CERTIFICATE'));
}

export function writeCrlFiles(out: OutputDir, ca: string, crlNumber: number, der: Buffer): void {
  out.write(`${ca}-crl-${crlNumber}.der`, der);
  out.write(`${ca}-crl-${crlNumber}.pem`, pem(der, 'X509 CRL'));
}

/** The key a key-backup re-splits: it must exist and be a shares key. */
export function sharesKey(ws: Workspace, label: string): KeyRecord {
  const record = new KeyRepository(ws).get(label);
  if (record.store !== 'shares')
    throw new CeremonyError('CEREMONY_UNSUPPORTED', `key "${record.label}" is a ${record.store} key; this ceremony needs a key held in custodian shares`);
  return record;
}

/** With `shareCheck: type-back`, the custodians type each new share back (share-type-back.ts) before the step completes. */
function typeBackCheck(ctx: ActionContext, step: CeremonyStep, label: string, total: number): { check?: ShareCheckHook } {
  const { req } = ctx;
  const typeBack = req.typeBack;
  if (shareCheckOf(req.script.script) !== 'type-back' || !typeBack) return {};
  return { check: (shares) => typeBackShares({ ws: req.ws, typeBack, ceremony: req.script.script.name, step: step.id, label, total, shares }) };
}

async function resplit(script: KeyBackupScript, ctx: ActionContext, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const { req, state } = ctx;
  const record = sharesKey(req.ws, script.backup.key);
  state.oldShares = (record.location as unknown as SharedKeyLocation).shares;
  const { signer, result } = await resplitSharedKey({
    ws: req.ws,
    out: ctx.out,
    record,
    oldShares: accessOf(ctx).shares ?? [],
    threshold: script.backup.threshold,
    custodians: accessOf(ctx).newSplit ?? [],
    actor: req.actor,
    ...typeBackCheck(ctx, step, record.label, script.backup.custodians.length),
  });
  state.signer?.close();
  state.signer = signer;
  // Kept in the step's result so a resumed ceremony can still name the destroyed shares.
  return { ...result, oldShares: state.oldShares.map((s) => ({ ...s })) };
}

/** key-restore: the shares reassembled in memory only, imported onto the bound token, the CA rebound to it. */
async function restoreToToken(script: KeyRestoreScript, ctx: ActionContext): Promise<{ [k: string]: JsonValue }> {
  const { req, state } = ctx;
  if (script.kind !== 'key-restore') throw new CeremonyError('CEREMONY_SCRIPT_INVALID', 'restore-to-token belongs to a key-restore ceremony');
  const { record, result } = await restoreSharedKey({
    ws: req.ws,
    record: sharesKey(req.ws, script.restore.key),
    shares: accessOf(ctx).shares ?? [],
    binding: accessOf(ctx).newKeyToken!,
    label: script.restore.label,
    actor: req.actor,
  });
  // From here on the ceremony's key (for the transcript signature) is the one on the token.
  state.keyRecord = record;
  return result;
}

async function generateIntermediateKey(script: IntermediateScript, ctx: ActionContext): Promise<{ [k: string]: JsonValue }> {
  const key = script.intermediate.key;
  if (key.source !== 'pkcs11')
    throw new CeremonyError('CEREMONY_SCRIPT_INVALID', 'generate-key in an intermediate ceremony needs intermediate.key.source: pkcs11');
  const generated = await generateOnToken(ctx.req.ws, ctx.req.actor, key.label, key.algorithm, accessOf(ctx).newKeyToken!);
  ctx.state.intermediateKey = generated.record;
  return generated.result;
}

async function signIntermediateStep(script: IntermediateScript, ctx: ActionContext, step: CeremonyStep): Promise<{ [k: string]: JsonValue }> {
  const { req, state } = ctx;
  const i = script.intermediate;
  const parent = loadCa(req.ws, i.parent);
  const bound = intermediateValidityBound(script, parent, new Date());
  const key = await openCeremonyKey(ctx, parent.key);
  const subjectKey = state.csr ? { csr: state.csr } : state.intermediateKey ? { record: state.intermediateKey } : undefined;
  if (!subjectKey) throw new CeremonyError('CEREMONY_SCRIPT_INVALID', 'sign-intermediate ran before the intermediate had a key');
  const subjectSpki = 'csr' in subjectKey ? subjectKey.csr.csr.publicKey.spki : subjectKey.record.spki;
  const planned = plannedFields(i.ca, {
    subjectDer: encodeName(parseSubject(i.subject)),
    issuerDer: parent.certificate.subjectDer,
    validityDays: i.validityDays,
    extensions: intermediateCaExtensions(subjectSpki, parent.certificate.spki, intermediateOptions(script)),
  });
  const comparison = await compareWithRehearsal(planned, step, ctx);
  const signed = await signIntermediate({
    ws: req.ws,
    script,
    parentKey: key,
    subjectKey,
    maxValidityDays: bound,
    actor: req.actor,
    review: tbsReview(step, ctx, key.spki),
  });
  const recorded = recordSignedCertificate(i.ca, signed, script, ctx, planned, comparison);
  // The request that was signed goes back onto the medium with its certificate, byte for byte.
  if (state.csr) ctx.out.write(`${i.ca}.csr`, state.csr.bytes);
  return { ca: i.ca, parent: i.parent, keySource: i.key.source, ...recorded };
}

async function signCrl(script: CrlScript, ctx: ActionContext): Promise<{ [k: string]: JsonValue }> {
  const { req } = ctx;
  const ca = loadCa(req.ws, script.crl.ca);
  const key = await openCeremonyKey(ctx, ca.key);
  const { der, crlNumber } = await issueCrl(req.ws, {
    ca: script.crl.ca,
    caKey: key,
    revoke: script.crl.revocations.map((r) => ({ serialHex: r.serial, reason: r.reason })),
    nextUpdateDays: script.crl.nextUpdateDays,
    actor: req.actor,
  });
  writeCrlFiles(ctx.out, script.crl.ca, crlNumber, der);
  return crlResult(script, crlNumber, der);
}

export function crlResult(script: CrlScript, crlNumber: number, der: Buffer): { [k: string]: JsonValue } {
  const sha256 = createHash('sha256').update(der).digest('hex');
  return {
    ca: script.crl.ca,
    crlNumber,
    sha256,
    sha256Words: hashWords(sha256),
    revoked: script.crl.revocations.map((r) => ({ serial: r.serial, reason: r.reason })),
  };
}

const COMPARISON_ROLES: readonly Role[] = ['administrator', 'witnesses'];

/**
 * Before the key signs: the to-be-signed certificate exactly as its bytes read back
 * (subject, issuer, validity, key, extensions) and what every lint said, shown to the room
 * and put on the record; the administrator and witnesses acknowledge it, or the
 * signature is not made.
 */
function tbsReview(step: CeremonyStep, ctx: ActionContext, signerSpki?: Buffer): TbsReviewer {
  return async ({ facts, findings, skipped }) => {
    const { req } = ctx;
    const certificate = describeFacts(facts) as unknown as { [k: string]: JsonValue };
    const spkiSha256 = createHash('sha256').update(facts.spki).digest('hex');
    const lints = {
      warnings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
      skipped: skipped.map((k) => ({ rule: k.rule, reason: k.reason })),
    };
    const shown = formatTbs(describeForPeople(facts, signerSpki), spkiSha256, lints);
    req.say(shown);
    ctx.transcript.append({ type: 'review', step: step.id, certificate, spkiSha256, lints });
    const reviewStep: CeremonyStep = {
      id: `${step.id}-tbs-review`,
      // The screen shows a step's text where people acknowledge it: the certificate goes there too.
      say: `Acknowledge only if the certificate about to be signed is what the script says (${findings.length} lint warning(s), ${skipped.length} skipped):${shown}`,
      acknowledge: [...COMPARISON_ROLES],
    };
    await acknowledgeStep(req, ctx.transcript, reviewStep, { spkiSha256 });
  };
}

/** The TBS in words (main/x509/describe/), every extension by name with its decoded value and code. */
function formatTbs(
  d: CertificateDescription,
  spkiSha256: string,
  lints: { warnings: { rule: string; message: string }[]; skipped: { rule: string; reason: string }[] },
): string {
  return [
    '\nto be signed:\n',
    ...descriptionLines(d, '  ').map((l) => `${l}\n`),
    `  ${labelColumn('key SPKI SHA-256')}${spkiSha256}\n`,
    `  ${labelColumn('lints')}${lints.warnings.length === 0 ? 'no warnings' : lints.warnings.map((w) => `[${w.rule}] ${w.message}`).join('; ')}\n`,
    ...(lints.skipped.length ? [`  ${labelColumn('lints skipped')}${lints.skipped.map((k) => `${k.rule}: ${k.reason}`).join('; ')}\n`] : []),
  ].join('');
}

/**
 * Before a certificate is signed at the real ceremony: its planned fields side by side
 * with the rehearsal's, acknowledged by the administrator and witnesses. A difference
 * stops the step unless the run was told to accept differences, and then the
 * acknowledgment covers them; either way the comparison goes into the transcript.
 */
async function compareWithRehearsal(planned: ComparableCertificate, step: CeremonyStep, ctx: ActionContext): Promise<{ [k: string]: JsonValue } | undefined> {
  const { req, state } = ctx;
  const rehearsal = state.rehearsal;
  if (!rehearsal) return undefined;
  const before = rehearsal.record.certificates.find((c) => c.name === planned.name);
  const rows = compareFields(before, planned);
  const identical = rows.every((r) => r.same);
  req.say(formatComparison(planned.name, rows));
  if (!identical && !req.acceptRehearsalDifferences) {
    throw new CeremonyError(
      'CEREMONY_REHEARSAL_DIFFERS',
      `"${planned.name}" differs from the rehearsal in ${rows
        .filter((r) => !r.same)
        .map((r) => r.field)
        .join(', ')}; stop here, or run again with the differences accepted and acknowledged`,
      'check',
      { rows },
    );
  }
  const compareStep: CeremonyStep = {
    id: `${step.id}-rehearsal-comparison`,
    say: identical
      ? `"${planned.name}" matches the rehearsal field by field`
      : `"${planned.name}" DIFFERS from the rehearsal; acknowledging accepts the differences`,
    acknowledge: [...COMPARISON_ROLES],
  };
  const acks = await acknowledgeStep(req, ctx.transcript, compareStep, { identical });
  return {
    rehearsal: rehearsal.path,
    rehearsalSha256: rehearsal.sha256,
    identical,
    fields: rows.map((r) => ({ ...r })),
    acknowledgments: acks.map((a) => ({ ...a })),
  };
}

export function pem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
