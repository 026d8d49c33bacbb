import { DeviceError } from '../device-errors.js';
import type { LineLink } from '../line-link.js';
import { classifyAtLine } from './at-result.js';
import { preview } from './keygen-response.js';

/** +CME ERROR codes of the security commands (nRF91 AT command reference, %CMNG / %KEYGEN). */
const CME_MEANING: Readonly<Record<number, string>> = {
  513: 'not found',
  514: 'no access',
  515: 'memory full',
  518: 'not allowed in active state (is the modem offline, AT+CFUN=4?)',
  519: 'already exists',
  528: 'not allowed while the power-off warning is active',
};

/** Information lines one command may return before its final result; more is a flood. */
const MAX_INFO_LINES = 8;
/** URCs and log lines tolerated within one exchange before the device counts as babbling. */
const MAX_SKIPPED_LINES = 64;

export interface AtExchangeResult {
  /** the command's information lines, in order */
  readonly lines: readonly string[];
  /** URCs and log lines that arrived meanwhile (for the station's log) */
  readonly skipped: readonly string[];
}

/**
 * Sends one AT command and collects its answer up to the final result code. `command` is
 * one line, or several when a quoted argument spans lines (a PEM in %CMNG): each goes out
 * as its own writeLine, so the modem receives the argument's lines separated by exactly
 * the CRLF the link appends. The whole exchange, writes included, has one deadline.
 * `ERROR` and `+CME ERROR: n` become DEVICE_ERROR_RESPONSE; `allowCme` lists codes the
 * caller treats as an answer (returned as `{cmeError}`), e.g. 513 when deleting an empty slot.
 */
export async function atExchange(link: LineLink, command: string | readonly string[], timeoutMs: number): Promise<AtExchangeResult> {
  const outcome = await atExchangeAllowing(link, command, timeoutMs, []);
  // With no code allowed every +CME ERROR has already been thrown; this only narrows the type.
  if ('cmeError' in outcome) throw new DeviceError('DEVICE_ERROR_RESPONSE', `+CME ERROR: ${outcome.cmeError}`);
  return outcome;
}

export async function atExchangeAllowing(
  link: LineLink,
  command: string | readonly string[],
  timeoutMs: number,
  allowCme: readonly number[],
): Promise<AtExchangeResult | { readonly cmeError: number }> {
  const lines = typeof command === 'string' ? [command] : command;
  const name = commandName(lines[0] ?? '');
  const deadline = Date.now() + timeoutMs;
  try {
    // Leftovers of an earlier, failed exchange must not be read as this command's answer.
    link.discardInput();
    for (const line of lines) await beforeDeadline(link.writeLine(line), deadline, name);

    const info: string[] = [];
    const skipped: string[] = [];
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timeout(name, timeoutMs);
      const line = await link.readLine(remaining);
      const c = classifyAtLine(line);
      switch (c.kind) {
        case 'ok':
          return { lines: info, skipped };
        case 'error': {
          if (c.cmeError !== undefined && allowCme.includes(c.cmeError)) return { cmeError: c.cmeError };
          const meaning = c.cmeError === undefined ? '' : ` (${CME_MEANING[c.cmeError] ?? 'see the AT command reference'})`;
          throw new DeviceError(
            'DEVICE_ERROR_RESPONSE',
            `${name}: the modem answered ${c.cmeError === undefined ? line : `+CME ERROR: ${c.cmeError}`}${meaning}`,
            c.cmeError === undefined ? { command: name } : { command: name, cmeError: c.cmeError },
          );
        }
        case 'blank':
          break;
        case 'reset':
          throw new DeviceError('DEVICE_RESET', `${name}: the modem restarted during the command (${preview(c.line)}); identify it again`, {
            command: name,
          });
        case 'urc':
          skipped.push(c.line);
          if (skipped.length > MAX_SKIPPED_LINES) throw unexpected(name, `more than ${MAX_SKIPPED_LINES} unsolicited lines`);
          break;
        case 'info':
          info.push(c.line);
          if (info.length > MAX_INFO_LINES) throw unexpected(name, `more than ${MAX_INFO_LINES} response lines, last ${preview(c.line)}`);
          break;
      }
    }
  } catch (e) {
    // Link errors (timeout, closed, garbage) get the command too: the station logs which exchange failed.
    if (e instanceof DeviceError) throw withCommand(e, name);
    throw new DeviceError('DEVICE_UNKNOWN', `${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The command without its arguments, for messages: never echo a PEM or key material into logs. */
export function commandName(line: string): string {
  const eq = line.indexOf('=');
  return eq === -1 ? line : line.slice(0, eq);
}

/** The same error with the command it happened in, so the station's log says which exchange failed. */
export function withCommand(e: unknown, name: string): unknown {
  if (!(e instanceof DeviceError) || e.details?.command !== undefined) return e;
  return new DeviceError(e.code, `${name}: ${e.message}`, { ...e.details, command: name });
}

export function unexpected(name: string, what: string): DeviceError {
  return new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `${name}: ${what}`, { command: name });
}

function timeout(name: string, ms: number): DeviceError {
  return new DeviceError('LINK_TIMEOUT', `${name}: no final result within ${ms} ms`, { command: name });
}

async function beforeDeadline<T>(p: Promise<T>, deadline: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const ms = deadline - Date.now();
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeout(name, ms)), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
