/**
 * Real AT%KEYGEN=<sec_tag>,2,0 output from nRF9160 modems, as published in the README of
 * Nordic's nRF Cloud utils (python/modem-firmware-1.3+): the only ground truth for the
 * response shape we have without hardware. The CSRs sign ecdsa-with-SHA256 with explicit
 * NULL parameters; the COSE payloads start with tag 55799 and carry the sec_tag as a byte
 * string holding CBOR.
 */
export const NORDIC_KEYGEN_16842753 = {
  secTag: 16842753,
  csr: 'MIIBCjCBrwIBADAvMS0wKwYDVQQDDCQ1MDUwMzY0Mi0zMjM5LTRmODYtODBjNC0wNjEyMmUyOTk2MjMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARiUcy3JPF23JN4WN6ek_uEF_9BAz79CSTDx0ZQDJSlEz5EfWDTLImxXGa6_VOOonrHQ64p77hcSaZqNweE4kV6oB4wHAYJKoZIhvcNAQkOMQ8wDTALBgNVHQ8EBAMCA-gwDAYIKoZIzj0EAwIFAANIADBFAiAyuRZLkBvksmLLZvxY_HnqEkZIFhpHQ9e4tIZDxX8MQwIhAN1APbTPnEA_J0AMOviRVocbGskLr-_-HFuQR1g2owZc',
  cose: '0oRDoQEmoQRBIVhP2dn3hQlQUFA2QjI5T4aAxAYSLimWI0UaAQEAAVgggTi2Q8GE2LqjCUpqPsoiYEjvHtPZ6CEbNAry8l3hcuRQgpdUdyqu7lyBKwz6B3EwpVhA6JwXchVqyuJHXDM_qZy91o2d7v7HpMMqOO7oDOACbmJ7iFmjaX10Iw6q_BxZw1bvRigo4lF5F35ooIt7z4ohAg',
  uuid: '50503642-3239-4f86-80c4-06122e299623',
  sha256: '8138b643c184d8baa3094a6a3eca226048ef1ed3d9e8211b340af2f25de172e4',
  nonce: '829754772aaeee5c812b0cfa077130a5',
  imei: '352656109480783',
} as const;

/** A second sample; its attestation names sec_tag 42 (the README's narration says otherwise, the bytes say 42). */
export const NORDIC_KEYGEN_42 = {
  secTag: 42,
  csr: 'MIIBCjCBrwIBADAvMS0wKwYDVQQDDCQ1MDM2MzE1NC0zOTMyLTQ4MzQtODAyYi0wOTA4NzE4MzE0ZGMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATPLBN5-YWj13l6NWeqNFW8VjHOWZB5IfeaEyfMeiUk6V1NEMuYnEBwwrBdV94F5XdscCKDLtvtyKo4VTbnK-mPoB4wHAYJKoZIhvcNAQkOMQ8wDTALBgNVHQ8EBAMCA-gwDAYIKoZIzj0EAwIFAANIADBFAiAO2KmzF9Ms599GC3EueXhmp6AWwtD6c7bA_lhnNc7ZgQIhAMFJC99z_GfLJxCT2U8Dt4MFCB_5wwFYSDcSg-ucfLHS',
  cose: '0oRDoQEmoQRBIVhM2dn3hQlQUDYxVDkySDSAKwkIcYMU3EIYKlgglFk5S_wQVOvIPvm-qjnYS4BZ4mCg7Bsf3cAVIGelPGNQVF8u_v_HrhBJH107c3QBLVhA35AZa4ZWQbm7mRQfFuGGlfLFgiNwMLxxjsmiQHNtT01o5c6pm2uEqMn0T_YY0aEXZer2hCS-YwNoW97zcH_Iug',
  uuid: '50363154-3932-4834-802b-0908718314dc',
  sha256: '9459394bfc1054ebc83ef9beaa39d84b8059e260a0ec1b1fddc0152067a53c63',
  nonce: '545f2efeffc7ae10491f5d3b7374012d',
} as const;

export function keygenLine(v: { csr: string; cose: string }): string {
  return `%KEYGEN: "${v.csr}.${v.cose}"`;
}
