/* Tests for peer/negotiator.h: the SBP Handshake exchange. */
#include "peer/negotiator.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sbp/errors.h"
#include "test/sbt.h"

/* An rng that hands out the bytes of `pattern` (16 of them), again and again:
 * fixed frameIds for byte-exact checks. */
typedef struct fixed_rng {
  uint8_t pattern[16];
} fixed_rng;

static int fixed_fill(void *state, uint8_t *out, size_t len) {
  const fixed_rng *f = state;
  for (size_t i = 0; i < len; i++) out[i] = f->pattern[i % 16];
  return 0;
}

static sb_rng fixed(fixed_rng *f, const char *hex) {
  SBT_CHECK(sbt_unhex_exact(hex, f->pattern, 16), "fixed rng pattern");
  sb_rng r = {fixed_fill, f};
  return r;
}

static sb_peer_negotiator_config config(const char *peer_id) {
  sb_peer_negotiator_config c = {0};
  c.peer_id = peer_id;
  return c;
}

/* Start `n` and return its Handshake frame in `buf`. */
static size_t start(sb_peer_negotiator *n, const sb_peer_negotiator_config *cfg, sb_time_us now,
                    const sb_rng *rng, uint8_t *buf, size_t cap) {
  size_t len = 0;
  SBT_OK(sb_peer_negotiator_init(n, cfg));
  SBT_OK(sb_peer_negotiator_start(n, now, SB_TIME_NEVER, rng, buf, cap, &len));
  return len;
}

