/* Tests for peer/rpc.h: calls, handlers, buffering and correlation. */
#include "peer/rpc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "peer/peer.h"
#include "peer/world_test.h"
#include "rpc/channel.h"
#include "test/sbt.h"

/* ---- B's handlers --------------------------------------------------------------- */

static void add_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(req->params, "a");
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(req->params, "b");
  reply->result = cJSON_CreateNumber(cJSON_GetNumberValue(a) + cJSON_GetNumberValue(b));
}

/* Returns nothing: the response has no `result`. */
static void void_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  (void)req;
  (void)reply;
}

/* {"echoed": params}, as the upstream Router's test handler. */
static void echo_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  reply->result = cJSON_CreateObject();
  cJSON_AddItemToObject(reply->result, "echoed", cJSON_Duplicate(req->params, 1));
}

/* Throws: message "boom", the code from params.code (0: default). */
static void fail_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  reply->kind = SB_PEER_REPLY_ERROR;
  reply->message = "boom";
  reply->code = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(req->params, "code"));
  if (isnan(reply->code)) reply->code = 0;
  reply->data = cJSON_Parse("{\"retry\":false}");
}

/* Answers later: remembers the cids it got. */
static uint8_t held_cids[8][SB_RPC_CID_BYTES];
static int held_count;

static void hold_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  if (held_count < 8) memcpy(held_cids[held_count++], req->cid, SB_RPC_CID_BYTES);
  reply->kind = SB_PEER_REPLY_DEFERRED;
}

/* Returns a value with no JSON form (NaN). */
static void nan_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  (void)req;
  reply->result = cJSON_CreateNumber(NAN);
}

static void setup_b(world *w, sb_peer *b) {
  (void)w;
  uint32_t id = 0;
  held_count = 0;
  SBT_OK(sb_peer_rpc_handle(b, "add", add_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "void", void_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "echo", echo_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "fail", fail_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "hold", hold_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "nan", nan_handler, NULL, &id));
}

/* ---- helpers ------------------------------------------------------------------------ */

static world *connected(const sb_peer_config *a_cfg) {
  world *w = world_new(a_cfg, NULL, setup_b);
  world_connect(w);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "A active");
  world_take(&w->a);
  world_take(&w->b);
  return w;
}

static void call(world *w, uint64_t tag, const char *method, const char *params_json,
                 const sb_peer_call_opts *opts) {
  cJSON *params = params_json ? cJSON_Parse(params_json) : NULL;
  SBT_OK(sb_peer_rpc_call(w->a.p, w->now, tag, method, params, opts));
  cJSON_Delete(params);
}

static sb_peer_config pausing(void) {
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE;
  c.retry.mode = SB_PEER_RETRY_ON_ERROR;
  c.retry.jitter = 0;
  return c;
}

/* The Message data of the frame A ('A') or B sent `back` frames ago, as text. */
static char *sent_text(const world *w, char who, size_t back, sb_sbp_frame *f) {
  size_t len = 0;
  const uint8_t *bytes = who == 'A' ? world_sent_a(w, back, &len) : world_sent_b(w, back, &len);
  memset(f, 0, sizeof *f);
  SBT_CHECK(bytes != NULL, "%c sent a frame %zu back", who, back);
  if (!bytes) return calloc(1, 1);
  SBT_OK(sb_sbp_frame_decode(bytes, len, f));
  char *text = calloc(1, f->message.data_len + 1);
  memcpy(text, f->message.data, f->message.data_len);
  return text;
}

