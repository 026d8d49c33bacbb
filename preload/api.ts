/**
 * The one contract between the renderer and the core. The preload exposes it as
 * `window.hallmark`, main/ipc.ts binds it to the core, and the e2e test host serves it
 * over loopback. Every input has a strict zod schema (unknown keys are errors); outputs
 * are plain data described by the types below.
 *
 * This file must stay importable by the sandboxed preload and the browser: zod and
 * types only, no Node or Electron imports.
 */
import { z } from 'zod';
import type { CertificateDescriptionView } from './api-certificate.js';
export type { AlgorithmWordsView, CertificateDescriptionView, ExtensionDescriptionView } from './api-certificate.js';
import { authoritiesInputSchemas, type AuthoritiesOutputs } from './api-authorities.js';
export type { AuthorityCrlView, AuthorityKeyView, AuthorityView } from './api-authorities.js';
import { inventoryHealthInputSchemas, type InventoryHealthOutputs } from './api-inventory-health.js';
export type { InventoryHealthView, ReconcileReportView, ReconcileUnlistedView } from './api-inventory-health.js';
export { RECONCILE_MAX_LISTED } from './api-inventory-health.js';
import { operatorsInputSchemas, type OperatorsOutputs } from './api-operators.js';
export type { OperatorSessionView, OperatorStatusView } from './api-operators.js';

const auditName = z.string().min(1).max(200);

/** A path on the station's disk (chosen by the user), never with a NUL. */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
/** Who the audit log names for a station action: the technician at the fixture. */
const operatorName = z
  .string()
  .max(100)
  .refine((s) => s.trim().length > 0, 'the operator name is required')
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
const batchId = z.string().min(1).max(64);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
/** a ceremony participant's name as the script spells it (ceremony-script-schema.ts) */
const participantName = z
  .string()
  .min(1)
  .max(64)
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
const ceremonyIdent = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/);
const ceremonyRole = z.enum(['administrator', 'custodians', 'witnesses']);
const inventoryStatus = z.enum(['confirmed', 'failed', 'superseded', 'revoked']);
/** what a native folder dialog is opened for: the face titles it, the core never sees a window */
const folderPurpose = z.enum(['manifest', 'previous-manifest', 'manifest-import', 'registry-export']);
export type FolderPurpose = z.infer<typeof folderPurpose>;

/**
 * The CA key's unlock for a station run, typed by the technician. A renderer cannot name
 * a file or an environment variable of the main process (the CLI's --passphrase-file /
 * --passphrase-env), so the secret itself crosses IPC: in memory only, never logged,
 * never stored, never echoed in any output, event or error, and dropped once the key is
 * open (main/api/station-unlock.ts).
 */
const caUnlock = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }),
  z.strictObject({ kind: z.literal('pkcs11-pin'), pin: z.string().min(1).max(256) }),
]);

