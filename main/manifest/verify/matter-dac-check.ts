import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { matterIdsOf } from '../../x509/matter/matter-ids.js';
import { verifyAttestationChain } from '../../x509/matter/verify-attestation-chain.js';
import type { ManifestDocument } from '../format/manifest-document.js';
import { verdict, type CheckResult } from './check-result.js';
import type { DecodedEntry } from './device-checks.js';

/**
 * devices.matter-dac (a Matter work order): each entry with a certificate is a DAC under
 * the Matter rules, chained PAA → PAI → DAC (main/x509/matter/, the same named rules the
 * lints enforce), its subject's VendorID and ProductID are the work order's and the
 * entry's, the PAI it names is issuingCaChain[0], the serial and model are the work
 * order's, and the device's current certificate carries the factory data it holds (a
 * verifier digest; a manifest has no member a passcode could be in).
 */
export class MatterDacCheck {
  private readonly problems: string[] = [];
  private readonly paiSha256: string;
  private readonly pattern: RegExp | null = null;
  private dacs = 0;
  private withFactoryData = 0;

  constructor(
    private readonly workOrder: ManifestDocument['workOrder'],
    private readonly pai: ParsedCertificate,
    private readonly paa: ParsedCertificate,
  ) {
    this.paiSha256 = createHash('sha256').update(pai.der).digest('hex');
    try {
      this.pattern = new RegExp(`^(?:${workOrder.policy.serialPattern})$`, 'u');
    } catch {
      this.problems.push(`the serial pattern ${workOrder.policy.serialPattern} is not a regular expression`);
    }
    const m = workOrder.policy.matter!;
    const paiIds = matterIdsOf(pai.subject, true);
    if (paiIds.vendorIds[0]?.value !== m.vendorId)
      this.problems.push(
        `the PAI ${paiIds.vendorIds[0] ? `carries VendorID ${paiIds.vendorIds[0].value}` : 'carries no VendorID'}; the work order is for ${m.vendorId}`,
      );
  }

  add(d: DecodedEntry): void {
    const m = this.workOrder.policy.matter!;
    const e = d.entry;
    const serial = e.hardwareSerial;
    const p = this.problems;
    if (this.pattern && !this.pattern.test(serial)) p.push(`${serial}: does not match the serial pattern ${this.workOrder.policy.serialPattern}`);
    if (e.model !== this.workOrder.model) p.push(`${serial}: model ${e.model}, the work order is for ${this.workOrder.model}`);
    if (!d.certificate) {
      if (e.matter !== undefined) p.push(`${serial}: Matter data on an entry without a DAC`);
      return;
    }
    this.dacs++;
    const label = `${serial} (certificate ${e.certificate!.serial})`;
    if (e.matter === undefined) {
      p.push(`${label}: no matter member (VendorID, ProductID, PAI, factory data)`);
      return;
    }
    if (e.matter.vendorId !== m.vendorId || e.matter.productId !== m.productId)
      p.push(`${label}: entry says VendorID ${e.matter.vendorId} ProductID ${e.matter.productId}, the work order ${m.vendorId} / ${m.productId}`);
    const ids = matterIdsOf(d.certificate.subject, false);
    const vid = ids.vendorIds.map((v) => v.value).join(',');
    const pid = ids.productIds.map((v) => v.value).join(',');
    if (vid !== e.matter.vendorId || pid !== e.matter.productId)
      p.push(`${label}: the DAC carries VendorID ${vid || 'none'} ProductID ${pid || 'none'}, the entry says ${e.matter.vendorId} / ${e.matter.productId}`);
    if (e.matter.paiSha256 !== this.paiSha256) p.push(`${label}: names PAI ${e.matter.paiSha256}, the issuing CA is ${this.paiSha256}`);
    const chain = verifyAttestationChain({ paa: this.paa.der, pai: this.pai.der, dac: d.certificate.der });
    for (const problem of chain.problems) p.push(`${label}: [${problem.rule}] ${problem.certificate.toUpperCase()}: ${problem.message}`);
    const f = e.matter.factoryData;
    if (f !== null) {
      this.withFactoryData++;
      if (f.certificationDeclarationSha256 !== m.certificationDeclarationSha256)
        p.push(`${label}: its factory data carries another Certification Declaration than the work order's`);
      if (f.iterations < 1000 || f.iterations > 100_000) p.push(`${label}: [matter.spake2p-iterations] ${f.iterations} PBKDF2 iterations`);
      if (f.saltBytes < 16 || f.saltBytes > 32) p.push(`${label}: [matter.spake2p-salt] a ${f.saltBytes}-byte salt`);
      if (f.discriminator > 0xfff) p.push(`${label}: [matter.discriminator] ${f.discriminator} is not 12 bits`);
    } else if (e.status === 'confirmed') {
      p.push(`${label}: confirmed without factory data`);
    }
  }

  result(): CheckResult {
    const m = this.workOrder.policy.matter!;
    return verdict(
      'devices.matter-dac',
      this.problems,
      `all ${this.dacs} DACs chain PAA → PAI → DAC under the Matter rules with VendorID ${m.vendorId} and ProductID ${m.productId}; ${this.withFactoryData} carry their factory data's verifier digest`,
      (k) => `${k} Matter problem(s)`,
    );
  }
}
