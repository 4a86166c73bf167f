#include "sbrp/hkdf.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

/* One RFC 5869 appendix A case (SHA-256): inputs as ranges, outputs as hex. */
static void check_rfc5869(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
                          const uint8_t *info, size_t info_len, size_t l, const char *prk_hex,
                          const char *okm_hex) {
  uint8_t prk[SB_SBRP_HKDF_HASH_BYTES], okm[128], okm2[128];
  SBT_OK(sb_sbrp_hkdf_extract(salt, salt_len, ikm, ikm_len, prk));
  SBT_HEX_EQ(prk, sizeof prk, prk_hex);
  SBT_OK(sb_sbrp_hkdf_expand(prk, info, info_len, okm, l));
  SBT_HEX_EQ(okm, l, okm_hex);
  SBT_OK(sb_sbrp_hkdf(salt, salt_len, ikm, ikm_len, info, info_len, okm2, l));
  SBT_HEX_EQ(okm2, l, okm_hex);
}

static void fill_range(uint8_t *out, unsigned from, unsigned to) {
  for (unsigned v = from; v < to; v++) out[v - from] = (uint8_t)v;
}

static void hkdf_matches_rfc5869_case1_basic(void) {
  /* SBRP-CRYPTO-005: HKDF-SHA256 extract + expand as RFC 5869. */
  uint8_t ikm[22], salt[13], info[10];
  memset(ikm, 0x0b, sizeof ikm);
  fill_range(salt, 0x00, 0x0d);
  fill_range(info, 0xf0, 0xfa);
  check_rfc5869(ikm, sizeof ikm, salt, sizeof salt, info, sizeof info, 42,
                "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887"
                "185865");
}

static void hkdf_matches_rfc5869_case2_long_inputs(void) {
  /* SBRP-CRYPTO-005: 80-byte salt (not a 32-byte HMAC key), 82-byte OKM. */
  uint8_t ikm[80], salt[80], info[80];
  fill_range(ikm, 0x00, 0x50);
  fill_range(salt, 0x60, 0xb0);
  fill_range(info, 0xb0, 0x100);
  check_rfc5869(ikm, sizeof ikm, salt, sizeof salt, info, sizeof info, 82,
                "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac78272"
                "71cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f"
                "1d87");
}

static void hkdf_matches_rfc5869_case3_empty_salt_and_info(void) {
  /* SBRP-CRYPTO-005: zero-length salt and info. */
  uint8_t ikm[22];
  memset(ikm, 0x0b, sizeof ikm);
  check_rfc5869(ikm, sizeof ikm, NULL, 0, NULL, 0, 42,
                "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b6"
                "1a96c8");
}

static void hkdf_empty_salt_equals_hashlen_zero_bytes(void) {
  /* SBRP-CRYPTO-005 (RFC 5869 2.2): a missing salt is HashLen zeros. */
  uint8_t zeros[32] = {0}, ikm[5] = {1, 2, 3, 4, 5}, a[32], b[32];
  SBT_OK(sb_sbrp_hkdf_extract(NULL, 0, ikm, sizeof ikm, a));
  SBT_OK(sb_sbrp_hkdf_extract(zeros, sizeof zeros, ikm, sizeof ikm, b));
  SBT_CHECK(memcmp(a, b, 32) == 0, "empty salt and 32 zero bytes give the same PRK");
}

static void hkdf_expand_refuses_zero_and_oversized_lengths(void) {
  /* RFC 5869 2.3: L <= 255 * HashLen = 8160. */
  uint8_t prk[32] = {7};
  uint8_t *okm = malloc(SB_SBRP_HKDF_MAX_OKM + 1);
  SBT_OK(sb_sbrp_hkdf_expand(prk, NULL, 0, okm, SB_SBRP_HKDF_MAX_OKM));
  SBT_ERR_EQ(sb_sbrp_hkdf_expand(prk, NULL, 0, okm, SB_SBRP_HKDF_MAX_OKM + 1), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_hkdf_expand(prk, NULL, 0, okm, 0), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_hkdf_expand(prk, NULL, 5, okm, 32), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_hkdf_extract(NULL, 3, prk, 32, okm), SB_ERR_ARG);
  free(okm);
}

static void hkdf_expand_prefix_is_stable_across_lengths(void) {
  /* Expanding to 64 bytes (the SBRP length) starts with the 32-byte result:
   * T(1) does not depend on L. */
  uint8_t prk[32], a[64], b[32];
  memset(prk, 0x5a, sizeof prk);
  SBT_OK(sb_sbrp_hkdf_expand(prk, (const uint8_t *)"x", 1, a, 64));
  SBT_OK(sb_sbrp_hkdf_expand(prk, (const uint8_t *)"x", 1, b, 32));
  SBT_CHECK(memcmp(a, b, 32) == 0, "first 32 bytes agree");
}

static void upstream_hkdf_prk_and_session_keys(void) {
  /* SBRP-CRYPTO-005, SBRP-CRYPTO-006: upstream-handshake.json handshakes[*].hkdf:
   * PRK (prk_helper) and the 64-byte OKM split into the two traffic keys. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *hs = sbt_get(doc, "handshakes"), *h;
  int n = 0;
  cJSON_ArrayForEach(h, hs) {
    const cJSON *k = sbt_get(h, "hkdf");
    size_t salt_len, ikm_len;
    uint8_t *salt = sbt_unhex(sbt_str(k, "salt"), &salt_len);
    uint8_t *ikm = sbt_unhex(sbt_str(k, "ikm"), &ikm_len);
    const char *info = sbt_str(k, "info_utf8");
    const cJSON *len = sbt_get(k, "length");
    uint8_t prk[32], okm[64];
    SBT_CHECK(cJSON_IsNumber(len) && len->valuedouble == 64, "length is 64");
    SBT_OK(sb_sbrp_hkdf_extract(salt, salt_len, ikm, ikm_len, prk));
    if (SBT_HEX_EQ(prk, 32, sbt_str(k, "prk_helper"))) sbt_count_upstream_value();
    SBT_OK(
        sb_sbrp_hkdf(salt, salt_len, ikm, ikm_len, (const uint8_t *)info, strlen(info), okm, 64));
    if (SBT_HEX_EQ(okm, 32, sbt_str(h, "client_to_daemon_key"))) sbt_count_upstream_value();
    if (SBT_HEX_EQ(okm + 32, 32, sbt_str(h, "daemon_to_client_key"))) sbt_count_upstream_value();
    free(salt);
    free(ikm);
    n++;
  }
  SBT_CHECK(n == 2, "two upstream handshakes, got %d", n);
  cJSON_Delete(doc);
}

SBT_SUITE(sbrp_hkdf, "sbrp/hkdf", SBT_CASE(hkdf_matches_rfc5869_case1_basic),
          SBT_CASE(hkdf_matches_rfc5869_case2_long_inputs),
          SBT_CASE(hkdf_matches_rfc5869_case3_empty_salt_and_info),
          SBT_CASE(hkdf_empty_salt_equals_hashlen_zero_bytes),
          SBT_CASE(hkdf_expand_refuses_zero_and_oversized_lengths),
          SBT_CASE(hkdf_expand_prefix_is_stable_across_lengths),
          SBT_CASE(upstream_hkdf_prk_and_session_keys))
