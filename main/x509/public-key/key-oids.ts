/** Key algorithm and curve OIDs, with names for the ones we refuse so the message can say which. */
export const KEY_OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

export const UNSUPPORTED_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS (restricted RSA key)',
  '1.2.840.113549.1.1.7': 'RSAES-OAEP',
  '1.2.840.10046.2.1': 'Diffie-Hellman',
  '1.3.132.1.12': 'ECDH-only EC key',
  '1.2.156.10197.1.301': 'SM2',
};

export const UNSUPPORTED_CURVES: Readonly<Record<string, string>> = {
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
  '1.2.156.10197.1.301': 'SM2',
};
