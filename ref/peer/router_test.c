/* Tests for peer/router.h: registration, dispatch order and modes, RPC
 * answers and timeouts, fresh frameIds, and the receiver policies. */
#include "peer/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sbp/frame.h"
#include "test/sbt.h"

#define FX_SENT 64
#define FX_BUF 70000

typedef struct fx {
  sb_router r;
  sb_router_conn *c;
  uint8_t *buf;
  uint8_t counter;
  uint8_t *sent[FX_SENT];
  size_t sent_len[FX_SENT];
  size_t nsent;
  bool closed;
  char close_reason[64];
  char notes[4096];
  char log[1024];
  size_t responses, errors_seen;
  size_t details_kept;
  char error_message[SB_ROUTER_ERROR_TEXT_MAX * 4 + 1];
} fx;

static sb_time_us g_now;
static uint32_t g_last_dispatch;

/* Every draw is a run of a counter: frameIds are distinct and easy to read. */
static int counter_fill(void *state, uint8_t *out, size_t len) {
  fx *f = state;
  for (size_t i = 0; i < len; i++) out[i] = ++f->counter;
  return 0;
}

static void io_send(void *ctx, const uint8_t *frame, size_t len) {
  fx *f = ctx;
  if (f->nsent == FX_SENT) return;
  f->sent[f->nsent] = malloc(len ? len : 1);
  memcpy(f->sent[f->nsent], frame, len);
  f->sent_len[f->nsent++] = len;
}

static void io_close(void *ctx, const char *reason) {
  fx *f = ctx;
  f->closed = true;
  snprintf(f->close_reason, sizeof f->close_reason, "%s", reason ? reason : "");
}

static void io_note(void *ctx, const char *what, int code, const char *text) {
  fx *f = ctx;
  size_t n = strlen(f->notes);
  snprintf(f->notes + n, sizeof f->notes - n, "%s %s %s\n", what, code ? sb_err_name(code) : "-",
           text ? text : "");
}

static void io_response(void *ctx, const sb_rpc_envelope *env, const uint8_t *data, size_t len) {
  (void)env;
  (void)data;
  (void)len;
  ((fx *)ctx)->responses++;
}

static void io_error_frame(void *ctx, const sb_router_error_info *e) {
  fx *f = ctx;
  f->errors_seen++;
  f->details_kept = e->details_kept;
  snprintf(f->error_message, sizeof f->error_message, "%s", e->message);
}

static fx *fx_new(const sb_router_config *rcfg, void (*tweak)(sb_router_conn_config *)) {
  fx *f = calloc(1, sizeof *f);
  f->buf = malloc(FX_BUF);
  f->c = calloc(1, sizeof *f->c);
  SBT_OK(sb_router_init(&f->r, rcfg));
  sb_router_conn_config cfg;
  sb_router_conn_config_defaults(&cfg);
  cfg.negotiator.peer_id = "server";
  cfg.frame_buf = f->buf;
  cfg.frame_cap = FX_BUF;
  if (tweak) tweak(&cfg);
  sb_router_conn_io io = {f, io_send, io_close, io_note, io_response, io_error_frame};
  sb_rng rng = {counter_fill, f};
  SBT_OK(sb_router_conn_init(f->c, &f->r, &cfg, &io, &rng));
  g_now = 0;
  return f;
}

static void fx_free(fx *f) {
  sb_router_conn_free(f->c);
  for (size_t i = 0; i < f->nsent; i++) free(f->sent[i]);
  free(f->c);
  free(f->buf);
  free(f);
}

static void recv_frame(fx *f, const sb_sbp_frame *fr) {
  uint8_t out[FX_BUF];
  size_t n = 0;
  SBT_OK(sb_sbp_frame_encode(fr, out, sizeof out, &n));
  SBT_OK(sb_router_conn_recv(f->c, g_now, out, n));
}

/* Open the connection and let the client's Handshake in. */
static void fx_open(fx *f) {
  SBT_OK(sb_router_conn_open(f->c, g_now));
  const char *hs = "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"client\"}";
  sb_sbp_frame fr = {.kind = SB_SBP_KIND_CONTROL};
  memset(fr.frame_id, 0xcc, 16);
  fr.control.op = SB_SBP_OP_HANDSHAKE;
  fr.control.data = (const uint8_t *)hs;
  fr.control.data_len = strlen(hs);
  recv_frame(f, &fr);
  SBT_EQ_U64(sb_router_conn_state_of(f->c), SB_ROUTER_CONN_OPEN);
  SBT_STR_EQ(sb_router_conn_remote_id(f->c), "client");
}

