#include "peer/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "rpc/channel.h"
#include "rpc/codes.h"
#include "sbp/errors.h"
#include "sbp/subject.h"

#define RPC_SUBJECT "rpc"
#define REASON_NEGOTIATION "negotiation_failed"
#define REASON_REMOTE_CLOSE "remote_close"
#define REASON_INVALID_FRAME "invalid_frame"
#define REASON_REMOTE_FATAL "remote_error"
#define REASON_POLICY "policy_violation"

/* ---- the registry ------------------------------------------------------------ */

int sb_router_init(sb_router *r, const sb_router_config *cfg) {
  if (!r || (cfg && cfg->rpc_timeout < 0)) return SB_ERR_ARG;
  memset(r, 0, sizeof *r);
  if (cfg) r->cfg = *cfg;
  if (r->cfg.rpc_timeout == 0) r->cfg.rpc_timeout = SB_ROUTER_DEFAULT_RPC_TIMEOUT;
  return SB_OK;
}

/* The v1 subject policy (subject-policy.ts validateSubject over the
 * protocol's checks): what `subject` is, or why it is refused. */
static int policy_kind(const char *subject, size_t len, sb_sbp_subject_kind *kind) {
  int rc = sb_sbp_subject_check((const uint8_t *)subject, len, kind);
  if (rc == SB_OK) rc = sb_sbp_subject_accept(*kind);
  return rc;
}

static int add_route(sb_router *r, const char *subject, bool prefix, sb_router_mode mode,
                     sb_router_handler_fn fn, void *ctx, uint32_t *id) {
  if (!r || !subject || !fn || !id || mode > SB_ROUTER_BROADCAST) return SB_ERR_ARG;
  size_t len = strlen(subject);
  sb_sbp_subject_kind kind = 0;
  int rc;
  if (prefix) {
    /* router.ts: the prefix is validated with a dummy segment appended. */
    if (len > SB_ROUTER_PREFIX_MAX_BYTES) return SB_ERR_RANGE;
    char probe[SB_ROUTER_PREFIX_MAX_BYTES + 5];
    memcpy(probe, subject, len);
    memcpy(probe + len, "test", 4);
    rc = policy_kind(probe, len + 4, &kind);
  } else {
    rc = policy_kind(subject, len, &kind);
  }
  if (rc != SB_OK) return rc;
  if (mode == SB_ROUTER_MODE_DEFAULT)
    mode = kind == SB_SBP_SUBJECT_RPC ? SB_ROUTER_EXCLUSIVE : SB_ROUTER_BROADCAST;
  /* A request is answered exactly once (RPC-ERR-006, E-SCEN-ROUTER-1). */
  if (kind == SB_SBP_SUBJECT_RPC && mode == SB_ROUTER_BROADCAST) return SB_ERR_ARG;
  for (size_t i = 0; i < SB_ROUTER_MAX_ROUTES; i++) {
    sb_router_route_slot *s = &r->routes[i];
    if (s->id) continue;
    memset(s, 0, sizeof *s);
    if (++r->next_id == 0) ++r->next_id;
    s->id = r->next_id;
    s->seq = r->next_seq++;
    s->prefix = prefix;
    s->mode = mode;
    memcpy(s->subject, subject, len + 1);
    s->len = len;
    s->fn = fn;
    s->ctx = ctx;
    *id = s->id;
    return SB_OK;
  }
  return SB_ERR_FULL;
}

int sb_router_route(sb_router *r, const char *subject, sb_router_mode mode, sb_router_handler_fn fn,
                    void *ctx, uint32_t *id) {
  return add_route(r, subject, false, mode, fn, ctx, id);
}

int sb_router_route_prefix(sb_router *r, const char *prefix, sb_router_mode mode,
                           sb_router_handler_fn fn, void *ctx, uint32_t *id) {
  return add_route(r, prefix, true, mode, fn, ctx, id);
}

void sb_router_unsubscribe(sb_router *r, uint32_t id) {
  if (!r || id == 0) return;
  for (size_t i = 0; i < SB_ROUTER_MAX_ROUTES; i++)
    if (r->routes[i].id == id) r->routes[i].id = 0;
}

void sb_router_unroute(sb_router *r, const char *subject) {
  if (!r || !subject) return;
  for (size_t i = 0; i < SB_ROUTER_MAX_ROUTES; i++) {
    sb_router_route_slot *s = &r->routes[i];
    if (s->id && !s->prefix && strcmp(s->subject, subject) == 0) s->id = 0;
  }
}

void sb_router_clear(sb_router *r) {
  if (!r) return;
  for (size_t i = 0; i < SB_ROUTER_MAX_ROUTES; i++) r->routes[i].id = 0;
}

size_t sb_router_route_count(const sb_router *r) {
  size_t n = 0;
  for (size_t i = 0; r && i < SB_ROUTER_MAX_ROUTES; i++) n += r->routes[i].id != 0;
  return n;
}

