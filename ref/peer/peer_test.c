/* Tests for peer/peer.h: the state machine between two in-memory peers.
 * Row names (T1..T12) are the table of peer-runtime.md section 5. */
#include "peer/peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "peer/world_test.h"
#include "test/sbt.h"

/* ---- helpers ---------------------------------------------------------------- */

/* B's handler for "add": {a, b} -> a + b. */
static void add_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(req->params, "a");
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(req->params, "b");
  reply->result = cJSON_CreateNumber(cJSON_GetNumberValue(a) + cJSON_GetNumberValue(b));
}

/* B's handler for "hold": never answers (a call stays in flight). */
static void hold_handler(void *ctx, const sb_peer_request *req, sb_peer_reply *reply) {
  (void)ctx;
  (void)req;
  reply->kind = SB_PEER_REPLY_DEFERRED;
}

static void setup_b(world *w, sb_peer *b) {
  (void)w;
  uint32_t id = 0;
  SBT_OK(sb_peer_rpc_handle(b, "add", add_handler, NULL, &id));
  SBT_OK(sb_peer_rpc_handle(b, "hold", hold_handler, NULL, &id));
}

static void call_add(world *w, uint64_t tag) {
  cJSON *params = cJSON_Parse("{\"a\":2,\"b\":3}");
  SBT_OK(sb_peer_rpc_call(w->a.p, w->now, tag, "add", params, NULL));
  cJSON_Delete(params);
}

static void call_hold(world *w, uint64_t tag) {
  SBT_OK(sb_peer_rpc_call(w->a.p, w->now, tag, "hold", NULL, NULL));
}

/* A world with A connected and both logs cleared. */
static world *connected(const sb_peer_config *a_cfg) {
  world *w = world_new(a_cfg, NULL, setup_b);
  world_connect(w);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "A active");
  world_take(&w->a);
  world_take(&w->b);
  return w;
}

static sb_peer_config retrying(void) {
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.retry.mode = SB_PEER_RETRY_ON_ERROR;
  c.retry.jitter = 0; /* delays 1 s, 2 s, 4 s ... */
  return c;
}

/* A Control/Handshake frame with `json`. */
static size_t handshake_frame(const char *json, uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  memset(f.frame_id, 0x33, 16);
  f.control.op = SB_SBP_OP_HANDSHAKE;
  f.control.data = (const uint8_t *)json;
  f.control.data_len = strlen(json);
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

static size_t control_frame(uint8_t op, const char *data, bool ts, uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  memset(f.frame_id, 0x44, 16);
  f.control.op = op;
  f.control.data = (const uint8_t *)data;
  f.control.data_len = data ? strlen(data) : 0;
  f.has_timestamp = ts;
  f.timestamp_ms = 1700000000000;
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

static size_t error_frame_bytes(uint16_t code, const char *message, const uint8_t id[16],
                                uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_ERROR};
  memcpy(f.frame_id, id, 16);
  f.error.code = code;
  f.error.message = (const uint8_t *)message;
  f.error.message_len = strlen(message);
  size_t len = 0;
  SBT_OK(sb_sbp_frame_encode(&f, out, cap, &len));
  return len;
}

/* Decode A's frame `back` frames ago. */
static sb_sbp_frame sent_a(world *w, size_t back) {
  size_t len = 0;
  const uint8_t *bytes = world_sent_a(w, back, &len);
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  SBT_CHECK(bytes != NULL, "A sent a frame %zu back", back);
  if (bytes) SBT_OK(sb_sbp_frame_decode(bytes, len, &f));
  return f;
}

static bool is_close(const sb_sbp_frame *f, const char *reason) {
  return f->kind == SB_SBP_KIND_CONTROL && f->control.op == SB_SBP_OP_CLOSE &&
         f->control.data_len == strlen(reason) && memcmp(f->control.data, reason, strlen(reason)) == 0;
}

/* ---- T1 .. T3 ------------------------------------------------------------------ */

static void connect_negotiate_and_call_round_trip(void) {
  /* T1, T2, T3 rows; PEER-SM-001, PEER-SM-002,
   * PEER-SM-009 (connected on entering active), PEER-NEG-002 (no frame
   * before the transport is open), PEER-SRV-001, PEER-SRV-006. */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_IDLE, "idle at first");
  SBT_CHECK(!sb_peer_ready(w->a.p) && !sb_peer_connected(w->a.p), "not ready in idle");
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_CONNECTING, "connect() is synchronous");
  SBT_EQ_U64(w->a_sent_count, 0);
  SBT_CHECK(world_accept(w), "A asked for a session");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_NEGOTIATING, "negotiating");
  SBT_CHECK(!sb_peer_connected(w->a.p), "not connected while negotiating");
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "T idle>connecting PEER-SM-T1\n"
             "E stateChange connecting\n"
             "O 1\n"
             "T connecting>negotiating PEER-SM-T2\n"
             "E stateChange negotiating\n"
             "T negotiating>active PEER-SM-T3\n"
             "E stateChange active\n"
             "E connected\n"
             "S connect ok\n");
  /* The accepted peer starts active: no lifecycle events at all. */
  SBT_STR_EQ(world_take(&w->b), "T idle>active PEER-SRV-001\nS accept ok\n");
  SBT_CHECK(sb_peer_ready(w->a.p) && sb_peer_connected(w->a.p), "ready and connected");
  SBT_CHECK(sb_peer_state_of(w->b.p) == SB_PEER_ACTIVE, "B active");
  SBT_STR_EQ(sb_peer_remote_id(w->a.p), "peer-b");
  SBT_STR_EQ(sb_peer_remote_id(w->b.p), "peer-a");
  call_add(w, 7);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "R 7 ok 5\n");
  world_free(w);
}

