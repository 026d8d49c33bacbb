import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityInfoAccessSyntax, CertificatePolicies, CRLDistributionPoints, type GeneralName } from '@peculiar/asn1-x509';
import type { CertificateFacts } from '../certificate-facts.js';
import { asn1jsOidText } from '../facts/asn1js-oid-text.js';
import { OID } from '../oids.js';
import { EXTENDED_KEY_USAGE_WORDS, extensionName, HARDWARE_TYPE_WORDS, KEY_USAGE_WORDS } from './extension-names.js';

/** One extension as people read it, with its code beside it. */
export interface ExtensionDescription {
  readonly oid: string;
  readonly name: string;
  readonly critical: boolean;
  /** the decoded value in words, one line per item */
  readonly values: string[];
}

const hex = (b: Buffer): string => b.toString('hex').replace(/(..)(?=.)/g, '$1:');

/** `c.extensions[i]` in words; the facts were decoded (and refused if malformed) by certificate-facts.ts. */
export function describeExtension(c: CertificateFacts, ext: CertificateFacts['extensions'][number]): ExtensionDescription {
  return { oid: ext.oid, name: extensionName(ext.oid), critical: ext.critical, values: valuesOf(c, ext.oid, ext.value) };
}

function valuesOf(c: CertificateFacts, oid: string, value: Buffer): string[] {
  switch (oid) {
    case OID.basicConstraints:
      return [basicConstraintsWords(c.basicConstraints)];
    case OID.keyUsage:
      return [...(c.keyUsage ?? [])].map((u) => KEY_USAGE_WORDS[u] ?? u);
    case OID.extKeyUsage:
      return (c.extendedKeyUsage ?? []).map((o) => (EXTENDED_KEY_USAGE_WORDS[o] ? `${EXTENDED_KEY_USAGE_WORDS[o]} (${o})` : o));
    case OID.subjectKeyIdentifier:
      return c.subjectKeyId ? [hex(c.subjectKeyId)] : [];
    case OID.authorityKeyIdentifier:
      return c.authorityKeyId ? [`key ${hex(c.authorityKeyId)}`] : ['no key identifier'];
    case OID.subjectAltName:
      return subjectAltNameWords(c.san);
    case OID.nameConstraints:
      return nameConstraintsWords(c.nameConstraints);
    case OID.masaUrl:
      return c.masaUrl !== undefined ? [c.masaUrl] : [];
    case OID.crlDistributionPoints:
      return decoded(() => AsnConvert.parse(value, CRLDistributionPoints).flatMap((dp) => (dp.distributionPoint?.fullName ?? []).map(generalNameWords)));
    case OID.certificatePolicies:
      return decoded(() =>
        AsnConvert.parse(value, CertificatePolicies).map((p) =>
          p.policyIdentifier === '2.5.29.32.0' ? 'any policy (2.5.29.32.0)' : `policy ${p.policyIdentifier}`,
        ),
      );
    case '1.3.6.1.5.5.7.1.1':
      return decoded(() =>
        AsnConvert.parse(value, AuthorityInfoAccessSyntax).map((a) => {
          const method = a.accessMethod === '1.3.6.1.5.5.7.48.1' ? 'OCSP' : a.accessMethod === '1.3.6.1.5.5.7.48.2' ? 'CA issuers' : a.accessMethod;
          return `${method}: ${generalNameWords(a.accessLocation)}`;
        }),
      );
    default:
      return [`not decoded here (${value.length} bytes)`];
  }
}

/** What basicConstraints allows, in words. */
export function basicConstraintsWords(bc: CertificateFacts['basicConstraints']): string {
  if (!bc) return 'absent';
  if (!bc.ca) return 'not a CA (end entity)';
  if (bc.pathLen === undefined) return 'CA, any number of CAs below it';
  if (bc.pathLen === 0) return 'CA, no CAs below it (path length 0)';
  return `CA, at most ${bc.pathLen} CA${bc.pathLen === 1 ? '' : 's'} below it (path length ${bc.pathLen})`;
}

function subjectAltNameWords(san: CertificateFacts['san']): string[] {
  if (!san) return [];
  return [
    ...san.hardwareModuleNames.map((h) => {
      const text = h.hwSerialNum.toString('latin1');
      const serial = /^[\x20-\x7e]*$/.test(text) ? `"${text}"` : `0x${h.hwSerialNum.toString('hex')}`;
      return `hardware module (802.1AR hardwareModuleName, ${OID.hardwareModuleName}): ${HARDWARE_TYPE_WORDS[h.hwType] ?? 'type'} ${h.hwType}, serial ${serial}`;
    }),
    ...san.dns.map((d) => `DNS name ${d}`),
    ...san.uris.map((u) => `URI ${u}`),
    ...san.other,
  ];
}

function nameConstraintsWords(nc: CertificateFacts['nameConstraints']): string[] {
  if (!nc) return [];
  return [
    ...nc.permittedDns.map((d) => `permitted DNS subtree ${d}`),
    ...nc.excludedDns.map((d) => `excluded DNS subtree ${d}`),
    ...(nc.permittedDirectoryNames.length ? [`${nc.permittedDirectoryNames.length} permitted directory name subtree(s)`] : []),
    ...(nc.excludedDirectoryNames.length ? [`${nc.excludedDirectoryNames.length} excluded directory name subtree(s)`] : []),
  ];
}

function generalNameWords(gn: GeneralName): string {
  if (gn.uniformResourceIdentifier !== undefined) return `URI ${gn.uniformResourceIdentifier}`;
  if (gn.dNSName !== undefined) return `DNS name ${gn.dNSName}`;
  if (gn.rfc822Name !== undefined) return `e-mail ${gn.rfc822Name}`;
  if (gn.otherName) return `otherName ${asn1jsOidText(gn.otherName.typeId)}`;
  return 'a name of another kind';
}

function decoded(read: () => string[]): string[] {
  try {
    return read();
  } catch {
    return ['cannot be decoded'];
  }
}
