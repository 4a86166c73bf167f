#include "cloud/pins.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static sb_cloud_pin g_table[8];

static sb_cloud_pins store(size_t cap) {
  sb_cloud_pins s;
  SBT_OK(sb_cloud_pins_init(&s, g_table, cap));
  return s;
}

static void key_of(uint8_t key[32], uint8_t fill) {
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)(fill + i);
}

static void pins_set_get_delete_list(void) {
  /* CLOUD-090 (get / set / delete / list, 32-byte keys), CLOUD-091. */
  sb_cloud_pins s = store(8);
  uint8_t k1[32], k2[32], got[32];
  key_of(k1, 0x10);
  key_of(k2, 0x80);
  SBT_ERR_EQ(sb_cloud_pins_get(&s, "d_abc", got), SB_ERR_NOT_FOUND);
  SBT_OK(sb_cloud_pins_set(&s, "d_abc", k1));
  SBT_OK(sb_cloud_pins_set(&s, "d_xyz", k2));
  SBT_OK(sb_cloud_pins_get(&s, "d_abc", got));
  SBT_CHECK(memcmp(got, k1, 32) == 0, "d_abc -> k1");
  SBT_OK(sb_cloud_pins_get(&s, "d_xyz", got));
  SBT_CHECK(memcmp(got, k2, 32) == 0, "d_xyz -> k2");
  SBT_EQ_U64(sb_cloud_pins_count(&s), 2);
  SBT_STR_EQ(sb_cloud_pins_at(&s, 0), "d_abc");
  SBT_STR_EQ(sb_cloud_pins_at(&s, 1), "d_xyz");
  SBT_CHECK(sb_cloud_pins_at(&s, 2) == NULL, "past the end");
  bool removed = false;
  SBT_OK(sb_cloud_pins_delete(&s, "d_abc", &removed));
  SBT_CHECK(removed, "removed");
  SBT_ERR_EQ(sb_cloud_pins_get(&s, "d_abc", got), SB_ERR_NOT_FOUND);
  SBT_OK(sb_cloud_pins_delete(&s, "d_abc", &removed));
  SBT_CHECK(!removed, "deleting a missing pin is not an error");
  SBT_EQ_U64(sb_cloud_pins_count(&s), 1);
  SBT_STR_EQ(sb_cloud_pins_at(&s, 0), "d_xyz");
}

