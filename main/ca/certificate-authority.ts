import type { KeyRecord } from '../keys/key-record.js';
import { CaRepository, type CaRow } from '../store/ca-repository.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { parseCertificateFast as parseCertificate } from '../x509/certificate-facts-fast.js';

/** A CA of this workspace with everything needed to sign under it (except the unlocked key). */
export interface LoadedCa {
  readonly row: CaRow;
  readonly certificate: ParsedCertificate;
  readonly key: KeyRecord;
  /** the CA's certificate followed by its parents', up to the root */
  readonly chain: readonly ParsedCertificate[];
}

export function loadCa(workspace: Workspace, name: string): LoadedCa {
  const cas = new CaRepository(workspace);
  const certs = new CertificateRepository(workspace);
  const row = cas.get(name);
  const certificate = parseCertificate(certs.byId(row.certificateId).der);
  const chain: ParsedCertificate[] = [certificate];
  const seen = new Set([row.name]);
  for (let parent = row.parent; parent !== null;) {
    if (seen.has(parent)) break;
    seen.add(parent);
    const p = cas.get(parent);
    chain.push(parseCertificate(certs.byId(p.certificateId).der));
    parent = p.parent;
  }
  return { row, certificate, key: new KeyRepository(workspace).get(row.keyLabel), chain };
}
