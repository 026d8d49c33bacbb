import { networkInterfaces } from 'node:os';
import { APP_VERSION } from '../app-version.js';
import { listPkcs11Tokens } from '../keys/pkcs11/pkcs11-key-store.js';
import { appCodeHash } from './app-code-hash.js';
import { CeremonyError } from './ceremony-errors.js';

export interface PreflightResult {
  readonly clockUtc: string;
  readonly appVersion: string;
  readonly appCode: { readonly root: string; readonly sha256: string; readonly files: number };
  readonly workspace: string;
  /** non-loopback interfaces that are up, with their addresses */
  readonly networkInterfaces: readonly { name: string; address: string; family: string }[];
  readonly requireNoNetwork: boolean;
  /** null when the ceremony's key is not on a token (custodian shares, a software key) */
  readonly token: { readonly label: string; readonly serial: string; readonly manufacturer: string; readonly model: string; readonly slot: number } | null;
}

/**
 * The facts the witness checks before anything is generated. A machine with a network
 * interface up is not air-gapped; when the script demands that, the ceremony stops here
 * (before any acknowledgment or key) rather than recording a ceremony that was not.
 */
export function runPreflight(args: { workspace: string; requireNoNetwork: boolean; modulePath?: string; tokenSerial?: string }): PreflightResult {
  const up = Object.entries(networkInterfaces()).flatMap(([name, addrs]) =>
    (addrs ?? []).filter((a) => !a.internal).map((a) => ({ name, address: a.address, family: a.family })),
  );
  if (args.requireNoNetwork && up.length > 0) {
    throw new CeremonyError(
      'CEREMONY_PREFLIGHT_FAILED',
      `the script requires no network, but these interfaces are up: ${[...new Set(up.map((u) => u.name))].join(', ')}; disconnect them and run again`,
      'check',
      { interfaces: up },
    );
  }
  const base = { clockUtc: new Date().toISOString(), appVersion: APP_VERSION, appCode: appCodeHash(), workspace: args.workspace, networkInterfaces: up, requireNoNetwork: args.requireNoNetwork };
  if (args.modulePath === undefined) return { ...base, token: null };
  const tokens = listPkcs11Tokens(args.modulePath);
  const token = tokens.find((t) => t.initialized && t.serial === args.tokenSerial);
  if (!token) {
    throw new CeremonyError(
      'CEREMONY_PREFLIGHT_FAILED',
      `no initialized token with serial ${args.tokenSerial} (present: ${tokens.filter((t) => t.initialized).map((t) => `"${t.label}" serial ${t.serial}`).join(', ') || 'none'})`,
      'environment',
    );
  }
  return {
    ...base,
    token: { label: token.label, serial: token.serial, manufacturer: token.manufacturer, model: token.model, slot: token.slot },
  };
}