/* A Message frame on `subject` with `data`, frameId `id`. */
static size_t message_frame(const char *subject, const char *data, uint8_t id_byte, uint8_t *out,
                            size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  memset(f.frame_id, id_byte, 16);
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  f.message.data = (const uint8_t *)data;
  f.message.data_len = strlen(data);
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

/* ---- correlation and frameIds ------------------------------------------------------------- */

static void request_cid_is_its_frame_id_and_replies_use_fresh_ids(void) {
  /* RPC-CID-001: the request's cid is its frameId; RPC-CID-002: the
   * response copies the cid with its own new frameId; RPC-CID-004,
   * SBP-WIRE-008: no frame reuses a received frameId. RPC-SDK-013: a
   * handler returning nothing gives an R without `result`. */
  world *w = connected(NULL);
  call(w, 1, "void", NULL, NULL);
  sb_sbp_frame req;
  char *req_text = sent_text(w, 'A', 0, &req);
  char cid_hex[33];
  sb_sbp_frame_id_to_hex(req.frame_id, cid_hex);
  char want[128];
  snprintf(want, sizeof want, "{\"t\":\"r\",\"m\":\"void\",\"cid\":\"%s\"}", cid_hex);
  SBT_STR_EQ(req_text, want);
  world_pump(w);
  sb_sbp_frame resp;
  char *resp_text = sent_text(w, 'B', 0, &resp);
  snprintf(want, sizeof want, "{\"t\":\"R\",\"cid\":\"%s\"}", cid_hex);
  SBT_STR_EQ(resp_text, want);
  SBT_CHECK(!sb_sbp_frame_id_equal(resp.frame_id, req.frame_id), "fresh response frameId");
  SBT_STR_EQ(world_take(&w->a), "R 1 ok\n");
  /* Across a whole exchange no frameId repeats, in either direction. */
  for (size_t i = 0; i < w->a_sent_count && i < 64; i++)
    for (size_t j = 0; j < w->b_sent_count && j < 64; j++) {
      size_t la = 0, lb = 0;
      const uint8_t *fa = world_sent_a(w, i, &la), *fb = world_sent_b(w, j, &lb);
      SBT_CHECK(memcmp(fa + 2, fb + 2, 16) != 0, "frame %zu of A and %zu of B share an id", i, j);
    }
  free(req_text);
  free(resp_text);
  world_free(w);
}

static void responses_match_by_cid_in_any_order(void) {
  /* RPC-CID-003, RPC-CID-005, RPC-CID-006: two calls in flight, answered
   * in reverse order; each result reaches its own call. */
  world *w = connected(NULL);
  call(w, 1, "hold", "{\"n\":1}", NULL);
  call(w, 2, "hold", "{\"n\":2}", NULL);
  world_pump(w);
  SBT_EQ_U64(held_count, 2);
  SBT_EQ_U64(sb_peer_rpc_in_flight(w->a.p), 2);
  sb_peer_reply r2 = {.kind = SB_PEER_REPLY_RESULT, .result = cJSON_CreateString("second")};
  SBT_OK(sb_peer_rpc_reply(w->b.p, w->now, held_cids[1], &r2));
  sb_peer_reply r1 = {.kind = SB_PEER_REPLY_RESULT, .result = cJSON_CreateString("first")};
  SBT_OK(sb_peer_rpc_reply(w->b.p, w->now, held_cids[0], &r1));
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "R 2 ok \"second\"\nR 1 ok \"first\"\n");
  sb_peer_reply deferred = {.kind = SB_PEER_REPLY_DEFERRED};
  SBT_ERR_EQ(sb_peer_rpc_reply(w->b.p, w->now, held_cids[0], &deferred), SB_ERR_ARG);
  world_free(w);
}

static void upstream_echo_response_data_is_reproduced(void) {
  /* RPC-CID-002, RPC-ENV-004: upstream's router_dispatch echo case: the
   * request frame fed to an accepted peer with the same handler gives
   * the same response data (the frameId is fresh, RPC-CID-004); the
   * request's cid is not its frameId and nobody checks (RPC-CID-009). The
   * no-handler case differs on purpose: the Peer SDK's 1101 message names
   * the method (RPC-SDK-013; errata, "Method not found" text). */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *item = NULL;
  int seen = 0;
  cJSON_ArrayForEach(item, sbt_get(root, "router_dispatch")) {
    const char *name = sbt_str(item, "name");
    bool echo = strcmp(name, "rpc_subject_request_with_echo_handler") == 0;
    bool missing = strcmp(name, "rpc_subject_request_no_handler") == 0;
    if (!echo && !missing) continue;
    seen++;
    world *w = connected(NULL);
    const cJSON *in = sbt_get(item, "inbound");
    uint8_t frame[512];
    uint8_t id[16];
    SBT_CHECK(sbt_unhex_exact(sbt_str(in, "frame_id"), id, 16), "frame id");
    size_t len = message_frame(sbt_str(in, "subject"), sbt_str(in, "data_text"), 0, frame,
                               sizeof frame);
    memcpy(frame + 2, id, 16);
    size_t before = w->b_sent_count;
    world_inject_b(w, frame, len);
    SBT_EQ_U64(w->b_sent_count, before + 1);
    sb_sbp_frame f;
    char *text = sent_text(w, 'B', 0, &f);
    const cJSON *sent = cJSON_GetArrayItem(sbt_get(item, "sent_frames"), 0);
    const char *want = sbt_str(sent, "data_text");
    SBT_CHECK(!sb_sbp_frame_id_equal(f.frame_id, id), "response frameId is not the request's");
    if (echo) {
      /* The whole frame, byte for byte once the frameId is set aside. */
      size_t n = 0;
      const uint8_t *out = world_sent_b(w, 0, &n);
      uint8_t *copy = malloc(n);
      memcpy(copy, out, n);
      SBT_CHECK(sbt_unhex_exact(sbt_str(sbt_get(sent, "decoded"), "frameId"), copy + 2, 16), "id");
      char *got = sbt_hex(copy, n);
      const char *bytes = sbt_str(sent, "bytes");
      SBT_STR_EQ(text, want);
      SBT_STR_EQ(got, bytes);
      if (bytes && strcmp(got, bytes) == 0) sbt_count_upstream_value();
      free(got);
      free(copy);
    } else {
      SBT_STR_EQ(text, "{\"t\":\"E\",\"cid\":\"0123456789abcdeffedcba9876543210\",\"code\":1101,"
                       "\"message\":\"Method not found: nope\"}");
      SBT_CHECK(strcmp(text, want) != 0, "upstream's Router text differs");
    }
    free(text);
    world_free(w);
  }
  SBT_EQ_U64(seen, 2);
  cJSON_Delete(root);
}