/* A Control/Handshake frame carrying `json`, frameId 10..1f. */
static size_t handshake_frame(const char *json, uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  for (int i = 0; i < 16; i++) f.frame_id[i] = (uint8_t)(0x10 + i);
  f.control.op = SB_SBP_OP_HANDSHAKE;
  f.control.data = (const uint8_t *)json;
  f.control.data_len = strlen(json);
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

static void start_sends_the_worked_handshake_vector(void) {
  /* SBP-HS-009, PEER-NEG-008: our Handshake goes out at once, keys in the
   * order protocol, version, peerId, caps, metadata; sbp.md section 4. */
  fixed_rng fr;
  sb_rng rng = fixed(&fr, "000102030405060708090a0b0c0d0e0f");
  sb_peer_negotiator_config c = config("p1");
  sb_peer_negotiator n;
  uint8_t buf[256];
  size_t len = start(&n, &c, 0, &rng, buf, sizeof buf);
  SBT_HEX_EQ(buf, len,
             "0000000102030405060708090a0b0c0d0e0f00"
             "7b2270726f746f636f6c223a227369646562616e64222c2276657273696f6e223a2231222c2270"
             "6565724964223a227031222c2263617073223a5b5d2c226d65746164617461223a7b7d7d");
  SBT_EQ_U64(len, 94);
  SBT_CHECK(sb_peer_negotiator_state_of(&n) == SB_PEER_NEGOTIATOR_WAITING, "waiting");
  SBT_EQ_U64(sb_peer_negotiator_deadline(&n), SB_TIME_MS(30000));
  sb_peer_negotiator_reset(&n);
}

static void upstream_handshake_frame_is_reproduced(void) {
  /* PEER-NEG-008: the negotiator's frame for upstream's control_handshake
   * inputs (peerId, caps, metadata) equals upstream's encoding. */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *frames = sbt_get(root, "frames");
  const cJSON *item = NULL;
  bool seen = false;
  cJSON_ArrayForEach(item, frames) {
    if (strcmp(sbt_str(item, "name"), "control_handshake") != 0) continue;
    seen = true;
    const cJSON *input = sbt_get(item, "input");
    size_t json_len = 0;
    uint8_t *json = sbt_unhex(sbt_str(input, "data"), &json_len);
    cJSON *payload = cJSON_ParseWithLength((const char *)json, json_len);
    fixed_rng fr;
    sb_rng rng = fixed(&fr, sbt_str(input, "frameId"));
    sb_peer_negotiator_config c = config(cJSON_GetStringValue(sbt_get(payload, "peerId")));
    c.caps = sbt_get(payload, "caps");
    c.metadata = sbt_get(payload, "metadata");
    sb_peer_negotiator n;
    uint8_t buf[512];
    size_t len = start(&n, &c, 0, &rng, buf, sizeof buf);
    char *got = sbt_hex(buf, len);
    const char *want = sbt_str(sbt_get(item, "encode"), "result");
    SBT_STR_EQ(got, want);
    if (want && strcmp(got, want) == 0) sbt_count_upstream_value();
    free(got);
    sb_peer_negotiator_reset(&n);
    cJSON_Delete(payload);
    free(json);
  }
  SBT_CHECK(seen, "control_handshake case present");
  cJSON_Delete(root);
}

static void upstream_close_frames_are_reproduced(void) {
  /* SBP-CTL-008: terminate sends Close with the reason's UTF-8 as data. */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *item = NULL;
  int seen = 0;
  cJSON_ArrayForEach(item, sbt_get(root, "frames")) {
    const char *name = sbt_str(item, "name");
    if (strcmp(name, "control_close_reason") != 0 && strcmp(name, "control_close_no_reason") != 0)
      continue;
    seen++;
    const cJSON *input = sbt_get(item, "input");
    char reason[64] = "";
    const char *data_hex = sbt_str(input, "data");
    if (data_hex) {
      size_t n = 0;
      uint8_t *data = sbt_unhex(data_hex, &n);
      memcpy(reason, data, n < 63 ? n : 63);
      free(data);
    }
    fixed_rng fr;
    sb_rng rng = fixed(&fr, sbt_str(input, "frameId"));
    uint8_t buf[128];
    size_t len = 0;
    SBT_OK(sb_peer_negotiator_close_frame(data_hex ? reason : NULL, &rng, buf, sizeof buf, &len));
    char *got = sbt_hex(buf, len);
    const char *want = sbt_str(sbt_get(item, "encode"), "result");
    SBT_STR_EQ(got, want);
    if (want && strcmp(got, want) == 0) sbt_count_upstream_value();
    free(got);
  }
  SBT_CHECK(seen == 2, "both Close cases present");
  cJSON_Delete(root);
}

static void two_negotiators_accept_each_other(void) {
  /* SBP-HS-001, SBP-HS-011, PEER-NEG-008: each side's first frame is its
   * Handshake; the result is the remote peerId, caps and metadata. */
  sb_xoshiro xa, xb;
  sb_xoshiro_seed(&xa, 1);
  sb_xoshiro_seed(&xb, 2);
  sb_rng ra = sb_xoshiro_rng(&xa), rb = sb_xoshiro_rng(&xb);
  cJSON *caps = cJSON_Parse("[\"rpc\",\"x:y\"]");
  cJSON *meta = cJSON_Parse("{\"vendor:agent\":\"sbconf\"}");
  sb_peer_negotiator_config ca = config("alice"), cb = config("bob");
  ca.caps = caps;
  ca.metadata = meta;
  sb_peer_negotiator a, b;
  uint8_t fa[256], fb[256];
  size_t la = start(&a, &ca, 0, &ra, fa, sizeof fa);
  size_t lb = start(&b, &cb, 0, &rb, fb, sizeof fb);
  SBT_OK(sb_peer_negotiator_receive(&a, fb, lb));
  SBT_OK(sb_peer_negotiator_receive(&b, fa, la));
  SBT_STR_EQ(sb_peer_negotiator_remote(&a)->peer_id, "bob");
  SBT_STR_EQ(sb_peer_negotiator_remote(&b)->peer_id, "alice");
  char *got_caps = cJSON_PrintUnformatted(sb_peer_negotiator_remote(&b)->caps);
  SBT_STR_EQ(got_caps, "[\"rpc\",\"x:y\"]");
  cJSON_free(got_caps);
  SBT_CHECK(sb_peer_negotiator_state_of(&a) == SB_PEER_NEGOTIATOR_DONE, "done");
  SBT_EQ_U64(sb_peer_negotiator_deadline(&a), SB_TIME_NEVER);
  /* A second Handshake after negotiation is not an error: state stays. */
  SBT_ERR_EQ(sb_peer_negotiator_receive(&a, fb, lb), SB_ERR_STATE);
  sb_peer_negotiator_reset(&a);
  sb_peer_negotiator_reset(&b);
  SBT_CHECK(sb_peer_negotiator_remote(&a) == NULL, "reset releases the remote handshake");
  cJSON_Delete(caps);
  cJSON_Delete(meta);
}

static void unknown_keys_caps_and_metadata_are_ignored(void) {
  /* SBP-HS-005, SBP-HS-006: unknown members, caps and non-namespaced
   * metadata keys are accepted. */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 3);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_peer_negotiator_config c = config("me");
  sb_peer_negotiator n;
  uint8_t buf[512];
  start(&n, &c, 0, &r, buf, sizeof buf);
  size_t len = handshake_frame(
      "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"\",\"caps\":[\"future:x\"],"
      "\"metadata\":{\"agent\":\"x\"},\"extra\":{\"a\":1}}",
      buf, sizeof buf);
  SBT_OK(sb_peer_negotiator_receive(&n, buf, len));
  SBT_STR_EQ(sb_peer_negotiator_remote(&n)->peer_id, "");
  sb_peer_negotiator_reset(&n);
}