int sb_router_set_method_timeout(sb_router *r, const char *method, sb_time_us timeout) {
  if (!r || !method || timeout < 0 || strlen(method) >= sizeof r->timeouts[0].method)
    return SB_ERR_ARG;
  sb_router_timeout_slot *free_slot = NULL;
  for (size_t i = 0; i < SB_ROUTER_MAX_METHOD_TIMEOUTS; i++) {
    sb_router_timeout_slot *t = &r->timeouts[i];
    if (t->used && strcmp(t->method, method) == 0) {
      if (timeout == 0)
        t->used = false;
      else
        t->timeout = timeout;
      return SB_OK;
    }
    if (!t->used && !free_slot) free_slot = t;
  }
  if (timeout == 0) return SB_OK;
  if (!free_slot) return SB_ERR_FULL;
  free_slot->used = true;
  snprintf(free_slot->method, sizeof free_slot->method, "%s", method);
  free_slot->timeout = timeout;
  return SB_OK;
}

sb_time_us sb_router_method_timeout(const sb_router *r, const char *method) {
  if (!r) return SB_ROUTER_DEFAULT_RPC_TIMEOUT;
  for (size_t i = 0; method && i < SB_ROUTER_MAX_METHOD_TIMEOUTS; i++)
    if (r->timeouts[i].used && strcmp(r->timeouts[i].method, method) == 0)
      return r->timeouts[i].timeout;
  return r->cfg.rpc_timeout;
}

/* The routes matching `subject` in dispatch order (RPC-RTR-001): exact
 * ones by registration, then prefixes by length (longest first) and
 * registration. Returns the count; `*mode` is the first one's mode. */
static uint32_t matching(const sb_router *r, const char *subject, size_t len, sb_router_entry *out,
                         sb_router_mode *mode) {
  const sb_router_route_slot *m[SB_ROUTER_MAX_ROUTES];
  uint32_t n = 0;
  for (size_t i = 0; i < SB_ROUTER_MAX_ROUTES; i++) {
    const sb_router_route_slot *s = &r->routes[i];
    if (!s->id) continue;
    bool hit = s->prefix ? len >= s->len && memcmp(subject, s->subject, s->len) == 0
                         : len == s->len && memcmp(subject, s->subject, len) == 0;
    if (hit) m[n++] = s;
  }
  /* Insertion sort: exact before prefix, longer prefix first, then older first. */
  for (uint32_t i = 1; i < n; i++) {
    const sb_router_route_slot *x = m[i];
    uint32_t j = i;
    while (j > 0) {
      const sb_router_route_slot *y = m[j - 1];
      bool before = x->prefix != y->prefix ? !x->prefix
                    : x->prefix && x->len != y->len ? x->len > y->len
                                                     : x->seq < y->seq;
      if (!before) break;
      m[j] = y;
      j--;
    }
    m[j] = x;
  }
  *mode = n ? m[0]->mode : SB_ROUTER_BROADCAST;
  for (uint32_t i = 0; i < n; i++) out[i] = (sb_router_entry){m[i]->id, m[i]->fn, m[i]->ctx};
  return n;
}

/* ---- the connection: sending ----------------------------------------------------- */

static void note(sb_router_conn *c, const char *what, int code, const char *text) {
  if (c->io.note) c->io.note(c->io.ctx, what, code, text);
}

static int send_frame(sb_router_conn *c, sb_sbp_frame *f) {
  int rc = sb_sbp_frame_id_generate(&c->rng, f->frame_id);
  size_t n = 0;
  if (rc == SB_OK) rc = sb_sbp_frame_encode(f, c->cfg.frame_buf, c->cfg.frame_cap, &n);
  if (rc == SB_OK) c->io.send(c->io.ctx, c->cfg.frame_buf, n);
  return rc;
}

typedef int (*encode_fn)(const void *arg, uint8_t *out, size_t cap, size_t *len);

/* A Message on `subject` whose data `encode` writes after the header, with
 * a fresh frameId (the data runs to the end of the frame). */
static int send_message_with(sb_router_conn *c, const char *subject, encode_fn encode,
                             const void *arg) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  int rc = sb_sbp_frame_id_generate(&c->rng, f.frame_id);
  if (rc != SB_OK) return rc;
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  size_t head = 0, data = 0;
  rc = sb_sbp_frame_encode(&f, c->cfg.frame_buf, c->cfg.frame_cap, &head);
  if (rc == SB_OK) rc = encode(arg, c->cfg.frame_buf + head, c->cfg.frame_cap - head, &data);
  if (rc == SB_OK) c->io.send(c->io.ctx, c->cfg.frame_buf, head + data);
  return rc;
}

typedef struct raw_data {
  const uint8_t *p;
  size_t n;
} raw_data;