export const inputSchemas = {
  'workspace.info': z.strictObject({}),
  'audit.query': z.strictObject({
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(1000),
    action: auditName.optional(),
    actor: auditName.optional(),
    newestFirst: z.boolean().optional(),
  }),
  'audit.facets': z.strictObject({}),
  'audit.verify': z.strictObject({}),
  'station.batches': z.strictObject({ includeClosed: z.boolean().optional() }),
  'station.createBatch': z.strictObject({
    /** the product policy (YAML) on the station's disk */
    policyPath: filePath,
    quantity: z.number().int().min(1).max(200_000),
    plan: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('range'), range: z.string().min(3).max(200) }),
      z.strictObject({ kind: z.literal('csv'), path: filePath }),
    ]),
    id: batchId.optional(),
    /** typed: only while the workspace has no accounts; with accounts the signed-in one is recorded */
    operator: operatorName.optional(),
  }),
  'station.ports': z.strictObject({}),
  'station.start': z.strictObject({
    batchId,
    ports: z.array(filePath).min(1).max(64),
    /** typed: only while the workspace has no accounts; with accounts the signed-in one is recorded */
    operator: operatorName.optional(),
    unlock: caUnlock,
    /** the workspace's audit key, when given: checkpoints during the run and at its stop (docs/audit.md) */
    auditUnlock: caUnlock.optional(),
  }),
  'station.stop': z.strictObject({ operator: operatorName.optional() }),
  /** the run's batch, or `batchId`'s counters when no run is on it */
  'station.status': z.strictObject({ batchId: batchId.optional() }),
  /** `dir` typed, from dialog.openFolder or from a drop (dialog.droppedFolders); the others typed */
  'qa.verify': z.strictObject({ dir: filePath, trustPem: filePath, planCsv: filePath.optional(), previousDir: filePath.optional() }),
  /** one entry of the manifest in `dir`; `manifestSha256` (from qa.verify) refuses a folder changed since */
  'qa.device': z.strictObject({ dir: filePath, index: z.number().int().min(0).max(10_000_000), manifestSha256: sha256Hex.optional() }),
  /**
   * Verifies again and writes the HTML report where the main process's save dialog puts it
   * (`.html` forced, never inside the workspace, created exclusively); null when cancelled.
   * `out` is refused (OUTPUT_PATH_FROM_RENDERER): the window never names an output path.
   */
  'qa.saveReport': z.strictObject({
    dir: filePath,
    trustPem: filePath,
    planCsv: filePath.optional(),
    previousDir: filePath.optional(),
    out: filePath.optional(),
  }),
  /** stops every qa.verify / qa.saveReport verification in flight: each fails with OPERATION_CANCELLED */
  'qa.cancel': z.strictObject({}),
  /** `operator` typed: only while the workspace has no accounts; with accounts the signed-in one is recorded */
  'inventory.import': z.strictObject({ dirs: z.array(filePath).min(1).max(64), trustPem: filePath, operator: operatorName.optional() }),
  'inventory.batches': z.strictObject({}),
  'inventory.search': z.strictObject({
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(1000),
    serial: z.string().min(1).max(200).optional(),
    /** certificate or public-key SHA-256; case and colons are ignored */
    fingerprint: z.string().min(1).max(200).optional(),
    batch: batchId.optional(),
    status: inventoryStatus.optional(),
  }),
  'inventory.device': z.strictObject({ fingerprint: sha256Hex }),
  'inventory.stats': z.strictObject({}),
  /** per station its manifest chain with gaps; public keys on more than one device */
  'inventory.fleet': z.strictObject({}),
  /** which inventory the section reads (the workspace's SQLite or a PostgreSQL server) and why; set only outside the window */
  'inventory.source': z.strictObject({}),
  /** paths are typed for now; the app's native open dialog will fill the same fields */
  'ceremony.load': z.strictObject({ scriptPath: filePath, bindingPath: filePath }),
  /**
   * One custodian approves the script's hash and the binding's, together; refused when
   * either file no longer has the hash shown (`sha256`, `bindingSha256`).
   */
  'ceremony.approveHash': z.strictObject({ scriptPath: filePath, sha256: sha256Hex, bindingPath: filePath, bindingSha256: sha256Hex, name: participantName }),
  /** refused (CEREMONY_BINDING_CHANGED) when the binding no longer has the approved `bindingSha256` */
  'ceremony.preflight': z.strictObject({ scriptPath: filePath, bindingPath: filePath, bindingSha256: sha256Hex }),
  'ceremony.start': z.strictObject({
    scriptPath: filePath,
    bindingPath: filePath,
    /** the hash the custodians approved; the run refuses a script with any other */
    approvedHash: sha256Hex,
    /** the binding's hash the custodians approved with it; the run refuses a binding with any other */
    approvedBindingHash: sha256Hex,
    /**
     * Refused (OUTPUT_PATH_FROM_RENDERER): the output medium is chosen in the main
     * process's folder dialog, which ceremony.start opens (never inside the workspace;
     * created if missing; existing files are never overwritten).
     */
    outDir: filePath.optional(),
  }),
  /**
   * Answers the PIN or passphrase the run asks for at the step that needs it (the run
   * view's `secretRequest`): typed by that person, in memory only, never logged, stored
   * or echoed.
   */
  'ceremony.provideSecret': z.strictObject({ runId: z.string().uuid(), requestId: z.string().min(1).max(64), secret: z.string().min(1).max(1024) }),
  /** a custodian's share as typed back from the printed sheet (the run view's `shareTypeBack`); checked line by line by the run */
  'ceremony.provideShareText': z.strictObject({ runId: z.string().uuid(), requestId: z.string().min(1).max(96), text: z.string().min(1).max(20000) }),
  /** the workspace's ceremony register, newest first */
  'ceremony.list': z.strictObject({}),
  'ceremony.show': z.strictObject({ id: z.string().uuid() }),
  /** the person typed their own name; it must be the participant the step waits for */
  'ceremony.acknowledge': z.strictObject({
    runId: z.string().uuid(),
    step: ceremonyIdent,
    role: ceremonyRole,
    name: participantName,
    /** a custodian's own passphrase or PIN, once the workspace has accounts (docs/operators.md): checked and dropped, never stored */
    credential: z.string().min(1).max(1024).optional(),
  }),
  'ceremony.abort': z.strictObject({ runId: z.string().uuid(), reason: z.string().trim().min(1).max(500) }),
  'ceremony.status': z.strictObject({}),
  /**
   * Continues an interrupted ceremony of the register (status 'interrupted') with its own
   * script and output folder: the custodians approved the script's hash again
   * (ceremony.approveHash), and it must be the hash the register recorded.
   */
  'ceremony.resume': z.strictObject({ id: z.string().uuid(), bindingPath: filePath, approvedHash: sha256Hex, approvedBindingHash: sha256Hex }),
  /** closes an interrupted ceremony as `hallmark ceremony abort` does: register, audit log and, when its medium is here, its transcript */
  'ceremony.abortInterrupted': z.strictObject({ id: z.string().uuid(), reason: z.string().trim().min(1).max(500) }),
  /** a witness wants something on the record; recorded after the current step's acknowledgments */
  'ceremony.noteException': z.strictObject({ runId: z.string().uuid(), name: participantName, note: z.string().trim().min(1).max(2000) }),
  /** the CAs' calendar (main/ca/ca-calendar.ts): CRL re-signing, CA renewal and expiry dates */
  'ceremony.calendar': z.strictObject({}),
  /**
   * Writes it as an .ics file where the main process's save dialog puts it (`.ics` forced,
   * never inside the workspace, never over an existing file); null when cancelled. `path`
   * is refused (OUTPUT_PATH_FROM_RENDERER).
   */
  'ceremony.exportCalendar': z.strictObject({ path: filePath.optional() }),
  /** the native folder dialog of the face (main/api/dialog-handlers.ts); null when cancelled */
  'dialog.openFolder': z.strictObject({ purpose: folderPurpose }),
  /** the same with several folders selectable; [] when cancelled */
  'dialog.openFolders': z.strictObject({ purpose: folderPurpose }),
  /**
   * Paths of dropped items (window.hallmark.pathForFile) resolved to manifest folders: a
   * folder is itself, a dropped manifest.json or manifest.json.p7s is its folder, anything
   * else is named as a problem. The renderer cannot stat a path; this is the one place that does.
   */
  'dialog.droppedFolders': z.strictObject({ paths: z.array(filePath).min(1).max(64) }),
  ...authoritiesInputSchemas,
  ...inventoryHealthInputSchemas,
  ...operatorsInputSchemas,
} as const;

