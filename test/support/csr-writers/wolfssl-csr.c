/*
 * Writes CSRs with Debian's wolfSSL (libwolfssl-dev) as wolfSSL's own examples do
 * (wolfssl-examples certgen/csr_example.c): wc_InitCert, the subject and a challengePassword
 * set in the Cert, wc_SetKeyUsage, wc_MakeCertReq, then wc_SignCert over the request body.
 * Built and run at test time by test/support/csr-writer-corpus.ts; nothing it writes is
 * committed.
 *
 *   wolfssl-csr OUTDIR  ->  OUTDIR/p256-v2.der   (Cert as wc_InitCert left it: version 2)
 *                           OUTDIR/p256-v0.der   (req.version = 0 set by hand)
 *
 * Prints the library's version.
 */
#include <wolfssl/options.h>
#include <wolfssl/version.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/random.h>
#include <stdio.h>
#include <string.h>

static int fail(const char *what, int ret) {
  fprintf(stderr, "wolfssl-csr: %s: %d %s\n", what, ret, wc_GetErrorString(ret));
  return 1;
}

static int write_csr(const char *outdir, const char *name, int set_version_zero, WC_RNG *rng) {
  ecc_key key;
  Cert req;
  byte der[4096];
  char path[1024];
  int ret;

  if ((ret = wc_ecc_init(&key)) != 0) return fail("wc_ecc_init", ret);
  if ((ret = wc_ecc_make_key_ex(rng, 32, &key, ECC_SECP256R1)) != 0) return fail("wc_ecc_make_key_ex", ret);

  if ((ret = wc_InitCert(&req)) != 0) return fail("wc_InitCert", ret);
  if (set_version_zero) req.version = 0;
  strncpy(req.subject.country, "DE", CTC_NAME_SIZE);
  strncpy(req.subject.org, "Acme", CTC_NAME_SIZE);
  strncpy(req.subject.commonName, "dev-1", CTC_NAME_SIZE);
  strncpy(req.subject.serialDev, "SN0001", CTC_NAME_SIZE);
  strncpy(req.challengePw, "9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8", CTC_NAME_SIZE);
  req.sigType = CTC_SHA256wECDSA;
  if ((ret = wc_SetKeyUsage(&req, "digitalSignature,keyAgreement")) != 0) return fail("wc_SetKeyUsage", ret);

  ret = wc_MakeCertReq(&req, der, sizeof der, NULL, &key);
  if (ret <= 0) return fail("wc_MakeCertReq", ret);
  ret = wc_SignCert(req.bodySz, req.sigType, der, sizeof der, NULL, &key, rng);
  if (ret <= 0) return fail("wc_SignCert", ret);

  snprintf(path, sizeof path, "%s/%s.der", outdir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(der, 1, (size_t)ret, f) != (size_t)ret || fclose(f) != 0) {
    perror(path);
    return 1;
  }
  wc_ecc_free(&key);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wolfssl-csr OUTDIR\n");
    return 2;
  }
  WC_RNG rng;
  int ret = wc_InitRng(&rng);
  if (ret != 0) return fail("wc_InitRng", ret);
  if (write_csr(argv[1], "p256-v2", 0, &rng)) return 1;
  if (write_csr(argv[1], "p256-v0", 1, &rng)) return 1;
  wc_FreeRng(&rng);
  printf("%s\n", LIBWOLFSSL_VERSION_STRING);
  return 0;
}
