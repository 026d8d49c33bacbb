/**
 * A secret the ceremony asks for at the step that needs it, when the binding names an
 * environment variable as its source and the face (the app) collects it from the person
 * instead: the token PIN from the administrator, each custodian's passphrase from that
 * custodian in turn. The answer lives only in the run's memory, under that variable name.
 */
export interface SecretRequest {
  /** stable within a run, for the face to answer the right prompt */
  readonly id: string;
  readonly kind: 'pin' | 'passphrase';
  /** e.g. "the PKCS#11 PIN of token serial 1a2b…", "custodian \"Alice\"'s passphrase" */
  readonly what: string;
  /** the environment variable the binding names */
  readonly env: string;
  /** the custodian whose passphrase this is, when it is one */
  readonly custodian: string | null;
  /** the step whose action needs it */
  readonly step: string;
}

export type SecretPrompt = (request: SecretRequest) => Promise<string>;