static void upstream_router_error_frames_match_except_the_frame_id(void) {
  /* RPC-VAL-002, SBP-SUBJ-006: for the malformed envelope and the stream
   * subject the peer answers the ErrorFrame code and message upstream's
   * Router returns; its frameId is fresh where the Router copies the
   * offending one (SBP-WIRE-008 over SBP-EFR-003, errata E-PEER-2). */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *item = NULL;
  int seen = 0;
  cJSON_ArrayForEach(item, sbt_get(root, "router_dispatch")) {
    const cJSON *want = sbt_get(item, "returned_error_frame");
    if (!cJSON_IsObject(want)) continue;
    seen++;
    world *w = connected(NULL);
    const cJSON *in = sbt_get(item, "inbound");
    uint8_t frame[512];
    size_t len = message_frame(sbt_str(in, "subject"), sbt_str(in, "data_text"), 0, frame,
                               sizeof frame);
    SBT_CHECK(sbt_unhex_exact(sbt_str(in, "frame_id"), frame + 2, 16), "frame id");
    size_t before = w->a_sent_count;
    world_inject_a(w, frame, len);
    SBT_EQ_U64(w->a_sent_count, before + 1);
    size_t out_len = 0;
    const uint8_t *out = world_sent_a(w, 0, &out_len);
    sb_sbp_frame f;
    SBT_OK(sb_sbp_frame_decode(out, out_len, &f));
    /* Byte for byte once the frameId is set aside. */
    uint8_t *copy = malloc(out_len);
    memcpy(copy, out, out_len);
    memcpy(copy + 2, frame + 2, 16);
    char *got = sbt_hex(copy, out_len);
    const char *bytes = sbt_str(want, "bytes");
    SBT_STR_EQ(got, bytes);
    if (bytes && strcmp(got, bytes) == 0) sbt_count_upstream_value();
    free(got);
    free(copy);
    SBT_CHECK(memcmp(f.frame_id, frame + 2, 16) != 0, "fresh frameId, not the offending one");
    world_free(w);
  }
  SBT_EQ_U64(seen, 2);
  cJSON_Delete(root);
}

/* ---- handler registry and errors ------------------------------------------------------------ */

static void handler_outcomes_become_rpc_errors(void) {
  /* RPC-SDK-004, RPC-ERR-005: a throwing handler is RpcError 2000 with its
   * message and data; a handler's application code is kept; a code outside
   * the application range is replaced by 2000 (RPC-ERR-001). RPC-ERR-004,
   * RPC-SDK-013: unknown method -> 1101 "Method not found: <m>". A result
   * with no JSON form fails like a throwing handler. */
  world *w = connected(NULL);
  call(w, 1, "fail", NULL, NULL);
  call(w, 2, "fail", "{\"code\":2042}", NULL);
  call(w, 3, "fail", "{\"code\":1101}", NULL);
  call(w, 4, "nope", NULL, NULL);
  call(w, 5, "nan", NULL, NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "R 1 rpc_error 2000: boom {\"retry\":false}\n"
             "R 2 rpc_error 2042: boom {\"retry\":false}\n"
             "R 3 rpc_error 2000: boom {\"retry\":false}\n"
             "R 4 rpc_error 1101: Method not found: nope\n"
             "R 5 rpc_error 2000: value has no JSON form (non-finite number, raw or undefined)\n");
  SBT_STR_EQ(w->b.last_note, "handler_code_replaced not an application code: 2000");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE && sb_peer_state_of(w->b.p) == SB_PEER_ACTIVE,
            "RpcErrors never close anything (RPC-ERR-002)");
  world_free(w);
}

