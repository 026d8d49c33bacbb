/**
 * How one line from an nRF91 AT interface is understood while a command is outstanding.
 * Final results end the exchange; URCs (unsolicited result codes) can arrive at any time
 * and belong to no command; everything else is an information line of the command.
 */
export type AtLine =
  | { readonly kind: 'ok' }
  | { readonly kind: 'error'; readonly cmeError?: number }
  | { readonly kind: 'urc'; readonly line: string }
  | { readonly kind: 'blank' }
  | { readonly kind: 'reset'; readonly line: string }
  | { readonly kind: 'info'; readonly line: string };

/**
 * URCs an nRF91 prints on its own when network, modem or time state changes (the modem
 * is switched offline with AT+CFUN=4 first, which itself triggers +CEREG/+CSCON
 * notifications if the application subscribed), plus Zephyr log lines that NCS samples
 * such as asset_tracker interleave on the same UART (visible in Nordic's own installer
 * logs). None of these prefixes is the answer to a command the station sends.
 */
const URC_PREFIXES = [
  '+CEREG:',
  '+CSCON:',
  '+CGEV:',
  '+CNEC_',
  '+CIREGU:',
  '+CESQ:',
  '%CESQ:',
  '%XTIME:',
  '%MDMEV:',
  '%XMODEMSLEEP:',
  '%NCELLMEAS:',
  '%XSIM:',
  '%XPOFWARN:',
  '%CONEVAL:',
] as const;
/**
 * Lines only a booting device prints: Zephyr's banner (`*** Booting nRF Connect SDK …` /
 * `*** Booting Zephyr OS …`) and the at_client sample's greeting. Seen mid-command they
 * mean the device restarted and forgot the command (and its offline mode).
 */
const BOOT_LINES = [/^\*\*\* Booting /, /^The AT host sample started$/];
const ZEPHYR_LOG = /^\[\d{2}:\d{2}:\d{2}\.\d{3},\d{3}\] <(?:inf|wrn|err|dbg)> /;

export function classifyAtLine(line: string): AtLine {
  if (line === 'OK') return { kind: 'ok' };
  if (line === 'ERROR') return { kind: 'error' };
  if (line.startsWith('+CME ERROR')) {
    // The driver turns on numeric codes (AT+CMEE=1); a verbose or unknown form is still a failure, just without a code.
    const cme = /^\+CME ERROR: ([0-9]{1,4})$/.exec(line);
    return cme ? { kind: 'error', cmeError: Number(cme[1]) } : { kind: 'error' };
  }
  if (line.trim() === '') return { kind: 'blank' };
  if (BOOT_LINES.some((r) => r.test(line))) return { kind: 'reset', line };
  if (URC_PREFIXES.some((p) => line.startsWith(p)) || ZEPHYR_LOG.test(line)) return { kind: 'urc', line };
  return { kind: 'info', line };
}
