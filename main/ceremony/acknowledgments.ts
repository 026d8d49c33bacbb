import { createInterface } from 'node:readline/promises';
import { CeremonyError } from './ceremony-errors.js';
import { ROLES, type CeremonyScript, type CeremonyStep, type Role } from './ceremony-script-schema.js';
import { readMediaFile } from '../files/read-media-file.js';

export interface Acknowledgment {
  readonly step: string;
  readonly role: Role;
  readonly name: string;
  /** UTC, ISO 8601 */
  readonly time: string;
  /**
   * How the person gave it: 'terminal' (typed their name at the CLI) or 'app' (typed it on
   * the Ceremonies screen) at a real ceremony; 'ack-file' at a rehearsal or in tests.
   */
  readonly via: 'terminal' | 'app' | 'ack-file';
}

/** Collects the acknowledgments one step needs: every participant of every role the step names. */
export interface AckSource {
  readonly via: Acknowledgment['via'];
  collect(step: CeremonyStep, script: CeremonyScript, say: (text: string) => void): Promise<Acknowledgment[]>;
}

export function membersOf(script: CeremonyScript, role: Role): readonly string[] {
  const p = script.participants;
  return role === 'administrator' ? [p.administrator] : p[role];
}

/**
 * Acknowledgments from a file, for rehearsals and tests only (the transcript records
 * `via: "ack-file"` for each). One per line: `ROLE NAME`, e.g. `witnesses Dave Jones`;
 * `#` comments and blank lines are ignored. A listed person acknowledges every step that
 * names their role. Each line must name a participant of the script in that role, and
 * every participant a step needs must be listed, or the ceremony stops at that step.
 */
export function ackFileSource(path: string): AckSource {
  const listed = new Map<Role, Set<string>>();
  const text = readMediaFile(path, 256 * 1024, 'ack file').toString('utf8');
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.+)$/.exec(line);
    const role = m?.[1] as Role | undefined;
    if (!m || !role || !(ROLES as readonly string[]).includes(role)) {
      throw new CeremonyError('CEREMONY_ACK_INVALID', `${path}: line ${i + 1}: expected "ROLE NAME" with ROLE one of ${ROLES.join(', ')}`);
    }
    const set = listed.get(role) ?? new Set<string>();
    set.add(m[2]!.trim());
    listed.set(role, set);
  }
  return {
    via: 'ack-file',
    async collect(step, script, say) {
      for (const [role, names] of listed) {
        for (const n of names) {
          if (!membersOf(script, role).includes(n))
            throw new CeremonyError('CEREMONY_ACK_INVALID', `${path}: a name that is not one of the script's ${role} (${membersOf(script, role).join(', ')})`);
        }
      }
      const out: Acknowledgment[] = [];
      for (const role of step.acknowledge) {
        for (const n of membersOf(script, role)) {
          if (!listed.get(role)?.has(n))
            throw new CeremonyError('CEREMONY_ACK_MISSING', `step "${step.id}": ${role} "${n}" did not acknowledge (not in ${path})`, 'check');
          out.push({ step: step.id, role, name: n, time: new Date().toISOString(), via: 'ack-file' });
          say(`  acknowledged by ${role} ${n} (ack file)\n`);
        }
      }
      return out;
    },
  };
}

/** Each required person types their own name at the terminal; anything else stops the step. */
export function terminalSource(): AckSource {
  return {
    via: 'terminal',
    async collect(step, script, say) {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      try {
        const out: Acknowledgment[] = [];
        for (const role of step.acknowledge) {
          for (const n of membersOf(script, role)) {
            const answer = (await rl.question(`  ${role} ${n}: type your name to acknowledge step "${step.id}": `)).trim();
            if (answer !== n)
              throw new CeremonyError('CEREMONY_ACK_MISSING', `step "${step.id}": ${role} "${n}" did not acknowledge (typed "${answer}")`, 'check');
            out.push({ step: step.id, role, name: n, time: new Date().toISOString(), via: 'terminal' });
            say(`  acknowledged by ${role} ${n}\n`);
          }
        }
        return out;
      } finally {
        rl.close();
      }
    },
  };
}