static void recv_message(fx *f, const char *subject, const char *data, uint8_t id_byte) {
  sb_sbp_frame fr = {.kind = SB_SBP_KIND_MESSAGE};
  memset(fr.frame_id, id_byte, 16);
  fr.message.subject = (const uint8_t *)subject;
  fr.message.subject_len = strlen(subject);
  fr.message.data = (const uint8_t *)data;
  fr.message.data_len = strlen(data);
  recv_frame(f, &fr);
}

/* A request {"t":"r","m":method,"cid":<id byte x 16>} on rpc, frameId = cid. */
static void recv_request(fx *f, const char *method, uint8_t id_byte) {
  char data[160], cid[33];
  for (int i = 0; i < 16; i++) snprintf(cid + 2 * i, 3, "%02x", id_byte);
  snprintf(data, sizeof data, "{\"t\":\"r\",\"m\":\"%s\",\"cid\":\"%s\"}", method, cid);
  recv_message(f, "rpc", data, id_byte);
}

/* Decode sent frame `i` (counting from the Handshake at 0). */
static bool sent(fx *f, size_t i, sb_sbp_frame *out) {
  if (i >= f->nsent) {
    SBT_CHECK(false, "frame %zu was sent (only %zu)", i, f->nsent);
    return false;
  }
  int rc = sb_sbp_frame_decode(f->sent[i], f->sent_len[i], out);
  SBT_OK(rc);
  return rc == SB_OK;
}

/* The data of sent Message `i` as a string. */
static const char *sent_data(fx *f, size_t i) {
  static char text[1024];
  sb_sbp_frame fr;
  text[0] = '\0';
  if (sent(f, i, &fr) && fr.kind == SB_SBP_KIND_MESSAGE)
    snprintf(text, sizeof text, "%.*s", (int)fr.message.data_len, (const char *)fr.message.data);
  return text;
}

/* ---- handlers that log and do what their behaviour says ------------------------ */

typedef struct hb {
  char name;
  sb_router_outcome outcome;
  const char *error;
  bool reply;    /* rpc.reply(42) during the call */
  bool send;     /* msg.send("app/out", "x") during the call */
  fx *f;
} hb;

static sb_router_outcome handler(void *ctx, const sb_router_msg *m, const char **error) {
  hb *b = ctx;
  size_t n = strlen(b->f->log);
  snprintf(b->f->log + n, sizeof b->f->log - n, "%c%u%s%s ", b->name, (unsigned)m->order,
           m->has_rpc ? ":" : "", m->has_rpc ? m->method : "");
  g_last_dispatch = m->dispatch;
  if (b->reply) {
    cJSON *v = cJSON_CreateNumber(42);
    SBT_OK(sb_router_reply(m->conn, g_now, m->dispatch, v));
    cJSON_Delete(v);
  }
  if (b->send) SBT_OK(sb_router_send(m->conn, "app/out", (const uint8_t *)"x", 1));
  *error = b->error;
  return b->outcome;
}

/* ---- registration ---------------------------------------------------------------- */

static void routes_validate_subjects_and_allow_repeats(void) {
  /* RPC-RTR-006: route/routePrefix check the subject policy and refuse
   * (throw) invalid subjects; the same subject may be routed twice; the
   * unsubscribe is idempotent and never removes another route. */
  fx *f = fx_new(NULL, NULL);
  hb b = {'A', SB_ROUTER_DONE, NULL, false, false, f};
  uint32_t id = 0, id2 = 0, id3 = 0;
  SBT_ERR_EQ(sb_router_route(&f->r, "rpc/getUser", 0, handler, &b, &id), SB_ERR_SBP_SUBJECT_NAMESPACE);
  SBT_ERR_EQ(sb_router_route(&f->r, "stream", 0, handler, &b, &id), SB_ERR_SBP_SUBJECT_RESERVED);
  SBT_ERR_EQ(sb_router_route(&f->r, "", 0, handler, &b, &id), SB_ERR_SBP_SUBJECT_EMPTY);
  SBT_ERR_EQ(sb_router_route_prefix(&f->r, "rpc", 0, handler, &b, &id), SB_ERR_SBP_SUBJECT_NAMESPACE);
  SBT_ERR_EQ(sb_router_route_prefix(&f->r, "", 0, handler, &b, &id), SB_ERR_SBP_SUBJECT_NAMESPACE);
  SBT_ERR_EQ(sb_router_route(&f->r, "rpc", SB_ROUTER_BROADCAST, handler, &b, &id), SB_ERR_ARG);
  SBT_EQ_U64(sb_router_route_count(&f->r), 0);
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &b, &id));
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &b, &id2));
  SBT_CHECK(id != id2, "two registrations of one subject");
  SBT_OK(sb_router_route_prefix(&f->r, "app/", 0, handler, &b, &id3));
  SBT_OK(sb_router_route(&f->r, "app/", 0, handler, &b, &id3)); /* "app/" alone is a subject */
  SBT_EQ_U64(sb_router_route_count(&f->r), 4);
  sb_router_unsubscribe(&f->r, id);
  sb_router_unsubscribe(&f->r, id);
  SBT_EQ_U64(sb_router_route_count(&f->r), 3);
  sb_router_unroute(&f->r, "event");
  SBT_EQ_U64(sb_router_route_count(&f->r), 2);
  sb_router_clear(&f->r);
  SBT_EQ_U64(sb_router_route_count(&f->r), 0);
  fx_free(f);
}

