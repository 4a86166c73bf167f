#include "auth/sid.h"

#include <stdbool.h>

#include "common/base64url.h"
#include "common/bytes.h"
#include "common/error.h"

int sb_auth_sid_encode(uint64_t session_id, char *out, size_t out_cap) {
  if (!out) return SB_ERR_ARG;
  if (session_id == 0) return SB_ERR_AUTH_SID_ENCODING; /* AUTH-011 */
  if (out_cap < SB_AUTH_SID_SIZE) return SB_ERR_BUF;
  uint8_t be[8];
  sb_store_u64be(be, session_id);
  return sb_base64url_encode(be, sizeof be, out, out_cap);
}

int sb_auth_sid_decode(const char *text, size_t len, uint64_t *session_id) {
  if (!session_id || (len && !text)) return SB_ERR_ARG;
  *session_id = 0;
  /* 11 characters carry 66 bits: 8 bytes plus 2 bits that must be zero.
   * The common decoder rejects padding, other alphabets and non-zero
   * trailing bits, so only the length and the value are checked here. */
  if (len != SB_AUTH_SID_CHARS) return SB_ERR_AUTH_SID_ENCODING;
  uint8_t be[8];
  size_t n = 0;
  if (sb_base64url_decode(text, len, be, sizeof be, &n) != SB_OK || n != sizeof be)
    return SB_ERR_AUTH_SID_ENCODING;
  uint64_t v = sb_load_u64be(be);
  if (v == 0) return SB_ERR_AUTH_SID_ENCODING;
  *session_id = v;
  return SB_OK;
}