/* A negotiator that got `frame` first; returns its error. */
static int fail_with(sb_peer_negotiator *n, bool silent, const uint8_t *frame, size_t len) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 4);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_peer_negotiator_config c = config("me");
  c.upstream_silent_failure = silent;
  uint8_t buf[256];
  start(n, &c, 0, &r, buf, sizeof buf);
  return sb_peer_negotiator_receive(n, frame, len);
}

/* The ErrorFrame a failed negotiator sends: its code and message; checks
 * the Close that follows and that nothing comes after. */
static unsigned failure_error_code(sb_peer_negotiator *n, char *message, size_t cap,
                                   uint8_t id[16]) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 5);
  sb_rng r = sb_xoshiro_rng(&x);
  uint8_t buf[512];
  size_t len = 0;
  SBT_OK(sb_peer_negotiator_failure_frame(n, "negotiation_failed", &r, buf, sizeof buf, &len));
  sb_sbp_frame f;
  SBT_OK(sb_sbp_frame_decode(buf, len, &f));
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR, "first an ErrorFrame");
  snprintf(message, cap, "%.*s", (int)f.error.message_len, (const char *)f.error.message);
  memcpy(id, f.frame_id, 16);
  unsigned code = f.error.code;
  SBT_OK(sb_peer_negotiator_failure_frame(n, "negotiation_failed", &r, buf, sizeof buf, &len));
  SBT_OK(sb_sbp_frame_decode(buf, len, &f));
  SBT_CHECK(f.kind == SB_SBP_KIND_CONTROL && f.control.op == SB_SBP_OP_CLOSE, "then Close");
  SBT_CHECK(f.control.data_len == 18 && memcmp(f.control.data, "negotiation_failed", 18) == 0,
            "Close carries the reason");
  SBT_ERR_EQ(sb_peer_negotiator_failure_frame(n, NULL, &r, buf, sizeof buf, &len),
             SB_ERR_NOT_FOUND);
  return code;
}

static void non_handshake_first_frame_is_a_fatal_protocol_violation(void) {
  /* SBP-HS-001, SBP-HS-002, PEER-NEG-005, SBP-ERR-007, SBP-WIRE-008: a Ping
   * (or a Message) before the Handshake is ProtocolViolation, fatal; the
   * ErrorFrame 1000 carries a fresh frameId, never the offending one. */
  sb_sbp_frame ping = {.kind = SB_SBP_KIND_CONTROL};
  memset(ping.frame_id, 0x42, 16);
  ping.control.op = SB_SBP_OP_PING;
  uint8_t frame[64];
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&ping, frame, sizeof frame, &len));
  sb_peer_negotiator n;
  int rc = fail_with(&n, false, frame, len);
  SBT_ERR_EQ(rc, SB_ERR_SBP_HS_UNEXPECTED);
  SBT_EQ_U64(sb_err_proto_code(rc), 1000);
  SBT_CHECK(sb_peer_negotiator_fatal(rc), "ProtocolViolation is fatal");
  SBT_CHECK(sb_peer_negotiator_state_of(&n) == SB_PEER_NEGOTIATOR_FAILED, "failed");
  SBT_ERR_EQ(sb_peer_negotiator_failure(&n), SB_ERR_SBP_HS_UNEXPECTED);
  char message[128];
  uint8_t id[16];
  SBT_EQ_U64(failure_error_code(&n, message, sizeof message, id), 1000);
  SBT_STR_EQ(message, "first frame is not a Handshake");
  SBT_CHECK(memcmp(id, ping.frame_id, 16) != 0, "the ErrorFrame's id is fresh");
  sb_peer_negotiator_reset(&n);

  sb_sbp_frame msg = {.kind = SB_SBP_KIND_MESSAGE};
  msg.message.subject = (const uint8_t *)"rpc";
  msg.message.subject_len = 3;
  SBT_OK(sb_sbp_frame_encode(&msg, frame, sizeof frame, &len));
  SBT_ERR_EQ(fail_with(&n, false, frame, len), SB_ERR_SBP_HS_UNEXPECTED);
  sb_peer_negotiator_reset(&n);
}