/* ---- dispatch order and modes ------------------------------------------------------------ */

static void exact_routes_first_then_longest_prefix(void) {
  /* RPC-RTR-001 (ADR-011 section 4 example): exact, then longer prefix,
   * then shorter, registration order within each bucket, whatever order
   * they were registered in. RPC-RTR-002: app/ is broadcast. */
  fx *f = fx_new(NULL, NULL);
  hb c = {'C', SB_ROUTER_DONE, NULL, false, false, f}, b = {'B', SB_ROUTER_DONE, NULL, false, false, f};
  hb a = {'A', SB_ROUTER_DONE, NULL, false, false, f}, a2 = {'a', SB_ROUTER_DONE, NULL, false, false, f};
  hb b2 = {'b', SB_ROUTER_DONE, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route_prefix(&f->r, "app/", 0, handler, &c, &id));
  SBT_OK(sb_router_route_prefix(&f->r, "app/metrics/", 0, handler, &b, &id));
  SBT_OK(sb_router_route(&f->r, "app/metrics/cpu", 0, handler, &a, &id));
  SBT_OK(sb_router_route_prefix(&f->r, "app/metrics/", 0, handler, &b2, &id));
  SBT_OK(sb_router_route(&f->r, "app/metrics/cpu", 0, handler, &a2, &id));
  fx_open(f);
  recv_message(f, "app/metrics/cpu", "1", 1);
  SBT_STR_EQ(f->log, "A0 a1 B2 b3 C4 ");
  f->log[0] = '\0';
  recv_message(f, "app/metrics/mem", "1", 2);
  SBT_STR_EQ(f->log, "B0 b1 C2 ");
  f->log[0] = '\0';
  recv_message(f, "app/x", "", 3);
  SBT_STR_EQ(f->log, "C0 ");
  fx_free(f);
}

static void rpc_is_exclusive_event_broadcast_modes_override(void) {
  /* RPC-RTR-002: rpc goes to the first route only, event to all; a route's
   * mode overrides its subject's (the first matching route decides). */
  fx *f = fx_new(NULL, NULL);
  hb r1 = {'R', SB_ROUTER_DONE, NULL, true, false, f}, r2 = {'S', SB_ROUTER_DONE, NULL, true, false, f};
  hb e1 = {'E', SB_ROUTER_DONE, NULL, false, false, f}, e2 = {'F', SB_ROUTER_DONE, NULL, false, false, f};
  hb x1 = {'X', SB_ROUTER_DONE, NULL, false, false, f}, x2 = {'Y', SB_ROUTER_DONE, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &r1, &id));
  SBT_OK(sb_router_route(&f->r, "rpc", SB_ROUTER_EXCLUSIVE, handler, &r2, &id));
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &e1, &id));
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &e2, &id));
  SBT_OK(sb_router_route_prefix(&f->r, "app/admin/", SB_ROUTER_EXCLUSIVE, handler, &x1, &id));
  SBT_OK(sb_router_route_prefix(&f->r, "app/", 0, handler, &x2, &id));
  fx_open(f);
  recv_request(f, "add", 0x11);
  recv_message(f, "event", "{\"t\":\"N\",\"e\":\"x\"}", 2);
  recv_message(f, "app/admin/reset", "", 3);
  recv_message(f, "app/other", "", 4);
  SBT_STR_EQ(f->log, "R0:add E0 F1 X0 Y0 ");
  fx_free(f);
}

