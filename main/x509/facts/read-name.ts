import type { DerNode } from '../der/der-reader.js';
import type { NameFact } from '../certificate-facts.js';
import { outside } from './outside-fast-subset.js';

// asn1js decodes UTF8String with exactly this decoder; anything it refuses goes to the slow path.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Name ::= SEQUENCE OF RelativeDistinguishedName, each a SET of one AttributeTypeAndValue
 * whose value is a PrintableString, UTF8String or IA5String — what Hallmark, openssl and
 * device firmware write. Multi-valued RDNs are left to the slow path because asn1-schema
 * re-serializes their SET, and the facts carry that re-serialization.
 */
export function readNameFacts(name: DerNode): NameFact[] {
  if (name.id !== 0x30) outside('Name is not a SEQUENCE');
  const facts: NameFact[] = [];
  for (const rdn of name.children) {
    if (rdn.id !== 0x31 || rdn.children.length !== 1) outside('RDN is not a SET of exactly one attribute');
    const atv = rdn.children[0]!;
    const [type, value] = atv.children;
    if (atv.id !== 0x30 || atv.children.length !== 2 || type!.id !== 0x06) outside('AttributeTypeAndValue shape');
    facts.push({ oid: type!.oid(), ...readDirectoryString(value!) });
  }
  return facts;
}

function readDirectoryString(value: DerNode): Pick<NameFact, 'value' | 'stringType'> {
  switch (value.id) {
    case 0x13:
      return { value: value.content().toString('latin1'), stringType: 'printable' };
    case 0x16:
      return { value: value.content().toString('latin1'), stringType: 'ia5' };
    case 0x0c: {
      let text: string;
      try {
        text = utf8.decode(value.content());
      } catch {
        outside('UTF8String is not valid UTF-8');
      }
      return { value: text, stringType: 'utf8' };
    }
    default:
      outside(`attribute value with tag 0x${value.id.toString(16)}`);
  }
}