static int encode_raw(const void *arg, uint8_t *out, size_t cap, size_t *len) {
  const raw_data *d = arg;
  if (d->n > cap) return SB_ERR_BUF;
  if (d->n) memcpy(out, d->p, d->n);
  *len = d->n;
  return SB_OK;
}

static int encode_env(const void *arg, uint8_t *out, size_t cap, size_t *len) {
  return sb_rpc_envelope_encode((const sb_rpc_envelope *)arg, out, cap, len);
}

typedef struct cid_arg {
  const uint8_t *cid;
  int reason;
} cid_arg;

static int encode_not_found(const void *arg, uint8_t *out, size_t cap, size_t *len) {
  return sb_rpc_channel_method_not_found_reply(((const cid_arg *)arg)->cid, NULL, out, cap, len);
}

static int encode_invalid(const void *arg, uint8_t *out, size_t cap, size_t *len) {
  const cid_arg *a = arg;
  return sb_rpc_channel_invalid_envelope_reply(a->cid, a->reason, out, cap, len);
}

/* An ErrorFrame with a fresh frameId (E-PEER-2). */
static void send_error_frame(sb_router_conn *c, unsigned code, const char *message) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_ERROR};
  f.error.code = (uint16_t)code;
  f.error.message = (const uint8_t *)message;
  f.error.message_len = strlen(message);
  int rc = send_frame(c, &f);
  if (rc != SB_OK) note(c, "frame_not_sent", rc, "ErrorFrame");
}

static void send_close_frame(sb_router_conn *c, const char *reason) {
  size_t n = 0;
  if (sb_peer_negotiator_close_frame(reason, &c->rng, c->cfg.frame_buf, c->cfg.frame_cap, &n) ==
      SB_OK)
    c->io.send(c->io.ctx, c->cfg.frame_buf, n);
}

/* ---- the connection: lifecycle ------------------------------------------------------ */

void sb_router_conn_config_defaults(sb_router_conn_config *cfg) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->negotiator.handshake_timeout = SB_PEER_NEGOTIATOR_DEFAULT_TIMEOUT;
  cfg->acks = SB_ROUTER_ACKS_NONE;
  cfg->max_frame = SB_ROUTER_DEFAULT_MAX_FRAME;
  cfg->max_error_details = SB_ROUTER_DEFAULT_MAX_ERROR_DETAILS;
}

int sb_router_conn_init(sb_router_conn *c, sb_router *r, const sb_router_conn_config *cfg,
                        const sb_router_conn_io *io, const sb_rng *rng) {
  if (!c || !r || !cfg || !io || !rng || !io->send || !io->close || !cfg->frame_buf ||
      cfg->frame_cap == 0 || cfg->throttle.window < 0 || cfg->acks > SB_ROUTER_ACKS_RECEIPT)
    return SB_ERR_ARG;
  memset(c, 0, sizeof *c);
  int rc = sb_peer_negotiator_init(&c->neg, &cfg->negotiator);
  if (rc != SB_OK) return rc;
  c->router = r;
  c->cfg = *cfg;
  c->io = *io;
  c->rng = *rng;
  c->state = SB_ROUTER_CONN_IDLE;
  return SB_OK;
}

static void dispatch_free(sb_router_dispatch *d) {
  free(d->payload);
  sb_rpc_envelope_free(&d->env);
  memset(d, 0, sizeof *d);
}

/* Every dispatch is abandoned (the connection is gone). */
static void drop_dispatches(sb_router_conn *c) {
  size_t n = 0;
  for (size_t i = 0; i < SB_ROUTER_MAX_DISPATCHES; i++) {
    if (c->dispatches[i].phase == SB_ROUTER_DISPATCH_FREE) continue;
    dispatch_free(&c->dispatches[i]);
    n++;
  }
  if (n) {
    snprintf(c->text, sizeof c->text, "%zu dispatch%s in progress abandoned", n, n == 1 ? "" : "es");
    note(c, "dispatch_abandoned", SB_ERR_STATE, c->text);
  }
}

void sb_router_conn_free(sb_router_conn *c) {
  if (!c) return;
  for (size_t i = 0; i < SB_ROUTER_MAX_DISPATCHES; i++) dispatch_free(&c->dispatches[i]);
  sb_peer_negotiator_reset(&c->neg);
}

int sb_router_conn_open(sb_router_conn *c, sb_time_us now) {
  if (!c) return SB_ERR_ARG;
  if (c->state != SB_ROUTER_CONN_IDLE) return SB_ERR_STATE;
  size_t n = 0;
  int rc = sb_peer_negotiator_start(&c->neg, now, SB_TIME_NEVER, &c->rng, c->cfg.frame_buf,
                                    c->cfg.frame_cap, &n);
  if (rc != SB_OK) return rc;
  c->state = SB_ROUTER_CONN_NEGOTIATING;
  c->io.send(c->io.ctx, c->cfg.frame_buf, n);
  return SB_OK;
}