static void broadcast_awaits_each_handler_and_survives_errors(void) {
  /* RPC-RTR-003, EVT-DSP-007: event handlers run one after another (the
   * next only once the pending one finished), a throwing one is logged and
   * the others still run; msg.rpc is absent on event. RPC-RTR-004. */
  fx *f = fx_new(NULL, NULL);
  hb a = {'A', SB_ROUTER_PENDING, NULL, false, false, f};
  hb b = {'B', SB_ROUTER_THREW, "boom", false, false, f};
  hb c = {'C', SB_ROUTER_DONE, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &a, &id));
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &b, &id));
  SBT_OK(sb_router_route(&f->r, "event", 0, handler, &c, &id));
  fx_open(f);
  recv_message(f, "event", "{\"t\":\"N\",\"e\":\"x\"}", 2);
  SBT_STR_EQ(f->log, "A0 ");
  SBT_EQ_U64(sb_router_conn_dispatches(f->c), 1);
  uint32_t d = g_last_dispatch;
  SBT_ERR_EQ(sb_router_reply(f->c, g_now, d, NULL), SB_ERR_ARG); /* no msg.rpc on event */
  g_now = SB_TIME_MS(100);
  SBT_OK(sb_router_handler_done(f->c, g_now, d, NULL));
  SBT_STR_EQ(f->log, "A0 B1 C2 ");
  SBT_CHECK(strstr(f->notes, "handler_error SB_ERR_ROUTER_HANDLER_THREW route 2: boom") != NULL,
            "the error is logged: %s", f->notes);
  SBT_EQ_U64(sb_router_conn_dispatches(f->c), 0);
  SBT_ERR_EQ(sb_router_handler_done(f->c, g_now, d, NULL), SB_ERR_NOT_FOUND);
  SBT_EQ_U64(f->nsent, 1); /* only the Handshake: nothing answers an event */
  fx_free(f);
}

/* ---- RPC answers ------------------------------------------------------------------------- */

static void rpc_answers_and_fresh_frame_ids(void) {
  /* RPC-RTR-004: msg.rpc carries method and cid; RPC-RTR-005: reply and
   * send make new frames with fresh frameIds (never the inbound one);
   * RPC-ERR-004: no route on rpc is 1101 "Method not found"; a reply twice
   * is refused (RPC-ERR-006). */
  fx *f = fx_new(NULL, NULL);
  fx_open(f);
  recv_request(f, "nope", 0x21);
  SBT_STR_EQ(sent_data(f, 1),
             "{\"t\":\"E\",\"cid\":\"21212121212121212121212121212121\",\"code\":1101,\"message\":\"Method not found\"}");
  hb r = {'R', SB_ROUTER_DONE, NULL, true, true, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &r, &id));
  recv_request(f, "add", 0x22);
  SBT_STR_EQ(f->log, "R0:add ");
  SBT_STR_EQ(sent_data(f, 2), "{\"t\":\"R\",\"cid\":\"22222222222222222222222222222222\",\"result\":42}");
  SBT_STR_EQ(sent_data(f, 3), "x");
  sb_sbp_frame a, b;
  if (sent(f, 2, &a) && sent(f, 3, &b)) {
    uint8_t inbound[16];
    memset(inbound, 0x22, 16);
    SBT_CHECK(memcmp(a.frame_id, inbound, 16) && memcmp(b.frame_id, inbound, 16) &&
                  memcmp(a.frame_id, b.frame_id, 16),
              "fresh frameIds");
    SBT_CHECK(b.message.subject_len == 7 && !memcmp(b.message.subject, "app/out", 7), "msg.send's subject");
  }
  SBT_ERR_EQ(sb_router_reply(f->c, g_now, g_last_dispatch, NULL), SB_ERR_NOT_FOUND); /* finished */
  fx_free(f);
}

static void error_mapper(void *ctx, const char *error, const sb_router_msg *msg, sb_router_rpc_error *out) {
  (void)ctx;
  (void)msg;
  if (strcmp(error, "invalid") == 0) {
    out->code = 2001;
    out->message = "Validation failed";
  }
}

