import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { DeviceError } from '../../main/devices/device-errors.js';
import type { ChainToWrite, DeviceCsr, DeviceDriver, DeviceIdentity } from '../../main/devices/line-link.js';
import { makeSimulatedCsr, type CsrQuirk } from '../../main/devices/simulator/simulated-csr.js';
import { spkiDer } from '../../main/keys/software/generate-key-pair.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parsePlanCsv, parseSerialRange } from '../../main/station/production-plan.js';
import { createBatch } from '../../main/station/work-orders.js';
import type { BatchRow } from '../../main/store/station-batch-repository.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { encodeName, parseSubject } from '../../main/x509/distinguished-name.js';
import { newSoftwareKey } from './software-keys.js';

export const STATION_POLICY = `model: SIM1
protocol: hallmark
keyAlgorithms: [ecdsa-p256]
serialPattern: 'HM-SIM1-[0-9]{4}'
subject:
  O: Acme Devices GmbH
  CN: '{model}-{serial}'
hardwareModuleName:
  hwType: 1.3.6.1.4.1.55555.1.1
masaUrl: masa.acme.example
validity: no-expiration
issuingCa: mfg
reworkOperators: [qa-lead]
targetCloud:
  requireSubjectSerialNumber: true
  uniqueCommonName: true
`;

export interface StationWorkspace {
  readonly ws: Workspace;
  readonly caKey: SyncSigningKey;
  /** mfg then root, DER */
  readonly caChain: Buffer[];
}

/** A workspace with a root and the `mfg` intermediate (software keys, passphrase TEST_PASSPHRASE). */
export async function stationWorkspace(home: string): Promise<StationWorkspace> {
  const { workspace: ws } = Workspace.init(home, 'custodian');
  const rootKey = await newSoftwareKey(ws, 'root-key', 'ecdsa-p256');
  const root = await createRootCa(ws, {
    name: 'root',
    subject: parseSubject('O=Acme,CN=Acme Device Root'),
    key: rootKey,
    validityDays: 3650,
    actor: 'custodian',
  });
  const caKey = await newSoftwareKey(ws, 'mfg-key', 'ecdsa-p256');
  const mfg = await createIntermediateCa(ws, {
    name: 'mfg',
    parent: 'root',
    parentKey: rootKey,
    subject: parseSubject('O=Acme,CN=Acme Manufacturing CA'),
    key: new KeyRepository(ws).get('mfg-key'),
    validityDays: 1825,
    options: { pathLen: 0 },
    actor: 'custodian',
  });
  return { ws, caKey, caChain: [mfg.certificate.der, root.certificate.der] };
}

export function makeBatch(ws: Workspace, id: string, plan: string, quantity: number, policyText = STATION_POLICY): BatchRow {
  const policy = parseProductPolicy(policyText);
  const parsed = plan.includes('..') ? parseSerialRange(plan, policy.policy) : parsePlanCsv(plan, policy.policy);
  return createBatch(ws, { id, policy, plan: parsed, quantity, actor: 'planner' });
}

export interface FakeBehaviour {
  model?: string;
  locked?: boolean;
  staleNonce?: boolean;
  badSignature?: boolean;
  /** the first writeChain stores nothing and throws LINK_CLOSED (a cable pulled after the commit) */
  dropOnFirstWrite?: boolean;
  /** writeChain stores a corrupted chain and reports DEVICE_READBACK_MISMATCH, as the driver does */
  corruptChain?: boolean;
  /** the key algorithm the device makes */
  curve?: 'prime256v1' | 'secp384r1';
  /** the CSR encoding of a real firmware stack */
  csrQuirk?: CsrQuirk;
}

/**
 * An in-memory device behind the DeviceDriver contract, for the cases a simulator run
 * cannot stage precisely (a new key for the same serial, a drop between commit and write).
 * Its CSRs are made exactly as the simulator's firmware makes them.
 */
export class FakeDevice implements DeviceDriver {
  readonly protocol = 'hallmark' as const;
  key: { privateKey: KeyObject; publicKey: KeyObject };
  stored: ChainToWrite | undefined;
  locked: boolean;
  writes = 0;
  constructor(
    readonly serial: string,
    readonly behaviour: FakeBehaviour = {},
  ) {
    this.key = newDeviceKey(behaviour.curve);
    this.locked = behaviour.locked ?? false;
  }

  /** The device's secure element was replaced: a new key on the next CSR. */
  rekey(): void {
    this.key = newDeviceKey(this.behaviour.curve);
  }

  get spkiSha256(): string {
    return createHash('sha256').update(spkiDer(this.key.publicKey)).digest('hex');
  }

  async identify(): Promise<DeviceIdentity> {
    return {
      protocol: 'hallmark',
      model: this.behaviour.model ?? 'SIM1',
      hardwareSerial: this.serial,
      firmware: 'fake',
      protocolVersion: '1',
      provisioningState: this.locked ? 'locked' : this.stored ? 'provisioned' : 'keyed',
    };
  }

  async requestCsr(args: { subject: string; nonce: Buffer }): Promise<DeviceCsr> {
    if (this.locked) throw new DeviceError('DEVICE_ERROR_RESPONSE', 'the device answered ERROR LOCKED');
    const nonce = this.behaviour.staleNonce ? Buffer.alloc(args.nonce.length, 7) : args.nonce;
    const der = await makeSimulatedCsr({
      key: { algorithm: this.behaviour.curve === 'secp384r1' ? 'ecdsa-p384' : 'ecdsa-p256', ...this.key },
      subjectDer: encodeName(parseSubject(args.subject)),
      challengePassword: nonce.toString('hex'),
      badSignature: this.behaviour.badSignature ?? false,
      ...(this.behaviour.csrQuirk ? { quirk: this.behaviour.csrQuirk } : {}),
    });
    return { der, nonce };
  }

  async writeChain(chain: ChainToWrite): Promise<void> {
    this.writes++;
    if (this.behaviour.dropOnFirstWrite && this.writes === 1) throw new DeviceError('LINK_CLOSED', 'fake: the port went away');
    this.stored = chain;
    if (this.behaviour.corruptChain) throw new DeviceError('DEVICE_READBACK_MISMATCH', 'fake: the device stored something other than the chain written');
  }

  async lock(): Promise<void> {
    this.locked = true;
  }
}

function newDeviceKey(curve: 'prime256v1' | 'secp384r1' = 'prime256v1') {
  return generateKeyPairSync('ec', { namedCurve: curve });
}
