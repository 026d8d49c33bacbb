import { networkInterfaces } from 'node:os';
import { APP_VERSION } from '../app-version.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import type { KeyAlgorithm } from '../keys/key-algorithm.js';
import { assertTokenCanGenerate, listPkcs11Tokens } from '../keys/pkcs11/pkcs11-key-store.js';
import { checkPkcs11Module, pkcs11AllowList, type Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';
import { SYSTEM_ROOTS, type SystemRoots } from '../system/mounts.js';
import { appCodeHash } from './app-code-hash.js';
import { CeremonyError } from './ceremony-errors.js';
import { coreDumpCheck, readCoreDumps, readSwap, swapCheck, type CoreDumpFacts, type SwapFacts } from './machine-checks.js';

export interface PreflightToken {
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly slot: number;
}

export interface PreflightResult {
  readonly clockUtc: string;
  readonly appVersion: string;
  readonly appCode: { readonly root: string; readonly sha256: string; readonly files: number };
  readonly workspace: string;
  /** non-loopback interfaces that are up, with their addresses */
  readonly networkInterfaces: readonly { name: string; address: string; family: string }[];
  readonly requireNoNetwork: boolean;
  /** null when the ceremony's key is not on a token (custodian shares, a software key) */
  readonly token: PreflightToken | null;
  /** further tokens the ceremony uses (an intermediate's own token), only when there are any */
  readonly extraTokens?: readonly (PreflightToken & { readonly role: string })[];
  /** what could put key material on a disk: swap and core dumps (warnings, not refusals) */
  readonly machine: { readonly swap: SwapFacts; readonly coreDumps: CoreDumpFacts };
}

export type PreflightCheckName = 'clock' | 'app' | 'workspace' | 'token' | 'network' | 'swap' | 'core-dumps';

export interface PreflightCheck {
  readonly name: PreflightCheckName;
  /** warn: shown with its fix, does not stop the ceremony */
  readonly status: 'pass' | 'fail' | 'warn';
  /** one line for the people in the room */
  readonly summary: string;
  /** the refusal's code, for a failed check that has one (PKCS11_MODULE_NOT_ALLOWED, …) */
  readonly code?: string;
}

export interface PreflightArgs {
  readonly workspace: string;
  readonly requireNoNetwork: boolean;
  readonly modulePath?: string;
  readonly tokenSerial?: string;
  /** where serials repeat (NSS softokn, tpm2-pkcs11): the label that tells the tokens apart */
  readonly tokenLabel?: string;
  /** C_Initialize's parameters for the module (NSS softokn) */
  readonly libraryParameters?: string;
  /** the key the ceremony generates on the token: its mechanisms and size are checked here, before any acknowledgment */
  readonly keyAlgorithm?: KeyAlgorithm;
  /** a second token the ceremony uses, e.g. the intermediate's own (binding.intermediateToken) */
  readonly extraTokens?: readonly {
    readonly modulePath: string;
    readonly tokenSerial: string;
    readonly tokenLabel?: string;
    readonly libraryParameters?: string;
    readonly keyAlgorithm?: KeyAlgorithm;
    readonly role: string;
  }[];
  /** the modules this machine may load (default: HALLMARK_PKCS11_MODULES of this process); checked before a module is loaded */
  readonly modules?: Pkcs11ModuleAllowList;
  /** where /proc, /sys and /dev are (tests) */
  readonly roots?: SystemRoots;
}

interface Failure {
  readonly message: string;
  readonly kind: 'check' | 'environment';
}

/**
 * Every pre-flight check, passed or failed, so the people in the room see all that is wrong
 * at once rather than one problem per attempt. `result` is the record for the transcript,
 * null when any check failed (a ceremony never records a pre-flight it did not pass).
 * Throws only for what is not a failed check (a bug, not the machine's state).
 */
export function checkPreflight(args: PreflightArgs): { result: PreflightResult | null; checks: PreflightCheck[] } {
  return evaluate(args).outcome;
}

/**
 * The facts the witness checks before anything is generated. A machine with a network
 * interface up is not air-gapped; when the script demands that, the ceremony stops here
 * (before any acknowledgment or key) rather than recording a ceremony that was not.
 */
export function runPreflight(args: PreflightArgs): PreflightResult {
  const { outcome, failures, interfaces } = evaluate(args);
  if (outcome.result) return outcome.result;
  throw new CeremonyError(
    'CEREMONY_PREFLIGHT_FAILED',
    failures.map((f) => f.message).join('; '),
    // A network that must be unplugged is the operator's to fix (check); a missing token is the machine's (environment).
    failures.some((f) => f.kind === 'check') ? 'check' : 'environment',
    {
      failed: outcome.checks.filter((c) => c.status === 'fail').map((c) => ({ name: c.name, summary: c.summary, ...(c.code ? { code: c.code } : {}) })),
      interfaces,
    },
  );
}

function evaluate(args: PreflightArgs): {
  outcome: { result: PreflightResult | null; checks: PreflightCheck[] };
  failures: Failure[];
  interfaces: PreflightResult['networkInterfaces'];
} {
  const checks: PreflightCheck[] = [];
  // Network first in the error message: it is the failure people can fix right away.
  const failures: Failure[] = [];
  const clockUtc = new Date().toISOString();
  checks.push({ name: 'clock', status: 'pass', summary: `${clockUtc} (UTC) — the witnesses compare it with a trusted clock` });
  const appCode = appCodeHash();
  checks.push({ name: 'app', status: 'pass', summary: `Hallmark ${APP_VERSION}, code SHA-256 ${appCode.sha256} (${appCode.files} files)` });
  checks.push({ name: 'workspace', status: 'pass', summary: args.workspace });

  const up = Object.entries(networkInterfaces()).flatMap(([name, addrs]) =>
    (addrs ?? []).filter((a) => !a.internal).map((a) => ({ name, address: a.address, family: a.family })),
  );
  const networkFailed = args.requireNoNetwork && up.length > 0;
  if (networkFailed) {
    failures.push({
      message: `the script requires no network, but these interfaces are up: ${[...new Set(up.map((u) => u.name))].join(', ')}; disconnect them and run again`,
      kind: 'check',
    });
  }

  const modules = args.modules ?? pkcs11AllowList(process.env);
  let token: PreflightToken | null = null;
  if (args.modulePath !== undefined) {
    const t = findToken(args.modulePath, args.tokenSerial ?? '', modules, args.libraryParameters, args.tokenLabel, args.keyAlgorithm);
    checks.push(tokenCheck(t, null));
    if ('token' in t) token = t.token;
    else failures.push({ message: t.problem, kind: 'environment' });
  }
  const extraTokens: (PreflightToken & { role: string })[] = [];
  for (const extra of args.extraTokens ?? []) {
    const t = findToken(extra.modulePath, extra.tokenSerial, modules, extra.libraryParameters, extra.tokenLabel, extra.keyAlgorithm);
    checks.push(tokenCheck(t, extra.role));
    if ('token' in t) extraTokens.push({ role: extra.role, ...t.token });
    else failures.push({ message: `${extra.role}: ${t.problem}`, kind: 'environment' });
  }

  const addrs = up.map((u) => `${u.name} ${u.address}`);
  checks.push({
    name: 'network',
    status: networkFailed ? 'fail' : 'pass',
    summary:
      up.length === 0
        ? 'no interface up but loopback'
        : `UP: ${addrs.join(', ')}${args.requireNoNetwork ? ' — the script requires none: disconnect them' : ' (the script allows it)'}`,
  });

  // Where key material in memory could reach a disk: shown with the fix, never a refusal.
  const roots = args.roots ?? SYSTEM_ROOTS;
  const machine = { swap: readSwap(roots), coreDumps: readCoreDumps(roots) };
  checks.push({ name: 'swap', ...swapCheck(machine.swap) });
  checks.push({ name: 'core-dumps', ...coreDumpCheck(machine.coreDumps) });

  const result: PreflightResult | null =
    failures.length > 0
      ? null
      : {
          clockUtc,
          appVersion: APP_VERSION,
          appCode,
          workspace: args.workspace,
          networkInterfaces: up,
          requireNoNetwork: args.requireNoNetwork,
          token,
          ...(extraTokens.length > 0 ? { extraTokens } : {}),
          machine,
        };
  return { outcome: { result, checks }, failures, interfaces: up };
}

function findToken(
  modulePath: string,
  serial: string,
  modules: Pkcs11ModuleAllowList,
  libraryParameters?: string,
  label?: string,
  keyAlgorithm?: KeyAlgorithm,
): { token: PreflightToken } | { problem: string; code: string } {
  let tokens;
  try {
    // The allow-list and the module file rules first: a module that is not the administrator's is never loaded.
    checkPkcs11Module(modulePath, modules);
    tokens = listPkcs11Tokens(modulePath, libraryParameters).filter((t) => t.initialized);
  } catch (e) {
    // A module that does not load is a failed check to show, not a crash of the check list.
    if (!isHallmarkError(e)) throw e;
    return { problem: `${e.code}: ${e.message}`, code: e.code };
  }
  // Serials repeat on some implementations (every NSS and tpm2-pkcs11 token reports 0000000000000000).
  const matching = tokens.filter((x) => x.serial === serial && (label === undefined || x.label === label));
  if (matching.length > 1) {
    return {
      problem: `the serial ${serial} is shared by ${matching.map((x) => `"${x.label}" in slot ${x.slot}`).join(' and ')}; the binding must name the tokenLabel as well`,
      code: 'PKCS11_TOKEN_NOT_FOUND',
    };
  }
  const t = matching[0];
  if (!t)
    return {
      problem: `no initialized token with serial ${serial}${label !== undefined ? ` labelled "${label}"` : ''} (present: ${tokens.map((x) => `"${x.label}" serial ${x.serial}`).join(', ') || 'none'})`,
      code: 'PKCS11_TOKEN_NOT_FOUND',
    };
  if (keyAlgorithm !== undefined) {
    try {
      assertTokenCanGenerate(
        { modulePath, tokenSerial: serial, tokenLabel: t.label, ...(libraryParameters !== undefined ? { libraryParameters } : {}) },
        keyAlgorithm,
      );
    } catch (e) {
      if (!isHallmarkError(e)) throw e;
      return { problem: `${e.code}: ${e.message}`, code: e.code };
    }
  }
  return { token: { label: t.label, serial: t.serial, manufacturer: t.manufacturer, model: t.model, slot: t.slot } };
}

function tokenCheck(t: { token: PreflightToken } | { problem: string; code: string }, role: string | null): PreflightCheck {
  const prefix = role === null ? '' : `${role}: `;
  if ('problem' in t) return { name: 'token', status: 'fail', summary: `${prefix}${t.problem}`, code: t.code };
  return { name: 'token', status: 'pass', summary: `${prefix}"${t.token.label}" serial ${t.token.serial} (${t.token.manufacturer} ${t.token.model})` };
}