static void version_or_protocol_mismatch_is_fatal_unsupported_version(void) {
  /* SBP-HS-003, SBP-HS-004, PEER-NEG-005, SBP-ERR-011: ErrorFrame 1001, then
   * Close; never retried. */
  const char *cases[][2] = {
      {"{\"protocol\":\"sideband\",\"version\":\"2\",\"peerId\":\"x\"}", "handshake version is not \"1\""},
      {"{\"protocol\":\"other\",\"version\":\"1\",\"peerId\":\"x\"}",
       "handshake protocol is not \"sideband\""}};
  for (size_t i = 0; i < 2; i++) {
    uint8_t frame[256];
    size_t len = handshake_frame(cases[i][0], frame, sizeof frame);
    sb_peer_negotiator n;
    int rc = fail_with(&n, false, frame, len);
    SBT_EQ_U64(sb_err_proto_code(rc), 1001);
    SBT_CHECK(sb_peer_negotiator_fatal(rc), "UnsupportedVersion is fatal");
    char message[128];
    uint8_t id[16];
    SBT_EQ_U64(failure_error_code(&n, message, sizeof message, id), 1001);
    SBT_STR_EQ(message, cases[i][1]);
    sb_peer_negotiator_reset(&n);
  }
}

static void malformed_handshake_is_retryable_invalid_frame(void) {
  /* SBP-HS-004, SBP-ERR-014, PEER-NEG-008: missing fields, bad JSON and
   * undecodable frames are InvalidFrame (1002), which upstream retries. */
  const char *payloads[] = {"{\"protocol\":\"sideband\",\"version\":\"1\"}", "{nope", "[1]"};
  const int errs[] = {SB_ERR_SBP_HS_PEERID_FIELD, SB_ERR_SBP_HS_JSON, SB_ERR_SBP_HS_NOT_OBJECT};
  for (size_t i = 0; i < 3; i++) {
    uint8_t frame[256];
    size_t len = handshake_frame(payloads[i], frame, sizeof frame);
    sb_peer_negotiator n;
    int rc = fail_with(&n, false, frame, len);
    SBT_ERR_EQ(rc, errs[i]);
    SBT_CHECK(!sb_peer_negotiator_fatal(rc), "InvalidFrame is retryable");
    char message[128];
    uint8_t id[16];
    SBT_EQ_U64(failure_error_code(&n, message, sizeof message, id), 1002);
    sb_peer_negotiator_reset(&n);
  }
  const uint8_t short_frame[5] = {0, 0, 1, 2, 3};
  sb_peer_negotiator n;
  int rc = fail_with(&n, false, short_frame, sizeof short_frame);
  SBT_ERR_EQ(rc, SB_ERR_SBP_TOO_SHORT);
  SBT_CHECK(!sb_peer_negotiator_fatal(rc), "a frame too short is retryable");
  sb_peer_negotiator_reset(&n);
}

static void handshake_timeout_is_a_fatal_protocol_violation(void) {
  /* SBP-HS-009, SBP-HS-010: no Handshake within the timeout (default 30 s,
   * here 5 s) is ProtocolViolation, fatal; ErrorFrame 1000 then Close. */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 6);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_peer_negotiator_config c = config("me");
  c.handshake_timeout = SB_TIME_S(5);
  sb_peer_negotiator n;
  uint8_t buf[256];
  start(&n, &c, SB_TIME_S(100), &r, buf, sizeof buf);
  SBT_EQ_U64(sb_peer_negotiator_deadline(&n), SB_TIME_S(105));
  SBT_OK(sb_peer_negotiator_expire(&n, SB_TIME_S(105) - 1));
  SBT_CHECK(sb_peer_negotiator_state_of(&n) == SB_PEER_NEGOTIATOR_WAITING, "not yet");
  int rc = sb_peer_negotiator_expire(&n, SB_TIME_S(105));
  SBT_ERR_EQ(rc, SB_ERR_SBP_HS_TIMEOUT);
  SBT_CHECK(sb_peer_negotiator_fatal(rc), "fatal");
  char message[128];
  uint8_t id[16];
  SBT_EQ_U64(failure_error_code(&n, message, sizeof message, id), 1000);
  SBT_OK(sb_peer_negotiator_expire(&n, SB_TIME_S(200))); /* no second failure */
  sb_peer_negotiator_reset(&n);
}

