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

export interface RunCeremonyRequest {
  readonly ws: Workspace;
  readonly script: LoadedScript;
  readonly scriptPath: string;
  readonly approvedHash: string;
  readonly binding: LoadedBinding;
  readonly env: NodeJS.ProcessEnv;
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
  /** asks for a secret the binding sources from an environment variable the env lacks, at the step that needs it */
  readonly secrets?: SecretPrompt;
  /**
   * Exceptions the witnesses want on the record, asked after every step's acknowledgments
   * (the terminal asks each witness; the app hands over what was noted since the last call).
   */
  readonly exceptions?: (step: string) => Promise<readonly NotedException[]>;
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