static void connect_from_each_state(void) {
  /* PEER-SM-003: idle starts; connecting/negotiating join the attempt under
   * way; active, paused, reconnecting refuse with invalid_state; closed
   * refuses with peer_closed. Accepted peers have no connect(). */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  SBT_OK(sb_peer_connect(w->a.p, w->now)); /* connecting: the same attempt */
  world_accept(w);
  SBT_OK(sb_peer_connect(w->a.p, w->now)); /* negotiating */
  world_pump(w);
  /* One connect outcome although connect() was called three times. */
  SBT_CHECK(strstr(world_take(&w->a), "S connect ok\nS connect") == NULL, "settled once");
  SBT_ERR_EQ(sb_peer_connect(w->a.p, w->now), SB_ERR_PEER_INVALID_STATE);
  SBT_ERR_EQ(sb_peer_connect(w->b.p, w->now), SB_ERR_PEER_INVALID_STATE); /* accepted */
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  SBT_ERR_EQ(sb_peer_connect(w->a.p, w->now), SB_ERR_PEER_INVALID_STATE);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_RECONNECTING, "reconnecting");
  SBT_ERR_EQ(sb_peer_connect(w->a.p, w->now), SB_ERR_PEER_INVALID_STATE);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_ERR_EQ(sb_peer_connect(w->a.p, w->now), SB_ERR_PEER_CLOSED);
  SBT_STR_EQ(sb_peer_error_code(SB_ERR_PEER_INVALID_STATE), "invalid_state");
  world_free(w);
}

/* ---- T4 / T5 / T8 ---------------------------------------------------------------- */

static void version_mismatch_closes_for_good_with_error_frame(void) {
  /* T4 row; PEER-SM-004, PEER-NEG-005, SBP-HS-003, SBP-ERR-007:
   * ErrorFrame 1001 then Close, the session closed, connect() rejects
   * peer_closed with the cause, `error` after the terminal transition,
   * no retry although the policy would retry. */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_drop_wire(w);
  world_take(&w->a);
  uint8_t frame[256];
  size_t len = handshake_frame("{\"protocol\":\"sideband\",\"version\":\"2\",\"peerId\":\"x\"}",
                               frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 negotiation_failed\n"
             "T negotiating>closed PEER-SM-T4\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "E error peer_closed: handshake version is not \"1\"\n");
  sb_sbp_frame f = sent_a(w, 1);
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1001, "ErrorFrame 1001 first");
  f = sent_a(w, 0);
  SBT_CHECK(is_close(&f, "negotiation_failed"), "then Close");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_CLOSED, "closed");
  world_free(w);
}

static void refused_transport_without_retry_closes(void) {
  /* T4 row with mode never (PEER-RETRY-001): the first failure is
   * terminal; `error` is emitted for a failed first connect. */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_take(&w->a);
  world_refuse(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNREFUSED");
  SBT_STR_EQ(world_take(&w->a),
             "T connecting>closed PEER-SM-T4\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "E error peer_closed: ECONNREFUSED\n");
  world_free(w);
}

static void retryable_failures_back_off_then_reconnect(void) {
  /* T5, T8, T3 rows; PEER-SM-007, PEER-LAY-002 (full handshake again),
   * PEER-SM-008 (one `reconnecting` promise for the cycle), PEER-RETRY-002
   * (1 s, 2 s), PEER-RETRY-004, PEER-SES-003 (counter reset in active). */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_refuse(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNREFUSED");
  SBT_CHECK(sb_peer_reconnecting_pending(w->a.p), "a reconnect cycle started");
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_S(1));
  world_advance(w, SB_TIME_S(1));
  world_refuse(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNREFUSED");
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_S(3));
  world_advance(w, SB_TIME_S(2));
  world_accept(w);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "T idle>connecting PEER-SM-T1\n"
             "E stateChange connecting\n"
             "O 1\n"
             "T connecting>reconnecting PEER-SM-T5\n"
             "E stateChange reconnecting\n"
             "E reconnecting\n"
             "T reconnecting>connecting PEER-SM-T8\n"
             "E stateChange connecting\n"
             "O 2\n"
             "T connecting>reconnecting PEER-SM-T5\n"
             "E stateChange reconnecting\n"
             "E reconnecting\n"
             "T reconnecting>connecting PEER-SM-T8\n"
             "E stateChange connecting\n"
             "O 3\n"
             "T connecting>negotiating PEER-SM-T2\n"
             "E stateChange negotiating\n"
             "T negotiating>active PEER-SM-T3\n"
             "E stateChange active\n"
             "E connected\n"
             "S connect ok\n"
             "S reconnecting connected\n");
  SBT_CHECK(!sb_peer_reconnecting_pending(w->a.p), "cycle over");
  SBT_EQ_U64(w->a.p->retry_attempt, 0);
  /* The next drop starts again at 1 s. */
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  SBT_EQ_U64(sb_peer_deadline(w->a.p), w->now + SB_TIME_S(1));
  world_free(w);
}

static void max_attempts_counts_retries_only(void) {
  /* PEER-RETRY-003: maxAttempts 2 gives 3 attempts in a row, then T4 with
   * `reconnecting` failed and `error` (PEER-SM-004). */
  sb_peer_config c = retrying();
  c.retry.max_attempts = 2;
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  int attempts = 0;
  while (world_refuse(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNREFUSED")) {
    attempts++;
    world_advance(w, SB_TIME_S(10));
  }
  SBT_EQ_U64(attempts, 3);
  const char *log = world_take(&w->a);
  SBT_CHECK(strstr(log, "T connecting>closed PEER-SM-T4\n"
                        "E stateChange closed\n"
                        "S reconnecting failed\n"
                        "S connect peer_closed\n"
                        "E error peer_closed: ECONNREFUSED\n") != NULL,
            "T4 after the last attempt: %s", log);
  world_free(w);
}

static void fatal_connect_error_is_never_retried(void) {
  /* PEER-RETRY-005, PEER-NEG-005: a fatal classification ends the peer
   * whatever the policy. */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_take(&w->a);
  world_refuse(w, SB_PEER_CLOSE_FATAL, 0, "unauthorized");
  SBT_STR_EQ(world_take(&w->a),
             "T connecting>closed PEER-SM-T4\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "E error peer_closed: unauthorized\n");
  world_free(w);
}

static void handshake_timeout_is_fatal(void) {
  /* SBP-HS-009, SBP-HS-010, T4 row: no Handshake within 30 s is
   * ProtocolViolation: ErrorFrame 1000, Close, closed, no retry. */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_drop_wire(w);
  world_take(&w->a);
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_S(30));
  w->b_live = false; /* B is gone: only A's clock matters */
  world_advance(w, SB_TIME_S(30) - 1);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_NEGOTIATING, "still negotiating");
  world_advance(w, 1);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 negotiation_failed\n"
             "T negotiating>closed PEER-SM-T4\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "E error peer_closed: no Handshake before the handshake timeout\n");
  sb_sbp_frame f = sent_a(w, 1);
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1000, "ErrorFrame 1000");
  w->b_live = true;
  world_free(w);
}