/* We end the connection: the frames already sent, then io.close. */
static void finish(sb_router_conn *c, const char *reason) {
  c->state = SB_ROUTER_CONN_CLOSED;
  drop_dispatches(c);
  c->io.close(c->io.ctx, reason);
}

/* A policy or protocol fault that ends the connection: ErrorFrame, then
 * Control/Close, then the transport (SBP-ERR-007). */
static void fatal(sb_router_conn *c, int err, unsigned code, const char *message, const char *reason) {
  note(c, "connection_fault", err, message);
  send_error_frame(c, code, message);
  send_close_frame(c, reason);
  finish(c, reason);
}

void sb_router_conn_close(sb_router_conn *c, sb_time_us now, const char *reason) {
  (void)now;
  if (!c || c->state == SB_ROUTER_CONN_CLOSED || c->state == SB_ROUTER_CONN_IDLE) return;
  send_close_frame(c, reason);
  finish(c, reason ? reason : "close");
}

void sb_router_conn_closed(sb_router_conn *c, sb_time_us now, const char *why) {
  (void)now;
  if (!c || c->state == SB_ROUTER_CONN_CLOSED) return;
  c->state = SB_ROUTER_CONN_CLOSED;
  sb_peer_negotiator_reset(&c->neg);
  note(c, "transport_closed", 0, why ? why : "the transport ended");
  drop_dispatches(c);
}

static void negotiation_failed(sb_router_conn *c, int err) {
  note(c, "negotiation_failed", err, sb_err_str(err));
  size_t n = 0;
  while (sb_peer_negotiator_failure_frame(&c->neg, REASON_NEGOTIATION, &c->rng, c->cfg.frame_buf,
                                          c->cfg.frame_cap, &n) == SB_OK)
    c->io.send(c->io.ctx, c->cfg.frame_buf, n);
  finish(c, REASON_NEGOTIATION);
}

/* ---- throttling (SBP-ERR-013) ------------------------------------------------------- */

/* Count one more of `what`; true if that is over its limit (the connection
 * is then closed). */
static bool throttled(sb_router_conn *c, sb_time_us now, uint32_t *count, uint32_t limit,
                      const char *what) {
  const sb_router_throttle *t = &c->cfg.throttle;
  if (t->window <= 0) return false;
  if (now - c->window_start >= t->window || now < c->window_start) {
    c->window_start = now;
    c->n_errors = c->n_handshakes = c->n_pings = 0;
  }
  ++*count;
  if (limit == 0 || *count <= limit) return false;
  char message[96];
  snprintf(message, sizeof message, "Rate limit exceeded: %s", what);
  fatal(c, SB_ERR_ROUTER_THROTTLED, SB_SBP_CODE_PROTOCOL_VIOLATION, message, REASON_POLICY);
  return true;
}

/* ---- dispatch ----------------------------------------------------------------------------- */

static sb_router_dispatch *find_dispatch(sb_router_conn *c, uint32_t id) {
  for (size_t i = 0; id && i < SB_ROUTER_MAX_DISPATCHES; i++)
    if (c->dispatches[i].phase != SB_ROUTER_DISPATCH_FREE && c->dispatches[i].id == id)
      return &c->dispatches[i];
  return NULL;
}

static int rpc_error_reply(sb_router_conn *c, sb_router_dispatch *d, double code, const char *message,
                           const cJSON *data) {
  sb_rpc_envelope env = {.t = SB_RPC_ERROR, .cid_len = SB_RPC_CID_BYTES, .code = code,
                         .message = message ? message : "", .data = data};
  memcpy(env.cid, d->env.cid, SB_RPC_CID_BYTES);
  d->replied = true;
  d->deadline = SB_TIME_NEVER;
  return send_message_with(c, RPC_SUBJECT, encode_env, &env);
}

/* A handler threw (router.ts catch): on rpc, unless it replied already, the
 * mapper's RpcError (RPC-ERR-005); elsewhere logged, dispatch goes on
 * (RPC-RTR-003). */
static void handler_threw(sb_router_conn *c, sb_router_dispatch *d, uint32_t route, const char *error,
                          const sb_router_msg *msg) {
  snprintf(c->text, sizeof c->text, "route %u: %s", (unsigned)route, error ? error : "");
  note(c, "handler_error", SB_ERR_ROUTER_HANDLER_THREW, c->text);
  if (!d->is_rpc || d->replied) return;
  sb_router_rpc_error out = {SB_SBP_CODE_APPLICATION_ERROR, error ? error : "", NULL};
  if (c->router->cfg.mapper) c->router->cfg.mapper(c->router->cfg.mapper_ctx, error, msg, &out);
  int rc = rpc_error_reply(c, d, out.code, out.message, out.data);
  if (rc != SB_OK) note(c, "frame_not_sent", rc, "RpcError");
}

