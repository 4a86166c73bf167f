#include "common/base64url.h"

#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static void base64url_encodes_without_padding(void) {
  const uint8_t sid[8] = {0, 0, 0x0b, 0x3a, 0x73, 0xce, 0x2f, 0xf2};
  char out[SB_BASE64URL_SIZE(8)];
  SBT_OK(sb_base64url_encode(sid, 8, out, sizeof out));
  SBT_STR_EQ(out, "AAALOnPOL_I"); /* auth.md sid example */
  const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  SBT_OK(sb_base64url_encode(ff, 8, out, sizeof out));
  SBT_STR_EQ(out, "__________8");
  SBT_OK(sb_base64url_encode(ff, 0, out, sizeof out));
  SBT_STR_EQ(out, "");
}

static void base64url_decode_rejects_padding_and_noncanonical_bits(void) {
  uint8_t out[16];
  size_t n;
  SBT_OK(sb_base64url_decode("AAAAAAAAAAE", 11, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "0000000000000001");
  SBT_ERR_EQ(sb_base64url_decode("AAAAAAAAAAE=", 12, out, sizeof out, &n), SB_ERR_BASE64);
  SBT_ERR_EQ(sb_base64url_decode("AAAAAAAAAAF", 11, out, sizeof out, &n), SB_ERR_BASE64);
  SBT_ERR_EQ(sb_base64url_decode("AAAAAAAAAA+", 11, out, sizeof out, &n), SB_ERR_BASE64);
  SBT_ERR_EQ(sb_base64url_decode("AAAAA", 5, out, sizeof out, &n), SB_ERR_BASE64);
  SBT_ERR_EQ(sb_base64url_decode("AAAA AAAAAE", 11, out, sizeof out, &n), SB_ERR_BASE64);
}

static void base64url_decode_rejects_every_byte_outside_the_alphabet(void) {
  /* libsodium 1.0.18 alone decodes bytes 0x80-0xff as '_': one value would
   * have many spellings (AUTH-010 wants exactly one). */
  uint8_t out[16];
  size_t n;
  char text[12] = "__________8";
  SBT_OK(sb_base64url_decode(text, 11, out, sizeof out, &n));
  unsigned accepted = 0;
  for (int c = 0; c < 256; c++) {
    bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_';
    text[0] = (char)c;
    int rc = sb_base64url_decode(text, 11, out, sizeof out, &n);
    if (rc == SB_OK) accepted++;
    if (!in_alphabet) SBT_CHECK(rc == SB_ERR_BASE64, "byte 0x%02x rejected (got %d)", c, rc);
  }
  SBT_EQ_U64(accepted, 64);
}

static void base64url_decode_reports_small_buffer(void) {
  uint8_t out[4];
  size_t n;
  SBT_ERR_EQ(sb_base64url_decode("AAAAAAAAAAE", 11, out, sizeof out, &n), SB_ERR_BUF);
}

SBT_SUITE(common_base64url, "common/base64url", SBT_CASE(base64url_encodes_without_padding),
          SBT_CASE(base64url_decode_rejects_padding_and_noncanonical_bits),
          SBT_CASE(base64url_decode_rejects_every_byte_outside_the_alphabet),
          SBT_CASE(base64url_decode_reports_small_buffer))