static void connection_end_during_negotiation_is_fatal(void) {
  /* SBP-HS-010 (E-PEER-4): the connection ends before the Handshake:
   * ProtocolViolation, so no retry; nothing is sent. */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_drop_wire(w);
  size_t sent = w->a_sent_count;
  world_take(&w->a);
  world_break(w, SB_PEER_CLOSE_GRACEFUL, 0, NULL);
  SBT_STR_EQ(world_take(&w->a),
             "T negotiating>closed PEER-SM-T4\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "E error peer_closed: connection ended before the Handshake\n");
  SBT_EQ_U64(w->a_sent_count, sent);
  world_free(w);
}

static void malformed_handshake_is_retried(void) {
  /* SBP-ERR-014, T5 row: InvalidFrame during negotiation is
   * retryable (ErrorFrame 1002 and Close go out first). */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_drop_wire(w);
  world_take(&w->a);
  uint8_t frame[128];
  size_t len = handshake_frame("{\"protocol\":\"sideband\"}", frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 negotiation_failed\n"
             "T negotiating>reconnecting PEER-SM-T5\n"
             "E stateChange reconnecting\n"
             "E reconnecting\n");
  sb_sbp_frame f = sent_a(w, 1);
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1002, "ErrorFrame 1002");
  world_free(w);
}

/* ---- T6 / T7 ----------------------------------------------------------------- */

static void dropped_session_reconnects_and_fails_sent_calls(void) {
  /* T6, T8, T3 rows; PEER-SM-007, PEER-SM-009
   * (disconnected when leaving active; connected again on re-entering);
   * RPC-SDK-009, PEER-BUF-003: the sent call fails not_connected first.
   * PEER-NEG-007: a retry opens a new session and negotiates again. */
  sb_peer_config c = retrying();
  world *w = connected(&c);
  call_hold(w, 1);
  world_pump(w);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNRESET");
  SBT_STR_EQ(world_take(&w->a),
             "R 1 not_connected: Peer disconnected\n"
             "T active>reconnecting PEER-SM-T6\n"
             "E stateChange reconnecting\n"
             "E reconnecting\n"
             "E disconnected\n");
  SBT_CHECK(sb_peer_reconnecting_pending(w->a.p), "reconnecting promise exists");
  world_advance(w, SB_TIME_S(1));
  world_accept(w);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "T reconnecting>connecting PEER-SM-T8\n"
             "E stateChange connecting\n"
             "O 2\n"
             "T connecting>negotiating PEER-SM-T2\n"
             "E stateChange negotiating\n"
             "T negotiating>active PEER-SM-T3\n"
             "E stateChange active\n"
             "E connected\n"
             "S reconnecting connected\n");
  call_add(w, 2);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a), "R 2 ok 5\n");
  world_free(w);
}

static void fatal_drop_closes_with_error(void) {
  /* T7 row; RPC-SDK-009 (sent calls peer_closed when fatal),
   * PEER-BUF-004 (queued calls peer_closed), PEER-SM-004. */
  sb_peer_config c = retrying();
  c.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE;
  world *w = connected(&c);
  call_hold(w, 1);
  world_pump(w);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  call_add(w, 2); /* queued while paused */
  world_take(&w->a);
  world_break(w, SB_PEER_CLOSE_FATAL, 0, "session_expired");
  SBT_STR_EQ(world_take(&w->a),
             "R 1 peer_closed: Peer closed\n"
             "R 2 peer_closed: Peer closed\n"
             "T paused>closed PEER-SM-T7\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "E error peer_closed: session_expired\n");
  world_free(w);
}

static void drop_without_retry_closes_quietly(void) {
  /* T7 row: no retry left, not fatal: sent calls not_connected,
   * the rest peer_closed, and no `error` event. */
  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.on_disconnect = SB_PEER_ON_DISCONNECT_PAUSE;
  world *w = connected(&c);
  call_hold(w, 1);
  world_pump(w);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  call_add(w, 2);
  world_take(&w->a);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "ECONNRESET");
  SBT_STR_EQ(world_take(&w->a),
             "R 1 not_connected: Peer disconnected\n"
             "T paused>closed PEER-SM-T7\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "R 2 peer_closed: Peer is closed\n");
  world_free(w);
}

static void remote_close_frame_ends_the_session(void) {
  /* SBP-CTL-007 (E-PEER-3): B's disconnect sends Close("disconnect");
   * A ends the session and, with no retry, closes (T7). PEER-SRV-002. */
  world *w = connected(NULL);
  SBT_OK(sb_peer_disconnect(w->b.p, w->now));
  SBT_STR_EQ(world_take(&w->b),
             "T active>closed PEER-SRV-002\nE stateChange closed\nE disconnected\nC 1 disconnect\n");
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 remote_close\n"
             "T active>closed PEER-SM-T7\n"
             "E stateChange closed\n"
             "E disconnected\n");
  world_free(w);
}

