import { createInterface } from 'node:readline/promises';
import type { NotedException } from './ceremony-request.js';
import type { CeremonyScript } from './ceremony-script-schema.js';

const MAX_NOTE = 2000;

/**
 * After each step, every witness may put an exception on the record (something that did
 * not go as the script says: a seal number that differs, a custodian who left the room);
 * an empty answer means none. The ceremony goes on either way — stopping is the
 * administrator's decision — but the note is in the transcript and the audit log.
 */
export function terminalExceptions(
  script: CeremonyScript,
  ask: (question: string) => Promise<string> = askOnTerminal,
): (step: string) => Promise<NotedException[]> {
  return async (step) => {
    const notes: NotedException[] = [];
    for (const name of script.participants.witnesses) {
      const answer = (await ask(`  witness ${name}: any exception to note for step "${step}"? (Enter for none): `)).trim();
      if (answer !== '') notes.push({ role: 'witnesses', name, note: answer.slice(0, MAX_NOTE) });
    }
    return notes;
  };
}

async function askOnTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
