import { z } from 'zod';
import { EXTENDED_KEY_USAGE_NAMES, type ExtendedKeyUsageName } from '../x509/extended-key-usage-names.js';
import { KEY_ALGORITHMS } from '../keys/key-algorithm.js';
import { REVOCATION_REASONS } from '../x509/crl.js';

/**
 * The ceremony script: what the custodians review and approve by hash. It holds no
 * environment (module paths, token serials, PIN sources live in the binding), so the
 * same file runs unchanged at the rehearsal on SoftHSM and on the real HSM.
 */
export const ROLES = ['administrator', 'custodians', 'witnesses'] as const;
export type Role = (typeof ROLES)[number];

/** What a step does after its acknowledgments, beyond telling people what to do. */
export const STEP_ACTIONS = ['generate-key', 'sign-root', 'sign-crl', 'sign-intermediate', 're-split', 'old-shares-destroyed', 'restore-to-token'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._'-]*$/, "must be a plain name (letters, digits, space . _ ' -)");
const ident = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, . _ -');

const participants = z.strictObject({
  administrator: name,
  custodians: z.array(name).min(1),
  witnesses: z.array(name).min(1),
});

const step = z.strictObject({
  id: ident,
  say: z.string().min(1).max(4000),
  acknowledge: z.array(z.enum(ROLES)).min(1),
  action: z.enum(STEP_ACTIONS).optional(),
});

const preflight = z.strictObject({
  /** refuse to run while any non-loopback network interface is up */
  requireNoNetwork: z.boolean(),
});

const pkcs11Key = z.strictObject({
  store: z.literal('pkcs11'),
  label: z.string().min(1).max(128),
  algorithm: z.enum(KEY_ALGORITHMS),
});

/**
 * How each new share is checked before the next custodian's turn: `read-back` (the
 * default) reads the file back from the medium and opens it with the passphrase;
 * `type-back` also has the custodian type it back from the printed sheet, so a sheet
 * that cannot be read is found while the key can still be made again.
 */
export const SHARE_CHECKS = ['read-back', 'type-back'] as const;
export type ShareCheck = (typeof SHARE_CHECKS)[number];
const shareCheck = z.enum(SHARE_CHECKS).optional();

const sharesKey = z.strictObject({
  store: z.literal('shares'),
  label: z.string().min(1).max(128),
  algorithm: z.enum(KEY_ALGORITHMS),
  threshold: z.number().int().min(1),
  custodians: z.array(name).min(1),
  shareCheck,
});

const common = {
  version: z.literal(1),
  /** the ceremony's name, recorded in the audit log and transcript */
  name: ident,
  participants,
  preflight,
  steps: z.array(step).min(1),
};

const validityGuard = z
  .strictObject({
    maxValidityDays: z.number().int().min(1),
    reason: z.string().min(10, 'must give a written reason (10 characters or more)'),
  })
  .optional();

const dnsName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/, 'must be a DNS name (a leading dot for subdomains only)');
/** An EKU constraint: a well-known name or a dotted OID. */
const ekuPurpose = z.union([
  z.enum(EXTENDED_KEY_USAGE_NAMES as [ExtendedKeyUsageName, ...ExtendedKeyUsageName[]]),
  z.string().regex(/^[0-2](?:\.\d+){2,}$/, 'must be a known purpose or a dotted OID'),
]);

export const rootScriptSchema = z.strictObject({
  ...common,
  kind: z.literal('root'),
  key: z.discriminatedUnion('store', [pkcs11Key, sharesKey]),
  certificate: z.strictObject({
    /** the CA's name in the workspace */
    ca: ident,
    subject: z.string().min(1).max(512),
    validityDays: z.number().int().min(1),
    pathLen: z.number().int().min(0).max(10).optional(),
  }),
  guards: validityGuard,
});

/**
 * An intermediate CA certificate signed by a CA of the workspace (the root). Its key is
 * either the online CA's, arriving as a CSR on removable media (the binding names the
 * file; its SHA-256 is shown for the witnesses before signing), or made in the ceremony
 * on its own token (the binding names that token by serial).
 */