static void upstream_reading_ignores_close_until_the_transport_ends(void) {
  /* SBP-CTL-009: with upstream_ignore_control the Close frame is ignored
   * and the graceful end of the transport ("channel_closed") drives T6. */
  sb_peer_config c = retrying();
  c.negotiator.upstream_ignore_control = true;
  world *w = connected(&c);
  uint8_t frame[64];
  size_t len = control_frame(SB_SBP_OP_CLOSE, "bye", false, frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "Close ignored");
  SBT_OK(sb_peer_disconnect(w->b.p, w->now));
  world_pump(w);
  const char *log = world_take(&w->a);
  SBT_CHECK(strstr(log, "T active>reconnecting PEER-SM-T6\n") != NULL, "T6 on channel end: %s", log);
  world_free(w);
}

/* ---- T9 .. T11: signals -------------------------------------------------------------- */

static void pause_and_resume_signals(void) {
  /* T9, T10 rows; PEER-SM-002 (connected but not ready in
   * paused), PEER-SM-009 (sessionResumed, not connected), PEER-SM-008
   * (paused creates no reconnecting promise); session_pending is no
   * transition; a repeated session_paused is a no-op. */
  world *w = connected(NULL);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  SBT_CHECK(sb_peer_connected(w->a.p) && !sb_peer_ready(w->a.p), "connected, not ready");
  SBT_CHECK(!sb_peer_reconnecting_pending(w->a.p), "no reconnecting promise");
  world_signal_a(w, SB_PEER_SIGNAL_PENDING);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  world_signal_a(w, SB_PEER_SIGNAL_RESUMED);
  SBT_STR_EQ(world_take(&w->a),
             "T active>paused PEER-SM-T9\n"
             "E stateChange paused\n"
             "E sessionPaused\n"
             "T paused>active PEER-SM-T10\n"
             "E stateChange active\n"
             "E sessionResumed\n");
  world_free(w);
}

static void signals_outside_active_and_paused_are_dropped(void) {
  /* PEER-SM-011: signals while connecting or reconnecting are dropped. */
  sb_peer_config c = retrying();
  world *w = world_new(&c, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  SBT_OK(sb_peer_session_signal(w->a.p, w->now, w->a.opened, SB_PEER_SIGNAL_PAUSED));
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_CONNECTING, "still connecting");
  SBT_STR_EQ(w->a.last_note, "signal_dropped session_paused");
  world_accept(w);
  world_pump(w);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  SBT_OK(sb_peer_session_signal(w->a.p, w->now, 1, SB_PEER_SIGNAL_ENDED));
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_RECONNECTING, "still reconnecting");
  world_free(w);
}

static void signal_during_handshake_is_replayed_in_active(void) {
  /* PEER-SM-012 (E-PEER-7): a session_paused that arrives while the
   * Handshake is exchanged is honoured right after T3; no flush happens. */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_NEGOTIATING, "held, not honoured yet");
  world_take(&w->a);
  world_pump(w);
  SBT_STR_EQ(world_take(&w->a),
             "T negotiating>active PEER-SM-T3\n"
             "E stateChange active\n"
             "E connected\n"
             "T active>paused PEER-SM-T9\n"
             "E stateChange paused\n"
             "E sessionPaused\n"
             "S connect ok\n");
  world_free(w);
}

static void session_ended_goes_through_the_retry_policy(void) {
  /* T11 row; PEER-SM-011: the client never disconnects on
   * session_ended; the session ends (Close "session_ended") and the retry
   * policy decides: reconnect here, close below. */
  sb_peer_config c = retrying();
  world *w = connected(&c);
  world_signal_a(w, SB_PEER_SIGNAL_ENDED);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 session_ended\n"
             "T active>reconnecting PEER-SM-T11\n"
             "E stateChange reconnecting\n"
             "E reconnecting\n"
             "E disconnected\n");
  sb_sbp_frame f = sent_a(w, 0);
  SBT_CHECK(is_close(&f, "session_ended"), "Close(session_ended) sent");
  world_free(w);

  w = connected(NULL);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  world_take(&w->a);
  world_signal_a(w, SB_PEER_SIGNAL_ENDED);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 session_ended\n"
             "T paused>closed PEER-SM-T11\n"
             "E stateChange closed\n"
             "E disconnected\n");
  world_free(w);
}

/* ---- T12 ------------------------------------------------------------------------ */