static void thrown_handlers_become_rpc_errors(void) {
  /* RPC-ERR-005: a throw before any reply is RpcError{2000, message} by
   * default, the mapper's code otherwise; a throw after a reply sends
   * nothing more. */
  sb_router_config rc = {0, error_mapper, NULL};
  fx *f = fx_new(&rc, NULL);
  hb t = {'T', SB_ROUTER_THREW, "boom", false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &t, &id));
  fx_open(f);
  recv_request(f, "a", 0x31);
  SBT_STR_EQ(sent_data(f, 1),
             "{\"t\":\"E\",\"cid\":\"31313131313131313131313131313131\",\"code\":2000,\"message\":\"boom\"}");
  t.error = "invalid";
  recv_request(f, "b", 0x32);
  SBT_STR_EQ(sent_data(f, 2),
             "{\"t\":\"E\",\"cid\":\"32323232323232323232323232323232\",\"code\":2001,\"message\":\"Validation failed\"}");
  t.reply = true;
  recv_request(f, "c", 0x33);
  SBT_EQ_U64(f->nsent, 4); /* the reply only */
  SBT_CHECK(strstr(sent_data(f, 3), "\"result\":42") != NULL, "replied before throwing");
  fx_free(f);
}

static void handler_timeout_is_rpc_error_1103(void) {
  /* RPC-ERR-003, SBP-ERR-010: a pending handler that has not replied at
   * rpcTimeoutMs (default 30 s, RPC-TMO-001, RPC-TMO-002) gets RpcError
   * {1103, "Handler timeout"} in a Message, never an ErrorFrame; a method's
   * own timeout applies to it; a late reply is refused. A handler that
   * returns without replying never answers (RPC-ERR-006). */
  fx *f = fx_new(NULL, NULL);
  hb p = {'P', SB_ROUTER_PENDING, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &p, &id));
  SBT_OK(sb_router_set_method_timeout(&f->r, "quick", SB_TIME_S(2)));
  SBT_EQ_U64(sb_router_method_timeout(&f->r, "slow"), SB_TIME_S(30));
  fx_open(f);
  recv_request(f, "slow", 0x41);
  uint32_t slow = g_last_dispatch;
  g_now = SB_TIME_S(1);
  recv_request(f, "quick", 0x42);
  uint32_t quick = g_last_dispatch;
  SBT_EQ_U64(sb_router_conn_deadline(f->c), SB_TIME_S(3));
  g_now = SB_TIME_S(3);
  SBT_OK(sb_router_conn_timeout(f->c, g_now));
  SBT_EQ_U64(f->nsent, 2);
  sb_sbp_frame fr;
  if (sent(f, 1, &fr)) SBT_EQ_U64(fr.kind, SB_SBP_KIND_MESSAGE);
  SBT_STR_EQ(sent_data(f, 1),
             "{\"t\":\"E\",\"cid\":\"42424242424242424242424242424242\",\"code\":1103,\"message\":\"Handler timeout\"}");
  SBT_ERR_EQ(sb_router_reply(f->c, g_now, quick, NULL), SB_ERR_STATE);
  SBT_CHECK(strstr(f->notes, "late_reply_dropped") != NULL, "noted");
  SBT_OK(sb_router_handler_done(f->c, g_now, quick, NULL));
  SBT_EQ_U64(sb_router_conn_deadline(f->c), SB_TIME_S(30));
  g_now = SB_TIME_S(30) - 1;
  SBT_OK(sb_router_conn_timeout(f->c, g_now));
  SBT_EQ_U64(f->nsent, 2);
  g_now = SB_TIME_S(30);
  SBT_OK(sb_router_conn_timeout(f->c, g_now));
  SBT_CHECK(strstr(sent_data(f, 2), "\"code\":1103") != NULL, "the default 30 s");
  (void)slow;
  /* Returning without a reply: no answer, no deadline. */
  p.outcome = SB_ROUTER_DONE;
  recv_request(f, "silent", 0x43);
  SBT_EQ_U64(sb_router_conn_deadline(f->c), SB_TIME_NEVER);
  g_now = SB_TIME_S(100);
  SBT_OK(sb_router_conn_timeout(f->c, g_now));
  SBT_EQ_U64(f->nsent, 3);
  for (size_t i = 0; i < f->nsent; i++)
    if (sent(f, i, &fr)) SBT_CHECK(fr.kind != SB_SBP_KIND_ERROR, "no ErrorFrame (frame %zu)", i);
  fx_free(f);
}