static void fill_msg(sb_router_conn *c, sb_router_dispatch *d, uint32_t order, sb_router_msg *m) {
  memset(m, 0, sizeof *m);
  const sb_sbp_handshake *hs = sb_peer_negotiator_remote(&c->neg);
  m->conn = c;
  m->dispatch = d->id;
  m->route = d->entries[order].route;
  m->order = order;
  m->subject = d->subject;
  m->payload = d->payload;
  m->payload_len = d->payload_len;
  m->frame_id = d->frame_id;
  m->peer_id = hs ? hs->peer_id : "";
  if (d->is_rpc) {
    m->has_rpc = true;
    m->method = d->env.m;
    m->params = d->env.p;
    memcpy(m->cid, d->env.cid, SB_RPC_CID_BYTES);
  }
}

/* Invoke the remaining handlers of `d`, one after another, until one is
 * pending; free it when none is left. */
static void run(sb_router_conn *c, sb_time_us now, sb_router_dispatch *d) {
  uint32_t id = d->id;
  while (d->next < d->count) {
    uint32_t order = d->next++;
    sb_router_msg msg;
    fill_msg(c, d, order, &msg);
    const char *error = NULL;
    sb_router_entry e = d->entries[order];
    sb_router_outcome out = e.fn(e.ctx, &msg, &error);
    /* The handler may have closed the connection. */
    if (c->state != SB_ROUTER_CONN_OPEN || find_dispatch(c, id) != d) return;
    if (out == SB_ROUTER_PENDING) {
      d->pending = true;
      if (d->is_rpc && !d->replied)
        d->deadline = now + sb_router_method_timeout(c->router, d->env.m);
      return;
    }
    if (out == SB_ROUTER_THREW) handler_threw(c, d, e.route, error, &msg);
  }
  dispatch_free(d);
}

/* A Message accepted for dispatch: Ack under "receipt" (before any handler,
 * SBP-ACK-004), then the matching routes. `env` (rpc) is taken over. */
static void dispatch_message(sb_router_conn *c, sb_time_us now, const sb_sbp_frame *f,
                             sb_rpc_inbound *in) {
  if (c->cfg.acks == SB_ROUTER_ACKS_RECEIPT) {
    sb_sbp_frame ack = {.kind = SB_SBP_KIND_ACK};
    memcpy(ack.ack.ack_frame_id, f->frame_id, SB_SBP_FRAME_ID_BYTES);
    int rc = send_frame(c, &ack);
    if (rc != SB_OK) note(c, "frame_not_sent", rc, "Ack");
  }
  sb_router_dispatch *d = NULL;
  for (size_t i = 0; i < SB_ROUTER_MAX_DISPATCHES && !d; i++)
    if (c->dispatches[i].phase == SB_ROUTER_DISPATCH_FREE) d = &c->dispatches[i];
  if (!d) {
    note(c, "dispatch_dropped", SB_ERR_FULL, "too many dispatches in progress");
    return;
  }
  memset(d, 0, sizeof *d);
  if (++c->next_dispatch == 0) ++c->next_dispatch;
  d->id = c->next_dispatch;
  d->phase = SB_ROUTER_DISPATCH_RUNNING;
  d->deadline = SB_TIME_NEVER;
  size_t slen = f->message.subject_len;
  memcpy(d->subject, f->message.subject, slen);
  d->subject[slen] = '\0';
  memcpy(d->frame_id, f->frame_id, SB_SBP_FRAME_ID_BYTES);
  d->payload = malloc(f->message.data_len ? f->message.data_len : 1);
  if (!d->payload) {
    dispatch_free(d);
    note(c, "dispatch_dropped", SB_ERR_NOMEM, "no memory for the payload");
    return;
  }
  if (f->message.data_len) memcpy(d->payload, f->message.data, f->message.data_len);
  d->payload_len = f->message.data_len;
  sb_router_mode mode;
  d->count = matching(c->router, d->subject, slen, d->entries, &mode);
  if (in->action == SB_RPC_ACTION_REQUEST) {
    d->is_rpc = true;
    d->env = in->env;
    memset(&in->env, 0, sizeof in->env);
    if (d->count == 0) {
      /* RPC-ERR-004: the Router's message, without the method. */
      cid_arg a = {d->env.cid, 0};
      int rc = send_message_with(c, RPC_SUBJECT, encode_not_found, &a);
      if (rc != SB_OK) note(c, "frame_not_sent", rc, "RpcError 1101");
      dispatch_free(d);
      return;
    }
  }
  if (mode == SB_ROUTER_EXCLUSIVE && d->count > 1) d->count = 1;
  if (d->count == 0) note(c, "no_route", 0, d->subject); /* dropped after classification */
  run(c, now, d);
}

