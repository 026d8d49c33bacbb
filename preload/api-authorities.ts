/**
 * The Authorities section's part of the contract (preload/api.ts spreads the schemas in):
 * every CA of the workspace with where its key lives, its CRL and what it issued, and the
 * two things the screen does with one — export its certificate or chain through the main
 * process's save dialog, sign a new CRL with the secret asked for there and then.
 * zod and types only (the sandboxed preload and the browser import this).
 */
import { z } from 'zod';
import type { CertificateView } from './api.js';

const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'must not contain NUL');
/** an authority's id in authorities.list: `ca:<name>` for a CA of the workspace, `cert:<id>` for a signer certificate */
const authorityId = z
  .string()
  .min(4)
  .max(80)
  .regex(/^(ca:[A-Za-z0-9][A-Za-z0-9._-]{0,63}|cert:[1-9][0-9]{0,15})$/);
const caName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

export const authoritiesInputSchemas = {
  'authorities.list': z.strictObject({}),
  /**
   * Writes the certificate, or the chain up to the root (PEM only), where the main
   * process's save dialog puts it: extension forced, never inside the workspace, never
   * over an existing file; null when cancelled. `path` is refused (OUTPUT_PATH_FROM_RENDERER).
   */
  'authorities.export': z.strictObject({ id: authorityId, what: z.enum(['certificate', 'chain']), format: z.enum(['pem', 'der']), path: filePath.optional() }),
  /**
   * Signs the CA's next CRL (everything it revoked, nothing new) with its key opened by the
   * secret typed at that moment: in memory only, dropped once the CRL is signed. A CA whose
   * key is split into shares is refused (CRL_NEEDS_CEREMONY): that is a CRL ceremony.
   */
  'authorities.signCrl': z.strictObject({
    ca: caName,
    nextUpdateDays: z.number().int().min(1).max(366),
    unlock: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }),
      z.strictObject({ kind: z.literal('pkcs11-pin'), pin: z.string().min(1).max(256) }),
    ]),
  }),
} as const;

/** Where an authority's private key lives; never any part of the key itself. */
export interface AuthorityKeyView {
  label: string;
  store: 'software' | 'pkcs11' | 'shares';
  /** Hallmark's algorithm name, e.g. ecdsa-p384 */
  algorithm: string;
  /** one sentence: "PKCS#11 token "Root Token" (serial 9f3c…)", "3 of 5 shares: Alice, Bob, …", "encrypted software key (PBES2 …)" */
  words: string;
  token: { label: string; serial: string } | null;
  shares: { threshold: number; total: number; custodians: string[] } | null;
}

export interface AuthorityCrlView {
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  /** as the CA calendar judges it (main/ca/ca-calendar.ts): re-sign from a lead time before nextUpdate */
  state: 'fresh' | 'due-soon' | 'overdue';
  /** whole days until nextUpdate, rounded towards zero (negative once past) */
  daysLeft: number;
  /** the day the re-signing falls due in the calendar */
  resignFrom: string;
}

export interface AuthorityView {
  id: string;
  /** the id of the authority that issued it; null for a root (or an issuer not held here) */
  parentId: string | null;
  kind: 'root' | 'intermediate' | 'manifest-signer' | 'crl-signer';
  /** the CA's name in the workspace, or the signer certificate's common name */
  name: string;
  /** the certificate's profile as issued (root, intermediate, matter-paa, manifest-signer, …) */
  profile: string;
  status: 'active' | 'revoked';
  certificate: CertificateView;
  /** the fingerprint (SHA-256 of the DER) as a QR code, an SVG document */
  fingerprintQrSvg: string;
  /** where today falls on the validity, 0 at notBefore … 1 at notAfter (clamped) */
  validityPosition: number;
  validityState: 'not-yet-valid' | 'valid' | 'expired';
  /** pathLen, name constraints and EKU in words; empty when the certificate has none */
  constraints: string[];
  key: AuthorityKeyView | null;
  /** certificates this CA issued (null for a signer) */
  issued: number | null;
  /** the latest CRL (CAs only; null before the first) */
  crl: AuthorityCrlView | null;
  /** how a new CRL is signed here: with the passphrase or the token PIN, at a CRL ceremony (shares), or not at all (a signer) */
  crlSigning: 'passphrase' | 'pkcs11-pin' | 'ceremony' | null;
}

export interface AuthoritiesOutputs {
  'authorities.list': { authorities: AuthorityView[]; now: string };
  /** null: the save dialog was cancelled, nothing written */
  'authorities.export': { path: string; bytes: number } | null;
  'authorities.signCrl': { crlNumber: number; authority: AuthorityView };
}