/* upstream's test handler on rpc: {"echoed": params} */
static sb_router_outcome echo(void *ctx, const sb_router_msg *m, const char **error) {
  (void)ctx;
  (void)error;
  cJSON *v = cJSON_CreateObject();
  cJSON_AddItemToObject(v, "echoed", cJSON_Duplicate(m->params, 1));
  SBT_OK(sb_router_reply(m->conn, g_now, m->dispatch, v));
  cJSON_Delete(v);
  return SB_ROUTER_DONE;
}

static void upstream_router_dispatch_cases(void) {
  /* RPC-RTR-004, RPC-ERR-004, RPC-VAL-006, RPC-CH-005, EVT-003: every
   * router_dispatch case of the upstream data gives the same frames (set
   * aside the frameId, fresh here: E-PEER-2) and the same handler calls,
   * under the Router's envelope reading. */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *item = NULL;
  int seen = 0;
  cJSON_ArrayForEach(item, sbt_get(root, "router_dispatch")) {
    fx *f = fx_new(NULL, NULL);
    f->c->cfg.upstream_envelopes = true;
    hb h = {'H', SB_ROUTER_DONE, NULL, false, false, f};
    uint32_t id;
    /* upstream's test handlers: echo on rpc, a recorder on event and app/ */
    SBT_OK(sb_router_route(&f->r, "event", 0, handler, &h, &id));
    SBT_OK(sb_router_route_prefix(&f->r, "app/", 0, handler, &h, &id));
    const char *name = sbt_str(item, "name");
    fx_open(f);
    const cJSON *in = sbt_get(item, "inbound");
    size_t dlen = 0;
    uint8_t *data = sbt_unhex(sbt_str(in, "data_hex"), &dlen);
    sb_sbp_frame fr = {.kind = SB_SBP_KIND_MESSAGE};
    SBT_CHECK(sbt_unhex_exact(sbt_str(in, "frame_id"), fr.frame_id, 16), "frame id");
    const char *subject = sbt_str(in, "subject");
    fr.message.subject = (const uint8_t *)subject;
    fr.message.subject_len = strlen(subject);
    fr.message.data = data;
    fr.message.data_len = dlen;
    if (strstr(name, "echo_handler")) SBT_OK(sb_router_route(&f->r, "rpc", 0, echo, NULL, &id));
    recv_frame(f, &fr);
    free(data);
    /* the upstream outcome: a returned ErrorFrame, or frames sent */
    const cJSON *want_err = sbt_get(item, "returned_error_frame");
    const cJSON *sent_frames = sbt_get(item, "sent_frames");
    size_t want = (cJSON_IsObject(want_err) ? 1 : 0) + (size_t)cJSON_GetArraySize(sent_frames);
    SBT_EQ_U64(f->nsent - 1, want);
    if (cJSON_IsObject(want_err) && f->nsent == 2) {
      char *got = sbt_hex(f->sent[1], f->sent_len[1]);
      const char *bytes = sbt_str(want_err, "bytes");
      /* same bytes once the frameId (hex offsets 4..35) is set aside */
      bool same = bytes && strlen(got) == strlen(bytes) && !strncmp(got, bytes, 4) && !strcmp(got + 36, bytes + 36);
      SBT_CHECK(same, "%s: %s vs %s", name, got, bytes);
      if (same) sbt_count_upstream_value();
      free(got);
    }
    if (cJSON_GetArraySize(sent_frames) == 1 && f->nsent == 2) {
      const cJSON *s0 = cJSON_GetArrayItem(sent_frames, 0);
      SBT_STR_EQ(sent_data(f, 1), sbt_str(s0, "data_text"));
      if (!strcmp(sent_data(f, 1), sbt_str(s0, "data_text") ? sbt_str(s0, "data_text") : "")) sbt_count_upstream_value();
    }
    size_t calls = (size_t)cJSON_GetArraySize(sbt_get(item, "handler_invocations"));
    size_t logged = 0;
    for (const char *p = f->log; *p; p++) logged += *p == ' ';
    if (!strstr(name, "echo_handler")) SBT_EQ_U64(logged, calls);
    seen++;
    fx_free(f);
  }
  SBT_EQ_U64(seen, 10);
  cJSON_Delete(root);
}

/* ---- receiver policies ------------------------------------------------------------------ */

static void receipt(sb_router_conn_config *cfg) { cfg->acks = SB_ROUTER_ACKS_RECEIPT; }

