import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { refusalOf } from '../files/refusal-audit.js';
import { DATABASE_FILE, Workspace } from '../store/workspace.js';
import type { CliContext } from './cli-context.js';

/**
 * A refusal the audit log must hold (files/refusal-audit.ts), reported by a command, is
 * written to the workspace's log when the workspace exists: the CLI is a face like the
 * app, and a symlinked share file or a report aimed into `keys/` is evidence whichever
 * face met it. A command run without a workspace (a QA engineer verifying a stick on
 * their own machine) has no log to write to, and nothing is created for it.
 */
export function recordCliRefusal(e: unknown, command: string, context: CliContext): void {
  const refusal = refusalOf(e);
  if (refusal === null) return;
  try {
    const home = context.home;
    if (!existsSync(join(home, DATABASE_FILE))) return;
    const ws = Workspace.open(home, context.actor);
    try {
      ws.audit.append({
        actor: context.actor,
        action: refusal.action,
        subject: refusal.path ?? command,
        details: { operation: `cli ${command}`, code: refusal.code, message: refusal.message },
      });
    } finally {
      ws.close();
    }
  } catch {
    // the refusal itself is the error to report; a workspace that cannot be opened says so on its own next time
  }
}