static void pins_set_replaces_and_full_table_refuses_new_ids(void) {
  /* CLOUD-090: set replaces; the table has a fixed capacity. */
  sb_cloud_pins s = store(2);
  uint8_t k1[32], k2[32], got[32];
  key_of(k1, 1);
  key_of(k2, 2);
  SBT_OK(sb_cloud_pins_set(&s, "b", k1));
  SBT_OK(sb_cloud_pins_set(&s, "a", k1));
  SBT_ERR_EQ(sb_cloud_pins_set(&s, "c", k1), SB_ERR_FULL);
  SBT_OK(sb_cloud_pins_set(&s, "b", k2)); /* replacing needs no room */
  SBT_OK(sb_cloud_pins_get(&s, "b", got));
  SBT_CHECK(memcmp(got, k2, 32) == 0, "b replaced");
  SBT_EQ_U64(sb_cloud_pins_count(&s), 2);
  char long_id[SB_CLOUD_DAEMON_ID_MAX + 2];
  memset(long_id, 'x', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  SBT_ERR_EQ(sb_cloud_pins_set(&s, long_id, k1), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_pins_set(&s, "", k1), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_pins_set(&s, NULL, k1), SB_ERR_ARG);
}

static void pins_list_is_in_byte_order(void) {
  /* CLOUD-090 list(): deterministic, ascending bytes (a prefix first). */
  sb_cloud_pins s = store(8);
  uint8_t k[32];
  key_of(k, 0);
  const char *ids[] = {"d_b", "D_a", "d_", "d_a", "\xc3\xa9t\xc3\xa9", "d_ab"};
  for (size_t i = 0; i < SB_ARRAY_LEN(ids); i++) SBT_OK(sb_cloud_pins_set(&s, ids[i], k));
  const char *want[] = {"D_a", "d_", "d_a", "d_ab", "d_b", "\xc3\xa9t\xc3\xa9"};
  SBT_EQ_U64(sb_cloud_pins_count(&s), SB_ARRAY_LEN(want));
  for (size_t i = 0; i < SB_ARRAY_LEN(want); i++) SBT_STR_EQ(sb_cloud_pins_at(&s, i), want[i]);
}

static const char FORMATTED[] =
    "sbconf-pins 1\n"
    "a%20b 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
    "d_abc-1.x~ f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f\n"
    "%C3%A9 808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f\n";

static void pins_format_writes_the_documented_text(void) {
  /* CLOUD-090: the file-backed store's text, byte for byte. */
  sb_cloud_pins s = store(8);
  uint8_t k[32];
  key_of(k, 0xF0);
  SBT_OK(sb_cloud_pins_set(&s, "d_abc-1.x~", k));
  key_of(k, 0x80);
  SBT_OK(sb_cloud_pins_set(&s, "\xc3\xa9", k));
  key_of(k, 0x00);
  SBT_OK(sb_cloud_pins_set(&s, "a b", k));
  char out[512];
  size_t n = 0;
  SBT_OK(sb_cloud_pins_format(&s, out, sizeof out, &n));
  SBT_STR_EQ(out, FORMATTED);
  SBT_EQ_U64(n, strlen(FORMATTED));
  /* too small: the size needed */
  SBT_ERR_EQ(sb_cloud_pins_format(&s, out, 10, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen(FORMATTED));
  SBT_ERR_EQ(sb_cloud_pins_format(&s, NULL, 0, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen(FORMATTED));
  /* an empty store is the header alone */
  sb_cloud_pins e;
  SBT_OK(sb_cloud_pins_init(&e, NULL, 0));
  SBT_OK(sb_cloud_pins_format(&e, out, sizeof out, &n));
  SBT_STR_EQ(out, "sbconf-pins 1\n");
}

static void pins_text_round_trips(void) {
  /* CLOUD-090: parse(format(store)) is the store, format(parse(text)) the text. */
  sb_cloud_pins s = store(8);
  sb_cloud_pins_error err;
  SBT_OK(sb_cloud_pins_parse(&s, FORMATTED, strlen(FORMATTED), &err));
  SBT_EQ_U64(sb_cloud_pins_count(&s), 3);
  SBT_STR_EQ(sb_cloud_pins_at(&s, 0), "a b");
  SBT_STR_EQ(sb_cloud_pins_at(&s, 2), "\xc3\xa9");
  uint8_t got[32], want[32];
  key_of(want, 0xF0);
  SBT_OK(sb_cloud_pins_get(&s, "d_abc-1.x~", got));
  SBT_CHECK(memcmp(got, want, 32) == 0, "key of d_abc-1.x~");
  char out[512];
  size_t n;
  SBT_OK(sb_cloud_pins_format(&s, out, sizeof out, &n));
  SBT_STR_EQ(out, FORMATTED);
  /* every byte value survives in an ID */
  sb_cloud_pins t = store(8);
  char id[256];
  for (int i = 0; i < 255; i++) id[i] = (char)(i + 1);
  id[255] = '\0';
  SBT_OK(sb_cloud_pins_set(&t, id, want));
  static char big[1200];
  SBT_OK(sb_cloud_pins_format(&t, big, sizeof big, &n));
  sb_cloud_pins u = store(8);
  SBT_OK(sb_cloud_pins_parse(&u, big, n, &err));
  SBT_STR_EQ(sb_cloud_pins_at(&u, 0), id);
}

static void pins_parse_names_the_line_of_each_corruption(void) {
  /* CLOUD-090: a strict reader; errors carry the line. */
  static const struct {
    const char *text;
    unsigned line;
    const char *reason;
  } bad[] = {
      {"", 1, "empty text (no header)"},
      {"sbconf-pins 2\n", 1, "first line is not the header \"sbconf-pins 1\""},
      {"sbconf-pins 1", 1, "last line does not end in LF"},
      {"sbconf-pins 1\r\n", 1, "first line is not the header \"sbconf-pins 1\""},
      {"sbconf-pins 1\nd_a 00\n", 2, "key is not 64 hex digits"},
      {"sbconf-pins 1\nd_a "
       "000102030405060708090A0B0C0D0E0F101112131415161718191a1b1c1d1e1f\n",
       2, "key is not lower-case hex"},
      {"sbconf-pins 1\nd_a\n", 2, "no space between ID and key"},
      {"sbconf-pins 1\n\n", 2, "no space between ID and key"},
      {"sbconf-pins 1\n 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "empty daemon ID"},
      {"sbconf-pins 1\nd_a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f \n",
       2, "key is not 64 hex digits"},
      {"sbconf-pins 1\n%41 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "escape in the daemon ID encodes a byte written as itself"},
      {"sbconf-pins 1\n%c3 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "escape in the daemon ID is not %XX with upper-case hex"},
      {"sbconf-pins 1\n%C 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "truncated %XX escape in the daemon ID"},
      {"sbconf-pins 1\n%00 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "daemon ID contains a NUL byte"},
      {"sbconf-pins 1\nd/a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", 2,
       "daemon ID byte must be A-Z a-z 0-9 - . _ ~ or %XX"},
      {"sbconf-pins 1\n"
       "d_b 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
       "d_a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
       3, "daemon IDs not in ascending order"},
      {"sbconf-pins 1\n"
       "d_a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
       "d_a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
       3, "duplicate daemon ID"},
      {"sbconf-pins 1\n"
       "d_a 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
       "d_b 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       3, "last line does not end in LF"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    sb_cloud_pins s = store(8);
    sb_cloud_pins_error err = {99, "unset"};
    SBT_ERR_EQ(sb_cloud_pins_parse(&s, bad[i].text, strlen(bad[i].text), &err),
               SB_ERR_CLOUD_PIN_TEXT);
    SBT_CHECK(err.line == bad[i].line, "case %zu: line %u, want %u", i, err.line, bad[i].line);
    SBT_STR_EQ(err.reason, bad[i].reason);
    SBT_EQ_U64(sb_cloud_pins_count(&s), 0);
  }
  /* a NUL inside a line */
  static const char with_nul[] = "sbconf-pins 1\nd\0a x\n";
  sb_cloud_pins s = store(8);
  sb_cloud_pins_error err;
  SBT_ERR_EQ(sb_cloud_pins_parse(&s, with_nul, sizeof with_nul - 1, &err), SB_ERR_CLOUD_PIN_TEXT);
  SBT_CHECK(err.line == 2, "NUL on line 2 (%u)", err.line);
}

static void pins_parse_failure_empties_the_store_and_full_is_not_corruption(void) {
  /* CLOUD-090: a half-read file never leaves a half-filled store. */
  sb_cloud_pins s = store(2);
  uint8_t k[32];
  key_of(k, 3);
  SBT_OK(sb_cloud_pins_set(&s, "kept?", k));
  sb_cloud_pins_error err;
  SBT_ERR_EQ(sb_cloud_pins_parse(&s, FORMATTED, strlen(FORMATTED), &err), SB_ERR_FULL);
  SBT_CHECK(err.line == 4, "the third pin (line 4) does not fit (%u)", err.line);
  SBT_EQ_U64(sb_cloud_pins_count(&s), 0);
  SBT_ERR_EQ(sb_cloud_pins_parse(&s, NULL, 1, &err), SB_ERR_ARG);
  SBT_OK(sb_cloud_pins_parse(&s, "sbconf-pins 1\n", 14, NULL));
  SBT_EQ_U64(sb_cloud_pins_count(&s), 0);
}

SBT_SUITE(cloud_pins, "cloud/pins", SBT_CASE(pins_set_get_delete_list),
          SBT_CASE(pins_set_replaces_and_full_table_refuses_new_ids),
          SBT_CASE(pins_list_is_in_byte_order), SBT_CASE(pins_format_writes_the_documented_text),
          SBT_CASE(pins_text_round_trips), SBT_CASE(pins_parse_names_the_line_of_each_corruption),
          SBT_CASE(pins_parse_failure_empties_the_store_and_full_is_not_corruption))
