import type { Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';
import type { Workspace } from '../store/workspace.js';
import type { AckSource } from './acknowledgments.js';
import type { LoadedBinding } from './ceremony-binding.js';
import type { OutputFile } from './exclusive-output.js';
import type { LoadedScript } from './parse-ceremony-script.js';
import type { SecretPrompt } from './secret-request.js';

/** Something a witness wants on the record; the ceremony goes on. */
export interface NotedException {
  readonly role: 'administrator' | 'custodians' | 'witnesses';
  readonly name: string;
  readonly note: string;
}

/** A custodian types their new share back from its printed sheet, before the next custodian's turn. */
export interface ShareTypeBackRequest {
  /** stable within a run */
  readonly id: string;
  readonly custodian: string;
  /** the key's label and the share's place in the split */
  readonly label: string;
  readonly index: number;
  readonly total: number;
  /** the step that made the split */
  readonly step: string;
  /** the printable sheet on the output medium the custodian reads from (relative to it) */
  readonly sheet: string;
  /** why the previous attempt was refused (the line with a typo, a different share), for the custodian to correct */
  readonly problem?: string;
}

export interface RunCeremonyRequest {
  readonly ws: Workspace;
  readonly script: LoadedScript;
  readonly scriptPath: string;
  readonly approvedHash: string;
  readonly binding: LoadedBinding;
  /** the binding's SHA-256 as the custodians approved it; the run refuses any other, at start and at pre-flight */
  readonly approvedBindingHash: string;
  readonly env: NodeJS.ProcessEnv;
  /**
   * The app: every PIN and passphrase is typed at its step. `file:` and `env:` sources are
   * refused unless the binding says allowUnattendedSources: true, and environment sources
   * the (handed-over) environment lacks are asked for rather than refused.
   */
  readonly secretsTypedOnly?: boolean;
  /** the PKCS#11 modules this run may load (default: HALLMARK_PKCS11_MODULES of this process and the workspace's setting) */
  readonly pkcs11Modules?: Pkcs11ModuleAllowList;
  readonly outDir: string;
  readonly acks: AckSource;
  readonly actor: string;
  /** progress and instructions for the people in the room */
  readonly say: (text: string) => void;
  /** after the run, keep the certificates' comparable fields here (never overwritten) */
  readonly saveRehearsal?: string;
  /** before each certificate signature, compare with this rehearsal record and have it acknowledged */
  readonly compareRehearsal?: string;
  /** go on when the comparison finds differences (the acknowledgment then covers them) */
  readonly acceptRehearsalDifferences?: boolean;
  /** continue this interrupted ceremony (its id in the register) after its last committed step */
  readonly resume?: string;
  /** the workspace is a throw-away copy (`--dry-run`); recorded in the transcript */
  readonly dryRun?: boolean;
  /** asks, at the step that needs it, for a secret the binding marks typed (and, in the app, an environment source the env lacks) */
  readonly secrets?: SecretPrompt;
  /**
   * Exceptions the witnesses want on the record, asked after every step's acknowledgments
   * (the terminal asks each witness; the app hands over what was noted since the last call).
   */
  readonly exceptions?: (step: string) => Promise<readonly NotedException[]>;
  /**
   * The text of a share as its custodian typed it from the paper sheet (main/keys/shares/
   * share-text.ts form), for scripts whose split asks for it (`shareCheck: type-back`).
   */
  readonly typeBack?: (request: ShareTypeBackRequest) => Promise<string>;
  /** called once the ceremony is in the register, before its first acknowledgment */
  readonly registered?: (ceremonyId: string) => void;
}

export interface CeremonyResult {
  readonly ceremonyId: string;
  readonly outDir: string;
  readonly transcript: OutputFile;
  readonly transcriptHtml: OutputFile;
  /** null when the ceremony had no CA key to sign with */
  readonly signature: OutputFile | null;
  readonly sums: OutputFile;
  /** certificates, CRLs, shares, sheets, publication files */
  readonly outputs: readonly OutputFile[];
}
