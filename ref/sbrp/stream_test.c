#include "sbrp/stream.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static uint8_t storage[SB_SBRP_MAX_FRAME];

/* One yielded frame against upstream's {type, length, sessionId, payload}. */
static bool frame_matches(const sb_sbrp_frame *f, const cJSON *want) {
  const cJSON *type = sbt_get(want, "type"), *len = sbt_get(want, "length");
  const char *sid = sbt_str(want, "sessionId"), *payload = sbt_str(want, "payload");
  return cJSON_IsNumber(type) && cJSON_IsNumber(len) && sid && payload &&
         f->hdr.type == (uint8_t)type->valuedouble && f->hdr.length == (uint32_t)len->valuedouble &&
         f->hdr.session_id == sbt_u64(sid) && f->payload_len == f->hdr.length &&
         SBT_HEX_EQ(f->payload, f->payload_len, payload);
}

static void upstream_streaming_chunks(void) {
  /* SBRP-WIRE-010 SBRP-WIRE-002 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *st = sbt_get(root, "streaming"), *c;
  sb_sbrp_stream s;
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  unsigned chunks = 0;
  cJSON_ArrayForEach(c, sbt_get(st, "chunks")) {
    size_t n, taken;
    uint8_t *chunk = sbt_unhex(sbt_str(c, "chunk"), &n);
    if (!chunk) continue;
    SBT_OK(sb_sbrp_stream_push(&s, chunk, n, &taken));
    SBT_EQ_U64(taken, n);
    const cJSON *yielded = sbt_get(c, "yielded");
    int i = 0;
    bool all = true;
    for (;;) {
      sb_sbrp_frame f;
      bool got;
      SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
      if (!got) break;
      bool ok = i < cJSON_GetArraySize(yielded) &&
                frame_matches(&f, cJSON_GetArrayItem(yielded, i));
      SBT_CHECK(ok, "chunk %u frame %d as upstream", chunks, i);
      all = all && ok;
      i++;
    }
    all = all && i == cJSON_GetArraySize(yielded);
    SBT_CHECK(i == cJSON_GetArraySize(yielded), "chunk %u: %d frames", chunks, i);
    const cJSON *after = sbt_get(c, "buffered_after");
    bool buffered = cJSON_IsNumber(after) &&
                    sb_sbrp_stream_buffered(&s) == (size_t)after->valuedouble;
    SBT_CHECK(buffered, "chunk %u: %zu bytes buffered", chunks, sb_sbrp_stream_buffered(&s));
    if (all) sbt_count_upstream_value();
    if (buffered) sbt_count_upstream_value();
    chunks++;
    free(chunk);
  }
  SBT_EQ_U64(chunks, 5);
  cJSON_Delete(root);
}

static void upstream_bad_header_in_stream(void) {
  /* SBRP-WIRE-012: a good frame, then a type-0x30 header: the good frame
   * comes out, then invalid_frame_type. */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const char *code = sbt_str(sbt_get(sbt_get(sbt_get(root, "streaming"), "bad_header_in_stream"),
                                     "error"),
                             "code");
  const uint8_t bytes[] = {0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
                           0x30, 0, 0, 0, 0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  sb_sbrp_stream s;
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  size_t taken;
  SBT_OK(sb_sbrp_stream_push(&s, bytes, sizeof bytes, &taken));
  sb_sbrp_frame f;
  bool got;
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(got && f.hdr.type == SB_SBRP_PING && f.payload_len == 1, "ping first");
  int rc = sb_sbrp_stream_pop(&s, &f, &got);
  SBT_CHECK(!got, "no frame from a bad header");
  const sb_err_info *info = sb_err_lookup(rc);
  if (SBT_ERR_EQ(rc, SB_ERR_SBRP_FRAME_TYPE) && code && info && !strcmp(info->proto_name, code))
    sbt_count_upstream_value();
  cJSON_Delete(root);
}

static void one_byte_chunks_yield_each_frame_on_its_last_byte(void) {
  /* SBRP-WIRE-010: the same frames, each exactly when complete. */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *st = sbt_get(root, "streaming");
  size_t n;
  uint8_t *all = sbt_unhex(sbt_str(st, "stream_hex"), &n);
  sb_sbrp_stream s;
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  /* Frame ends in the 44-byte stream: Ping 14, Signal 15 (29), Control 16 (45). */
  static const size_t ends[] = {14, 29, 45};
  static const uint8_t types[] = {SB_SBRP_PING, SB_SBRP_SIGNAL, SB_SBRP_CONTROL};
  size_t next = 0;
  for (size_t i = 0; all && i < n; i++) {
    size_t taken;
    SBT_OK(sb_sbrp_stream_push(&s, all + i, 1, &taken));
    SBT_EQ_U64(taken, 1);
    sb_sbrp_frame f;
    bool got;
    SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
    bool due = next < SB_ARRAY_LEN(ends) && i + 1 == ends[next];
    SBT_CHECK(got == due, "byte %zu: frame %s", i, got ? "yielded" : "not yielded");
    if (got && due) {
      SBT_EQ_U64(f.hdr.type, types[next]);
      SBT_CHECK(f.payload >= storage && f.payload + f.payload_len <= storage + sizeof storage &&
                    memcmp(f.payload, all + ends[next] - f.payload_len, f.payload_len) == 0,
                "frame payload is the stream's bytes, inside the buffer");
      next++;
    }
  }
  SBT_EQ_U64(n, 45);
  SBT_EQ_U64(next, 3);
  SBT_EQ_U64(sb_sbrp_stream_buffered(&s), 0);
  free(all);
  cJSON_Delete(root);
}

static void header_error_is_reported_at_13_bytes(void) {
  /* SBRP-WIRE-011 SBRP-RELAY-010: checked before any payload arrives, in
   * the header decoder's order (size before type). */
  uint8_t h[13];
  sb_sbrp_header_write(h, 0x30, 65537, 1);
  sb_sbrp_stream s;
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  size_t taken;
  sb_sbrp_frame f;
  bool got;
  SBT_OK(sb_sbrp_stream_push(&s, h, 12, &taken));
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(!got, "12 bytes: nothing yet");
  SBT_OK(sb_sbrp_stream_push(&s, h + 12, 1, &taken));
  SBT_ERR_EQ(sb_sbrp_stream_pop(&s, &f, &got), SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  /* A good header of a large frame waits for its body without error. */
  sb_sbrp_stream_reset(&s);
  sb_sbrp_header_write(h, SB_SBRP_DATA, 65536, 1);
  SBT_OK(sb_sbrp_stream_push(&s, h, 13, &taken));
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(!got, "body pending");
  /* SessionID scope is checked too. */
  sb_sbrp_stream_reset(&s);
  sb_sbrp_header_write(h, SB_SBRP_PING, 0, 1);
  SBT_OK(sb_sbrp_stream_push(&s, h, 13, &taken));
  SBT_ERR_EQ(sb_sbrp_stream_pop(&s, &f, &got), SB_ERR_SBRP_SID_NONZERO);
}

static void header_error_is_sticky_until_reset(void) {
  /* SBRP-WIRE-012 */
  const uint8_t bad[13] = {0x00};
  const uint8_t ping[13] = {0x10};
  sb_sbrp_stream s;
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  size_t taken;
  sb_sbrp_frame f;
  bool got;
  SBT_OK(sb_sbrp_stream_push(&s, bad, 13, &taken));
  SBT_ERR_EQ(sb_sbrp_stream_pop(&s, &f, &got), SB_ERR_SBRP_FRAME_TYPE);
  SBT_ERR_EQ(sb_sbrp_stream_push(&s, ping, 13, &taken), SB_ERR_SBRP_FRAME_TYPE);
  SBT_EQ_U64(taken, 0);
  SBT_ERR_EQ(sb_sbrp_stream_pop(&s, &f, &got), SB_ERR_SBRP_FRAME_TYPE);
  sb_sbrp_stream_reset(&s);
  SBT_EQ_U64(sb_sbrp_stream_buffered(&s), 0);
  SBT_OK(sb_sbrp_stream_push(&s, ping, 13, &taken));
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(got && f.hdr.type == SB_SBRP_PING, "ping after reset");
}

static void largest_frame_fits_and_push_takes_what_fits(void) {
  /* SBRP-WIRE-011: 65 549 bytes fit the minimum buffer; more waits. */
  static uint8_t big[SB_SBRP_MAX_FRAME + 13];
  sb_sbrp_header_write(big, SB_SBRP_DATA, SB_SBRP_MAX_PAYLOAD, 5);
  for (size_t i = 13; i < SB_SBRP_MAX_FRAME; i++) big[i] = (uint8_t)i;
  sb_sbrp_header_write(big + SB_SBRP_MAX_FRAME, SB_SBRP_PONG, 0, 0);
  static uint8_t small[SB_SBRP_MAX_FRAME - 1];
  sb_sbrp_stream s;
  SBT_ERR_EQ(sb_sbrp_stream_init(&s, small, sizeof small), SB_ERR_BUF);
  SBT_ERR_EQ(sb_sbrp_stream_init(&s, NULL, SB_SBRP_MAX_FRAME), SB_ERR_ARG);
  SBT_OK(sb_sbrp_stream_init(&s, storage, sizeof storage));
  size_t taken;
  sb_sbrp_frame f;
  bool got;
  SBT_OK(sb_sbrp_stream_push(&s, big, sizeof big, &taken));
  SBT_EQ_U64(taken, SB_SBRP_MAX_FRAME);
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(got && f.payload_len == SB_SBRP_MAX_PAYLOAD &&
                memcmp(f.payload, big + 13, SB_SBRP_MAX_PAYLOAD) == 0,
            "max frame popped intact");
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(!got, "nothing more yet");
  SBT_OK(sb_sbrp_stream_push(&s, big + taken, sizeof big - taken, &taken));
  SBT_EQ_U64(taken, 13);
  SBT_OK(sb_sbrp_stream_pop(&s, &f, &got));
  SBT_CHECK(got && f.hdr.type == SB_SBRP_PONG, "pong after compaction");
  SBT_EQ_U64(sb_sbrp_stream_buffered(&s), 0);
}

SBT_SUITE(sbrp_stream, "sbrp/stream", SBT_CASE(upstream_streaming_chunks),
          SBT_CASE(upstream_bad_header_in_stream),
          SBT_CASE(one_byte_chunks_yield_each_frame_on_its_last_byte),
          SBT_CASE(header_error_is_reported_at_13_bytes),
          SBT_CASE(header_error_is_sticky_until_reset),
          SBT_CASE(largest_frame_fits_and_push_takes_what_fits))