/* The RPC request `dispatch` an application answers, if an answer may still
 * go out: the connection open, the request known, not answered yet (a late
 * answer is noted and dropped). */
static int answerable(sb_router_conn *c, uint32_t dispatch, sb_router_dispatch **out) {
  if (!c) return SB_ERR_ARG;
  if (c->state != SB_ROUTER_CONN_OPEN) {
    note(c, "late_reply_dropped", SB_ERR_STATE, "the connection is closed");
    return SB_ERR_STATE;
  }
  sb_router_dispatch *d = find_dispatch(c, dispatch);
  if (!d) return SB_ERR_NOT_FOUND;
  if (!d->is_rpc) return SB_ERR_ARG;
  if (d->replied) {
    note(c, "late_reply_dropped", SB_ERR_STATE, "the request was already answered");
    return SB_ERR_STATE;
  }
  *out = d;
  return SB_OK;
}

int sb_router_reply(sb_router_conn *c, sb_time_us now, uint32_t dispatch, const cJSON *result) {
  (void)now;
  sb_router_dispatch *d = NULL;
  int rc = answerable(c, dispatch, &d);
  if (rc != SB_OK) return rc;
  sb_rpc_envelope env = {.t = SB_RPC_SUCCESS, .cid_len = SB_RPC_CID_BYTES, .result = result};
  memcpy(env.cid, d->env.cid, SB_RPC_CID_BYTES);
  d->replied = true;
  d->deadline = SB_TIME_NEVER;
  return send_message_with(c, RPC_SUBJECT, encode_env, &env);
}

int sb_router_error(sb_router_conn *c, sb_time_us now, uint32_t dispatch, double code,
                    const char *message, const cJSON *data) {
  (void)now;
  sb_router_dispatch *d = NULL;
  int rc = answerable(c, dispatch, &d);
  if (rc != SB_OK) return rc;
  return rpc_error_reply(c, d, code, message, data);
}

int sb_router_send(sb_router_conn *c, const char *subject, const uint8_t *data, size_t len) {
  if (!c || !subject || (len && !data)) return SB_ERR_ARG;
  if (c->state != SB_ROUTER_CONN_OPEN) return SB_ERR_STATE;
  raw_data r = {data, len};
  return send_message_with(c, subject, encode_raw, &r);
}

int sb_router_handler_done(sb_router_conn *c, sb_time_us now, uint32_t dispatch, const char *error) {
  if (!c) return SB_ERR_ARG;
  sb_router_dispatch *d = find_dispatch(c, dispatch);
  if (!d || !d->pending) return SB_ERR_NOT_FOUND;
  d->pending = false;
  d->deadline = SB_TIME_NEVER;
  if (error) {
    sb_router_msg msg;
    fill_msg(c, d, d->next - 1, &msg);
    handler_threw(c, d, d->entries[d->next - 1].route, error, &msg);
  }
  run(c, now, d);
  return SB_OK;
}

/* ---- inbound frames ------------------------------------------------------------------------ */

size_t sb_router_escape_text(const uint8_t *text, size_t len, char *out, size_t cap) {
  if (!out || cap == 0) return 0;
  size_t o = 0;
  for (size_t i = 0; i < len && text; i++) {
    uint8_t b = text[i];
    if (b >= 0x20 && b < 0x7f && b != '\\') {
      if (o + 1 >= cap) break;
      out[o++] = (char)b;
    } else {
      if (o + 4 >= cap) break;
      snprintf(out + o, 5, "\\x%02x", b);
      o += 4;
    }
  }
  out[o] = '\0';
  return o;
}

/* An inbound ErrorFrame: capped and escaped (SBP-EFR-004); 1000/1001 end
 * the connection (SBP-ERR-001); others are connection-level faults. */
static void error_frame(sb_router_conn *c, sb_time_us now, const sb_sbp_frame *f) {
  if (throttled(c, now, &c->n_errors, c->cfg.throttle.errors, "errors")) return;
  char message[SB_ROUTER_ERROR_TEXT_MAX * 4 + 1];
  size_t mlen = f->error.message_len;
  sb_router_escape_text(f->error.message, mlen > SB_ROUTER_ERROR_TEXT_MAX ? SB_ROUTER_ERROR_TEXT_MAX : mlen,
                        message, sizeof message);
  size_t keep = f->error.details_len;
  if (c->cfg.max_error_details && keep > c->cfg.max_error_details) keep = c->cfg.max_error_details;
  sb_router_error_info e = {f->error.code, message, mlen, f->error.details, keep, f->error.details_len};
  snprintf(c->text, sizeof c->text, "ErrorFrame %u: %.300s (message %zu bytes; details %zu of %zu bytes kept)",
           (unsigned)f->error.code, message, mlen, keep, f->error.details_len);
  note(c, "error_frame", 0, c->text);
  if (c->io.error_frame) c->io.error_frame(c->io.ctx, &e);
  if (sb_sbp_errors_fatality(f->error.code) == SB_SBP_FATAL) {
    c->state = SB_ROUTER_CONN_CLOSED; /* close after logging, nothing more to say */
    drop_dispatches(c);
    c->io.close(c->io.ctx, REASON_REMOTE_FATAL);
  }
}