export type OperationName = keyof typeof inputSchemas;
export const OPERATION_NAMES = Object.keys(inputSchemas) as OperationName[];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEntryView {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: { [key: string]: JsonValue };
  prevHash: string;
  hash: string;
}

export interface AuditHeadView {
  seq: number;
  hash: string;
}

export type ChainStatusView = (
  | { ok: true; count: number; head: AuditHeadView | null }
  | {
      ok: false;
      count: number;
      lastGood: AuditHeadView | null;
      firstBadSeq: number | null;
      problem: string;
      message: string;
    }
) & {
  /** the signed checkpoints, checked against the workspace's own audit certificates (docs/audit.md); null: no audit key */
  checkpoints: CheckpointStatusView | null;
};

export interface CheckpointRefView {
  seq: number;
  signedSeq: number;
  time: string;
  reason: string;
}

export type CheckpointStatusView =
  | { ok: true; verified: number; last: CheckpointRefView | null; uncheckpointed: number }
  | { ok: false; verified: number; last: CheckpointRefView | null; firstBadCheckpointSeq: number; problem: string; message: string; uncheckpointed: number };

export interface WorkspaceInfoView {
  home: string;
  databasePath: string;
  keysPath: string;
  schemaVersion: number;
  workspaceId: string;
  createdAt: string;
  appVersion: string;
}

/** A device's steps as the station records them (main/station/station-steps.ts). */
export type StationStepName =
  'identified' | 'checked' | 'nonce' | 'csr-accepted' | 'issued' | 'certificate-resent' | 'chain-written' | 'done' | 'refused' | 'failed' | 'reworked';

