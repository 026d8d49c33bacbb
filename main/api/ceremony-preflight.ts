import type { CeremonyPreflightCheckView, CeremonyPreflightView } from '../../preload/api.js';
import { assertBindingApproved, bindingSummary, unattendedSources, type LoadedBinding } from '../ceremony/ceremony-binding.js';
import { checkPreflight } from '../ceremony/preflight.js';
import { auditedRefusal, preflightTokenOf } from '../ceremony/run-ceremony.js';
import type { Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';
import type { Workspace } from '../store/workspace.js';
import { readBinding, readScript } from './ceremony-plan.js';

/**
 * The pre-flight as pass/fail/warn rows, every check at once, for the people in the room
 * before they start. The binding is read again and must still be the approved one
 * (`bindingSha256`), or the pre-flight is refused (CEREMONY_BINDING_CHANGED) before any
 * module is looked at. Modules are checked against the allow-list before anything loads
 * them. The run repeats the same pre-flight and records that one in the transcript.
 */
export function preflightView(
  ws: Workspace,
  scriptPath: string,
  bindingPath: string,
  bindingSha256: string,
  modules: Pkcs11ModuleAllowList,
): CeremonyPreflightView {
  const script = readScript(scriptPath).script;
  const loaded = readBinding(bindingPath);
  auditedRefusal(ws, script.participants.administrator, script.name, loaded, () => assertBindingApproved(loaded, bindingSha256, 'pre-flight'));
  const b = bindingSummary(loaded);
  const { result, checks } = checkPreflight({
    workspace: ws.home,
    requireNoNetwork: script.preflight.requireNoNetwork,
    modules,
    ...(b.module !== undefined && b.tokenSerial !== undefined ? { modulePath: b.module, ...preflightTokenOf({ ...b, tokenSerial: b.tokenSerial }) } : {}),
    // A root key generated on the token: whether the token can hold it is shown here too.
    ...(script.kind === 'root' && script.key.store === 'pkcs11' ? { keyAlgorithm: script.key.algorithm } : {}),
    ...(b.intermediateToken
      ? { extraTokens: [{ modulePath: b.intermediateToken.module, ...preflightTokenOf(b.intermediateToken), role: "intermediate's token" }] }
      : {}),
  });
  const rows: CeremonyPreflightCheckView[] = checks.map((c) => ({ ...c }));
  const secrets = secretsCheck(loaded);
  // After the workspace row: what the binding reads without anyone typing it.
  rows.splice(rows.findIndex((c) => c.name === 'workspace') + 1, 0, secrets);
  return { ok: result !== null && secrets.status !== 'fail', checkedAt: result?.clockUtc ?? new Date().toISOString(), checks: rows };
}

/** The app's rule on secret sources, as a row: typed everywhere, or file/env sources the binding allows (a warning), or refused. */
function secretsCheck(loaded: LoadedBinding): CeremonyPreflightCheckView {
  const unattended = unattendedSources(loaded);
  if (unattended.length === 0) return { name: 'secrets', status: 'pass', summary: 'every PIN and passphrase is typed at the step that needs it' };
  const list = unattended.map((s) => `${s.at}${s.line !== null ? ` (line ${s.line})` : ''}: ${s.describe}`).join('; ');
  if (loaded.binding.allowUnattendedSources === true) {
    return {
      name: 'secrets',
      status: 'warn',
      summary: `read without anyone typing them, as the approved binding allows (allowUnattendedSources: true): ${list}`,
    };
  }
  return {
    name: 'secrets',
    status: 'fail',
    code: 'CEREMONY_SECRET_SOURCE_REFUSED',
    summary: `refused in the app: ${list} — make each { typed: true }, or add allowUnattendedSources: true to the binding for the custodians to approve`,
  };
}