static void control_frame(sb_router_conn *c, sb_time_us now, const sb_sbp_frame *f) {
  if (f->control.op == SB_SBP_OP_PING && throttled(c, now, &c->n_pings, c->cfg.throttle.pings, "pings"))
    return;
  if (f->control.op == SB_SBP_OP_HANDSHAKE &&
      throttled(c, now, &c->n_handshakes, c->cfg.throttle.handshakes, "handshakes"))
    return;
  switch (sb_peer_negotiator_control(&c->neg, f)) {
    case SB_PEER_CONTROL_PONG: {
      size_t n = 0;
      int rc = sb_peer_negotiator_pong_frame(f, &c->rng, c->cfg.frame_buf, c->cfg.frame_cap, &n);
      if (rc == SB_OK)
        c->io.send(c->io.ctx, c->cfg.frame_buf, n);
      else
        note(c, "frame_not_sent", rc, "Pong");
      break;
    }
    case SB_PEER_CONTROL_CLOSE:
      note(c, "remote_close", 0, "Control/Close received");
      finish(c, REASON_REMOTE_CLOSE);
      break;
    case SB_PEER_CONTROL_IGNORE: note(c, "frame_ignored", 0, sb_sbp_op_name(f->control.op)); break;
  }
}

/* A frame that does not decode: its ErrorFrame (fresh id); reserved flag
 * bits also close (SBP-WIRE-005), the rest is recoverable (SBP-ERR-002). */
static void bad_frame(sb_router_conn *c, sb_time_us now, int err) {
  note(c, "frame_invalid", err, sb_err_str(err));
  if (throttled(c, now, &c->n_errors, c->cfg.throttle.errors, "errors")) return;
  uint8_t id[SB_SBP_FRAME_ID_BYTES] = {0};
  sb_sbp_frame f;
  if (sb_sbp_errors_frame(err, id, &f) == SB_OK) {
    char message[128];
    snprintf(message, sizeof message, "%.*s", (int)f.error.message_len, (const char *)f.error.message);
    send_error_frame(c, f.error.code, message);
  }
  if (err == SB_ERR_SBP_RESERVED_FLAGS) {
    send_close_frame(c, REASON_INVALID_FRAME);
    finish(c, REASON_INVALID_FRAME);
  }
}

static void message_frame(sb_router_conn *c, sb_time_us now, const sb_sbp_frame *f) {
  sb_rpc_inbound in;
  int rc = sb_rpc_channel_inbound((const char *)f->message.subject, f->message.subject_len,
                                  f->message.data, f->message.data_len,
                                  c->cfg.upstream_envelopes ? SB_RPC_PROFILE_ROUTER
                                                            : SB_RPC_PROFILE_DOCUMENTS,
                                  &in);
  if (rc != SB_OK) {
    note(c, "frame_dropped", rc, "inbound message not handled");
    return;
  }
  switch (in.action) {
    case SB_RPC_ACTION_APP:
    case SB_RPC_ACTION_REQUEST:
    case SB_RPC_ACTION_EVENT: dispatch_message(c, now, f, &in); break;
    case SB_RPC_ACTION_RESPONSE:
      if (c->io.response)
        c->io.response(c->io.ctx, &in.env, f->message.data, f->message.data_len);
      else
        note(c, "response_ignored", 0, "an R or E envelope belongs to the correlation layer");
      break;
    case SB_RPC_ACTION_DROP: note(c, "envelope_dropped", in.reason, sb_err_str(in.reason)); break;
    case SB_RPC_ACTION_REPLY_RPC_ERROR: {
      if (throttled(c, now, &c->n_errors, c->cfg.throttle.errors, "errors")) break;
      cid_arg a = {in.cid, in.reason};
      rc = send_message_with(c, RPC_SUBJECT, encode_invalid, &a);
      if (rc != SB_OK) note(c, "frame_not_sent", rc, "RpcError 1100");
      break;
    }
    case SB_RPC_ACTION_REPLY_ERROR_FRAME:
      note(c, "message_refused", in.reason, in.error_message);
      if (throttled(c, now, &c->n_errors, c->cfg.throttle.errors, "errors")) break;
      send_error_frame(c, in.error_code, in.error_message);
      break;
  }
  sb_rpc_channel_inbound_free(&in);
}