static void connection_end_before_handshake_is_fatal_and_silent(void) {
  /* SBP-HS-010: the inbound side ends first: ProtocolViolation, fatal; no
   * frame can be sent on a connection that is gone. */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 7);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_peer_negotiator_config c = config("me");
  sb_peer_negotiator n;
  uint8_t buf[256];
  size_t len = 0;
  start(&n, &c, 0, &r, buf, sizeof buf);
  int rc = sb_peer_negotiator_closed(&n);
  SBT_ERR_EQ(rc, SB_ERR_SBP_HS_CLOSED);
  SBT_CHECK(sb_peer_negotiator_fatal(rc), "fatal");
  SBT_ERR_EQ(sb_peer_negotiator_failure_frame(&n, "x", &r, buf, sizeof buf, &len), SB_ERR_NOT_FOUND);
  SBT_OK(sb_peer_negotiator_closed(&n)); /* only once */
  sb_peer_negotiator_reset(&n);
}

static void upstream_reading_sends_no_error_frame(void) {
  /* SBP-HS-010 (upstream negotiator): no ErrorFrame and no Close on a
   * failed negotiation (errata E-PEER-1). */
  uint8_t frame[256];
  size_t len = handshake_frame("{\"protocol\":\"sideband\",\"version\":\"9\",\"peerId\":\"x\"}",
                               frame, sizeof frame);
  sb_peer_negotiator n;
  SBT_ERR_EQ(fail_with(&n, true, frame, len), SB_ERR_SBP_HS_VERSION_MISMATCH);
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 8);
  sb_rng r = sb_xoshiro_rng(&x);
  uint8_t buf[256];
  SBT_ERR_EQ(sb_peer_negotiator_failure_frame(&n, "x", &r, buf, sizeof buf, &len), SB_ERR_NOT_FOUND);
  sb_peer_negotiator_reset(&n);
}

static void control_frames_after_negotiation(void) {
  /* SBP-CTL-006: Ping -> Pong with a fresh frameId and the Ping's timestamp;
   * SBP-CTL-007: Close ends the session; Pong and a second Handshake are
   * ignored; SBP-CTL-009: upstream ignores all of them (E-PEER-3). */
  sb_peer_negotiator_config c = config("me");
  sb_peer_negotiator n;
  SBT_OK(sb_peer_negotiator_init(&n, &c));
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  memset(f.frame_id, 0x77, 16);
  f.control.op = SB_SBP_OP_PING;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_PONG, "Ping -> Pong");
  fixed_rng fr;
  sb_rng r = fixed(&fr, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
  uint8_t buf[64];
  size_t len = 0;
  f.control.op = SB_SBP_OP_CLOSE;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_CLOSE, "Close ends it");
  SBT_ERR_EQ(sb_peer_negotiator_pong_frame(&f, &r, buf, sizeof buf, &len), SB_ERR_ARG);
  f.control.op = SB_SBP_OP_PONG;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_IGNORE, "Pong ignored");
  f.control.op = SB_SBP_OP_HANDSHAKE;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_IGNORE, "Handshake ignored");
  c.upstream_ignore_control = true;
  SBT_OK(sb_peer_negotiator_init(&n, &c));
  f.control.op = SB_SBP_OP_PING;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_IGNORE, "upstream: no Pong");
  f.control.op = SB_SBP_OP_CLOSE;
  SBT_CHECK(sb_peer_negotiator_control(&n, &f) == SB_PEER_CONTROL_IGNORE, "upstream: Close ignored");
}

static void upstream_pong_frames_are_reproduced(void) {
  /* SBP-CTL-006: the Pong for a Ping with upstream's control_pong(_ts)
   * timestamp and frameId equals upstream's Pong encoding. */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *item = NULL;
  int seen = 0;
  cJSON_ArrayForEach(item, sbt_get(root, "frames")) {
    const char *name = sbt_str(item, "name");
    if (strcmp(name, "control_pong") != 0 && strcmp(name, "control_pong_ts") != 0) continue;
    seen++;
    const cJSON *input = sbt_get(item, "input");
    sb_sbp_frame ping = {.kind = SB_SBP_KIND_CONTROL};
    ping.control.op = SB_SBP_OP_PING;
    const char *ts = sbt_str(input, "timestamp_exact");
    ping.has_timestamp = ts != NULL;
    ping.timestamp_ms = ts ? (int64_t)sbt_u64(ts) : 0;
    fixed_rng fr;
    sb_rng r = fixed(&fr, sbt_str(input, "frameId"));
    uint8_t buf[64];
    size_t len = 0;
    SBT_OK(sb_peer_negotiator_pong_frame(&ping, &r, buf, sizeof buf, &len));
    char *got = sbt_hex(buf, len);
    const char *want = sbt_str(sbt_get(item, "encode"), "result");
    SBT_STR_EQ(got, want);
    if (want && strcmp(got, want) == 0) sbt_count_upstream_value();
    free(got);
  }
  SBT_EQ_U64(seen, 2);
  cJSON_Delete(root);
}