/** A work order's counters, straight from the database; `remaining` = quota − devices holding a certificate. */
export interface StationCountsView {
  planned: number;
  quantity: number;
  /** certificates committed (rework replacements included) */
  issued: number;
  /** devices holding a certificate (what the quota counts) */
  devicesIssued: number;
  confirmed: number;
  failed: number;
  refused: number;
  reworked: number;
  remaining: number;
}

export interface StationBatchView {
  id: string;
  model: string;
  status: 'open' | 'closed';
  issuingCa: string;
  quantity: number;
  planned: number;
  planSource: string;
  createdAt: string;
  createdBy: string;
  counts: StationCountsView;
}

export interface SerialPortView {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  location?: string;
}

/** One port tile. `failed` covers refusals (a decision about the device) and faults. */
export interface PortTileView {
  port: string;
  state: 'idle' | 'running' | 'done' | 'failed';
  serial: string | null;
  /** the last step recorded on this port */
  step: StationStepName | null;
  /** how far along the happy path this attempt got, 0–7 (identified 1 … done 7) */
  progress: number;
  attempt: number;
  result: 'done' | 'refused' | 'failed' | null;
  code: string | null;
  /** the core's own message (technical) */
  message: string | null;
  /** the core's remedy in plain words, when it has one */
  remedy: string | null;
  certificateSerial: string | null;
  updatedAt: string;
}

/** One line of the live event list. */
export interface StationLogEntryView {
  seq: number;
  time: string;
  kind: 'run-started' | 'step' | 'retry' | 'device' | 'stopping' | 'finished';
  port: string | null;
  serial: string | null;
  step: StationStepName | null;
  result: 'done' | 'refused' | 'failed' | null;
  code: string | null;
  /** a short detail: the stop reason, the retry attempt, a refusal's message */
  text: string | null;
}

export interface StationRunView {
  runId: string;
  batchId: string;
  operator: string;
  phase: 'running' | 'stopping' | 'finished';
  startedAt: string;
  finishedAt: string | null;
  stopReason: string | null;
  ports: PortTileView[];
  /** devices confirmed in this run per minute of run time; null before the first */
  throughputPerMinute: number | null;
}

export interface StationStatusView {
  run: StationRunView | null;
  /** counters of `batchId` (or the run's batch), null when neither names one */
  counts: StationCountsView | null;
  /** newest last, at most 100 */
  recent: StationLogEntryView[];
}

export interface Outputs extends AuthoritiesOutputs, InventoryHealthOutputs, OperatorsOutputs {
  'workspace.info': WorkspaceInfoView;
  'audit.query': { total: number; entries: AuditEntryView[] };
  'audit.facets': { actions: string[]; actors: string[] };
  'audit.verify': ChainStatusView;
  'station.batches': { batches: StationBatchView[] };
  'station.createBatch': StationBatchView;
  'station.ports': { ports: SerialPortView[] };
  'station.start': StationStatusView;
  'station.stop': StationStatusView;
  'station.status': StationStatusView;
  'qa.verify': QaReportView;
  'qa.device': QaDeviceDetailView;
  /** null: the save dialog was cancelled, nothing written */
  'qa.saveReport': { path: string; bytes: number; ok: boolean } | null;
  'qa.cancel': { cancelled: number };
  'inventory.import': { results: InventoryImportResultView[] };
  'inventory.batches': { batches: InventoryBatchView[] };
  'inventory.search': { total: number; rows: InventoryRowView[] };
  'inventory.device': InventoryDeviceDetailView;
  'inventory.stats': { batches: InventoryStatsBatchView[] };
  'inventory.fleet': InventoryFleetView;
  'inventory.source': InventorySourceView;
  'ceremony.load': CeremonyPlanView;
  'ceremony.approveHash': CeremonyHashApprovalView;
  'ceremony.preflight': CeremonyPreflightView;
  'ceremony.start': CeremonyRunView;
  'ceremony.acknowledge': CeremonyRunView;
  'ceremony.abort': CeremonyRunView;
  'ceremony.status': { run: CeremonyRunView | null };
  'ceremony.calendar': { events: CaCalendarEventView[] };
  /** null: the save dialog was cancelled, nothing written */
  'ceremony.exportCalendar': { path: string; events: CaCalendarEventView[] } | null;
  'ceremony.provideSecret': CeremonyRunView;
  'ceremony.provideShareText': CeremonyRunView;
  'ceremony.list': { ceremonies: CeremonySummaryView[] };
  'ceremony.show': CeremonyDetailView;
  'ceremony.resume': CeremonyRunView;
  'ceremony.abortInterrupted': CeremonyAbortedView;
  'ceremony.noteException': CeremonyRunView;
  'dialog.openFolder': { path: string | null };
  'dialog.openFolders': { paths: string[] };
  'dialog.droppedFolders': { items: DroppedFolderView[] };
}