export const intermediateScriptSchema = z.strictObject({
  ...common,
  kind: z.literal('intermediate'),
  intermediate: z.strictObject({
    /** the signing CA's name in the workspace */
    parent: ident,
    /** the new CA's name: in the workspace when its key is made here, and the output files' */
    ca: ident,
    subject: z.string().min(1).max(512),
    validityDays: z.number().int().min(1),
    pathLen: z.number().int().min(0).max(10).optional(),
    nameConstraints: z
      .strictObject({
        permittedDns: z.array(dnsName).min(1).optional(),
        excludedDns: z.array(dnsName).min(1).optional(),
      })
      .optional(),
    extendedKeyUsage: z.array(ekuPurpose).min(1).optional(),
    key: z.discriminatedUnion('source', [
      z.strictObject({ source: z.literal('csr') }),
      z.strictObject({ source: z.literal('pkcs11'), label: z.string().min(1).max(128), algorithm: z.enum(KEY_ALGORITHMS) }),
    ]),
  }),
  guards: validityGuard,
});

/**
 * A shares key re-split to a new quorum: M of the old shares in, N' new shares out (for
 * new custodians, or the same people with new passphrases), and a recorded step in which
 * the old shares are destroyed.
 */
export const keyBackupScriptSchema = z.strictObject({
  ...common,
  kind: z.literal('key-backup'),
  backup: z.strictObject({
    /** the label of the shares key in the workspace */
    key: z.string().min(1).max(128),
    threshold: z.number().int().min(1),
    custodians: z.array(name).min(1),
    shareCheck,
  }),
});

/**
 * A shares key restored onto a new PKCS#11 token (the binding names it by serial): M of
 * the shares in, one sensitive, non-extractable token key out, and the CAs that used the
 * shares key signing on the token from then on. The shares stay as the backup.
 */
export const keyRestoreScriptSchema = z.strictObject({
  ...common,
  kind: z.literal('key-restore'),
  restore: z.strictObject({
    /** the label of the shares key in the workspace */
    key: z.string().min(1).max(128),
    /** the restored key's label, on the token and in the workspace */
    label: z.string().min(1).max(128),
  }),
});

export const crlScriptSchema = z.strictObject({
  ...common,
  kind: z.literal('crl'),
  crl: z.strictObject({
    ca: ident,
    nextUpdateDays: z.number().int().min(1),
    revocations: z.array(
      z.strictObject({
        serial: z.string().regex(/^(?:0x)?[0-9a-fA-F:]+$/, 'must be the serial in hex'),
        reason: z.enum(Object.keys(REVOCATION_REASONS) as [keyof typeof REVOCATION_REASONS, ...(keyof typeof REVOCATION_REASONS)[]]),
      }),
    ),
  }),
});

export const ceremonyScriptSchema = z.discriminatedUnion('kind', [
  rootScriptSchema,
  crlScriptSchema,
  intermediateScriptSchema,
  keyBackupScriptSchema,
  keyRestoreScriptSchema,
]);

export type CeremonyScript = z.infer<typeof ceremonyScriptSchema>;
export type RootScript = z.infer<typeof rootScriptSchema>;
export type CrlScript = z.infer<typeof crlScriptSchema>;
export type IntermediateScript = z.infer<typeof intermediateScriptSchema>;
export type KeyBackupScript = z.infer<typeof keyBackupScriptSchema>;
export type KeyRestoreScript = z.infer<typeof keyRestoreScriptSchema>;
export type CeremonyStep = z.infer<typeof step>;

/** The check a script asks of a split it makes; null when it makes none. */
export function shareCheckOf(script: CeremonyScript): ShareCheck | null {
  if (script.kind === 'root' && script.key.store === 'shares') return script.key.shareCheck ?? 'read-back';
  if (script.kind === 'key-backup') return script.backup.shareCheck ?? 'read-back';
  return null;
}
