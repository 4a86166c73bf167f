#include "sbrp/hkdf.h"

#include <sodium.h>
#include <string.h>

#include "common/error.h"

int sb_sbrp_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                         uint8_t prk[SB_SBRP_HKDF_HASH_BYTES]) {
  if (!prk || (salt_len && !salt) || (ikm_len && !ikm)) return SB_ERR_ARG;
  /* HMAC pads a short key with zeros, so an empty key is the RFC's
   * "HashLen zeros"; _init (not the one-shot call) takes any key length. */
  static const uint8_t no_salt[1] = {0};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, salt_len ? salt : no_salt, salt_len);
  crypto_auth_hmacsha256_update(&st, ikm_len ? ikm : no_salt, ikm_len);
  crypto_auth_hmacsha256_final(&st, prk);
  sodium_memzero(&st, sizeof st);
  return SB_OK;
}

int sb_sbrp_hkdf_expand(const uint8_t prk[SB_SBRP_HKDF_HASH_BYTES], const uint8_t *info,
                        size_t info_len, uint8_t *okm, size_t okm_len) {
  if (!prk || !okm || (info_len && !info)) return SB_ERR_ARG;
  if (okm_len == 0 || okm_len > SB_SBRP_HKDF_MAX_OKM) return SB_ERR_ARG;
  uint8_t t[SB_SBRP_HKDF_HASH_BYTES];
  crypto_auth_hmacsha256_state st;
  size_t done = 0;
  /* T(i) = HMAC(PRK, T(i-1) | info | i), T(0) empty; OKM = T(1) | T(2) | ... */
  for (unsigned i = 1; done < okm_len; i++) {
    uint8_t counter = (uint8_t)i;
    crypto_auth_hmacsha256_init(&st, prk, SB_SBRP_HKDF_HASH_BYTES);
    if (i > 1) crypto_auth_hmacsha256_update(&st, t, sizeof t);
    if (info_len) crypto_auth_hmacsha256_update(&st, info, info_len);
    crypto_auth_hmacsha256_update(&st, &counter, 1);
    crypto_auth_hmacsha256_final(&st, t);
    size_t n = okm_len - done < sizeof t ? okm_len - done : sizeof t;
    memcpy(okm + done, t, n);
    done += n;
  }
  sodium_memzero(t, sizeof t);
  sodium_memzero(&st, sizeof st);
  return SB_OK;
}

int sb_sbrp_hkdf(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                 const uint8_t *info, size_t info_len, uint8_t *okm, size_t okm_len) {
  uint8_t prk[SB_SBRP_HKDF_HASH_BYTES];
  int rc = sb_sbrp_hkdf_extract(salt, salt_len, ikm, ikm_len, prk);
  if (rc == SB_OK) rc = sb_sbrp_hkdf_expand(prk, info, info_len, okm, okm_len);
  sodium_memzero(prk, sizeof prk);
  return rc;
}