static void disconnect_is_a_hard_idempotent_close(void) {
  /* T12 row; PEER-SM-005, RPC-SDK-010, PEER-BUF-004: pending calls
   * reject peer_closed, Close("disconnect") goes out, the session closes;
   * a second disconnect does nothing; nothing leaves closed. */
  world *w = connected(NULL);
  call_hold(w, 1);
  world_pump(w);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_STR_EQ(world_take(&w->a),
             "T active>closed PEER-SM-T12\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "R 1 peer_closed: Peer is closed\n"
             "C 1 disconnect\n");
  sb_sbp_frame f = sent_a(w, 0);
  SBT_CHECK(is_close(&f, "disconnect"), "Close(disconnect) sent");
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  world_signal_a(w, SB_PEER_SIGNAL_RESUMED);
  SBT_STR_EQ(world_take(&w->a), "");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_CLOSED, "closed is terminal");
  world_free(w);
}

static void disconnect_while_reconnecting_aborts_the_cycle(void) {
  /* T12 row; PEER-SM-005: `reconnecting` settles aborted; no
   * disconnected event (the peer was not connected). PEER-SES-001: the
   * pending retry is cancelled. */
  sb_peer_config c = retrying();
  world *w = connected(&c);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  world_take(&w->a);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_STR_EQ(world_take(&w->a),
             "T reconnecting>closed PEER-SM-T12\n"
             "E stateChange closed\n"
             "S reconnecting aborted\n");
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_NEVER);
  world_free(w);
}

static void disconnect_while_connecting_rejects_connect(void) {
  /* T12 row: a pending connect() rejects peer_closed; the open
   * under way is abandoned (io.close), no Close frame (nothing is open). */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_take(&w->a);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_STR_EQ(world_take(&w->a),
             "T connecting>closed PEER-SM-T12\n"
             "E stateChange closed\n"
             "S connect peer_closed\n"
             "C 1 disconnect\n");
  SBT_EQ_U64(w->a_sent_count, 0);
  world_free(w);
}

static void close_frame_goes_out_even_while_paused(void) {
  /* PEER-NEG-003: the Close of a terminating session is written on the raw
   * connection, whatever the gate of application frames says (paused);
   * PEER-NEG-004: Close first, then the session is closed. */
  world *w = connected(NULL);
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  sb_sbp_frame f = sent_a(w, 0);
  SBT_CHECK(is_close(&f, "disconnect"), "Close(disconnect) sent while paused");
  world_pump(w); /* B sees the Close before the end of the transport */
  SBT_STR_EQ(world_take(&w->b),
             "C 1 remote_close\n"
             "T active>closed PEER-SRV-001\n"
             "E stateChange closed\n"
             "E disconnected\n");
  world_free(w);
}

/* ---- whenReady, listeners, errors ---------------------------------------------------- */

static void when_ready_semantics(void) {
  /* PEER-SM-006: resolves at once in active, waits through paused, rejects
   * cancelled on abort, rejects peer_closed in and into closed. */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_OK(sb_peer_when_ready(w->a.p, 1, false)); /* idle: waits */
  SBT_OK(sb_peer_when_ready(w->a.p, 2, false));
  SBT_ERR_EQ(sb_peer_when_ready(w->a.p, 2, false), SB_ERR_EXISTS);
  SBT_OK(sb_peer_when_ready_cancel(w->a.p, 2));
  SBT_ERR_EQ(sb_peer_when_ready_cancel(w->a.p, 2), SB_ERR_NOT_FOUND);
  SBT_OK(sb_peer_when_ready(w->a.p, 3, true));
  SBT_STR_EQ(world_take(&w->a), "S ready 2 cancelled\nS ready 3 cancelled\n");
  world_connect(w);
  const char *log = world_take(&w->a);
  SBT_CHECK(strstr(log, "E stateChange active\nS ready 1 ok\nE connected\n") != NULL,
            "settled with the stateChange to active: %s", log);
  SBT_OK(sb_peer_when_ready(w->a.p, 4, false));
  SBT_STR_EQ(world_take(&w->a), "S ready 4 ok\n");
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED);
  SBT_OK(sb_peer_when_ready(w->a.p, 5, false)); /* paused: waits */
  world_take(&w->a);
  SBT_OK(sb_peer_disconnect(w->a.p, w->now));
  SBT_CHECK(strstr(world_take(&w->a), "S ready 5 peer_closed\n") != NULL, "rejected into closed");
  SBT_OK(sb_peer_when_ready(w->a.p, 6, false));
  SBT_STR_EQ(world_take(&w->a), "S ready 6 peer_closed\n");
  SBT_STR_EQ(sb_peer_error_code(SB_ERR_PEER_CANCELLED), "cancelled");
  world_free(w);

  w = world_new(NULL, NULL, setup_b);
  for (uint64_t t = 0; t < SB_PEER_MAX_WAITERS; t++) SBT_OK(sb_peer_when_ready(w->a.p, t, false));
  SBT_ERR_EQ(sb_peer_when_ready(w->a.p, 99, false), SB_ERR_FULL);
  world_free(w);
}

static void throwing_listener_never_breaks_the_machine(void) {
  /* PEER-SM-014, PEER-ERR-003: a listener that throws goes to
   * onUnhandledError and the transition completes. */
  world *w = world_new(NULL, NULL, setup_b);
  w->a.listener_throws = true;
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  SBT_STR_EQ(world_take(&w->a),
             "T idle>connecting PEER-SM-T1\n"
             "E stateChange connecting\n"
             "U SB_ERR_STATE: lifecycle listener failed\n"
             "O 1\n");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_CONNECTING, "transition done");
  world_free(w);
}