/** One dropped item: `folder` to use, or why it cannot be used. */
export type DroppedFolderView = { path: string; ok: true; folder: string } | { path: string; ok: false; problem: string };

export type CeremonyRole = 'administrator' | 'custodians' | 'witnesses';

/** One entry of the CAs' calendar; dates ISO 8601 UTC. */
export interface CaCalendarEventView {
  /** stable per CA, kind and serial / CRL number (the .ics UID) */
  uid: string;
  kind: 'certificate-expires' | 'certificate-renew' | 'crl-resign';
  ca: string;
  /** the day to act */
  date: string;
  /** the hard limit */
  due: string;
  warnFrom: string;
  state: 'ok' | 'due-soon' | 'overdue';
  summary: string;
  description: string;
  serial: string | null;
  crlNumber: number | null;
}

export interface CeremonyStepPlanView {
  id: string;
  say: string;
  acknowledge: CeremonyRole[];
  action: string | null;
  /** who must acknowledge, in order: every participant of every role named */
  members: { role: CeremonyRole; name: string }[];
}

/** A loaded script and binding, before anyone approves anything. */
export interface CeremonyPlanView {
  scriptPath: string;
  bindingPath: string;
  name: string;
  kind: string;
  sha256: string;
  /** one word per byte (main/ceremony/hash-words.ts), for reading aloud */
  words: string[];
  /** the hash as a QR code, an SVG document */
  qrSvg: string;
  participants: { administrator: string; custodians: string[]; witnesses: string[] };
  requireNoNetwork: boolean;
  /** what the ceremony makes, as label/value pairs (key, subject, validity, CRL…) */
  summary: { label: string; value: string }[];
  steps: CeremonyStepPlanView[];
  /** the token part of the binding; null when the ceremony's key is not on a token */
  binding: { module: string; tokenSerial: string; pinSource: string } | null;
  /** true when the administrator types the token PIN in the app at the step that needs it */
  pinRequired: boolean;
  /** the binding's SHA-256 (its exact bytes): approved with the script's */
  bindingSha256: string;
  bindingWords: string[];
  bindingQrSvg: string;
  /** every part of the binding: modules, token serials, PIN sources, each custodian's passphrase source and share file, the CSR */
  bindingParts: CeremonyBindingPartView[];
  /**
   * `file:` and `env:` secret sources. The app refuses them (CEREMONY_SECRET_SOURCE_REFUSED)
   * unless `allowed`: the binding says allowUnattendedSources: true, a line the custodians approve with its hash.
   */
  unattendedSources: { allowed: boolean; sources: { at: string; line: number | null; kind: 'file' | 'env'; custodian: string | null; describe: string }[] };
  /** each PKCS#11 module the binding names, and whether this machine's allow-list admits it (checked, never loaded, here) */
  modules: { at: string; path: string; allowed: boolean; problem: string | null }[];
}

export interface CeremonyBindingPartView {
  label: string;
  value: string;
  /** its line in the binding file */
  line: number | null;
  /** why it deserves a second look; null when it does not */
  attention: string | null;
}

export interface CeremonyHashApprovalView {
  name: string;
  sha256: string;
  /** the binding's SHA-256, approved with the script's */
  bindingSha256: string;
  /** UTC, ISO 8601, as recorded in the audit log */
  time: string;
}

export interface CeremonyPreflightCheckView {
  name: 'clock' | 'app' | 'workspace' | 'token' | 'network' | 'swap' | 'core-dumps' | 'secrets';
  /** warn: shown with its fix; the ceremony may still start */
  status: 'pass' | 'fail' | 'warn';
  summary: string;
  /** the refusal's code for a failed check that has one (PKCS11_MODULE_NOT_ALLOWED, CEREMONY_SECRET_SOURCE_REFUSED, …) */
  code?: string;
}

export interface CeremonyPreflightView {
  ok: boolean;
  checkedAt: string;
  checks: CeremonyPreflightCheckView[];
}

