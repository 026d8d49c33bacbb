import type { JsonValue } from '../../encoding/canonical-json.js';

type Json = { [k: string]: JsonValue };

/** A file the ceremony wrote to its output medium. */
export interface TranscriptOutput {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * One line of transcript.jsonl. Every record has its position, the SHA-256 (hex) of the
 * previous line's UTF-8 bytes (without the newline), and its UTC time; the rest depends
 * on `type`. Records are written with canonicalJson, so one record has one byte form.
 */
export type TranscriptRecord = { readonly seq: number; readonly prev: string; readonly time: string } & TranscriptEvent;

export type TranscriptEvent =
  | {
      readonly type: 'started';
      readonly format: string;
      /** the workspace's ceremony id (ceremonies table) */
      readonly ceremonyId: string;
      readonly ceremony: string;
      readonly kind: string;
      /** acknowledgments came from an ack file (rehearsal or test), not from people */
      readonly rehearsal: boolean;
      /** run against a throw-away copy of the workspace */
      readonly dryRun: boolean;
      readonly script: {
        readonly path: string;
        readonly sha256: string;
        readonly words: readonly string[];
        readonly qrText: string;
        readonly approvedHash: string;
      };
      /** what the binding chose (no secret), its path, SHA-256 (hex, words, QR text), the approved hash and each secret source's kind */
      readonly binding: Json;
      readonly participants: { readonly administrator: string; readonly custodians: readonly string[]; readonly witnesses: readonly string[] };
      readonly actor: string;
      readonly steps: readonly { readonly id: string; readonly action: string | null; readonly acknowledge: readonly string[] }[];
      /** the files the ceremony will write, checked free before anything happened */
      readonly plannedOutputs: readonly string[];
    }
  /** pre-flight facts (main/ceremony/preflight.ts), as shown to the witness */
  | { readonly type: 'preflight'; readonly preflight: Json }
  /** an input brought to the ceremony, e.g. the intermediate's CSR with its SHA-256 */
  | { readonly type: 'input'; readonly name: string; readonly facts: Json }
  | {
      readonly type: 'step-started';
      readonly step: string;
      readonly index: number;
      readonly say: string;
      readonly acknowledge: readonly string[];
      readonly action: string | null;
    }
  | { readonly type: 'acknowledged'; readonly step: string; readonly role: string; readonly name: string; readonly via: string }
  /** something a witness saw and wanted on the record; does not stop the ceremony */
  | { readonly type: 'exception'; readonly step: string | null; readonly role: string; readonly by: string; readonly note: string }
  | ({ readonly type: 'output'; readonly step: string } & TranscriptOutput)
  /**
   * The to-be-signed certificate as read back from its encoding, with its lint results,
   * shown to the administrator and witnesses before the key signed it (they acknowledge
   * it under the pseudo-step `<step>-tbs-review`).
   */
  | { readonly type: 'review'; readonly step: string; readonly certificate: Json; readonly spkiSha256: string; readonly lints: Json }
  /** what a step's action did (key generated, certificate signed with its fingerprint and word list, …) */
  | { readonly type: 'action'; readonly step: string; readonly action: string; readonly result: Json }
  /** the step is committed in the workspace (ceremony_steps row and audit entry) */
  | { readonly type: 'step-completed'; readonly step: string; readonly index: number }
  /** a later run picked up an interrupted ceremony after its last committed step */
  | { readonly type: 'resumed'; readonly by: string; readonly committedSteps: number; readonly movedAside: readonly string[]; readonly binding?: Json }
  /**
   * The run stopped at a step (wrong PIN, pulled token, a refused check) without finishing
   * it: the ceremony stays open in the register, to be resumed or aborted.
   */
  | { readonly type: 'stopped'; readonly step: string | null; readonly code: string; readonly message: string }
  | { readonly type: 'aborted'; readonly step: string | null; readonly code: string; readonly message: string; readonly by: string }
  /**
   * The last record of a finished ceremony: every output (with transcript.html), the key
   * that signs transcript.jsonl.p7s, and the workspace's audit head at the end.
   */
  | {
      readonly type: 'completed';
      readonly outputs: readonly TranscriptOutput[];
      readonly signedBy: { readonly key: string; readonly algorithm: string; readonly spkiSha256: string; readonly certificateSha256: string } | null;
      readonly auditHead: { readonly seq: number; readonly hash: string } | null;
      readonly extra: Json;
    };

export type TranscriptType = TranscriptEvent['type'];
