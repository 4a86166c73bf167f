#include "common/base64url.h"

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

static void base64url_decode_reports_small_buffer(void) {
  uint8_t out[4];
  size_t n;
  SBT_ERR_EQ(sb_base64url_decode("AAAAAAAAAAE", 11, out, sizeof out, &n), SB_ERR_BUF);
}

SBT_SUITE(common_base64url, "common/base64url", SBT_CASE(base64url_encodes_without_padding),
          SBT_CASE(base64url_decode_rejects_padding_and_noncanonical_bits),
          SBT_CASE(base64url_decode_reports_small_buffer))
