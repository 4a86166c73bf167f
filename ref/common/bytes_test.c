#include "common/bytes.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static void reader_reads_big_and_little_endian(void) {
  const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  sb_reader r;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  sb_reader_init(&r, buf, sizeof buf);
  SBT_OK(sb_reader_u16be(&r, &u16));
  SBT_EQ_U64(u16, 0x0102);
  SBT_OK(sb_reader_u16le(&r, &u16));
  SBT_EQ_U64(u16, 0x0403);
  SBT_OK(sb_reader_u32be(&r, &u32));
  SBT_EQ_U64(u32, 0x05060708);
  sb_reader_init(&r, buf, sizeof buf);
  SBT_OK(sb_reader_u64be(&r, &u64));
  SBT_EQ_U64(u64, UINT64_C(0x0102030405060708));
  sb_reader_init(&r, buf, sizeof buf);
  SBT_OK(sb_reader_u64le(&r, &u64));
  SBT_EQ_U64(u64, UINT64_C(0x0807060504030201));
  sb_reader_init(&r, buf, 4);
  SBT_OK(sb_reader_u32le(&r, &u32));
  SBT_EQ_U64(u32, 0x04030201);
}

static void reader_rejects_reads_past_the_end_without_moving(void) {
  const uint8_t buf[] = {1, 2, 3};
  sb_reader r;
  uint32_t v;
  const uint8_t *p;
  sb_reader_init(&r, buf, sizeof buf);
  SBT_ERR_EQ(sb_reader_u32be(&r, &v), SB_ERR_TRUNCATED);
  SBT_EQ_U64(r.pos, 0);
  SBT_ERR_EQ(sb_reader_bytes(&r, 4, &p), SB_ERR_TRUNCATED);
  SBT_OK(sb_reader_bytes(&r, 3, &p));
  SBT_CHECK(p == buf, "bytes points into the input");
  SBT_EQ_U64(sb_reader_remaining(&r), 0);
  uint8_t b;
  SBT_ERR_EQ(sb_reader_u8(&r, &b), SB_ERR_TRUNCATED);
}

static void reader_reads_signed_64_little_endian(void) {
  const uint8_t minus_one[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const uint8_t min[] = {0, 0, 0, 0, 0, 0, 0, 0x80};
  sb_reader r;
  int64_t v;
  sb_reader_init(&r, minus_one, 8);
  SBT_OK(sb_reader_i64le(&r, &v));
  SBT_CHECK(v == -1, "-1 decoded");
  sb_reader_init(&r, min, 8);
  SBT_OK(sb_reader_i64le(&r, &v));
  SBT_CHECK(v == INT64_MIN, "INT64_MIN decoded");
}

static void reader_rest_takes_everything_left_even_nothing(void) {
  const uint8_t buf[] = {9, 8, 7};
  sb_reader r;
  const uint8_t *p;
  size_t n;
  uint8_t b;
  sb_reader_init(&r, buf, 3);
  SBT_OK(sb_reader_u8(&r, &b));
  sb_reader_rest(&r, &p, &n);
  SBT_EQ_U64(n, 2);
  SBT_CHECK(p == buf + 1, "rest starts after consumed bytes");
  sb_reader_rest(&r, &p, &n);
  SBT_EQ_U64(n, 0);
}

static void writer_counts_needed_size_after_overflow(void) {
  uint8_t buf[4];
  sb_writer w;
  size_t len;
  sb_writer_init(&w, buf, sizeof buf);
  sb_writer_u16be(&w, 0x0102);
  sb_writer_u32le(&w, 0x03040506);
  SBT_ERR_EQ(sb_writer_finish(&w, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 6);
  SBT_HEX_EQ(buf, 2, "0102");
  /* The probe idiom: NULL buffer, capacity 0, read the size. */
  sb_writer_init(&w, NULL, 0);
  sb_writer_u64be(&w, 1);
  sb_writer_bytes(&w, (const uint8_t *)"abc", 3);
  SBT_ERR_EQ(sb_writer_finish(&w, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 11);
}

static void writer_writes_every_width_in_both_orders(void) {
  uint8_t buf[64];
  sb_writer w;
  size_t len;
  sb_writer_init(&w, buf, sizeof buf);
  sb_writer_u8(&w, 0xaa);
  sb_writer_u16le(&w, 0x0102);
  sb_writer_u32be(&w, 0x03040506);
  sb_writer_u64le(&w, UINT64_C(0x0708090a0b0c0d0e));
  sb_writer_u64be(&w, UINT64_C(0x0708090a0b0c0d0e));
  sb_writer_i64le(&w, -2);
  SBT_OK(sb_writer_finish(&w, &len));
  SBT_HEX_EQ(buf, len, "aa020103040506" "0e0d0c0b0a090807" "0708090a0b0c0d0e" "feffffffffffffff");
  uint8_t fixed[8];
  sb_store_u64be(fixed, UINT64_C(0x1122334455667788));
  SBT_EQ_U64(sb_load_u64be(fixed), UINT64_C(0x1122334455667788));
  sb_store_u32be(fixed, 0xdeadbeef);
  SBT_EQ_U64(sb_load_u32be(fixed), 0xdeadbeef);
}

SBT_SUITE(common_bytes, "common/bytes", SBT_CASE(reader_reads_big_and_little_endian),
          SBT_CASE(reader_rejects_reads_past_the_end_without_moving),
          SBT_CASE(reader_reads_signed_64_little_endian),
          SBT_CASE(reader_rest_takes_everything_left_even_nothing),
          SBT_CASE(writer_counts_needed_size_after_overflow),
          SBT_CASE(writer_writes_every_width_in_both_orders))
