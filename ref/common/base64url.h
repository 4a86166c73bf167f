/*
 * Unpadded base64url (RFC 4648 section 5), as used by JWS segments and the
 * token `sid` claim. Decoding is strict: no padding, no whitespace, and the
 * unused low bits of the last character must be zero (canonical form).
 */
#ifndef SB_COMMON_BASE64URL_H
#define SB_COMMON_BASE64URL_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Characters needed to encode n bytes, including the terminating NUL. */
#define SB_BASE64URL_SIZE(n) (((n) * 4 + 2) / 3 + 1)

/* Encode `len` bytes into `out` (NUL-terminated); SB_ERR_BUF if too small. */
SB_NODISCARD int sb_base64url_encode(const uint8_t *in, size_t len, char *out, size_t out_cap);

/* Decode `text_len` characters; `*out_len` gets the byte count.
 * SB_ERR_BASE64 on any non-canonical or non-alphabet input, SB_ERR_BUF if
 * `out_cap` is too small. */
SB_NODISCARD int sb_base64url_decode(const char *text, size_t text_len, uint8_t *out,
                                     size_t out_cap, size_t *out_len);

#endif
