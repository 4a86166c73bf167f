#include "auth/sid.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

/* auth.md section 3: SessionID -> sid. */
static const struct {
  uint64_t id;
  const char *sid;
} sid_table[] = {
    {UINT64_C(0x00000B3A73CE2FF2), "AAALOnPOL_I"}, /* authentication.md example */
    {UINT64_C(1), "AAAAAAAAAAE"},
    {UINT64_C(12345), "AAAAAAAAMDk"}, /* upstream test mocks */
    {UINT64_C(0xFFFFFFFFFFFFFFFF), "__________8"},
};

static void sid_encodes_the_spec_table(void) {
  /* AUTH-010 */
  for (size_t i = 0; i < SB_ARRAY_LEN(sid_table); i++) {
    char out[SB_AUTH_SID_SIZE];
    SBT_OK(sb_auth_sid_encode(sid_table[i].id, out, sizeof out));
    SBT_STR_EQ(out, sid_table[i].sid);
    SBT_EQ_U64(strlen(out), SB_AUTH_SID_CHARS);
  }
}

static void sid_decodes_the_spec_table(void) {
  /* AUTH-010, AUTH-011 */
  for (size_t i = 0; i < SB_ARRAY_LEN(sid_table); i++) {
    uint64_t id = 0;
    SBT_OK(sb_auth_sid_decode(sid_table[i].sid, strlen(sid_table[i].sid), &id));
    SBT_EQ_U64(id, sid_table[i].id);
  }
}

static void sid_refuses_to_encode_zero(void) {
  /* AUTH-011: a SessionID of 0 has no sid. */
  char out[SB_AUTH_SID_SIZE] = "unchanged!!";
  SBT_ERR_EQ(sb_auth_sid_encode(0, out, sizeof out), SB_ERR_AUTH_SID_ENCODING);
  SBT_ERR_EQ(sb_auth_sid_encode(1, out, SB_AUTH_SID_SIZE - 1), SB_ERR_BUF);
}

static void sid_decode_rejects_zero(void) {
  /* AUTH-011: "AAAAAAAAAAA" is well-formed base64url of eight zero bytes. */
  uint64_t id = 99;
  SBT_ERR_EQ(sb_auth_sid_decode("AAAAAAAAAAA", 11, &id), SB_ERR_AUTH_SID_ENCODING);
  SBT_EQ_U64(id, 0);
}

static void sid_decode_rejects_padding_and_wrong_lengths(void) {
  /* AUTH-010: no padding, always 11 characters (AO-4: we reject the padded
   * form the SDK accepts). */
  const char *bad[] = {"AAAAAAAAAAE=", "AAAAAAAAAE", "AAAAAAAAAAAE", "AAAAAAAAAAE==", ""};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    uint64_t id = 7;
    SBT_ERR_EQ(sb_auth_sid_decode(bad[i], strlen(bad[i]), &id), SB_ERR_AUTH_SID_ENCODING);
    SBT_EQ_U64(id, 0);
  }
}

static void sid_decode_rejects_standard_alphabet_and_noise(void) {
  /* AUTH-010: URL-safe alphabet only; `+` and `/` are standard base64. */
  const char *bad[] = {"AAAAAAAAAA+", "AAAAAAAAA/E", "AAAAAAAA AE", "AAAAAAAAA.E", "AAAAAAAAAA\xc3"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    uint64_t id = 0;
    SBT_ERR_EQ(sb_auth_sid_decode(bad[i], strlen(bad[i]), &id), SB_ERR_AUTH_SID_ENCODING);
  }
  /* A byte above 0x7f where a valid sid has `_` ("AAAAAAAAA_E" is valid):
   * libsodium 1.0.18 reads every such byte as `_`, so this needs its own
   * check. */
  uint64_t v = 0;
  SBT_OK(sb_auth_sid_decode("AAAAAAAAA_E", 11, &v));
  SBT_EQ_U64(v, 0x3F1);
  SBT_ERR_EQ(sb_auth_sid_decode("AAAAAAAAA\xff" "E", 11, &v), SB_ERR_AUTH_SID_ENCODING);
  SBT_ERR_EQ(sb_auth_sid_decode("AAAAAAAAA\x80" "E", 11, &v), SB_ERR_AUTH_SID_ENCODING);
  /* An embedded NUL inside the 11 characters. */
  uint64_t id = 0;
  SBT_ERR_EQ(sb_auth_sid_decode("AAAAA\0AAAAE", 11, &id), SB_ERR_AUTH_SID_ENCODING);
}

static void sid_decode_rejects_noncanonical_last_character(void) {
  /* AUTH-010 (AO-4): the last character carries 4 data bits and 2 zero bits;
   * "AAAAAAAAAAF" sets a padding bit (the SDK would read it as 1). */
  const char *bad[] = {"AAAAAAAAAAF", "AAAAAAAAAAB", "AAAAAAAAAAD", "__________9", "__________-"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    uint64_t id = 0;
    SBT_ERR_EQ(sb_auth_sid_decode(bad[i], strlen(bad[i]), &id), SB_ERR_AUTH_SID_ENCODING);
  }
}

static void sid_round_trips_every_bit_position(void) {
  /* AUTH-010: encode then decode is the identity for all single-bit values. */
  for (unsigned bit = 0; bit < 64; bit++) {
    uint64_t v = UINT64_C(1) << bit, back = 0;
    char out[SB_AUTH_SID_SIZE];
    SBT_OK(sb_auth_sid_encode(v, out, sizeof out));
    SBT_OK(sb_auth_sid_decode(out, strlen(out), &back));
    SBT_EQ_U64(back, v);
  }
}

SBT_SUITE(auth_sid, "auth/sid", SBT_CASE(sid_encodes_the_spec_table),
          SBT_CASE(sid_decodes_the_spec_table), SBT_CASE(sid_refuses_to_encode_zero),
          SBT_CASE(sid_decode_rejects_zero), SBT_CASE(sid_decode_rejects_padding_and_wrong_lengths),
          SBT_CASE(sid_decode_rejects_standard_alphabet_and_noise),
          SBT_CASE(sid_decode_rejects_noncanonical_last_character),
          SBT_CASE(sid_round_trips_every_bit_position))
