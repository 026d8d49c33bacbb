import type { HardwareModuleName } from '../x509/extensions/subject-alt-name.js';
import { validateName, type NameAttribute } from '../x509/distinguished-name.js';
import type { ProductPolicy } from './product-policy-schema.js';
import { matterDacSubject } from '../x509/matter/matter-subject.js';

const ORDER = ['C', 'ST', 'L', 'O', 'OU', 'CN'] as const;

/**
 * The certificate subject the station builds for one device, most significant first:
 * C, ST, L, O, OU, CN from the policy's templates, then serialNumber = the hardware
 * serial. The device's CSR subject plays no part.
 */
export function deviceSubject(policy: ProductPolicy, hardwareSerial: string): NameAttribute[] {
  const fill = (template: string) => template.replace(/\{(model|serial)\}/g, (_, name: string) => (name === 'model' ? policy.model : hardwareSerial));
  const attributes: NameAttribute[] = [];
  for (const type of ORDER) {
    const template = policy.subject[type];
    if (template !== undefined) attributes.push({ type, value: fill(template) });
  }
  if (policy.subject.serialNumber) attributes.push({ type: 'serialNumber', value: hardwareSerial });
  if (policy.matter) return matterDacSubject(attributes, policy.matter);
  validateName(attributes);
  return attributes;
}

/** The subject as the device is asked to put in its CSR: without Matter's attributes, which device stacks do not parse. */
export function requestedSubject(policy: ProductPolicy, hardwareSerial: string): NameAttribute[] {
  return deviceSubject(policy, hardwareSerial).filter((a) => a.type !== 'matterVendorId' && a.type !== 'matterProductId');
}

/** The SAN hardwareModuleName: the policy's hwType, hwSerialNum = the serial's UTF-8 bytes. */
export function deviceHardwareModuleName(policy: ProductPolicy, hardwareSerial: string): HardwareModuleName | undefined {
  if (!policy.hardwareModuleName) return undefined;
  return { hwType: policy.hardwareModuleName.hwType, hwSerialNum: Buffer.from(hardwareSerial, 'utf8') };
}

/**
 * The subject as text for the device protocol (HM+CSR carries it as DER the driver
 * re-encodes): `TYPE=value` joined by commas, with `,` `/` `\` escaped as parseSubject reads them.
 */
export function subjectText(attributes: readonly NameAttribute[]): string {
  return attributes.map((a) => `${a.type}=${a.value.replace(/([,/\\])/g, '\\$1')}`).join(',');
}

export function commonNameOf(attributes: readonly NameAttribute[]): string | undefined {
  return attributes.find((a) => a.type === 'CN')?.value;
}