static void acks_confirm_receipt_not_processing(void) {
  /* SBP-ACK-003: none by default; SBP-ACK-004, SBP-ACK-002: with "receipt"
   * one Ack per accepted Message, naming its frameId, sent before the
   * pending handler answers; SBP-ACK-005: inbound Acks are ignored. */
  fx *f = fx_new(NULL, NULL);
  hb p = {'P', SB_ROUTER_PENDING, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &p, &id));
  fx_open(f);
  recv_request(f, "a", 0x51);
  SBT_EQ_U64(f->nsent, 1);
  fx_free(f);

  f = fx_new(NULL, receipt);
  p.f = f;
  SBT_OK(sb_router_route(&f->r, "rpc", 0, handler, &p, &id));
  fx_open(f);
  recv_request(f, "a", 0x51);
  recv_request(f, "b", 0x52);
  SBT_EQ_U64(f->nsent, 3);
  sb_sbp_frame a;
  uint8_t want[16];
  memset(want, 0x51, 16);
  if (sent(f, 1, &a)) SBT_CHECK(a.kind == SB_SBP_KIND_ACK && !memcmp(a.ack.ack_frame_id, want, 16), "Ack of 51..");
  memset(want, 0x52, 16);
  if (sent(f, 2, &a)) SBT_CHECK(a.kind == SB_SBP_KIND_ACK && !memcmp(a.ack.ack_frame_id, want, 16), "Ack of 52..");
  SBT_OK(sb_router_reply(f->c, g_now, g_last_dispatch, NULL));
  SBT_EQ_U64(f->nsent, 4);
  /* invalid envelopes, responses and undecodable frames are not acknowledged */
  recv_message(f, "rpc", "{\"t\":\"r\"}", 0x53);
  recv_message(f, "rpc", "{\"t\":\"R\",\"cid\":\"53535353535353535353535353535353\"}", 0x54);
  SBT_EQ_U64(f->responses, 1);
  sb_sbp_frame ack = {.kind = SB_SBP_KIND_ACK};
  recv_frame(f, &ack);
  SBT_CHECK(strstr(f->notes, "ack_ignored") != NULL, "inbound Ack ignored");
  for (size_t i = 4; i < f->nsent; i++)
    if (sent(f, i, &a)) SBT_CHECK(a.kind != SB_SBP_KIND_ACK, "no Ack for frame %zu", i);
  fx_free(f);
}

static void small_frames(sb_router_conn_config *cfg) { cfg->max_frame = 100; }

static void oversized_frame_is_protocol_violation(void) {
  /* SBP-BEH-006: a frame over max_frame gets ErrorFrame 1000, Control/Close
   * and the connection closes; one of exactly max_frame passes. */
  fx *f = fx_new(NULL, small_frames);
  hb h = {'H', SB_ROUTER_DONE, NULL, false, false, f};
  uint32_t id;
  SBT_OK(sb_router_route_prefix(&f->r, "app/", 0, handler, &h, &id));
  fx_open(f);
  char data[100];
  memset(data, 'x', sizeof data);
  data[100 - 18 - 4 - 5] = '\0'; /* header 18, subject length 4, "app/a" 5: exactly 100 */
  recv_message(f, "app/a", data, 1);
  SBT_STR_EQ(f->log, "H0 ");
  data[100 - 18 - 4 - 5] = 'x';
  data[100 - 18 - 4 - 5 + 1] = '\0';
  recv_message(f, "app/a", data, 2);
  SBT_STR_EQ(f->log, "H0 ");
  SBT_EQ_U64(f->nsent, 3);
  sb_sbp_frame e;
  if (sent(f, 1, &e)) {
    SBT_EQ_U64(e.kind, SB_SBP_KIND_ERROR);
    SBT_EQ_U64(e.error.code, 1000);
  }
  if (sent(f, 2, &e)) SBT_CHECK(e.kind == SB_SBP_KIND_CONTROL && e.control.op == SB_SBP_OP_CLOSE, "Close");
  SBT_CHECK(f->closed, "closed");
  SBT_EQ_U64(sb_router_conn_state_of(f->c), SB_ROUTER_CONN_CLOSED);
  fx_free(f);
}