export interface CeremonyAckView {
  role: CeremonyRole;
  name: string;
  /** UTC, ISO 8601; null while still awaited */
  time: string | null;
}

export interface CeremonyStepRunView {
  id: string;
  say: string;
  action: string | null;
  state: 'pending' | 'acknowledging' | 'working' | 'done' | 'failed';
  acks: CeremonyAckView[];
  /**
   * 'script' for the script's own steps; the others are acknowledgments run-ceremony asks
   * for outside the script, shown as extra rows: the witnesses' confirmation of the
   * pre-flight clock, a rehearsal comparison before a signature, or any other ('extra').
   */
  kind: 'script' | 'preflight-clock' | 'rehearsal-comparison' | 'extra';
}

/** A PIN or passphrase the run waits for; answered with ceremony.provideSecret. Never holds the secret. */
export interface CeremonySecretRequestView {
  id: string;
  kind: 'pin' | 'passphrase';
  /** what is asked, e.g. the PKCS#11 PIN of token serial … */
  what: string;
  /** the custodian whose passphrase it is; null for the token PIN */
  custodian: string | null;
  /** who types it: the custodian, or the administrator for a PIN */
  who: string;
  /** the step whose action needs it */
  step: string;
}

/** A custodian types their new share back from its printed sheet; answered with ceremony.provideShareText. */
export interface CeremonyShareTypeBackView {
  id: string;
  custodian: string;
  /** the key whose share it is */
  label: string;
  index: number;
  total: number;
  /** the step that made the split */
  step: string;
  /** the sheet on the output medium, relative to it */
  sheet: string;
  /** why the previous attempt was refused (the line with a typo); null on the first */
  problem: string | null;
}

export interface CeremonyOutputView {
  file: string;
  sha256: string;
  bytes: number;
}

export interface CeremonyResultView {
  outDir: string;
  transcriptPath: string;
  transcriptSha256: string;
  /** the printable transcript */
  transcriptHtmlPath: string;
  /** the detached CMS over the transcript; null when the ceremony had no CA key */
  signaturePath: string | null;
  sumsPath: string;
  /** the ceremony's id in the register */
  ceremonyId: string;
  outputs: CeremonyOutputView[];
  /** the certificate the ceremony made (root), decoded; null for a CRL */
  certificate: CertificateView | null;
  certificateWords: string[] | null;
}

export interface CeremonyRunView {
  runId: string;
  /** grows with every change: a response and an event may arrive in either order */
  revision: number;
  name: string;
  kind: string;
  scriptSha256: string;
  phase: 'running' | 'completed' | 'aborted';
  startedAt: string;
  finishedAt: string | null;
  /** index of the step in progress (steps.length when all are done) */
  current: number;
  steps: CeremonyStepRunView[];
  /** what the core told the room (pre-flight, progress), newest last */
  log: string[];
  /** the UTC clock the pre-flight recorded, for the witnesses to confirm; null until known */
  clockUtc: string | null;
  /** the PIN or passphrase the run waits for now */
  secretRequest: CeremonySecretRequestView | null;
  /** the share a custodian is asked to type back now (`shareCheck: type-back`) */
  shareTypeBack: CeremonyShareTypeBackView | null;
  result: CeremonyResultView | null;
  /** why the ceremony stopped */
  error: { code: string; message: string } | null;
  /** the script's witnesses: who may note an exception (ceremony.noteException) */
  witnesses: string[];
  /** exceptions noted on the screen during this run, oldest first */
  exceptions: CeremonyExceptionView[];
}

/** A witness's exception: queued until the current step's acknowledgments are in, then recorded (transcript and audit log). */
export interface CeremonyExceptionView {
  name: string;
  note: string;
  /** UTC, when it was typed */
  notedAt: string;
  /** 'unrecorded': the run ended before another step's acknowledgments could carry it */
  state: 'queued' | 'recorded' | 'unrecorded';
  /** the step it was recorded at; null until recorded */
  step: string | null;
}

/** An interrupted ceremony closed from the screen. */
export interface CeremonyAbortedView {
  detail: CeremonyDetailView;
  /** whether the `aborted` record reached its transcript, and if not why */
  transcript: string;
}

