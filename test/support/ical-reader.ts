/**
 * A small strict RFC 5545 reader for tests: CRLF only, physical lines ≤ 75 octets,
 * folding by CRLF + one space or tab, `NAME[;PARAM=V]*:VALUE` properties, BEGIN/END
 * nesting, TEXT unescaping that refuses unknown escapes. Anything else throws.
 */
export interface IcalComponent {
  readonly name: string;
  readonly properties: { name: string; params: Record<string, string>; value: string }[];
  readonly components: IcalComponent[];
}

export function readICalendar(bytes: Buffer): IcalComponent {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Error('not UTF-8');
  if (!text.endsWith('\r\n')) throw new Error('the last line does not end in CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  physical.forEach((l, i) => {
    if (l.includes('\n') || l.includes('\r')) throw new Error(`line ${i + 1}: bare CR or LF`);
    if (Buffer.byteLength(l, 'utf8') > 75) throw new Error(`line ${i + 1} is ${Buffer.byteLength(l, 'utf8')} octets`);
  });
  const logical: string[] = [];
  for (const l of physical) {
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (logical.length === 0) throw new Error('a continuation line comes first');
      logical[logical.length - 1] += l.slice(1);
    } else logical.push(l);
  }
  const stack: IcalComponent[] = [];
  let root: IcalComponent | undefined;
  for (const line of logical) {
    const m = /^([A-Z0-9-]+)((?:;[A-Z0-9-]+=[^;:,"]*)*):(.*)$/.exec(line);
    if (!m) throw new Error(`not a content line: ${line}`);
    const [, name, rawParams, value] = m as unknown as [string, string, string, string];
    const params = Object.fromEntries(
      rawParams
        .split(';')
        .slice(1)
        .map((p) => p.split('=') as [string, string]),
    );
    if (name === 'BEGIN') {
      const c: IcalComponent = { name: value, properties: [], components: [] };
      if (stack.length > 0) stack.at(-1)!.components.push(c);
      else if (root) throw new Error('a second top-level component');
      else root = c;
      stack.push(c);
    } else if (name === 'END') {
      if (stack.pop()?.name !== value) throw new Error(`END:${value} does not close the open component`);
    } else {
      if (stack.length === 0) throw new Error(`${name} outside a component`);
      stack.at(-1)!.properties.push({ name, params, value });
    }
  }
  if (!root || stack.length > 0) throw new Error('unbalanced BEGIN/END');
  return root;
}

export function unescapeText(value: string): string {
  return value.replace(/\\(.)|[;,]/g, (all, c: string | undefined) => {
    if (c === undefined) throw new Error(`unescaped "${all}" in TEXT`);
    if (c === 'n' || c === 'N') return '\n';
    if (c === '\\' || c === ';' || c === ',') return c;
    throw new Error(`unknown escape \\${c}`);
  });
}

export function prop(c: IcalComponent, name: string): string {
  const found = c.properties.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`${c.name} has ${found.length} ${name}`);
  return found[0]!.value;
}
