/*
 * The token `sid` claim: the SBRP SessionID (a u64, never 0) as unpadded
 * base64url (RFC 4648 section 5) of its 8 big-endian bytes, always 11
 * characters (auth.md section 3, AUTH-010/011). Decoding is strict: exactly
 * 11 URL-safe characters, no padding, canonical last character, non-zero.
 * The SDK's tolerant reading (padding, non-canonical bits, `+` and `/`) is
 * reproduced only by the token peeks in auth/token.h.
 */
#ifndef SB_AUTH_SID_H
#define SB_AUTH_SID_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Characters of an encoded sid, and the buffer size including the NUL. */
#define SB_AUTH_SID_CHARS 11
#define SB_AUTH_SID_SIZE (SB_AUTH_SID_CHARS + 1)

/* Write the 11-character sid of `session_id` and a NUL into `out`.
 * SB_ERR_AUTH_SID_ENCODING if `session_id` is 0, SB_ERR_BUF if `out_cap` < 12. */
SB_NODISCARD int sb_auth_sid_encode(uint64_t session_id, char *out, size_t out_cap);

/* Decode `len` characters into `*session_id`. SB_ERR_AUTH_SID_ENCODING unless
 * the text is exactly 11 URL-safe characters, canonical, of a non-zero value. */
SB_NODISCARD int sb_auth_sid_decode(const char *text, size_t len, uint64_t *session_id);

#endif