int sb_router_conn_recv(sb_router_conn *c, sb_time_us now, const uint8_t *frame, size_t len) {
  if (!c || (len && !frame)) return SB_ERR_ARG;
  if (c->state != SB_ROUTER_CONN_NEGOTIATING && c->state != SB_ROUTER_CONN_OPEN) {
    note(c, "frame_ignored", SB_ERR_STATE, sb_router_conn_state_name(c->state));
    return SB_OK;
  }
  if (c->cfg.max_frame && len > c->cfg.max_frame) {
    /* SBP-BEH-006: ProtocolViolation and close, before anything decodes it. */
    char message[96];
    snprintf(message, sizeof message, "Frame too large: %zu bytes (max %u)", len,
             (unsigned)c->cfg.max_frame);
    fatal(c, SB_ERR_ROUTER_FRAME_TOO_LARGE, SB_SBP_CODE_PROTOCOL_VIOLATION, message, REASON_POLICY);
    return SB_OK;
  }
  if (c->state == SB_ROUTER_CONN_NEGOTIATING) {
    int rc = sb_peer_negotiator_receive(&c->neg, frame, len);
    if (rc == SB_ERR_NOMEM) return rc;
    if (rc != SB_OK) {
      negotiation_failed(c, rc);
      return SB_OK;
    }
    c->state = SB_ROUTER_CONN_OPEN;
    c->window_start = now;
    return SB_OK;
  }
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(frame, len, &f);
  if (rc != SB_OK) {
    bad_frame(c, now, rc);
    return SB_OK;
  }
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL: control_frame(c, now, &f); break;
    case SB_SBP_KIND_MESSAGE: message_frame(c, now, &f); break;
    case SB_SBP_KIND_ACK: note(c, "ack_ignored", 0, "Acks are advisory (SBP-ACK-005)"); break;
    case SB_SBP_KIND_ERROR: error_frame(c, now, &f); break;
    default: break;
  }
  return SB_OK;
}

sb_time_us sb_router_conn_deadline(const sb_router_conn *c) {
  if (!c) return SB_TIME_NEVER;
  sb_time_us t = SB_TIME_NEVER;
  if (c->state == SB_ROUTER_CONN_NEGOTIATING) t = sb_peer_negotiator_deadline(&c->neg);
  if (c->state != SB_ROUTER_CONN_OPEN) return t;
  for (size_t i = 0; i < SB_ROUTER_MAX_DISPATCHES; i++) {
    const sb_router_dispatch *d = &c->dispatches[i];
    if (d->phase != SB_ROUTER_DISPATCH_FREE && d->deadline < t) t = d->deadline;
  }
  return t;
}

int sb_router_conn_timeout(sb_router_conn *c, sb_time_us now) {
  if (!c) return SB_ERR_ARG;
  if (c->state == SB_ROUTER_CONN_NEGOTIATING) {
    int rc = sb_peer_negotiator_expire(&c->neg, now);
    if (rc != SB_OK) negotiation_failed(c, rc);
    return SB_OK;
  }
  for (size_t i = 0; i < SB_ROUTER_MAX_DISPATCHES && c->state == SB_ROUTER_CONN_OPEN; i++) {
    sb_router_dispatch *d = &c->dispatches[i];
    if (d->phase == SB_ROUTER_DISPATCH_FREE || d->deadline > now) continue;
    /* RPC-ERR-003, SBP-ERR-010: an RpcError, never an ErrorFrame. The
     * handler still runs; whatever it answers later is dropped. */
    snprintf(c->text, sizeof c->text, "%s: no answer within its timeout", d->env.m ? d->env.m : "");
    note(c, "handler_timeout", SB_ERR_ROUTER_HANDLER_TIMEOUT, c->text);
    int rc = rpc_error_reply(c, d, SB_RPC_CODE_TIMEOUT, "Handler timeout", NULL);
    if (rc != SB_OK) note(c, "frame_not_sent", rc, "RpcError 1103");
  }
  return SB_OK;
}

sb_router_conn_state sb_router_conn_state_of(const sb_router_conn *c) {
  return c ? c->state : SB_ROUTER_CONN_CLOSED;
}

const char *sb_router_conn_state_name(sb_router_conn_state s) {
  switch (s) {
    case SB_ROUTER_CONN_IDLE: return "idle";
    case SB_ROUTER_CONN_NEGOTIATING: return "negotiating";
    case SB_ROUTER_CONN_OPEN: return "open";
    case SB_ROUTER_CONN_CLOSED: return "closed";
  }
  return NULL;
}

const char *sb_router_conn_remote_id(const sb_router_conn *c) {
  const sb_sbp_handshake *hs = c && c->state == SB_ROUTER_CONN_OPEN ? sb_peer_negotiator_remote(&c->neg) : NULL;
  return hs ? hs->peer_id : NULL;
}

size_t sb_router_conn_dispatches(const sb_router_conn *c) {
  size_t n = 0;
  for (size_t i = 0; c && i < SB_ROUTER_MAX_DISPATCHES; i++)
    n += c->dispatches[i].phase != SB_ROUTER_DISPATCH_FREE;
  return n;
}
