import { join } from 'node:path';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parseSerialRange } from '../../main/station/production-plan.js';
import { createBatch } from '../../main/station/work-orders.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { encodeMatterRecord, sha256Hex, type MatterFactoryRecord } from '../../main/devices/hallmark/matter-factory-record.js';
import { makeCertificationDeclaration } from './matter-cd.js';
import { FakeDevice } from './station-fixture.js';
import { newSoftwareKey } from './software-keys.js';

/** A Matter product on the Hallmark protocol whose serials are the simulator's (HM-SIM1-0001, …). */
export const MATTER_POLICY = `model: SIM1
protocol: hallmark
keyAlgorithms: [ecdsa-p256]
serialPattern: 'HM-SIM1-[0-9]{4}'
subject:
  O: Acme Devices GmbH
  CN: '{model}-{serial}'
  serialNumber: false
matter:
  vendorId: FFF1
  productId: '8000'
  spake2pIterations: 1000
validity: no-expiration
issuingCa: pai
`;

export interface MatterWorkspace {
  readonly ws: Workspace;
  readonly paaKey: SyncSigningKey;
  readonly paiKey: SyncSigningKey;
  readonly paa: Buffer;
  readonly pai: Buffer;
  /** a CD for FFF1 / 8000 (and 8001), signed by openssl */
  readonly cd: Buffer;
}

/** A workspace with a PAA (FFF1) and a PAI (FFF1 / 8000), software keys, and a CD. */
export async function matterWorkspace(dir: string): Promise<MatterWorkspace> {
  const { workspace: ws } = Workspace.init(join(dir, 'ws'), 'custodian');
  const paaKey = await newSoftwareKey(ws, 'paa-key', 'ecdsa-p256');
  const paiKey = await newSoftwareKey(ws, 'pai-key', 'ecdsa-p256');
  const paa = (
    await createRootCa(ws, {
      name: 'paa',
      profile: 'matter-paa',
      subject: parseSubject('CN=Acme Matter PAA,matterVendorId=FFF1'),
      key: paaKey,
      validityDays: 7300,
      actor: 'custodian',
    })
  ).certificate.der;
  const pai = (
    await createIntermediateCa(ws, {
      name: 'pai',
      profile: 'matter-pai',
      parent: 'paa',
      parentKey: paaKey,
      subject: parseSubject('CN=Acme Matter PAI,matterVendorId=FFF1,matterProductId=8000'),
      key: new KeyRepository(ws).get('pai-key'),
      validityDays: 2900,
      options: {},
      actor: 'custodian',
    })
  ).certificate.der;
  const cd = makeCertificationDeclaration(dir, { vendorId: 0xfff1, productIds: [0x8000, 0x8001] });
  return { ws, paaKey, paiKey, paa, pai, cd };
}

export function makeMatterBatch(m: MatterWorkspace, id: string, range: string, quantity: number, policyText = MATTER_POLICY, cd: Buffer | undefined = m.cd) {
  const policy = parseProductPolicy(policyText);
  return createBatch(m.ws, {
    id,
    policy,
    plan: parseSerialRange(range, policy.policy),
    quantity,
    actor: 'planner',
    ...(cd ? { certificationDeclaration: cd } : {}),
  });
}

/** An in-memory Matter device (FakeDevice plus a Matter mode): its factory record is kept as written. */
export class MatterFakeDevice extends FakeDevice {
  record: MatterFactoryRecord | undefined;
  override async identify() {
    return { ...(await super.identify()), matter: true };
  }
  async writeMatterFactoryData(r: MatterFactoryRecord) {
    this.record = r;
  }
  async readMatterFactoryData() {
    return this.record ? { recordSha256: sha256Hex(encodeMatterRecord(this.record)), verifierSha256: sha256Hex(this.record.verifier) } : null;
  }
}
