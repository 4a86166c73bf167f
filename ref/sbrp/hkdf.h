/*
 * HKDF-SHA256 (RFC 5869), the key derivation of the SBRP handshake
 * (sbrp.md 5.1, SBRP-CRYPTO-005). libsodium 1.0.18 has no HKDF, so it is
 * built here on HMAC-SHA256 with an arbitrary-length key (the salt).
 */
#ifndef SB_SBRP_HKDF_H
#define SB_SBRP_HKDF_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_SBRP_HKDF_HASH_BYTES 32u                           /* SHA-256 output, PRK size */
#define SB_SBRP_HKDF_MAX_OKM (255u * SB_SBRP_HKDF_HASH_BYTES) /* RFC 5869 2.3: L <= 255 HashLen */

/* HKDF-Extract: prk = HMAC-SHA256(key = salt, ikm); an empty salt means HashLen zeros.
 * SB_ERR_ARG on NULL pointers with a non-zero length. */
SB_NODISCARD int sb_sbrp_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                                      size_t ikm_len, uint8_t prk[SB_SBRP_HKDF_HASH_BYTES]);

/* HKDF-Expand: `okm_len` bytes from a 32-byte PRK and `info`.
 * SB_ERR_ARG if okm_len is 0 or above SB_SBRP_HKDF_MAX_OKM, or on NULL pointers. */
SB_NODISCARD int sb_sbrp_hkdf_expand(const uint8_t prk[SB_SBRP_HKDF_HASH_BYTES],
                                     const uint8_t *info, size_t info_len, uint8_t *okm,
                                     size_t okm_len);

/* Extract then expand; errors as the two steps. The PRK is wiped. */
SB_NODISCARD int sb_sbrp_hkdf(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                              size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *okm,
                              size_t okm_len);

#endif
