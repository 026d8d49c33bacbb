/**
 * The exact text the station writes into a %CMNG slot, and how it goes over the line
 * link. The modem stores (and hashes for the read-back) the bytes between the quotes of
 * `AT%CMNG=0,<sec_tag>,<type>,"<PEM>"`. Nordic's tools send the PEM with its line breaks
 * inside the quoted argument; the AT host in NCS (at_host) does not end a command at a
 * line terminator while inside quotes. Our LineLink appends CRLF to every writeLine, so a
 * PEM whose lines end in CRLF is sent as one writeLine per PEM line: the modem receives
 * `AT%CMNG=0,16842753,0,"-----BEGIN CERTIFICATE-----` CRLF `MIIB…` CRLF … `-----END
 * CERTIFICATE-----` CRLF `"` CRLF, i.e. the stored text is every PEM line followed by CRLF
 * (including the last), and the final `"` line closes the argument and the command.
 */

export interface CmngWrite {
  /** the text between the quotes, byte for byte what the modem stores and hashes */
  readonly text: string;
  /** the lines to hand to LineLink.writeLine, in order */
  readonly lines: readonly string[];
}

/** PEM of one or more certificates, 64-character base64 lines, every line ending CRLF. */
export function certificatesPemCrlf(ders: readonly Buffer[]): string[] {
  const lines: string[] = [];
  for (const der of ders) {
    lines.push('-----BEGIN CERTIFICATE-----');
    const b64 = der.toString('base64');
    for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
    lines.push('-----END CERTIFICATE-----');
  }
  return lines;
}

export function cmngWriteCommand(secTag: number, type: number, pemLines: readonly string[]): CmngWrite {
  const [first, ...rest] = pemLines;
  if (first === undefined) throw new RangeError('cmngWriteCommand needs at least one PEM line');
  return {
    text: pemLines.map((l) => `${l}\r\n`).join(''),
    lines: [`AT%CMNG=0,${secTag},${type},"${first}`, ...rest, '"'],
  };
}
