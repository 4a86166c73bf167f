#include "common/hex.h"

#include "common/error.h"
#include "test/sbt.h"

static void hex_round_trips_lower_case(void) {
  const uint8_t in[] = {0x00, 0x7f, 0x80, 0xff, 0xab};
  char out[SB_HEX_SIZE(5)];
  uint8_t back[5];
  size_t n;
  SBT_OK(sb_hex_encode(in, 5, out, sizeof out));
  SBT_STR_EQ(out, "007f80ffab");
  SBT_OK(sb_hex_decode(out, 10, back, sizeof back, &n));
  SBT_HEX_EQ(back, n, "007f80ffab");
}

static void hex_decode_accepts_either_case_and_rejects_junk(void) {
  uint8_t out[4];
  size_t n;
  SBT_OK(sb_hex_decode("ABcd", 4, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "abcd");
  SBT_ERR_EQ(sb_hex_decode("abc", 3, out, sizeof out, &n), SB_ERR_HEX);
  SBT_ERR_EQ(sb_hex_decode("zz", 2, out, sizeof out, &n), SB_ERR_HEX);
  SBT_ERR_EQ(sb_hex_decode("0011223344", 10, out, sizeof out, &n), SB_ERR_BUF);
}

static void hex_exact_lower_rejects_upper_case_and_wrong_length(void) {
  /* The frameId text form (SBP-WIRE-006 via RPC-ENV-007) is lower case only. */
  uint8_t id[16];
  SBT_OK(sb_hex_decode_lower_exact("000102030405060708090a0b0c0d0e0f", 32, id, 16));
  SBT_HEX_EQ(id, 16, "000102030405060708090a0b0c0d0e0f");
  SBT_ERR_EQ(sb_hex_decode_lower_exact("000102030405060708090A0B0C0D0E0F", 32, id, 16), SB_ERR_HEX);
  SBT_ERR_EQ(sb_hex_decode_lower_exact("000102030405060708090a0b0c0d0e", 30, id, 16), SB_ERR_HEX);
}

static void hex_encode_needs_room_for_the_terminator(void) {
  const uint8_t in[] = {1, 2};
  char out[4];
  SBT_ERR_EQ(sb_hex_encode(in, 2, out, sizeof out), SB_ERR_BUF);
}

SBT_SUITE(common_hex, "common/hex", SBT_CASE(hex_round_trips_lower_case),
          SBT_CASE(hex_decode_accepts_either_case_and_rejects_junk),
          SBT_CASE(hex_exact_lower_rejects_upper_case_and_wrong_length),
          SBT_CASE(hex_encode_needs_room_for_the_terminator))