static void registering_a_method_twice_fails_at_once(void) {
  /* RPC-SDK-003, PEER-ERR-002: synchronous rpc_method_already_registered;
   * unsubscribe is idempotent and never removes a later registration. */
  world *w = connected(NULL);
  uint32_t first = 0, again = 0, later = 0;
  SBT_OK(sb_peer_rpc_handle(w->a.p, "m", void_handler, NULL, &first));
  int rc = sb_peer_rpc_handle(w->a.p, "m", add_handler, NULL, &again);
  SBT_ERR_EQ(rc, SB_ERR_PEER_METHOD_REGISTERED);
  SBT_STR_EQ(sb_peer_error_code(rc), "rpc_method_already_registered");
  sb_peer_rpc_unhandle(w->a.p, first);
  SBT_OK(sb_peer_rpc_handle(w->a.p, "m", add_handler, NULL, &later));
  sb_peer_rpc_unhandle(w->a.p, first); /* old id: the new handler stays */
  SBT_ERR_EQ(sb_peer_rpc_handle(w->a.p, "m", void_handler, NULL, &again),
             SB_ERR_PEER_METHOD_REGISTERED);
  char long_name[SB_PEER_METHOD_MAX_BYTES + 2];
  memset(long_name, 'x', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  SBT_ERR_EQ(sb_peer_rpc_handle(w->a.p, long_name, void_handler, NULL, &again), SB_ERR_RANGE);
  char name[16];
  for (unsigned i = 1; i < SB_PEER_MAX_HANDLERS; i++) {
    snprintf(name, sizeof name, "m%u", i);
    SBT_OK(sb_peer_rpc_handle(w->a.p, name, void_handler, NULL, &again));
  }
  SBT_ERR_EQ(sb_peer_rpc_handle(w->a.p, "one.more", void_handler, NULL, &again), SB_ERR_FULL);
  world_free(w);
}

/* ---- timeouts and cancellation ---------------------------------------------------------------- */

static void default_timeout_is_ten_seconds_and_late_replies_are_dropped(void) {
  /* RPC-SDK-002, RPC-SDK-001 (rpc_timeout), RPC-CID-007, RPC-ERR-007 (the
   * callee has no handler timeout: B never answers on its own). */
  world *w = connected(NULL);
  call(w, 1, "hold", NULL, NULL);
  world_pump(w);
  world_advance(w, SB_TIME_MS(10000) - 1);
  SBT_STR_EQ(world_take(&w->a), "");
  world_advance(w, 1);
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_timeout: RPC timeout after 10000ms (method: hold)\n");
  sb_peer_reply late = {.kind = SB_PEER_REPLY_RESULT, .result = cJSON_CreateNumber(1)};
  SBT_OK(sb_peer_rpc_reply(w->b.p, w->now, held_cids[0], &late));
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "");
  SBT_STR_EQ(w->a.last_note, "response_dropped no pending call for this cid");
  SBT_EQ_U64(w->b_sent_count, 2); /* Handshake, the late reply: nothing on B's own */
  world_free(w);
}

static void per_call_timeout_overrides_the_default(void) {
  /* RPC-SDK-002, RPC-TMO-002: timeoutMs per call. */
  world *w = connected(NULL);
  sb_peer_call_opts o = {.has_timeout = true, .timeout = SB_TIME_MS(50)};
  call(w, 1, "hold", NULL, &o);
  world_pump(w);
  world_advance(w, SB_TIME_MS(50));
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_timeout: RPC timeout after 50ms (method: hold)\n");
  world_free(w);
}

static void queued_call_timer_starts_when_sent(void) {
  /* RPC-SDK-011 (E-PEER-5), PEER-BUF-007: a call queued at t=0 and sent at
   * t=20 s times out at t=30 s, not at t=10 s. */
  sb_peer_config c = pausing();
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "hold", NULL, NULL);
  w->now = SB_TIME_S(20);
  world_connect(w);
  world_take(&w->a);
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_S(30));
  world_advance(w, SB_TIME_S(10));
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_timeout: RPC timeout after 10000ms (method: hold)\n");
  world_free(w);
}

static void guide_reading_lets_queued_calls_expire_unsent(void) {
  /* docs/guide/rpc.md (E-PEER-5): wall-clock timeouts; the call expires in
   * the buffer and is never sent. */
  sb_peer_config c = pausing();
  c.guide_queued_timeouts = true;
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "add", "{\"a\":1,\"b\":1}", NULL);
  world_advance(w, SB_TIME_S(10));
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_timeout: RPC timeout after 10000ms (method: add)\n");
  SBT_EQ_U64(sb_peer_rpc_queued(w->a.p), 0);
  SBT_EQ_U64(sb_peer_rpc_queued_bytes(w->a.p), 0);
  world_connect(w);
  SBT_EQ_U64(held_count, 0);
  SBT_CHECK(strstr(world_take(&w->a), "R 1") == NULL, "never sent");
  world_free(w);
}

