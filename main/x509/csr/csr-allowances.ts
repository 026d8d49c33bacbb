import { CsrError, type CsrErrorCode } from './csr-errors.js';

/**
 * Deviations from RFC 2986 / DER that real device firmware writes and that cannot weaken the
 * proof of possession or the key: the signed bytes are verified exactly as received, and the
 * station takes only the public key from a CSR (it builds the subject itself). Each is
 * refused unless the caller names it, and every CSR accepted under one says which it used,
 * so the decision is recorded with the device (docs/device-protocol.md, "CSR allowances").
 *
 * What is never an allowance: a signature that does not verify, raw or negative signature
 * INTEGERs, SHA-1/MD5, weak or off-curve keys, a signature algorithm that is not the key's,
 * BER lengths, trailing bytes, versions above 2.
 */
export const CSR_ALLOWANCE_NAMES = [
  'ecdsa-null-parameters',
  'csr-version-nonzero',
  'attributes-absent',
  'attributes-unsorted',
  'ecdsa-signature-padded',
  'subject-string-characters',
] as const;

export type CsrAllowance = (typeof CSR_ALLOWANCE_NAMES)[number];

export interface CsrAllowanceInfo {
  /** the code a CSR with this deviation is refused with when the allowance is not given */
  readonly refusal: CsrErrorCode;
  /** what the CSR does, completing "this CSR's …" */
  readonly deviation: string;
  /** who writes it, for the refusal and for QA */
  readonly writers: string;
}

export const CSR_ALLOWANCES: Readonly<Record<CsrAllowance, CsrAllowanceInfo>> = {
  'ecdsa-null-parameters': {
    refusal: 'CSR_SIGNATURE_ALGORITHM_PARAMETERS',
    deviation: 'signature AlgorithmIdentifier carries NULL parameters after ecdsa-with-SHA*',
    writers: 'as mbedTLS 2.16–2.28.4 and 3.0–3.4.1 write it (ESP-IDF 4.4/5.0, Zephyr, nRF Connect SDK) and nRF91 modems',
  },
  'csr-version-nonzero': {
    refusal: 'CSR_VERSION',
    deviation: 'version is 1 or 2 instead of 0 (v1)',
    writers: 'as wolfSSL wc_MakeCertReq writes it after wc_InitCert (version 2), and older wolfTPM',
  },
  'attributes-absent': {
    refusal: 'CSR_ATTRIBUTES_ABSENT',
    deviation: 'certificationRequestInfo leaves out the [0] attributes field',
    writers: 'as Bouncy Castle writes it with setLeaveOffEmptyAttributes(true)',
  },
  'attributes-unsorted': {
    refusal: 'CSR_ATTRIBUTES_ORDER',
    deviation: 'attributes are not in the order DER requires for a SET OF (sorted by their encodings)',
    writers: 'as wolfSSL wc_MakeCertReq writes challengePassword before extensionRequest',
  },
  'ecdsa-signature-padded': {
    refusal: 'CSR_SIGNATURE_NOT_MINIMAL',
    deviation: 'ECDSA signature INTEGERs carry redundant leading zero bytes (fixed-width r and s)',
    writers: 'as the Infineon OPTIGA Trust M host library before v5.0 writes about one signature in 256',
  },
  'subject-string-characters': {
    refusal: 'CSR_STRING_ENCODING',
    deviation: 'subject has a PrintableString with printable ASCII outside the PrintableString set',
    writers: 'as mbedTLS writes serialNumber and C without checking their characters',
  },
};

export function isCsrAllowance(name: string): name is CsrAllowance {
  return (CSR_ALLOWANCE_NAMES as readonly string[]).includes(name);
}

/** The refusal's wording: what the CSR does, who writes it so, and the allowance that accepts it. */
export function allowanceRefusal(allowance: CsrAllowance, found: string): string {
  const a = CSR_ALLOWANCES[allowance];
  return `this CSR's ${a.deviation} (${found}), ${a.writers}; a product policy can accept it with csrAllowances: [${allowance}]`;
}

/**
 * Which deviations a parse accepts, and which it met. One per parse: the parser asks
 * `permit()` at each deviation, which either records it or refuses with the named code.
 */
export class AllowanceLedger {
  private readonly permitted: ReadonlySet<CsrAllowance>;
  private readonly met = new Set<CsrAllowance>();

  constructor(allow: readonly CsrAllowance[] | 'all') {
    this.permitted = new Set(allow === 'all' ? CSR_ALLOWANCE_NAMES : allow);
  }

  /** True (and recorded) when the deviation is permitted; false when it must be refused. */
  permit(allowance: CsrAllowance): boolean {
    if (!this.permitted.has(allowance)) return false;
    this.met.add(allowance);
    return true;
  }

  /** The allowances this CSR needed, in the canonical order. */
  used(): CsrAllowance[] {
    return CSR_ALLOWANCE_NAMES.filter((a) => this.met.has(a));
  }
}

/** The refusal of a deviation whose allowance was not given: its own code, the allowance named. */
export function refusedWithout(allowance: CsrAllowance, found: string): CsrError {
  return new CsrError(CSR_ALLOWANCES[allowance].refusal, allowanceRefusal(allowance, found), { allowance });
}
