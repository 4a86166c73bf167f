#include "common/utf8.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

#define U(s) (const uint8_t *)(s), sizeof(s) - 1

static void utf8_accepts_well_formed_text(void) {
  SBT_CHECK(sb_utf8_valid(U("")), "empty");
  SBT_CHECK(sb_utf8_valid(U("app/chat.\xc3\xbc")), "2-byte");
  SBT_CHECK(sb_utf8_valid(U("\xe6\x9d\xb1\xe4\xba\xac")), "3-byte");
  SBT_CHECK(sb_utf8_valid(U("\xf0\x9f\x9a\x80")), "4-byte");
  SBT_CHECK(sb_utf8_valid(U("\xef\xbb\xbfrpc")), "a BOM is a valid character");
  SBT_CHECK(sb_utf8_valid(U("\xf4\x8f\xbf\xbf")), "U+10FFFF");
}

static void utf8_rejects_overlong_surrogate_and_out_of_range(void) {
  SBT_CHECK(!sb_utf8_valid(U("\xc0\xaf")), "overlong /");
  SBT_CHECK(!sb_utf8_valid(U("\xe0\x80\xaf")), "overlong 3-byte");
  SBT_CHECK(!sb_utf8_valid(U("\xed\xa0\x80")), "surrogate D800");
  SBT_CHECK(!sb_utf8_valid(U("\xf4\x90\x80\x80")), "above U+10FFFF");
  SBT_CHECK(!sb_utf8_valid(U("\xff")), "FF never appears");
  SBT_CHECK(!sb_utf8_valid(U("a\xc3")), "truncated at end");
  SBT_CHECK(!sb_utf8_valid(U("\x80")), "lone continuation");
}

static void utf8_lossy_replaces_maximal_subparts_like_textdecoder(void) {
  uint8_t out[64];
  size_t n;
  /* upstream-sbrp.json control_invalid_utf8_message: 61 ff 62 -> "a\ufffdb" */
  SBT_OK(sb_utf8_lossy(U("a\xff" "b"), out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "61efbfbd62");
  /* upstream-sbp.json error_invalid_utf8_message: 61 c3 -> "a\ufffd" */
  SBT_OK(sb_utf8_lossy(U("a\xc3"), out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "61efbfbd");
  /* E0 80: E0 needs A0..BF next, so E0 alone is one subpart, 80 another. */
  SBT_OK(sb_utf8_lossy(U("\xe0\x80" "x"), out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "efbfbdefbfbd78");
  /* F0 9F 9A then end: one replacement for the truncated sequence. */
  SBT_OK(sb_utf8_lossy(U("\xf0\x9f\x9a"), out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "efbfbd");
  SBT_OK(sb_utf8_lossy(U("ok"), out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "6f6b");
}

static void utf8_lossy_length_counts_replacements(void) {
  /* upstream: "app/" + 251 x ff re-measures as 757 bytes. */
  uint8_t in[255];
  memcpy(in, "app/", 4);
  memset(in + 4, 0xff, 251);
  SBT_EQ_U64(sb_utf8_lossy_len(in, sizeof in), 757);
  uint8_t small[8];
  size_t n;
  SBT_ERR_EQ(sb_utf8_lossy(in, sizeof in, small, sizeof small, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 757);
}

static void utf8_valid_prefix_stops_at_the_first_bad_sequence(void) {
  SBT_EQ_U64(sb_utf8_valid_prefix(U("abc")), 3);
  SBT_EQ_U64(sb_utf8_valid_prefix(U("ab\xff" "c")), 2);
  SBT_EQ_U64(sb_utf8_valid_prefix(U("\xc3\xa9\xe0\x80")), 2);
  SBT_EQ_U64(sb_utf8_valid_prefix(U("\xc3")), 0);
  SBT_EQ_U64(sb_utf8_valid_prefix(U("")), 0);
}

static void utf8_bom_is_detected_only_at_start(void) {
  SBT_EQ_U64(sb_utf8_bom_len(U("\xef\xbb\xbf{}")), 3);
  SBT_EQ_U64(sb_utf8_bom_len(U(" \xef\xbb\xbf")), 0);
  SBT_EQ_U64(sb_utf8_bom_len(U("\xef\xbb")), 0);
}

SBT_SUITE(common_utf8, "common/utf8", SBT_CASE(utf8_accepts_well_formed_text),
          SBT_CASE(utf8_rejects_overlong_surrogate_and_out_of_range),
          SBT_CASE(utf8_lossy_replaces_maximal_subparts_like_textdecoder),
          SBT_CASE(utf8_lossy_length_counts_replacements),
          SBT_CASE(utf8_valid_prefix_stops_at_the_first_bad_sequence),
          SBT_CASE(utf8_bom_is_detected_only_at_start))