static void cancel_queued_call_is_never_sent(void) {
  /* RPC-SDK-005: abort while queued removes it from the buffer. */
  sb_peer_config c = pausing();
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "hold", NULL, NULL);
  call(w, 2, "add", "{\"a\":1,\"b\":2}", NULL);
  uint64_t bytes = sb_peer_rpc_queued_bytes(w->a.p);
  SBT_OK(sb_peer_rpc_cancel(w->a.p, w->now, 1));
  SBT_ERR_EQ(sb_peer_rpc_cancel(w->a.p, w->now, 1), SB_ERR_NOT_FOUND);
  SBT_EQ_U64(sb_peer_rpc_queued_bytes(w->a.p), bytes - sb_peer_rpc_estimate("hold", NULL));
  world_connect(w);
  SBT_STR_EQ(world_take(&w->a),
             "R 1 rpc_cancelled: Request cancelled\n"
             "T idle>connecting PEER-SM-T1\n"
             "E stateChange connecting\n"
             "O 1\n"
             "T connecting>negotiating PEER-SM-T2\n"
             "E stateChange negotiating\n"
             "T negotiating>active PEER-SM-T3\n"
             "E stateChange active\n"
             "E connected\n"
             "S connect ok\n"
             "R 2 ok 3\n");
  SBT_EQ_U64(held_count, 0); /* "hold" never reached B */
  world_free(w);
}

static void cancel_in_flight_call_drops_its_late_reply(void) {
  /* RPC-SDK-005, RPC-CID-007: abandoned locally; the reply is dropped. An
   * already aborted signal rejects at once (rpc_cancelled), but a closed
   * peer answers peer_closed first (upstream's order). */
  world *w = connected(NULL);
  call(w, 1, "hold", NULL, NULL);
  world_pump(w);
  SBT_OK(sb_peer_rpc_cancel(w->a.p, w->now, 1));
  sb_peer_reply r = {.kind = SB_PEER_REPLY_RESULT, .result = cJSON_CreateNumber(1)};
  SBT_OK(sb_peer_rpc_reply(w->b.p, w->now, held_cids[0], &r));
  world_pump(w);
  sb_peer_call_opts aborted = {.aborted = true};
  call(w, 2, "add", NULL, &aborted);
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_cancelled: Request cancelled\nR 2 rpc_cancelled: Aborted\n");
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  world_take(&w->a);
  call(w, 3, "add", NULL, &aborted);
  SBT_STR_EQ(world_take(&w->a), "R 3 peer_closed: Peer is closed\n");
  world_free(w);
}

/* ---- disconnect policies and the buffer ------------------------------------------------------ */

static void fail_policy_rejects_calls_while_not_active(void) {
  /* RPC-SDK-006, PEER-BUF-001: "fail" rejects at once in idle and paused. */
  world *w = world_new(NULL, NULL, setup_b);
  call(w, 1, "add", NULL, NULL);
  world_connect(w);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  world_take(&w->a);
  call(w, 2, "add", NULL, NULL);
  SBT_STR_EQ(world_take(&w->a), "R 2 not_connected: Peer not connected\n");
  SBT_EQ_U64(sb_peer_rpc_queued(w->a.p), 0);
  world_free(w);
}

static void estimate_follows_upstreams_formula(void) {
  /* RPC-SDK-008: len(method) + len(JSON(params)) + 64 in UTF-16 units;
   * undefined counts 0; a value with no JSON text counts method + 128. */
  cJSON *obj = cJSON_Parse("{\"a\":1}");
  SBT_EQ_U64(sb_peer_rpc_estimate("add", obj), 3 + 7 + 64);
  cJSON_Delete(obj);
  SBT_EQ_U64(sb_peer_rpc_estimate("m", NULL), 1 + 64);
  cJSON *s = cJSON_CreateString("\xc3\xa9\xf0\x9f\x98\x80"); /* é U+1F600: 1 + 2 units */
  SBT_EQ_U64(sb_peer_rpc_estimate("\xc3\xa9", s), 1 + 5 + 64);
  cJSON_Delete(s);
  cJSON *nan = cJSON_CreateNumber(NAN);
  SBT_EQ_U64(sb_peer_rpc_estimate("ab", nan), 2 + 128);
  cJSON_Delete(nan);
  cJSON undefined = {0};
  undefined.type = cJSON_Invalid;
  SBT_EQ_U64(sb_peer_rpc_estimate("ab", &undefined), 2 + 64);
}