/** One ceremony of the workspace's register. */
export interface CeremonySummaryView {
  id: string;
  name: string;
  kind: string;
  /** 'interrupted': the register says running but no run of this app session is (a killed process, a pulled token) */
  status: 'running' | 'completed' | 'aborted' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  stepsDone: number;
  stepsTotal: number;
  outDir: string;
  transcriptSha256: string | null;
  rehearsal: boolean;
  error: { code: string; message: string } | null;
}

export interface CeremonyCommittedStepView {
  index: number;
  step: string;
  action: string | null;
  completedAt: string;
  acknowledgments: { role: string; name: string; time: string; via: string }[];
  outputs: CeremonyOutputView[];
}

export interface CeremonyDetailView extends CeremonySummaryView {
  scriptSha256: string;
  scriptPath: string;
  startedBy: string;
  steps: CeremonyCommittedStepView[];
  /** the transcript's files (transcript.jsonl, transcript.html, its signature, SHA256SUMS) found in outDir, as absolute paths */
  files: { name: string; path: string; bytes: number }[];
}

/** A certificate decoded for display (main/x509/describe-certificate.ts). */
export interface CertificateView {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  publicKeyAlgorithm: string;
  sha256: string;
  basicConstraints: { ca: boolean; pathLen?: number } | null;
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  subjectAltName: {
    dns: string[];
    uris: string[];
    hardwareModuleNames: { hwType: string; hwSerialNum: string; hwSerialNumText: string | null }[];
    other: string[];
  } | null;
  masaUrl: string | null;
  extensions: { oid: string; critical: boolean }[];
  /** the same in words, every extension by name with its decoded value (certificate-details.tsx shows this) */
  description: CertificateDescriptionView;
  /** the SHA-256 as words, one per byte (main/ceremony/hash-words.ts) */
  sha256Words: string[];
}

/** One named check of the standalone verifier; `skip` = nothing to run on (no plan) or its input failed earlier. */
export interface QaCheckView {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  summary: string;
  details: string[];
}

export type DeviceEntryStatusView = 'confirmed' | 'failed' | 'superseded' | 'revoked';

/** One manifest entry, summarized for the list (`index` is its position in manifest.json). */
export interface QaDeviceSummaryView {
  index: number;
  hardwareSerial: string;
  model: string;
  status: DeviceEntryStatusView;
  deviceState: string;
  certificateSerial: string | null;
  certificateSha256: string | null;
}

export interface QaReportView {
  ok: boolean;
  folder: string;
  manifestSha256: string | null;
  workOrder: string | null;
  sequence: number | null;
  /** entries in the manifest */
  devices: number | null;
  signer: { subject: string; sha256: string } | null;
  signingTime: string | null;
  verifiedAt: string;
  checks: QaCheckView[];
  /** the first entries (at most QA_MAX_DEVICE_SUMMARIES); empty when manifest.json is not a manifest */
  deviceList: QaDeviceSummaryView[];
  deviceListTruncated: boolean;
}
export const QA_MAX_DEVICE_SUMMARIES = 20_000;

export interface QaDeviceDetailView extends QaDeviceSummaryView {
  firstSeenAt: string;
  lastChangeAt: string;
  attempts: number;
  issuedAt: string | null;
  publicKeySha256: string | null;
  revocation: { reason: string; revokedAt: string } | null;
  rework: { reason: string; revocationReason: string; operator: string; approvedAt: string; note: string | null } | null;
  lastError: { code: string; message: string | null } | null;
  /** null without a certificate */
  certificate: CertificateView | null;
  /** why the certificate could not be decoded */
  certificateProblem: string | null;
  /** a Matter work order's entry: VID/PID, the PAI's SHA-256 and the factory data's verifier digest (never a passcode) */
  matter?: {
    vendorId: string;
    productId: string;
    paiSha256: string;
    verifierSha256: string | null;
    discriminator: number | null;
    iterations: number | null;
  } | null;
}

export type InventoryImportResultView =
  | {
      folder: string;
      ok: true;
      created: boolean;
      batchId: string;
      sequence: number;
      entries: number;
      added: number;
      unchanged: number;
      retired: number;
      notes: string[];
    }
  | { folder: string; ok: false; code: string; message: string };

export interface InventoryBatchView {
  manifestSha256: string;
  stationId: string;
  sequence: number;
  batchId: string;
  model: string;
  entries: number;
  certificates: number;
  confirmed: number;
  failed: number;
  superseded: number;
  revoked: number;
  added: number;
  /** active certificates of this batch in the inventory now (retirements by later manifests count) */
  active: number;
  signedAt: string | null;
  importedAt: string;
  importedBy: string;
}

