import QRCode from 'qrcode';
import type { AuthorityCrlView, AuthorityView } from '../../preload/api.js';
import { caCalendar } from '../ca/ca-calendar.js';
import type { KeyRecord } from '../keys/key-record.js';
import { CaRepository, type CaRow } from '../store/ca-repository.js';
import { CertificateRepository, type CertificateRow } from '../store/certificate-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import { ManifestRepository } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { OID } from '../x509/oids.js';
import { authorityKeyView } from './authority-key-view.js';
import { certificateView } from './certificate-view.js';

const DAY = 86_400_000;
/** the extensions whose words are an authority's constraints */
const CONSTRAINT_OIDS = new Set<string>([OID.basicConstraints, OID.nameConstraints, OID.extKeyUsage]);

/** What the QR code of a certificate fingerprint holds: prefixed, as the ceremony's hash codes are, so a phone shows what it is. */
export function fingerprintQrText(sha256: string): string {
  return `hallmark-certificate-sha256:${sha256.toLowerCase()}`;
}

/**
 * Every authority of the workspace, parents before their children: its CAs (roots, then
 * what each signed), the intermediates it signed for online CAs, and the manifest and CRL
 * signers under their issuers.
 */
export async function listAuthorities(ws: Workspace, now: Date): Promise<AuthorityView[]> {
  const cas = new CaRepository(ws);
  const certs = new CertificateRepository(ws);
  const keys = new KeyRepository(ws);
  const calendar = caCalendar(ws, now);
  const rows = cas.list();
  const certOf = new Map<string, ParsedCertificate>();
  for (const r of rows) certOf.set(r.name, parseCertificateFast(certs.byId(r.certificateId).der));
  const out: AuthorityView[] = [];

  for (const row of orderedCas(rows)) {
    const cert = certs.byId(row.certificateId);
    const key = keys.get(row.keyLabel);
    const latest = cas.latestCrl(row.name);
    const event = latest ? calendar.find((e) => e.kind === 'crl-resign' && e.ca === row.name && e.crlNumber === latest.crlNumber) : undefined;
    const crl: AuthorityCrlView | null = latest
      ? {
          crlNumber: latest.crlNumber,
          thisUpdate: latest.thisUpdate,
          nextUpdate: latest.nextUpdate,
          state: event?.state === 'overdue' ? 'overdue' : event?.state === 'due-soon' ? 'due-soon' : 'fresh',
          daysLeft: Math.trunc((new Date(latest.nextUpdate).getTime() - now.getTime()) / DAY) || 0,
          resignFrom: (event?.warnFrom ?? new Date(latest.nextUpdate)).toISOString(),
        }
      : null;
    out.push(
      await authorityView({
        id: `ca:${row.name}`,
        parentId: row.parent !== null ? `ca:${row.parent}` : null,
        kind: row.profile,
        name: row.name,
        row: cert,
        parsed: certOf.get(row.name)!,
        issuerSpki: row.parent !== null ? certOf.get(row.parent)?.spki : undefined,
        key,
        issued: certs.issuedCount(row.name),
        crl,
        crlSigning: key.store === 'software' ? 'passphrase' : key.store === 'pkcs11' ? 'pkcs11-pin' : 'ceremony',
        now,
      }),
    );
  }

  // Signed here for an online CA's CSR: an authority of the hierarchy whose key is elsewhere.
  for (const row of certs.externalIntermediates()) out.push(await signerView(row, 'intermediate', null, certOf, now));
  const signerKeys = new Map(new ManifestRepository(ws).signers().map((s) => [s.certificateId, s.keyLabel]));
  for (const row of certs.withProfile('manifest-signer')) {
    const label = signerKeys.get(row.id);
    out.push(await signerView(row, 'manifest-signer', label !== undefined ? keys.get(label) : null, certOf, now));
  }
  for (const row of certs.withProfile('crl-signer')) out.push(await signerView(row, 'crl-signer', keyFor(keys, row.spkiSha256), certOf, now));
  return out;
}

function keyFor(keys: KeyRepository, spkiSha256: string): KeyRecord | null {
  return keys.list().find((k) => k.spkiSha256 === spkiSha256) ?? null;
}

/** Roots first, then each CA after its parent (created_at order otherwise). */
function orderedCas(rows: readonly CaRow[]): CaRow[] {
  const out: CaRow[] = [];
  const placed = new Set<string>();
  const visit = (parent: string | null) => {
    for (const r of rows) {
      if (r.parent === parent && !placed.has(r.name)) {
        placed.add(r.name);
        out.push(r);
        visit(r.name);
      }
    }
  };
  visit(null);
  // a CA whose parent is missing (never, by the schema's reference) still shows
  for (const r of rows) if (!placed.has(r.name)) out.push(r);
  return out;
}

async function signerView(
  row: CertificateRow,
  kind: AuthorityView['kind'],
  key: KeyRecord | null,
  certOf: Map<string, ParsedCertificate>,
  now: Date,
): Promise<AuthorityView> {
  const parsed = parseCertificateFast(row.der);
  return authorityView({
    id: `cert:${row.id}`,
    parentId: row.issuerCa !== null ? `ca:${row.issuerCa}` : null,
    kind,
    name: parsed.subject.find((a) => a.oid === OID.commonName)?.value ?? row.subject,
    row,
    parsed,
    issuerSpki: row.issuerCa !== null ? certOf.get(row.issuerCa)?.spki : undefined,
    key,
    issued: null,
    crl: null,
    crlSigning: null,
    now,
  });
}

async function authorityView(a: {
  id: string;
  parentId: string | null;
  kind: AuthorityView['kind'];
  name: string;
  row: CertificateRow;
  parsed: ParsedCertificate;
  issuerSpki: Buffer | undefined;
  key: KeyRecord | null;
  issued: number | null;
  crl: AuthorityCrlView | null;
  crlSigning: AuthorityView['crlSigning'];
  now: Date;
}): Promise<AuthorityView> {
  const certificate = certificateView(a.parsed, a.issuerSpki);
  const nb = a.parsed.notBefore.getTime();
  const na = a.parsed.notAfter.getTime();
  const t = a.now.getTime();
  return {
    id: a.id,
    parentId: a.parentId,
    kind: a.kind,
    name: a.name,
    profile: a.row.profile,
    status: a.row.status,
    certificate,
    fingerprintQrSvg: await QRCode.toString(fingerprintQrText(a.parsed.sha256), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    validityPosition: na > nb ? Math.min(1, Math.max(0, (t - nb) / (na - nb))) : 1,
    validityState: t < nb ? 'not-yet-valid' : t > na ? 'expired' : 'valid',
    constraints: certificate.description.extensions.filter((e) => CONSTRAINT_OIDS.has(e.oid)).map((e) => `${e.name}: ${e.values.join('; ')}`),
    key: a.key ? authorityKeyView(a.key) : null,
    issued: a.issued,
    crl: a.crl,
    crlSigning: a.crlSigning,
  };
}
