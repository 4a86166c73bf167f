/*
 * The simulator's trace: exact JSON lines per record kind, valid JSON for any
 * text, the digest of what was written, frame summaries.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "sbrp/frame.h"
#include "test/sbt.h"

static void line_of(sim_trace *tr, size_t i, char *out, size_t cap) {
  sim_buf b = {0};
  sim_trace_format(tr, i, &b);
  snprintf(out, cap, "%s", b.s ? b.s : "");
  sim_buf_free(&b);
}

static void trace_formats_each_kind_with_a_fixed_member_order(void) {
  sim_trace tr;
  sim_trace_init(&tr, NULL);
  sim_trace_set_name(&tr, 1, "relay");
  sim_trace_set_name(&tr, 2, "alice");
  /* Control(session_paused, SID 0x0b3a73ce2ff2) from the relay to alice */
  uint8_t ctrl[] = {0x20, 0, 0, 0, 2, 0, 0, 0x0b, 0x3a, 0x73, 0xce, 0x2f, 0xf2, 0x10, 0x01};
  sim_rec f = {.t = 5000, .kind = SIM_REC_FRAME, .node = 2, .peer = 1, .conn = 3, .sent = false,
               .bytes = ctrl, .len = sizeof ctrl};
  sim_rec t = {.t = 5000, .kind = SIM_REC_TRANSITION, .node = 2, .peer = -1, .machine = "client",
               .has_sid = true, .sid = 0x0b3a73ce2ff2, .from = "Active", .to = "Paused",
               .event = "Control(session_paused)", .row = "SBRP-SM-C-008"};
  sim_rec n = {.t = 6000, .kind = SIM_REC_NOTE, .node = 1, .peer = -1, .machine = "relay",
               .what = "frame_dropped", .code = -451, .text = "a \"quoted\"\nline"};
  sim_rec l = {.t = 7000, .kind = SIM_REC_LINK, .node = 1, .peer = 2, .conn = 3, .what = "upgrade", .code = 401,
               .text = "SB_ERR_AUTH_EXPIRED"};
  sim_trace_add(&tr, &f);
  sim_trace_add(&tr, &t);
  sim_trace_add(&tr, &n);
  sim_trace_add(&tr, &l);
  char line[1024];
  line_of(&tr, 0, line, sizeof line);
  SBT_STR_EQ(line,
             "{\"t\":5000,\"ev\":\"frame\",\"node\":\"alice\",\"dir\":\"recv\",\"conn\":3,\"peer\":\"relay\","
             "\"type\":\"Control\",\"sid\":\"00000b3a73ce2ff2\",\"len\":2,\"code\":\"0x1001\","
             "\"control\":\"session_paused\",\"bytes\":\"200000000200000b3a73ce2ff21001\"}");
  line_of(&tr, 1, line, sizeof line);
  SBT_STR_EQ(line,
             "{\"t\":5000,\"ev\":\"transition\",\"node\":\"alice\",\"machine\":\"client\",\"sid\":\"00000b3a73ce2ff2\","
             "\"from\":\"Active\",\"to\":\"Paused\",\"event\":\"Control(session_paused)\",\"row\":\"SBRP-SM-C-008\"}");
  line_of(&tr, 2, line, sizeof line);
  SBT_STR_EQ(line,
             "{\"t\":6000,\"ev\":\"note\",\"node\":\"relay\",\"machine\":\"relay\",\"sid\":null,\"what\":\"frame_dropped\","
             "\"err\":\"SB_ERR_SBRP_REPLAY\",\"text\":\"a \\\"quoted\\\"\\nline\"}");
  line_of(&tr, 3, line, sizeof line);
  SBT_STR_EQ(line, "{\"t\":7000,\"ev\":\"link\",\"node\":\"relay\",\"conn\":3,\"peer\":\"alice\",\"what\":\"upgrade\","
                   "\"code\":401,\"err\":\"SB_ERR_AUTH_EXPIRED\"}");
  sim_trace_free(&tr);
}

