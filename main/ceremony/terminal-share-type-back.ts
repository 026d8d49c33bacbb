import { createInterface } from 'node:readline';
import { CeremonyError } from './ceremony-errors.js';
import type { ShareTypeBackRequest } from './ceremony-request.js';

/** Far more than any share's lines (an RSA-4096 share is about 60): a stuck key or a paste loop ends here. */
const MAX_LINES = 400;

/**
 * The custodian at the terminal types their share from the printed sheet, one sheet line
 * per terminal line, and ends with an empty line. A share text is encrypted to its
 * custodian's passphrase, so it is echoed like any typing; the problem with the previous
 * attempt (the line with a typo) is shown first so they know where to look.
 */
export function terminalShareTypeBack(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): (request: ShareTypeBackRequest) => Promise<string> {
  return (request) => {
    if (request.problem !== undefined) output.write(`\n  not accepted: ${request.problem}\n  type it again.\n`);
    output.write(
      `\n  custodian ${request.custodian}: type share ${request.index} of ${request.total} from your printed sheet, line by line; an empty line ends\n  (sheet ${request.sheet})\n`,
    );
    const rl = createInterface({ input, output, terminal: true });
    const lines: string[] = [];
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        rl.close();
        f();
      };
      const ask = () => rl.setPrompt(`  ${String(lines.length + 1).padStart(3)}> `);
      rl.on('line', (line) => {
        // An empty line before any text is an Enter too many, not an empty share.
        if (line.trim() === '') {
          if (lines.length > 0) finish(() => resolve(lines.join('\n')));
          else rl.prompt();
          return;
        }
        lines.push(line);
        if (lines.length >= MAX_LINES) return finish(() => resolve(lines.join('\n')));
        ask();
        rl.prompt();
      });
      rl.on('close', () =>
        finish(() =>
          reject(
            new CeremonyError(
              'CEREMONY_ACK_MISSING',
              `custodian "${request.custodian}" did not type share ${request.index} of ${request.total} back (input closed)`,
              'check',
            ),
          ),
        ),
      );
      ask();
      rl.prompt();
    });
  };
}
