import { OID } from './oids.js';

/** The extended key usages people name in scripts and on the command line, by their RFC 5280 names. */
export const EXTENDED_KEY_USAGE_OIDS = {
  serverAuth: OID.kpServerAuth,
  clientAuth: OID.kpClientAuth,
  codeSigning: OID.kpCodeSigning,
  emailProtection: OID.kpEmailProtection,
  ocspSigning: OID.kpOcspSigning,
  manifestSigning: OID.kpHallmarkManifestSigning,
} as const;

export type ExtendedKeyUsageName = keyof typeof EXTENDED_KEY_USAGE_OIDS;
export const EXTENDED_KEY_USAGE_NAMES = Object.keys(EXTENDED_KEY_USAGE_OIDS) as ExtendedKeyUsageName[];

/** A named purpose's OID, a dotted OID as given, or undefined for anything else. */
export function extendedKeyUsageOid(nameOrOid: string): string | undefined {
  if (Object.hasOwn(EXTENDED_KEY_USAGE_OIDS, nameOrOid)) return EXTENDED_KEY_USAGE_OIDS[nameOrOid as ExtendedKeyUsageName];
  return /^[0-2](\.\d+)+$/.test(nameOrOid) ? nameOrOid : undefined;
}
