import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Certification Declarations made at test time the way the CSA's tooling makes them:
 * the certification elements in Matter TLV (written here byte by byte, independently of
 * main/matter/matter-tlv.ts), signed by openssl into a CMS SignedData with the content
 * encapsulated, no certificates and no signed attributes, the signer named by key id.
 */
export interface CdElements {
  readonly vendorId: number;
  readonly productIds: readonly number[];
  readonly certificateId?: string;
}

const u16 = (v: number) => [v & 0xff, v >> 8];

/** The TLV certification elements (Matter Core spec §6.3.1). */
export function certificationElementsTlv(e: CdElements): Buffer {
  const certId = Buffer.from(e.certificateId ?? 'ZIG20142ZB330003-24', 'utf8');
  return Buffer.from([
    0x15,
    0x24,
    0x00,
    0x01, // format_version 1
    0x25,
    0x01,
    ...u16(e.vendorId), // vendor_id
    0x36,
    0x02,
    ...e.productIds.flatMap((p) => [0x05, ...u16(p)]),
    0x18, // product_id_array
    0x26,
    0x03,
    0x16,
    0x00,
    0x00,
    0x00, // device_type_id 0x16
    0x2c,
    0x04,
    certId.length,
    ...certId, // certificate_id
    0x24,
    0x05,
    0x00, // security_level
    0x25,
    0x06,
    0x00,
    0x00, // security_information
    0x25,
    0x07,
    0x01,
    0x00, // version_number
    0x24,
    0x08,
    0x00, // certification_type: development and test
    0x18,
  ]);
}

/** A signed CD (DER) made by openssl in `dir`. */
export function makeCertificationDeclaration(dir: string, e: CdElements, name = 'cd'): Buffer {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(dir, `${name}.tlv`), certificationElementsTlv(e));
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-signer.key`]);
  run([
    'req',
    '-new',
    '-x509',
    '-key',
    `${name}-signer.key`,
    '-subj',
    '/CN=Matter Test CD Signing Authority',
    '-days',
    '30',
    '-sha256',
    '-out',
    `${name}-signer.pem`,
  ]);
  run([
    'cms',
    '-sign',
    '-binary',
    '-nodetach',
    '-nocerts',
    '-noattr',
    '-keyid',
    '-md',
    'sha256',
    '-in',
    `${name}.tlv`,
    '-signer',
    `${name}-signer.pem`,
    '-inkey',
    `${name}-signer.key`,
    '-outform',
    'DER',
    '-out',
    `${name}.der`,
  ]);
  return readFileSync(join(dir, `${name}.der`));
}
