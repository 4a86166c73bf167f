/*
 * Fuzz target sid: the token `sid` claim (auth/sid.h), input = the text.
 *
 * Invariants: decoding is strict, so what decodes is canonical: a non-zero
 * value whose encoding is exactly the input; a failure is
 * SB_ERR_AUTH_SID_ENCODING. Also, the first 8 input bytes read as a
 * SessionID encode to 11 characters that decode back to it (0 is refused).
 */
#include "fuzz.h"

#include "auth/sid.h"
#include "common/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t sid = 0;
  int rc = sb_auth_sid_decode((const char *)data, size, &sid);
  char text[SB_AUTH_SID_SIZE];
  if (rc == SB_OK) {
    FUZZ_ASSERT(sid != 0 && size == SB_AUTH_SID_CHARS);
    FUZZ_ASSERT(sb_auth_sid_encode(sid, text, sizeof text) == SB_OK);
    FUZZ_ASSERT(memcmp(text, data, SB_AUTH_SID_CHARS) == 0 && text[SB_AUTH_SID_CHARS] == '\0');
  } else {
    FUZZ_ASSERT(rc == SB_ERR_AUTH_SID_ENCODING);
  }
  if (size >= 8) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | data[i];
    rc = sb_auth_sid_encode(v, text, sizeof text);
    if (v == 0) {
      FUZZ_ASSERT(rc == SB_ERR_AUTH_SID_ENCODING);
    } else {
      FUZZ_ASSERT(rc == SB_OK && strlen(text) == SB_AUTH_SID_CHARS);
      uint64_t back = 0;
      FUZZ_ASSERT(sb_auth_sid_decode(text, SB_AUTH_SID_CHARS, &back) == SB_OK && back == v);
      FUZZ_ASSERT(sb_auth_sid_encode(v, text, SB_AUTH_SID_SIZE - 1) == SB_ERR_BUF);
    }
  }
  fuzz_keep(sid);
  return 0;
}