static void trace_lines_are_valid_json_whatever_the_text(void) {
  sim_trace tr;
  sim_trace_init(&tr, NULL);
  static const char *const texts[] = {"plain", "tab\there", "ctl\x01\x1f", "bad utf-8 \xff\xfe end",
                                      "truncated \xe2\x82", "back\\slash", "\xe2\x82\xac euro"};
  bool ok = true;
  for (size_t i = 0; i < SB_ARRAY_LEN(texts); i++) {
    sim_rec r = {.kind = SIM_REC_INFO, .node = -1, .peer = -1, .what = "note", .text = (char *)texts[i]};
    size_t k = sim_trace_add(&tr, &r);
    sim_buf b = {0};
    sim_trace_format(&tr, k, &b);
    cJSON *j = cJSON_Parse(b.s);
    ok = ok && j && cJSON_IsString(cJSON_GetObjectItem(j, "text"));
    if (i == 6 && j) SBT_STR_EQ(cJSON_GetObjectItem(j, "text")->valuestring, "\xe2\x82\xac euro");
    cJSON_Delete(j);
    sim_buf_free(&b);
  }
  SBT_CHECK(ok, "every line parses as JSON with its text a string");
  sim_trace_free(&tr);
}

static void trace_digest_is_the_sha256_of_the_written_file(void) {
  FILE *f = tmpfile();
  SBT_CHECK(f != NULL, "tmpfile");
  if (!f) return;
  sim_trace tr;
  sim_trace_init(&tr, f);
  sim_trace_set_name(&tr, 0, "control");
  for (int i = 0; i < 50; i++) {
    sim_rec r = {.t = i * 10, .kind = SIM_REC_TIMER, .node = 0, .peer = -1, .what = "deadline"};
    sim_trace_add(&tr, &r);
  }
  char digest[65];
  sim_trace_digest(&tr, digest);
  fflush(f);
  long size = ftell(f);
  rewind(f);
  unsigned char *buf = malloc((size_t)size);
  size_t got = fread(buf, 1, (size_t)size, f);
  SBT_EQ_U64(got, (uint64_t)size);
  SBT_EQ_U64(tr.bytes_out, (uint64_t)size);
  unsigned char h[32];
  crypto_hash_sha256(h, buf, got);
  sim_buf hex = {0};
  sim_buf_hex(&hex, h, sizeof h);
  SBT_STR_EQ(digest, hex.s);
  /* The digest can be read at any point without disturbing the running hash. */
  char again[65];
  sim_trace_digest(&tr, again);
  SBT_STR_EQ(again, digest);
  sim_buf_free(&hex);
  free(buf);
  fclose(f);
  sim_trace_free(&tr);
}

static void frame_summaries_describe_malformed_bytes(void) {
  sim_frame_info fi;
  uint8_t short_hdr[] = {0x03, 0, 0};
  sim_frame_describe(short_hdr, sizeof short_hdr, &fi);
  SBT_CHECK(!fi.header_ok && fi.type == 0x03, "short header: type byte only");
  SBT_STR_EQ(fi.type_name, "Data");
  uint8_t ping[SB_SBRP_HEADER_BYTES + 9];
  sb_sbrp_header_write(ping, SB_SBRP_PING, 9, 0); /* 9 bytes: too long for a Ping */
  memset(ping + SB_SBRP_HEADER_BYTES, 0xaa, 9);
  sim_frame_describe(ping, sizeof ping, &fi);
  SBT_CHECK(fi.header_ok && fi.err != 0, "oversized Ping: header read, payload refused");
  uint8_t signal[SB_SBRP_HEADER_BYTES + 2];
  sb_sbrp_header_write(signal, SB_SBRP_SIGNAL, 2, 9);
  signal[13] = 1;
  signal[14] = 1; /* close, state_lost */
  sim_frame_describe(signal, sizeof signal, &fi);
  SBT_CHECK(fi.has_signal && fi.signal_code == 1 && fi.signal_reason == 1 && fi.sid == 9,
            "Signal(close, state_lost) on session 9");
}

SBT_SUITE(sim_trace, "sim/trace", SBT_CASE(trace_formats_each_kind_with_a_fixed_member_order),
          SBT_CASE(trace_lines_are_valid_json_whatever_the_text),
          SBT_CASE(trace_digest_is_the_sha256_of_the_written_file),
          SBT_CASE(frame_summaries_describe_malformed_bytes));