export interface InventoryRowView {
  id: number;
  hardwareSerial: string;
  model: string;
  status: DeviceEntryStatusView;
  certificateSerial: string;
  certificateSha256: string;
  batchId: string;
  issuedAt: string;
}

/** Certificates first imported by one manifest, by their status now; oldest import first. */
export interface InventoryStatsBatchView {
  manifestSha256: string;
  batchId: string;
  model: string;
  stationId: string;
  sequence: number;
  signedAt: string | null;
  importedAt: string;
  confirmed: number;
  failed: number;
  superseded: number;
  revoked: number;
}

/** Each station's manifest sequence numbers as imported, with the missing ones (a stick that never arrived). */
export interface InventoryStationChainView {
  stationId: string;
  manifests: { sequence: number; batchId: string; sha256: string; importedAt: string }[];
  gaps: { from: number; to: number }[];
  missing: number;
}

/** One certificate carrying a public key that another device's certificate also carries. */
export interface InventorySharedKeyCertificateView {
  certificateSha256: string;
  hardwareSerial: string;
  model: string;
  status: DeviceEntryStatusView;
  stationId: string;
  batchId: string;
}

export interface InventoryFleetView {
  stations: InventoryStationChainView[];
  sharedKeys: { publicKeySha256: string; certificates: InventorySharedKeyCertificateView[] }[];
  /** more keys are shared than listed */
  sharedKeysTruncated: boolean;
}

export interface InventorySourceView {
  backend: 'sqlite' | 'postgres';
  /** environment: HALLMARK_INVENTORY_DB of the main process; setting: the workspace's inventory.db; workspace: its own database */
  from: 'environment' | 'setting' | 'workspace';
  /** the server's URL without a password, or the workspace folder */
  location: string;
}

export interface InventoryDeviceDetailView extends InventoryRowView {
  publicKeySha256: string;
  deviceState: string;
  revokedAt: string | null;
  revocationReason: string | null;
  stationId: string;
  manifestSha256: string;
  statusManifestSha256: string;
  importedAt: string;
  certificate: CertificateView;
}

export type Input<Op extends OperationName> = z.input<(typeof inputSchemas)[Op]>;
export type Output<Op extends OperationName> = Outputs[Op];

/** Events the core pushes to the renderer. */
export interface Events {
  'audit.appended': { seq: number; action: string };
  /** a per-device transition (the port's tile after it) or a run phase change, with the counters */
  'station.event': StationEventView;
  /** the ceremony run after any change (a step, an acknowledgment, its end) */
  'ceremony.event': CeremonyRunView;
  /** a QA verification's progress, every ~100 ms while it runs (it runs off the window's process) */
  'qa.progress': QaProgressView;
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['audit.appended', 'station.event', 'ceremony.event', 'qa.progress'];

/** entries fully checked (their signature too) of all entries in the manifest at `dir`; total 0 until it is parsed */
export interface QaProgressView {
  dir: string;
  checked: number;
  total: number;
}

export interface StationEventView {
  runId: string;
  batchId: string;
  phase: StationRunView['phase'];
  /** null for a counters-only update */
  entry: StationLogEntryView | null;
  /** the port's tile after this event, for per-device events */
  tile: PortTileView | null;
  /** present when the counters changed */
  counts: StationCountsView | null;
  throughputPerMinute: number | null;
}

/** What crosses the boundary: never a thrown Error (Electron strips its fields), always an envelope. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** window.hallmark */
export interface HallmarkApi extends HallmarkBridge {
  invoke<Op extends OperationName>(op: Op, input: Input<Op>): Promise<Output<Op>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/**
 * What the preload answers itself, without IPC. Electron 32+ took File.path away from the
 * renderer; webUtils.getPathForFile() is the way to learn where a dropped item lives.
 */
export interface HallmarkBridge {
  /** the dropped item's path on this computer; '' for a File not backed by the disk */
  pathForFile(file: File): string;
}

/** the IPC half of window.hallmark, which preload/client.ts builds over a transport */
export type HallmarkClient = Omit<HallmarkApi, keyof HallmarkBridge>;

/** The IPC channel names; one per operation, never a generic "invoke anything" channel. */
export const channelFor = (op: OperationName): string => `hallmark:${op}`;
export const eventChannelFor = (event: EventName): string => `hallmark-event:${event}`;
