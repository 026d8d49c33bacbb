/**
 * A secret the ceremony asks for at the step that needs it — a source the binding marks
 * `typed: true`, or (in the app) an environment source the app does not hand over — from
 * the person it belongs to: the token PIN from the administrator, each custodian's
 * passphrase from that custodian in turn. The answer lives only in the run's memory.
 */
export interface SecretRequest {
  /** stable within a run, for the face to answer the right prompt */
  readonly id: string;
  readonly kind: 'pin' | 'passphrase';
  /** e.g. "the PKCS#11 PIN of token serial 1a2b…", "custodian \"Alice\"'s passphrase" */
  readonly what: string;
  /** where the answer is kept in the run's environment: the variable the binding names, or typed:<binding path> */
  readonly env: string;
  /** the custodian whose passphrase this is, when it is one */
  readonly custodian: string | null;
  /** the step whose action needs it */
  readonly step: string;
}

export type SecretPrompt = (request: SecretRequest) => Promise<string>;