static void pause_policy_queues_up_to_the_limit(void) {
  /* RPC-SDK-007, PEER-BUF-002: queued from idle up to the limit; the call
   * that would exceed it fails buffer_overflow, one that fits exactly is
   * queued; the queue is flushed in FIFO order on active, each with a new
   * frameId and cid (PEER-BUF-007). */
  sb_peer_config c = pausing();
  c.disconnect_buffer_limit = 2 * (3 + 7 + 64);
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "add", "{\"a\":1}", NULL);
  call(w, 2, "add", "{\"a\":2}", NULL);
  call(w, 3, "add", "{\"a\":3}", NULL);
  SBT_STR_EQ(world_take(&w->a), "R 3 buffer_overflow: RPC buffer overflow\n");
  SBT_EQ_U64(sb_peer_rpc_queued(w->a.p), 2);
  SBT_EQ_U64(sb_peer_rpc_queued_bytes(w->a.p), c.disconnect_buffer_limit);
  SBT_STR_EQ(sb_peer_error_code(SB_ERR_PEER_BUFFER_OVERFLOW), "buffer_overflow");
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_pump(w);
  SBT_EQ_U64(sb_peer_rpc_queued_bytes(w->a.p), 0);
  /* A's frames: Handshake, then the two calls in order. */
  sb_sbp_frame f1, f2;
  char *t2 = sent_text(w, 'A', 0, &f2);
  char *t1 = sent_text(w, 'A', 1, &f1);
  SBT_CHECK(strstr(t1, "\"p\":{\"a\":1}") && strstr(t2, "\"p\":{\"a\":2}"), "FIFO: %s / %s", t1, t2);
  SBT_CHECK(!sb_sbp_frame_id_equal(f1.frame_id, f2.frame_id), "each its own frameId");
  free(t1);
  free(t2);
  world_free(w);
}

static void queued_calls_survive_a_reconnect_under_pause(void) {
  /* PEER-SM-010, PEER-BUF-003, RPC-SDK-009: the sent call fails
   * not_connected; the call made while reconnecting is queued and sent
   * after the new handshake. PEER-BUF-006: the client's own buffer holds it. */
  sb_peer_config c = pausing();
  world *w = world_new(&c, NULL, setup_b);
  world_connect(w);
  call(w, 1, "hold", NULL, NULL);
  world_pump(w);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  call(w, 2, "add", "{\"a\":4,\"b\":5}", NULL);
  SBT_EQ_U64(sb_peer_rpc_queued(w->a.p), 1);
  world_take(&w->a);
  world_advance(w, SB_TIME_S(1));
  world_accept(w);
  world_pump(w);
  const char *log = world_take(&w->a);
  SBT_CHECK(strstr(log, "S reconnecting connected\nR 2 ok 9\n") != NULL, "flushed after T3: %s", log);
  world_free(w);
}

static void fail_policy_drops_queued_calls_on_disconnect(void) {
  /* RPC-SDK-009, PEER-BUF-004: a closed peer fails every call peer_closed;
   * a call made while closed too (RPC-SDK-010). */
  sb_peer_config c = pausing();
  c.retry.mode = SB_PEER_RETRY_NEVER;
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "add", NULL, NULL);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  call(w, 2, "add", NULL, NULL);
  SBT_STR_EQ(world_take(&w->a),
             "T idle>closed PEER-SM-T12\n"
             "E stateChange closed\n"
             "R 1 peer_closed: Peer is closed\n"
             "R 2 peer_closed: Peer is closed\n");
  SBT_STR_EQ(sb_peer_error_code(SB_ERR_PEER_CLOSED), "peer_closed");
  world_free(w);
}

/* ---- tryCall ------------------------------------------------------------------------------------ */

static void try_call_reports_ok_and_reconnected(void) {
  /* RPC-SDK-012 (E-PEER-6): never rejects; reconnected = the call started
   * while not active. Documents: also on failure; upstream: false on
   * failure. A non-PeerError failure becomes rpc_error. */
  sb_peer_call_opts t = {.try_call = true};
  sb_peer_config c = pausing();
  world *w = world_new(&c, NULL, setup_b);
  call(w, 1, "add", "{\"a\":1,\"b\":1}", &t);
  call(w, 2, "nope", NULL, &t);
  world_connect(w);
  call(w, 3, "add", "{\"a\":1,\"b\":2}", &t);
  cJSON *bad = cJSON_CreateNumber(NAN);
  SBT_OK(sb_peer_rpc_call(w->a.p, w->now, 4, "add", bad, &t));
  cJSON_Delete(bad);
  world_pump(w);
  const char *log = world_take(&w->a);
  SBT_CHECK(strstr(log, "R 1 ok 2 try ok=1 reconnected=1\n"
                        "R 2 rpc_error 1101: Method not found: nope try ok=0 reconnected=1\n") != NULL,
            "queued calls: %s", log);
  SBT_CHECK(strstr(log, "R 4 rpc_error: value has no JSON form (non-finite number, raw or "
                        "undefined) try ok=0 reconnected=0\n") != NULL,
            "foreign error wrapped: %s", log);
  SBT_CHECK(strstr(log, "R 3 ok 3 try ok=1 reconnected=0\n") != NULL, "active call: %s", log);
  world_free(w);

  c.upstream_try_call = true;
  w = world_new(&c, NULL, setup_b);
  call(w, 1, "nope", NULL, &t);
  world_connect(w);
  log = world_take(&w->a);
  SBT_CHECK(strstr(log, "R 1 rpc_error 1101: Method not found: nope try ok=0 reconnected=0\n") != NULL,
            "upstream: false on failure: %s", log);
  world_free(w);
}

