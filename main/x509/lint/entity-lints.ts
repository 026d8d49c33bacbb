import { OID } from '../oids.js';
import { PRINTABLE_PATTERN } from '../der/der-writer.js';
import { error, warning, type Lint } from './lint-types.js';
import { keySupportFindings } from './key-support.js';

const KNOWN_CRITICAL: ReadonlySet<string> = new Set([OID.basicConstraints, OID.keyUsage, OID.nameConstraints, OID.subjectAltName, OID.extKeyUsage]);

export const entityLints: Lint[] = [
  {
    rule: 'subject.not-empty',
    description: 'the subject names someone (Hallmark never issues empty subjects)',
    check: (c) => (c.subject.length === 0 ? [error('subject.not-empty', 'the subject is empty')] : []),
  },
  {
    rule: 'subject.attribute-encoding',
    description: 'countryName and serialNumber are PrintableString; others UTF8String or PrintableString; CN at most 64 characters',
    check: (c) => {
      const out = [];
      for (const a of c.subject) {
        if ((a.oid === OID.countryName || a.oid === OID.serialNumber) && a.stringType !== 'printable') {
          out.push(error('subject.attribute-encoding', `subject ${a.oid === OID.countryName ? 'countryName' : 'serialNumber'} must be a PrintableString`));
        }
        if (a.stringType === 'printable' && !PRINTABLE_PATTERN.test(a.value))
          out.push(error('subject.attribute-encoding', `"${a.value}" is not valid PrintableString`));
        if (!['printable', 'utf8'].includes(a.stringType))
          out.push(error('subject.attribute-encoding', `subject attribute ${a.oid} uses ${a.stringType}String`));
        if (a.oid === OID.commonName && [...a.value].length > 64) out.push(error('subject.attribute-encoding', 'commonName is longer than 64 characters'));
        if (a.value === '') out.push(error('subject.attribute-encoding', `subject attribute ${a.oid} is empty`));
      }
      return out;
    },
  },
  {
    rule: 'idevid.802-1ar-fields',
    description: 'an IDevID has subject serialNumber, a SAN hardwareModuleName, digitalSignature, and nothing a CA would have',
    check: (c, ctx) => {
      if (ctx.profile !== 'idevid') return [];
      const out = [];
      if (!c.subject.some((a) => a.oid === OID.serialNumber)) out.push(error('idevid.802-1ar-fields', 'an IDevID subject must carry serialNumber (2.5.4.5)'));
      if (!c.san || c.san.hardwareModuleNames.length !== 1)
        out.push(error('idevid.802-1ar-fields', 'an IDevID must carry exactly one hardwareModuleName in its subjectAltName'));
      else if (c.san.hardwareModuleNames[0]!.hwSerialNum.length === 0) out.push(error('idevid.802-1ar-fields', 'hwSerialNum is empty'));
      if (!c.keyUsage?.has('digitalSignature')) out.push(error('idevid.802-1ar-fields', 'an IDevID must allow digitalSignature'));
      const extra = [...(c.keyUsage ?? [])].filter((u) => u !== 'digitalSignature' && u !== 'keyAgreement');
      if (extra.length) out.push(error('idevid.802-1ar-fields', `an IDevID must not assert ${extra.join(', ')}`));
      return out;
    },
  },
  {
    rule: 'manifest-signer.eku',
    description: 'a manifest signer has digitalSignature and exactly the manifest-signing purpose',
    check: (c, ctx) => {
      if (ctx.profile !== 'manifest-signer') return [];
      const eku = c.extendedKeyUsage ?? [];
      if (eku.length !== 1 || eku[0] !== OID.kpHallmarkManifestSigning)
        return [error('manifest-signer.eku', 'a manifest signer must have exactly the Hallmark manifest-signing extended key usage')];
      return [];
    },
  },
  {
    rule: 'eku.allowed-by-issuer',
    description: "extended key usages stay inside the issuer's EKU constraint",
    check: (c, ctx) => {
      const allowed = ctx.issuer?.extendedKeyUsage;
      if (!allowed || !c.extendedKeyUsage) return [];
      const outside = c.extendedKeyUsage.filter((p) => !allowed.includes(p));
      return outside.length ? [error('eku.allowed-by-issuer', `extended key usage ${outside.join(', ')} is outside the issuer's constraint`)] : [];
    },
  },
  {
    rule: 'name-constraints.respected',
    description: "the subject and SAN names fall inside the issuer's permitted subtrees and outside its excluded ones",
    check: (c, ctx) => {
      const nc = ctx.issuer?.nameConstraints;
      if (!nc) return [];
      const out = [];
      for (const dns of c.san?.dns ?? []) {
        if (nc.permittedDns.length && !nc.permittedDns.some((p) => dnsWithin(dns, p)))
          out.push(error('name-constraints.respected', `dNSName ${dns} is outside the permitted subtrees`));
        if (nc.excludedDns.some((x) => dnsWithin(dns, x))) out.push(error('name-constraints.respected', `dNSName ${dns} is in an excluded subtree`));
      }
      if (nc.permittedDirectoryNames.length && !nc.permittedDirectoryNames.some((p) => nameWithin(c.subjectDer, p))) {
        out.push(error('name-constraints.respected', 'the subject is outside the permitted directoryName subtrees'));
      }
      if (nc.excludedDirectoryNames.some((x) => nameWithin(c.subjectDer, x)))
        out.push(error('name-constraints.respected', 'the subject is in an excluded directoryName subtree'));
      return out;
    },
  },
  {
    rule: 'key.supported',
    description: 'the subject key is EC P-256/P-384, Ed25519, or RSA 2048–4096 with e=65537',
    check: (c, ctx) => keySupportFindings(c.spki, ctx.subjectKey),
  },
  {
    rule: 'extensions.known-critical',
    description: 'every critical extension is one verifiers understand',
    check: (c) =>
      c.extensions
        .filter((e) => e.critical && !KNOWN_CRITICAL.has(e.oid))
        .map((e) => warning('extensions.known-critical', `critical extension ${e.oid} will make generic verifiers reject the certificate`)),
  },
];

/** RFC 5280 §4.2.1.10: "example.com" covers itself and its subdomains; ".example.com" only subdomains. */
function dnsWithin(name: string, constraint: string): boolean {
  const n = name.toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

/** A directoryName constraint is a prefix of RDNs; both are DER SEQUENCEs, so compare the RDN run. */
function nameWithin(subjectDer: Buffer, constraintDer: Buffer): boolean {
  const inner = (der: Buffer) => der.subarray(der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f));
  const s = inner(subjectDer);
  const p = inner(constraintDer);
  return s.subarray(0, p.length).equals(p);
}
