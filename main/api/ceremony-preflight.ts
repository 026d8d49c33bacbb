import { networkInterfaces } from 'node:os';
import type { CeremonyPreflightCheckView, CeremonyPreflightView } from '../../preload/api.js';
import { APP_VERSION } from '../app-version.js';
import { appCodeHash } from '../ceremony/app-code-hash.js';
import { bindingSummary } from '../ceremony/ceremony-binding.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { listPkcs11Tokens } from '../keys/pkcs11/pkcs11-key-store.js';
import type { Workspace } from '../store/workspace.js';
import { readBinding, readScript } from './ceremony-plan.js';

/**
 * The pre-flight facts as pass/fail rows, for the people in the room before they start.
 * run-ceremony's runPreflight stops at the first failure and says it in one message; the
 * screen wants every check at once, so this gathers the same facts itself. The run then
 * repeats the real pre-flight and records that one in the transcript.
 */
export function preflightView(ws: Workspace, scriptPath: string, bindingPath: string): CeremonyPreflightView {
  const script = readScript(scriptPath).script;
  const binding = readBinding(bindingPath);
  const checks: CeremonyPreflightCheckView[] = [];
  const now = new Date().toISOString();
  checks.push({ name: 'clock', status: 'pass', summary: `${now} (UTC) — the witness compares it with a trusted clock` });
  const code = appCodeHash();
  checks.push({ name: 'app', status: 'pass', summary: `Hallmark ${APP_VERSION}, code SHA-256 ${code.sha256} (${code.files} files)` });
  checks.push({ name: 'workspace', status: 'pass', summary: ws.home });
  const token = bindingSummary(binding);
  if (token.module !== undefined && token.tokenSerial !== undefined) checks.push(tokenCheck(token.module, token.tokenSerial));
  const up = Object.entries(networkInterfaces()).flatMap(([name, addrs]) => (addrs ?? []).filter((a) => !a.internal).map((a) => `${name} ${a.address}`));
  const require = script.preflight.requireNoNetwork;
  checks.push({
    name: 'network',
    status: require && up.length > 0 ? 'fail' : 'pass',
    summary: up.length === 0 ? 'no interface up but loopback' : `UP: ${up.join(', ')}${require ? ' — the script requires none: disconnect them' : ' (the script allows it)'}`,
  });
  return { ok: checks.every((c) => c.status === 'pass'), checkedAt: now, checks };
}

function tokenCheck(modulePath: string, serial: string): CeremonyPreflightCheckView {
  try {
    const tokens = listPkcs11Tokens(modulePath).filter((t) => t.initialized);
    const t = tokens.find((x) => x.serial === serial);
    if (t) return { name: 'token', status: 'pass', summary: `"${t.label}" serial ${t.serial} (${t.manufacturer} ${t.model})` };
    return { name: 'token', status: 'fail', summary: `no initialized token with serial ${serial} (present: ${tokens.map((x) => `"${x.label}" serial ${x.serial}`).join(', ') || 'none'})` };
  } catch (e) {
    if (!isHallmarkError(e)) throw e;
    return { name: 'token', status: 'fail', summary: `${e.code}: ${e.message}` };
  }
}