/* ---- the receiver side of envelopes ------------------------------------------------------------ */

static void invalid_envelopes_are_answered_per_the_documents(void) {
  /* RPC-VAL-001: extractable cid -> RpcError 1100 on rpc; RPC-VAL-002: none
   * -> ErrorFrame 1002 with a fresh frameId (E-PEER-2); RPC-VAL-003: the
   * connection stays; SBP-SUBJ-006: stream -> ErrorFrame 1003; RPC-CH-002:
   * a notification on rpc is dropped without a reply. */
  world *w = connected(NULL);
  uint8_t frame[256];
  size_t len = message_frame("rpc", "{\"t\":\"r\",\"m\":\"x\"}", 0x5a, frame, sizeof frame);
  world_inject_a(w, frame, len);
  sb_sbp_frame f;
  size_t out_len = 0;
  const uint8_t *out = world_sent_a(w, 0, &out_len);
  SBT_OK(sb_sbp_frame_decode(out, out_len, &f));
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1002, "ErrorFrame 1002");
  SBT_CHECK(f.error.message_len == 22 && memcmp(f.error.message, "Malformed RPC envelope", 22) == 0,
            "message");
  uint8_t offending[16];
  memset(offending, 0x5a, 16);
  SBT_CHECK(!sb_sbp_frame_id_equal(f.frame_id, offending), "fresh frameId, not the offending one");

  len = message_frame("rpc", "{\"t\":\"r\",\"cid\":\"0123456789abcdeffedcba9876543210\"}", 0x5b,
                      frame, sizeof frame);
  world_inject_a(w, frame, len);
  char *text = sent_text(w, 'A', 0, &f);
  SBT_STR_EQ(text, "{\"t\":\"E\",\"cid\":\"0123456789abcdeffedcba9876543210\",\"code\":1100,"
                   "\"message\":\"Invalid envelope: request m missing or not a string\"}");
  free(text);

  len = message_frame("stream", "", 0x5c, frame, sizeof frame);
  world_inject_a(w, frame, len);
  out = world_sent_a(w, 0, &out_len);
  SBT_OK(sb_sbp_frame_decode(out, out_len, &f));
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1003, "ErrorFrame 1003");

  size_t before = w->a_sent_count;
  len = message_frame("rpc", "{\"t\":\"N\",\"e\":\"x\"}", 0x5d, frame, sizeof frame);
  world_inject_a(w, frame, len);
  len = message_frame("app/x", "\x01\x02", 0x5e, frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_EQ_U64(w->a_sent_count, before);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "still active");
  SBT_STR_EQ(world_take(&w->a), "");
  world_free(w);
}

static void upstream_reading_answers_invalid_envelopes_with_nothing(void) {
  /* RPC-VAL-007: the Peer SDK sends nothing; the error goes to
   * onUnhandledError (errata E-RPC-3). */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.upstream_silent_envelopes = true;
  world *w = connected(&c);
  uint8_t frame[256];
  size_t before = w->a_sent_count;
  size_t len = message_frame("rpc", "{\"t\":\"r\",\"m\":\"x\"}", 0x5a, frame, sizeof frame);
  world_inject_a(w, frame, len);
  len = message_frame("rpc", "{\"t\":\"r\",\"cid\":\"0123456789abcdeffedcba9876543210\"}", 0x5b,
                      frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_EQ_U64(w->a_sent_count, before);
  SBT_STR_EQ(world_take(&w->a),
             "U SB_ERR_RPC_CID: cid missing or not 32 lowercase hex characters\n"
             "U SB_ERR_RPC_METHOD: request m missing or not a string\n");
  world_free(w);
}

static void replies_while_paused_are_swallowed(void) {
  /* RPC-SDK-014: B is paused when the request arrives: the handler runs,
   * the reply cannot be sent and is dropped with a note; A times out. A
   * deferred reply once B is active again goes out. */
  world *w = connected(NULL);
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_PAUSED));
  call(w, 1, "add", "{\"a\":1,\"b\":1}", NULL);
  call(w, 2, "hold", NULL, NULL);
  world_pump(w);
  SBT_STR_EQ(w->b.last_note, "reply_dropped response not sent");
  SBT_STR_EQ(world_take(&w->a), "");
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_RESUMED));
  sb_peer_reply r = {.kind = SB_PEER_REPLY_RESULT, .result = cJSON_CreateString("late")};
  SBT_OK(sb_peer_rpc_reply(w->b.p, w->now, held_cids[0], &r));
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "R 2 ok \"late\"\n");
  world_free(w);
}