static void peer_error_codes_are_the_eleven_strings(void) {
  /* PEER-ERR-001: exactly these 11 codes, as strings. */
  const struct {
    int err;
    const char *code;
  } codes[] = {{SB_ERR_PEER_CLOSED, "peer_closed"},
               {SB_ERR_PEER_METHOD_REGISTERED, "rpc_method_already_registered"},
               {SB_ERR_PEER_RPC_CANCELLED, "rpc_cancelled"},
               {SB_ERR_PEER_RPC_TIMEOUT, "rpc_timeout"},
               {SB_ERR_PEER_RPC_ERROR, "rpc_error"},
               {SB_ERR_EVT_WILDCARD_IN_NAME, "invalid_pattern"},
               {SB_ERR_PEER_BUFFER_OVERFLOW, "buffer_overflow"},
               {SB_ERR_PEER_NOT_CONNECTED, "not_connected"},
               {SB_ERR_PEER_SESSION_PAUSED, "session_paused"},
               {SB_ERR_PEER_INVALID_STATE, "invalid_state"},
               {SB_ERR_PEER_CANCELLED, "cancelled"}};
  for (size_t i = 0; i < SB_ARRAY_LEN(codes); i++)
    SBT_STR_EQ(sb_peer_error_code(codes[i].err), codes[i].code);
  /* Every invalid name/pattern outcome is invalid_pattern. */
  for (int e = SB_ERR_EVT_EMPTY; e >= SB_ERR_EVT_WILDCARD_IN_NAME; e--)
    SBT_STR_EQ(sb_peer_error_code(e), "invalid_pattern");
  SBT_CHECK(sb_peer_error_code(SB_ERR_PEER_REMOTE_FATAL) == NULL, "not an SDK code");
  SBT_CHECK(sb_peer_error_code(SB_ERR_STATE) == NULL, "not an SDK code");
  SBT_CHECK(sb_peer_error_code(SB_ERR_SBP_HS_TIMEOUT) == NULL, "not an SDK code");
  int distinct = 0;
  for (unsigned i = 0; i < sb_err_count(); i++) {
    const char *c = sb_peer_error_code(sb_err_at(i)->value);
    if (c && strcmp(c, "invalid_pattern") != 0) distinct++;
  }
  SBT_EQ_U64(distinct, 10); /* + invalid_pattern = 11 */
}

static void config_defaults_are_upstreams(void) {
  /* RPC-SDK-002, PEER-BUF-001, PEER-BUF-005, PEER-RETRY-001: 10 s, "fail",
   * 64 KiB, 128 events, retry never; init checks its arguments. */
  sb_peer_config c;
  sb_peer_config_defaults(&c);
  SBT_EQ_U64(c.default_timeout, SB_TIME_MS(10000));
  SBT_CHECK(c.on_disconnect == SB_PEER_ON_DISCONNECT_FAIL, "fail");
  SBT_EQ_U64(c.disconnect_buffer_limit, 65536);
  SBT_EQ_U64(c.max_buffered_events, 128);
  SBT_CHECK(c.retry.mode == SB_PEER_RETRY_NEVER, "never");
  SBT_EQ_U64(c.negotiator.handshake_timeout, SB_TIME_MS(30000));
  sb_peer *p = calloc(1, sizeof *p);
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 1);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_peer_io io = {0};
  SBT_ERR_EQ(sb_peer_init(p, &c, &io, &r), SB_ERR_ARG); /* no send/open/close, no buffer */
  world *w = world_new(NULL, NULL, NULL);
  io = w->a.p->io;
  uint8_t buf[256];
  c.negotiator.peer_id = "x";
  c.frame_buf = buf;
  c.frame_cap = sizeof buf;
  c.max_buffered_events = SB_PEER_MAX_BUFFERED_EVENTS + 1;
  SBT_ERR_EQ(sb_peer_init(p, &c, &io, &r), SB_ERR_RANGE);
  c.max_buffered_events = 0;
  c.retry.jitter = -1;
  SBT_ERR_EQ(sb_peer_init(p, &c, &io, &r), SB_ERR_ARG);
  c.retry = SB_PEER_RETRY_POLICY_SIDECAR; /* the sidecar parameters are expressible */
  SBT_OK(sb_peer_init(p, &c, &io, &r));
  sb_peer_free(p);
  free(p);
  world_free(w);
  SBT_STR_EQ(sb_peer_state_name(SB_PEER_RECONNECTING), "reconnecting");
  SBT_STR_EQ(sb_peer_event_name(SB_PEER_EVENT_SESSION_RESUMED), "sessionResumed");
  SBT_STR_EQ(sb_peer_signal_name(SB_PEER_SIGNAL_PENDING), "session_pending");
}

/* ---- frames after negotiation ------------------------------------------------------- */

static void ping_gets_a_pong_with_the_timestamp(void) {
  /* SBP-CTL-006 (E-PEER-3): Pong, fresh frameId, the Ping's timestamp;
   * upstream's reading sends nothing (SBP-CTL-009). */
  world *w = connected(NULL);
  uint8_t frame[64];
  size_t len = control_frame(SB_SBP_OP_PING, NULL, true, frame, sizeof frame);
  size_t before = w->a_sent_count;
  world_inject_a(w, frame, len);
  SBT_EQ_U64(w->a_sent_count, before + 1);
  sb_sbp_frame f = sent_a(w, 0);
  SBT_CHECK(f.kind == SB_SBP_KIND_CONTROL && f.control.op == SB_SBP_OP_PONG, "Pong");
  SBT_CHECK(f.has_timestamp && f.timestamp_ms == 1700000000000, "timestamp echoed");
  uint8_t ping_id[16];
  memset(ping_id, 0x44, 16);
  SBT_CHECK(memcmp(f.frame_id, ping_id, 16) != 0, "fresh frameId (SBP-WIRE-008)");
  world_free(w);

  sb_peer_config c = world_config(SB_PEER_ROLE_CLIENT);
  c.negotiator.upstream_ignore_control = true;
  w = connected(&c);
  before = w->a_sent_count;
  world_inject_a(w, frame, len);
  SBT_EQ_U64(w->a_sent_count, before);
  world_free(w);
}

