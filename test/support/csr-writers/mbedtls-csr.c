/*
 * Writes CSRs with Debian's mbedTLS (libmbedtls-dev), the way device firmware does:
 * mbedtls_pk keys made on the spot and mbedtls_x509write_csr. Built and run at test time
 * by test/support/csr-writer-corpus.ts; nothing it writes is committed.
 *
 *   mbedtls-csr OUTDIR  ->  OUTDIR/p256.der, p384.der, rsa2048.der, p256-plain.der
 *
 * The first three have subject CN=dev-1,O=Acme,serialNumber=SN_0001@x and request keyUsage
 * digitalSignature: mbedTLS writes serialNumber as a PrintableString without checking its
 * characters ('@' and '_' are outside the set). p256-plain has subject CN=dev-1,O=Acme and
 * no extensions. mbedtls_x509write_csr cannot write a challengePassword. Prints the
 * library's version.
 */
#include <stdio.h>
#include <string.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_csr.h>


static int fail(const char *what, int ret) {
  char msg[200];
  mbedtls_strerror(ret, msg, sizeof msg);
  fprintf(stderr, "mbedtls-csr: %s: -0x%04x %s\n", what, (unsigned)-ret, msg);
  return 1;
}

static int write_csr(const char *outdir, const char *name, mbedtls_pk_type_t type, int param,
                     mbedtls_md_type_t md, const char *subject, int key_usage, mbedtls_ctr_drbg_context *drbg) {
  mbedtls_pk_context key;
  mbedtls_x509write_csr req;
  unsigned char buf[4096];
  char path[1024];
  int ret;

  mbedtls_pk_init(&key);
  mbedtls_x509write_csr_init(&req);
  if ((ret = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(type))) != 0) return fail("pk_setup", ret);
  if (type == MBEDTLS_PK_ECKEY) {
    ret = mbedtls_ecp_gen_key((mbedtls_ecp_group_id)param, mbedtls_pk_ec(key), mbedtls_ctr_drbg_random, drbg);
  } else {
    ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(key), mbedtls_ctr_drbg_random, drbg, (unsigned)param, 65537);
  }
  if (ret != 0) return fail("gen_key", ret);

  mbedtls_x509write_csr_set_md_alg(&req, md);
  mbedtls_x509write_csr_set_key(&req, &key);
  if ((ret = mbedtls_x509write_csr_set_subject_name(&req, subject)) != 0) return fail("set_subject_name", ret);
  if (key_usage && (ret = mbedtls_x509write_csr_set_key_usage(&req, MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) != 0) {
    return fail("set_key_usage", ret);
  }

  /* mbedtls_x509write_csr_der writes at the END of the buffer and returns the length. */
  ret = mbedtls_x509write_csr_der(&req, buf, sizeof buf, mbedtls_ctr_drbg_random, drbg);
  if (ret < 0) return fail("x509write_csr_der", ret);
  snprintf(path, sizeof path, "%s/%s.der", outdir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(buf + sizeof buf - ret, 1, (size_t)ret, f) != (size_t)ret || fclose(f) != 0) {
    perror(path);
    return 1;
  }
  mbedtls_x509write_csr_free(&req);
  mbedtls_pk_free(&key);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: mbedtls-csr OUTDIR\n");
    return 2;
  }
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  const char pers[] = "hallmark-csr-corpus";
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  int ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)pers, sizeof pers - 1);
  if (ret != 0) return fail("ctr_drbg_seed", ret);

  const char *sn = "CN=dev-1,O=Acme,serialNumber=SN_0001@x";
  const char *out = argv[1];
  if (write_csr(out, "p256", MBEDTLS_PK_ECKEY, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_MD_SHA256, sn, 1, &drbg)) return 1;
  if (write_csr(out, "p384", MBEDTLS_PK_ECKEY, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_MD_SHA384, sn, 1, &drbg)) return 1;
  if (write_csr(out, "rsa2048", MBEDTLS_PK_RSA, 2048, MBEDTLS_MD_SHA256, sn, 1, &drbg)) return 1;
  if (write_csr(out, "p256-plain", MBEDTLS_PK_ECKEY, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_MD_SHA256, "CN=dev-1,O=Acme", 0, &drbg)) return 1;
  printf("%s\n", MBEDTLS_VERSION_STRING);
  mbedtls_ctr_drbg_free(&drbg);
  mbedtls_entropy_free(&entropy);
  return 0;
}