static void oversized_handshake_is_never_sent(void) {
  /* SBP-HS-007: our payload stays within 8 KiB. */
  cJSON *caps = cJSON_CreateArray();
  char cap_name[1001];
  memset(cap_name, 'c', 1000);
  cap_name[1000] = '\0';
  for (int i = 0; i < 9; i++) cJSON_AddItemToArray(caps, cJSON_CreateString(cap_name));
  sb_peer_negotiator_config c = config("me");
  c.caps = caps;
  sb_peer_negotiator n;
  SBT_OK(sb_peer_negotiator_init(&n, &c));
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 9);
  sb_rng r = sb_xoshiro_rng(&x);
  uint8_t buf[16384];
  size_t len = 0;
  SBT_ERR_EQ(sb_peer_negotiator_start(&n, 0, SB_TIME_NEVER, &r, buf, sizeof buf, &len),
             SB_ERR_RANGE);
  SBT_CHECK(sb_peer_negotiator_state_of(&n) == SB_PEER_NEGOTIATOR_IDLE, "still idle");
  cJSON_Delete(caps);
}

static void start_checks_state_buffer_and_rng(void) {
  /* PEER-NEG-002: a negotiation starts once; SB_ERR_BUF reports the size. */
  sb_peer_negotiator_config c = config("p1");
  sb_peer_negotiator n;
  SBT_OK(sb_peer_negotiator_init(&n, &c));
  sb_rng bad = sbt_failing_rng();
  uint8_t buf[256];
  size_t len = 0;
  SBT_ERR_EQ(sb_peer_negotiator_start(&n, 0, SB_TIME_NEVER, &bad, buf, sizeof buf, &len), SB_ERR_RNG);
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 10);
  sb_rng r = sb_xoshiro_rng(&x);
  SBT_ERR_EQ(sb_peer_negotiator_start(&n, 0, SB_TIME_NEVER, &r, buf, 10, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 94);
  SBT_OK(sb_peer_negotiator_start(&n, 0, SB_TIME_S(7), &r, buf, sizeof buf, &len));
  SBT_EQ_U64(sb_peer_negotiator_deadline(&n), SB_TIME_S(7)); /* a secure channel's budget */
  SBT_ERR_EQ(sb_peer_negotiator_start(&n, 0, SB_TIME_NEVER, &r, buf, sizeof buf, &len), SB_ERR_STATE);
  sb_peer_negotiator_config bad_cfg = config(NULL);
  SBT_ERR_EQ(sb_peer_negotiator_init(&n, &bad_cfg), SB_ERR_ARG);
  bad_cfg = config("x");
  bad_cfg.handshake_timeout = -1;
  SBT_ERR_EQ(sb_peer_negotiator_init(&n, &bad_cfg), SB_ERR_ARG);
  SBT_STR_EQ(sb_peer_negotiator_state_name(SB_PEER_NEGOTIATOR_FAILED), "failed");
}

SBT_SUITE(peer_negotiator, "peer/negotiator", SBT_CASE(start_sends_the_worked_handshake_vector),
          SBT_CASE(upstream_handshake_frame_is_reproduced),
          SBT_CASE(upstream_close_frames_are_reproduced),
          SBT_CASE(two_negotiators_accept_each_other),
          SBT_CASE(unknown_keys_caps_and_metadata_are_ignored),
          SBT_CASE(non_handshake_first_frame_is_a_fatal_protocol_violation),
          SBT_CASE(version_or_protocol_mismatch_is_fatal_unsupported_version),
          SBT_CASE(malformed_handshake_is_retryable_invalid_frame),
          SBT_CASE(handshake_timeout_is_a_fatal_protocol_violation),
          SBT_CASE(connection_end_before_handshake_is_fatal_and_silent),
          SBT_CASE(upstream_reading_sends_no_error_frame), SBT_CASE(control_frames_after_negotiation),
          SBT_CASE(upstream_pong_frames_are_reproduced),
          SBT_CASE(oversized_handshake_is_never_sent), SBT_CASE(start_checks_state_buffer_and_rng));
