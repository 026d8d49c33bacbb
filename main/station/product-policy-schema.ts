import { z } from 'zod';
import { KEY_ALGORITHMS } from '../keys/key-algorithm.js';
import { parseDer } from '../x509/der/der-reader.js';
import { IA5_PATTERN } from '../x509/der/der-writer.js';
import { OID } from '../x509/oids.js';
import { CSR_ALLOWANCE_NAMES } from '../x509/csr/csr-allowances.js';
import { MATTER_ID_PATTERN } from '../x509/matter/matter-ids.js';

/** Dotted OID: first arc 0–2, second 0–39 under 0 and 1, no leading zeros. */
const OID_PATTERN = /^(?:[01]\.(?:[0-9]|[1-3][0-9])|2\.(?:0|[1-9][0-9]*))(?:\.(?:0|[1-9][0-9]*))*$/;

const oid = z.string().regex(OID_PATTERN, 'must be a dotted object identifier such as 1.3.6.1.4.1.55555.1');

const compilableRegex = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid regular expression');

/** A name attribute template: literal text with `{model}` and `{serial}` placeholders. */
const attributeTemplate = z
  .string()
  .min(1)
  .max(64)
  .refine((s) => [...s.matchAll(/\{([^}]*)\}/g)].every((m) => m[1] === 'model' || m[1] === 'serial'), 'may only use the placeholders {model} and {serial}');

const hexDer = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{2})+$/, 'must be the DER value in hex (an even number of hex digits)')
  .max(2048)
  .refine((s) => {
    try {
      parseDer(Buffer.from(s, 'hex'), { maxDepth: 16 });
      return true;
    } catch {
      return false;
    }
  }, 'is not one well-formed DER element');

const PROFILE_OIDS = new Set<string>(Object.values(OID));

const extraExtension = z.strictObject({
  oid: oid.refine((o) => !PROFILE_OIDS.has(o), 'is an extension the IDevID profile sets itself'),
  critical: z.boolean().default(false),
  value: hexDer,
});

const usbId = z.string().regex(/^[0-9a-fA-F]{4}$/, 'must be 4 hex digits (e.g. "1915")');

/**
 * A product policy: everything the station needs to decide about a device of one model
 * and what its IDevID says. Strict: an unknown key is an error, so a typo never silently
 * turns a rule off.
 */
export const productPolicySchema = z
  .strictObject({
    /** the model the devices report; `{model}` in the subject */
    model: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'must be printable ASCII'),
    protocol: z.enum(['hallmark', 'nrf91']),
    fixture: z.strictObject({ usbVendorId: usbId, usbProductId: usbId }).optional(),
    keyAlgorithms: z
      .array(z.enum(KEY_ALGORITHMS))
      .min(1)
      .refine((a) => new Set(a).size === a.length, 'lists an algorithm twice'),
    /**
     * The CSR deviations this product's firmware is known to write and the station accepts
     * (main/x509/csr/csr-allowances.ts); each use is recorded with the device. Default none.
     */
    csrAllowances: z
      .array(z.enum(CSR_ALLOWANCE_NAMES))
      .max(CSR_ALLOWANCE_NAMES.length)
      .refine((a) => new Set(a).size === a.length, 'lists an allowance twice')
      .default([]),
    /** the hardware serial's format; matched against the whole serial */
    serialPattern: compilableRegex,
    subject: z.strictObject({
      C: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be two capital letters (ISO 3166)')
        .optional(),
      ST: attributeTemplate.optional(),
      L: attributeTemplate.optional(),
      O: attributeTemplate.optional(),
      OU: attributeTemplate.optional(),
      CN: attributeTemplate,
      /** subject serialNumber = the hardware serial (802.1AR, BRSKI, AWS JITP read it) */
      serialNumber: z.boolean().default(true),
    }),
    /** the SAN hardwareModuleName of an IDevID; required unless the product is a Matter product (DACs carry none) */
    hardwareModuleName: z.strictObject({ hwType: oid }).optional(),
    /**
     * A Matter product: the station issues DACs (profile matter-dac) whose subject carries
     * this VendorID and ProductID after the policy's attributes; the issuing CA must be a PAI
     * with the same VendorID (and, when it carries one, the same ProductID).
     */
    matter: z
      .strictObject({
        vendorId: z.string().regex(MATTER_ID_PATTERN, '[matter.vendor-id] must be exactly 4 uppercase hex digits (e.g. FFF1)'),
        productId: z.string().regex(MATTER_ID_PATTERN, '[matter.product-id] must be exactly 4 uppercase hex digits (e.g. 8000)'),
        /** PBKDF2 iterations of each device's SPAKE2+ verifier (Matter: 1,000–100,000) */
        spake2pIterations: z
          .number()
          .int()
          .min(1000, '[matter.spake2p-iterations] at least 1,000')
          .max(100_000, '[matter.spake2p-iterations] at most 100,000')
          .default(10_000),
      })
      .optional(),
    masaUrl: z
      .string()
      .min(1)
      .max(1024)
      .refine((s) => IA5_PATTERN.test(s) && !/\s/.test(s), 'must be an ASCII URI without spaces')
      .optional(),
    validity: z.union([z.literal('no-expiration'), z.strictObject({ days: z.number().int().min(1).max(36_500) })]),
    keyAgreement: z.boolean().default(false),
    extensions: z.array(extraExtension).max(16).default([]),
    issuingCa: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a CA name of this workspace'),
    /** who may approve a rework (the audit log's actor names); absent: any operator, recorded */
    reworkOperators: z.array(z.string().min(1).max(64)).min(1).optional(),
    targetCloud: z
      .strictObject({
        /** refuse to issue without subject serialNumber (AWS JITP, BRSKI, Trustpoint-style registrars) */
        requireSubjectSerialNumber: z.boolean().default(false),
        /** refuse a CN some other certificate in the workspace already has (Azure DPS registration ids) */
        uniqueCommonName: z.boolean().default(false),
      })
      .default({ requireSubjectSerialNumber: false, uniqueCommonName: false }),
  })
  .superRefine((p, ctx) => {
    if (!p.matter && !p.hardwareModuleName)
      ctx.addIssue({ code: 'custom', path: ['hardwareModuleName'], message: 'is required (an IDevID carries it); only a Matter product goes without' });
    if (p.matter && p.hardwareModuleName)
      ctx.addIssue({ code: 'custom', path: ['hardwareModuleName'], message: 'a Matter DAC carries no hardwareModuleName; remove it' });
    if (p.matter && (p.masaUrl !== undefined || p.keyAgreement || p.extensions.length > 0)) {
      ctx.addIssue({ code: 'custom', path: ['matter'], message: '[matter.key-usage] a Matter DAC carries no MASA URL, keyAgreement or product extensions' });
    }
    if (p.matter && !p.keyAlgorithms.every((a) => a === 'ecdsa-p256')) {
      ctx.addIssue({ code: 'custom', path: ['keyAlgorithms'], message: '[matter.public-key-p256] a Matter product accepts ecdsa-p256 keys only' });
    }
  });

export type ProductPolicy = z.output<typeof productPolicySchema>;