static void malformed_frame_gets_an_error_frame_and_the_session_stays(void) {
  /* SBP-ERR-002, SBP-WIRE-009: a frame too short is InvalidFrame; the
   * ErrorFrame 1002 carries a fresh id and the session continues. Reserved
   * flag bits also close the connection (SBP-WIRE-005): T7 here. Acks are
   * ignored (SBP-ACK-006). */
  world *w = connected(NULL);
  const uint8_t short_frame[4] = {1, 0, 0, 0};
  world_inject_a(w, short_frame, sizeof short_frame);
  sb_sbp_frame f = sent_a(w, 0);
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1002, "ErrorFrame 1002");
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "still active");
  uint8_t ack[34] = {2, 0};
  size_t before = w->a_sent_count;
  world_inject_a(w, ack, sizeof ack);
  SBT_EQ_U64(w->a_sent_count, before);
  SBT_STR_EQ(w->a.last_note, "frame_ignored Ack (acks: none)");
  uint8_t flags[19] = {0, 0x02};
  world_take(&w->a);
  world_inject_a(w, flags, sizeof flags);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 invalid_frame\n"
             "T active>closed PEER-SM-T7\n"
             "E stateChange closed\n"
             "E disconnected\n");
  f = sent_a(w, 1);
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1002, "ErrorFrame before closing");
  f = sent_a(w, 0);
  SBT_CHECK(is_close(&f, "invalid_frame"), "then Close");
  world_free(w);
}

static void fatal_error_frame_from_the_remote_ends_the_peer(void) {
  /* SBP-ERR-001: ProtocolViolation received: close, never retry (T7,
   * `error`). SBP-ERR-005: an ErrorFrame whose id is a pending call's cid
   * fails that call; any other non-fatal one is a connection-level fault. */
  sb_peer_config c = retrying();
  world *w = connected(&c);
  call_hold(w, 1);
  world_pump(w);
  sb_sbp_frame req = sent_a(w, 0);
  uint8_t frame[128];
  size_t len = error_frame_bytes(1002, "bad envelope", req.frame_id, frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a), "R 1 rpc_error 1002: bad envelope\n");
  uint8_t other[16] = {9};
  len = error_frame_bytes(1003, "Unsupported feature: stream", other, frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a), "U -: ErrorFrame 1003: Unsupported feature: stream\n");
  len = error_frame_bytes(1000, "go away", other, frame, sizeof frame);
  world_inject_a(w, frame, len);
  SBT_STR_EQ(world_take(&w->a),
             "C 1 remote_error\n"
             "T active>closed PEER-SM-T7\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "E error peer_closed: ErrorFrame 1000: go away\n");
  world_free(w);
}

static void stale_session_reports_are_ignored(void) {
  /* PEER-LAY-001: one session at a time; reports for an old session number
   * change nothing. */
  sb_peer_config c = retrying();
  world *w = connected(&c);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  world_advance(w, SB_TIME_S(1));
  world_accept(w);
  world_pump(w);
  world_take(&w->a);
  SBT_OK(sb_peer_session_closed(w->a.p, w->now, 1, SB_PEER_CLOSE_FATAL, 0, "old"));
  SBT_OK(sb_peer_session_signal(w->a.p, w->now, 1, SB_PEER_SIGNAL_PAUSED));
  SBT_STR_EQ(world_take(&w->a), "");
  SBT_STR_EQ(w->a.last_note, "stale_session signal");
  SBT_EQ_U64(sb_peer_session_of(w->a.p), 2);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "unchanged");
  world_free(w);
}

/* ---- a secure channel below ------------------------------------------------------------ */

static void channel_layer_waits_for_the_channel(void) {
  /* PEER-NEG-001, PEER-NEG-002, PEER-NEG-008: with a secure channel, SBP
   * negotiation starts when the channel is ready, within the handshake
   * budget left (at least 1 ms); the same negotiation runs inside it. */
  sb_peer_config a = world_config(SB_PEER_ROLE_CLIENT);
  a.channel_layer = true;
  sb_peer_config b = world_config(SB_PEER_ROLE_ACCEPTED);
  b.channel_layer = true;
  world *w = world_new(&a, &b, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  SBT_EQ_U64(w->a_sent_count, 0);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_NEGOTIATING, "negotiating (SBRP handshake)");
  world_signal_a(w, SB_PEER_SIGNAL_PAUSED); /* before the channel: dropped */
  SBT_STR_EQ(w->a.last_note, "signal_dropped session_paused");
  w->now = SB_TIME_S(31);
  SBT_OK(sb_peer_session_channel_ready(w->a.p, w->now, w->a_s));
  SBT_OK(sb_peer_session_channel_ready(w->b.p, w->now, w->b_s));
  SBT_EQ_U64(sb_peer_deadline(w->a.p), SB_TIME_S(31) + SB_TIME_MS(1));
  SBT_ERR_EQ(sb_peer_session_channel_ready(w->a.p, w->now, w->a_s), SB_ERR_STATE);
  world_pump(w);
  SBT_CHECK(sb_peer_state_of(w->a.p) == SB_PEER_ACTIVE, "active over the channel");
  call_add(w, 1);
  world_pump(w);
  SBT_CHECK(strstr(world_take(&w->a), "R 1 ok 5\n") != NULL, "RPC through the channel");
  world_free(w);

  world *plain = world_new(NULL, NULL, setup_b);
  SBT_ERR_EQ(sb_peer_session_channel_ready(plain->a.p, 0, 1), SB_ERR_STATE);
  world_free(plain);
}

