import type { CeremonyPreflightView } from '../../preload/api.js';
import { bindingSummary } from '../ceremony/ceremony-binding.js';
import { checkPreflight } from '../ceremony/preflight.js';
import type { Workspace } from '../store/workspace.js';
import { readBinding, readScript } from './ceremony-plan.js';

/**
 * The pre-flight as pass/fail rows, every check at once, for the people in the room before
 * they start. The run repeats the same pre-flight and records that one in the transcript.
 */
export function preflightView(ws: Workspace, scriptPath: string, bindingPath: string): CeremonyPreflightView {
  const script = readScript(scriptPath).script;
  const b = bindingSummary(readBinding(bindingPath));
  const { result, checks } = checkPreflight({
    workspace: ws.home,
    requireNoNetwork: script.preflight.requireNoNetwork,
    ...(b.module !== undefined && b.tokenSerial !== undefined ? { modulePath: b.module, tokenSerial: b.tokenSerial } : {}),
    ...(b.intermediateToken ? { extraTokens: [{ modulePath: b.intermediateToken.module, tokenSerial: b.intermediateToken.tokenSerial, role: "intermediate's token" }] } : {}),
  });
  return { ok: result !== null, checkedAt: result?.clockUtc ?? new Date().toISOString(), checks: checks.map((c) => ({ ...c })) };
}