static void error_frames_are_capped_untrusted_text(void) {
  /* SBP-EFR-004: details kept up to the cap (16 KiB by default), the
   * message escaped and cut; SBP-ERR-001: 1000 ends the connection, 2000
   * does not (SBP-ERR-004). */
  fx *f = fx_new(NULL, NULL);
  fx_open(f);
  uint8_t *details = calloc(1, 20000);
  sb_sbp_frame e = {.kind = SB_SBP_KIND_ERROR};
  e.error.code = 2000;
  e.error.message = (const uint8_t *)"bad\nline\x1b[31m";
  e.error.message_len = 13;
  e.error.details = details;
  e.error.details_len = 20000;
  recv_frame(f, &e);
  SBT_EQ_U64(f->errors_seen, 1);
  SBT_EQ_U64(f->details_kept, 16384);
  SBT_STR_EQ(f->error_message, "bad\\x0aline\\x1b[31m");
  SBT_CHECK(!f->closed, "2000 is not fatal");
  e.error.code = 1000;
  e.error.details_len = 0;
  recv_frame(f, &e);
  SBT_CHECK(f->closed, "1000 is fatal");
  free(details);
  char out[6];
  SBT_EQ_U64(sb_router_escape_text((const uint8_t *)"ab\x01", 3, out, sizeof out), 2); /* no room */
  SBT_STR_EQ(out, "ab");
  fx_free(f);
}

static void throttle_pings(sb_router_conn_config *cfg) {
  cfg->throttle.window = SB_TIME_S(1);
  cfg->throttle.pings = 3;
  cfg->throttle.handshakes = 1;
}

static void repeated_pings_over_the_limit_close(void) {
  /* SBP-ERR-013: three Pings per second are answered; a fourth in the same
   * window is ProtocolViolation and closes; a new window starts afresh.
   * SBP-CTL-006: Pings get Pongs. */
  fx *f = fx_new(NULL, throttle_pings);
  fx_open(f);
  sb_sbp_frame ping = {.kind = SB_SBP_KIND_CONTROL};
  ping.control.op = SB_SBP_OP_PING;
  for (int i = 0; i < 3; i++) recv_frame(f, &ping);
  g_now = SB_TIME_MS(1500);
  for (int i = 0; i < 3; i++) recv_frame(f, &ping);
  SBT_EQ_U64(f->nsent, 7);
  SBT_CHECK(!f->closed, "within the limit");
  recv_frame(f, &ping);
  SBT_EQ_U64(f->nsent, 9);
  sb_sbp_frame e;
  if (sent(f, 7, &e)) {
    SBT_EQ_U64(e.error.code, 1000);
    SBT_CHECK(!strncmp((const char *)e.error.message, "Rate limit exceeded: pings", e.error.message_len), "names it");
  }
  SBT_CHECK(f->closed, "closed");
  SBT_STR_EQ(f->close_reason, "policy_violation");
  fx_free(f);
}

static void negotiation_failure_and_remote_close(void) {
  /* SBP-HS-002: a Message before the Handshake fails the negotiation
   * (ErrorFrame, Close, closed); SBP-CTL-007: a Close after it ends the
   * connection. */
  fx *f = fx_new(NULL, NULL);
  SBT_OK(sb_router_conn_open(f->c, g_now));
  recv_message(f, "app/x", "", 1);
  SBT_CHECK(f->closed, "closed");
  SBT_STR_EQ(f->close_reason, "negotiation_failed");
  SBT_EQ_U64(f->nsent, 3);
  fx_free(f);
  f = fx_new(NULL, NULL);
  fx_open(f);
  sb_sbp_frame cl = {.kind = SB_SBP_KIND_CONTROL};
  cl.control.op = SB_SBP_OP_CLOSE;
  recv_frame(f, &cl);
  SBT_STR_EQ(f->close_reason, "remote_close");
  SBT_ERR_EQ(sb_router_send(f->c, "app/x", NULL, 0), SB_ERR_STATE);
  fx_free(f);
}

SBT_SUITE(peer_router, "peer/router", SBT_CASE(routes_validate_subjects_and_allow_repeats),
          SBT_CASE(exact_routes_first_then_longest_prefix),
          SBT_CASE(rpc_is_exclusive_event_broadcast_modes_override),
          SBT_CASE(broadcast_awaits_each_handler_and_survives_errors),
          SBT_CASE(rpc_answers_and_fresh_frame_ids), SBT_CASE(thrown_handlers_become_rpc_errors),
          SBT_CASE(handler_timeout_is_rpc_error_1103), SBT_CASE(upstream_router_dispatch_cases),
          SBT_CASE(acks_confirm_receipt_not_processing),
          SBT_CASE(oversized_frame_is_protocol_violation),
          SBT_CASE(error_frames_are_capped_untrusted_text),
          SBT_CASE(repeated_pings_over_the_limit_close),
          SBT_CASE(negotiation_failure_and_remote_close));