/* ---- accepted peers ------------------------------------------------------------------ */

static void accepted_peer_lifecycle(void) {
  /* PEER-SRV-001: only active, paused, closed; the session's end closes it
   * (no retry). PEER-SRV-003: session_ended -> disconnect. PEER-SRV-002:
   * disconnect from paused is a hard close. T9/T10 rows. */
  world *w = connected(NULL);
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_PAUSED));
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_RESUMED));
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_ENDED));
  SBT_STR_EQ(world_take(&w->b),
             "T active>paused PEER-SM-T9\n"
             "E stateChange paused\n"
             "E sessionPaused\n"
             "T paused>active PEER-SM-T10\n"
             "E stateChange active\n"
             "E sessionResumed\n"
             "T active>closed PEER-SRV-003\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "C 1 disconnect\n");
  world_free(w);

  w = connected(NULL);
  SBT_OK(sb_peer_session_signal(w->b.p, w->now, w->b_s, SB_PEER_SIGNAL_PAUSED));
  world_take(&w->b);
  SBT_OK(sb_peer_disconnect(w->b.p, w->now));
  SBT_STR_EQ(world_take(&w->b),
             "T paused>closed PEER-SRV-002\n"
             "E stateChange closed\n"
             "E disconnected\n"
             "C 1 disconnect\n");
  world_free(w);

  sb_peer_config c = retrying();
  w = connected(&c);
  world_break(w, SB_PEER_CLOSE_RETRYABLE, 0, "drop");
  SBT_STR_EQ(world_take(&w->b),
             "T active>closed PEER-SRV-001\n"
             "E stateChange closed\n"
             "E disconnected\n");
  SBT_ERR_EQ(sb_peer_session_open(w->b.p, w->now, 5), SB_ERR_STATE);
  world_free(w);
}

static void accepted_negotiation_failure_is_unhandled_and_closed(void) {
  /* PEER-SRV-005: the error goes to onUnhandledError, the connection is
   * closed with "negotiation_failed"; no peer ever existed. */
  world *w = world_new(NULL, NULL, setup_b);
  SBT_OK(sb_peer_connect(w->a.p, w->now));
  world_accept(w);
  world_drop_wire(w);
  world_take(&w->b);
  uint8_t frame[64];
  size_t len = control_frame(SB_SBP_OP_PING, NULL, false, frame, sizeof frame);
  world_inject_b(w, frame, len);
  SBT_STR_EQ(world_take(&w->b),
             "C 1 negotiation_failed\n"
             "U SB_ERR_SBP_HS_UNEXPECTED: first frame is not a Handshake\n"
             "T idle>closed PEER-SRV-005\n"
             "S accept SB_ERR_SBP_HS_UNEXPECTED\n");
  world_free(w);
}

SBT_SUITE(peer_peer, "peer/peer", SBT_CASE(connect_negotiate_and_call_round_trip),
          SBT_CASE(connect_from_each_state),
          SBT_CASE(version_mismatch_closes_for_good_with_error_frame),
          SBT_CASE(refused_transport_without_retry_closes),
          SBT_CASE(retryable_failures_back_off_then_reconnect),
          SBT_CASE(max_attempts_counts_retries_only), SBT_CASE(fatal_connect_error_is_never_retried),
          SBT_CASE(handshake_timeout_is_fatal), SBT_CASE(connection_end_during_negotiation_is_fatal),
          SBT_CASE(malformed_handshake_is_retried),
          SBT_CASE(dropped_session_reconnects_and_fails_sent_calls),
          SBT_CASE(fatal_drop_closes_with_error), SBT_CASE(drop_without_retry_closes_quietly),
          SBT_CASE(remote_close_frame_ends_the_session),
          SBT_CASE(upstream_reading_ignores_close_until_the_transport_ends),
          SBT_CASE(pause_and_resume_signals), SBT_CASE(signals_outside_active_and_paused_are_dropped),
          SBT_CASE(signal_during_handshake_is_replayed_in_active),
          SBT_CASE(session_ended_goes_through_the_retry_policy),
          SBT_CASE(disconnect_is_a_hard_idempotent_close),
          SBT_CASE(disconnect_while_reconnecting_aborts_the_cycle),
          SBT_CASE(disconnect_while_connecting_rejects_connect),
          SBT_CASE(close_frame_goes_out_even_while_paused), SBT_CASE(when_ready_semantics),
          SBT_CASE(throwing_listener_never_breaks_the_machine),
          SBT_CASE(peer_error_codes_are_the_eleven_strings), SBT_CASE(config_defaults_are_upstreams),
          SBT_CASE(ping_gets_a_pong_with_the_timestamp),
          SBT_CASE(malformed_frame_gets_an_error_frame_and_the_session_stays),
          SBT_CASE(fatal_error_frame_from_the_remote_ends_the_peer),
          SBT_CASE(stale_session_reports_are_ignored), SBT_CASE(channel_layer_waits_for_the_channel),
          SBT_CASE(accepted_peer_lifecycle),
          SBT_CASE(accepted_negotiation_failure_is_unhandled_and_closed));
