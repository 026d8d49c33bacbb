import { CertificateRepository, type CertificateRow } from '../store/certificate-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { ProfileName } from '../x509/certificate-template.js';
import type { SignedCertificate } from '../x509/sign-certificate.js';

/**
 * Commits an issued certificate and its audit entry (with lint warnings and skipped rules
 * and their reasons). Must run inside Workspace.transact(), before the certificate is
 * returned to anyone.
 */
export function recordIssued(
  ws: Workspace,
  args: {
    signed: SignedCertificate;
    profile: ProfileName;
    issuerCa: string | null;
    issuerSpki: Buffer;
    subject: string;
    actor: string;
    /** facts about the request it was issued for (its SHA-256, the CSR allowances it needed) */
    request?: { readonly csrSha256: string; readonly csrAllowances?: readonly string[] };
  },
): CertificateRow {
  const row = new CertificateRepository(ws).insert(args.signed.certificate, {
    profile: args.profile,
    issuerCa: args.issuerCa,
    issuerSpki: args.issuerSpki,
    subject: args.subject,
  });
  ws.audit.append({
    actor: args.actor,
    action: 'certificate.issued',
    subject: row.serial,
    details: {
      profile: args.profile,
      issuer: args.issuerCa,
      subject: args.subject,
      sha256: row.sha256,
      spkiSha256: row.spkiSha256,
      notBefore: row.notBefore,
      notAfter: row.notAfter,
      lintWarnings: args.signed.findings.map((f) => `[${f.rule}] ${f.message}`),
      lintsSkipped: args.signed.skipped.map((s) => ({ rule: s.rule, reason: s.reason })),
      ...(args.request ? { csrSha256: args.request.csrSha256, ...(args.request.csrAllowances ? { csrAllowances: [...args.request.csrAllowances] } : {}) } : {}),
    },
  });
  return row;
}