static void accepted_peers_always_fail_calls_when_not_active(void) {
  /* RPC-SDK-015, PEER-SRV-006: an accepted peer has no "pause" policy. */
  sb_peer_config b = world_config(SB_PEER_ROLE_ACCEPTED);
  b.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE; /* ignored */
  world *w = world_new(NULL, &b, setup_b);
  world_connect(w);
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_PAUSED));
  world_take(&w->b);
  SBT_OK(sb_peer_rpc_call(w->b.p, w->now, 9, "x", NULL, NULL));
  SBT_STR_EQ(world_take(&w->b), "R 9 not_connected: Peer not connected\n");
  world_free(w);
}

static void call_arguments_and_limits(void) {
  /* A tag is one call at a time; the table has SB_PEER_MAX_CALLS slots. */
  sb_peer_config c = pausing();
  c.disconnect_buffer_limit = UINT64_MAX / 2;
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_rpc_call(w->a.p, 0, 1, "m", NULL, NULL));
  SBT_ERR_EQ(sb_peer_rpc_call(w->a.p, 0, 1, "m", NULL, NULL), SB_ERR_EXISTS);
  SBT_ERR_EQ(sb_peer_rpc_call(w->a.p, 0, 2, NULL, NULL, NULL), SB_ERR_ARG);
  for (uint64_t t = 2; t <= SB_PEER_MAX_CALLS; t++) SBT_OK(sb_peer_rpc_call(w->a.p, 0, t, "m", NULL, NULL));
  SBT_ERR_EQ(sb_peer_rpc_call(w->a.p, 0, 5000, "m", NULL, NULL), SB_ERR_FULL);
  SBT_EQ_U64(sb_peer_rpc_queued(w->a.p), SB_PEER_MAX_CALLS);
  world_free(w);
}

static void frames_larger_than_the_buffer_fail_the_call(void) {
  /* The caller's frame buffer bounds every outbound frame: a request that
   * does not fit fails with SB_ERR_BUF (a non-PeerError; errata: limits of the C model) and the
   * session goes on; tryCall reports it as rpc_error (RPC-SDK-012). */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.frame_cap = 160;
  world *w = connected(&c);
  char big[300];
  snprintf(big, sizeof big, "{\"s\":\"%0250d\"}", 0);
  call(w, 1, "add", big, NULL);
  sb_peer_call_opts t = {.try_call = true};
  call(w, 2, "add", big, &t);
  call(w, 3, "add", "{\"a\":1,\"b\":2}", NULL);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "R 1 SB_ERR_BUF: output buffer too small\n"
             "R 2 rpc_error: output buffer too small try ok=0 reconnected=0\n"
             "R 3 ok 3\n");
  SBT_EQ_U64(sb_peer_rpc_in_flight(w->a.p), 0);
  world_free(w);
}

SBT_SUITE(peer_rpc, "peer/rpc", SBT_CASE(request_cid_is_its_frame_id_and_replies_use_fresh_ids),
          SBT_CASE(responses_match_by_cid_in_any_order),
          SBT_CASE(upstream_echo_response_data_is_reproduced),
          SBT_CASE(upstream_router_error_frames_match_except_the_frame_id),
          SBT_CASE(handler_outcomes_become_rpc_errors),
          SBT_CASE(registering_a_method_twice_fails_at_once),
          SBT_CASE(default_timeout_is_ten_seconds_and_late_replies_are_dropped),
          SBT_CASE(per_call_timeout_overrides_the_default),
          SBT_CASE(queued_call_timer_starts_when_sent),
          SBT_CASE(guide_reading_lets_queued_calls_expire_unsent),
          SBT_CASE(cancel_queued_call_is_never_sent),
          SBT_CASE(cancel_in_flight_call_drops_its_late_reply),
          SBT_CASE(fail_policy_rejects_calls_while_not_active),
          SBT_CASE(estimate_follows_upstreams_formula), SBT_CASE(pause_policy_queues_up_to_the_limit),
          SBT_CASE(queued_calls_survive_a_reconnect_under_pause),
          SBT_CASE(fail_policy_drops_queued_calls_on_disconnect),
          SBT_CASE(try_call_reports_ok_and_reconnected),
          SBT_CASE(invalid_envelopes_are_answered_per_the_documents),
          SBT_CASE(upstream_reading_answers_invalid_envelopes_with_nothing),
          SBT_CASE(replies_while_paused_are_swallowed),
          SBT_CASE(accepted_peers_always_fail_calls_when_not_active),
          SBT_CASE(call_arguments_and_limits),
          SBT_CASE(frames_larger_than_the_buffer_fail_the_call));
