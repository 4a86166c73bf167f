/*
 * Router servers and SBP proxies on the world's clock (sim_router.h): the
 * sb_router_conn of each connection fed from the plain connections of
 * sim_peer.c, scripted route handlers, and the "handler" trace records.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "sim_internal.h"

#define SIM_ROUTER_FRAME_BUF (SB_ROUTER_DEFAULT_MAX_FRAME * 2u + 4096u)

typedef struct sim_rsrv sim_rsrv;

/* A route of the node: kept until the node is freed (a dispatch in
 * progress may still call it after an unsubscribe). */
typedef struct sim_rroute {
  sim_rsrv *srv;
  uint32_t id;
  sim_route_spec spec;
} sim_rroute;

typedef struct fwd {
  char *subject;
  uint8_t *data;
  size_t len;
} fwd;

/* One connection (a side of a proxy pair, or an accepted connection). */
typedef struct sim_rconn {
  sb_router_conn c;
  sim_rsrv *srv;
  sim_peer_inst *inst;
  uint32_t num; /* the connection's number in records */
  bool upstream; /* a proxy's connection to its target */
  uint8_t *buf;
  bool timer_armed;
  sb_time_us timer_at;
  uint64_t timer_gen;
  sb_xoshiro x;             /* the connection's rng (frameIds) */
  struct sim_rconn *other; /* proxy: the other side */
  fwd *q;                  /* proxy: waiting for the other side to open */
  size_t nq;
  bool initialised;
} sim_rconn;

/* A handler's work that finishes later (`delay`). */
typedef struct sim_rjob {
  sim_rconn *rc;
  uint32_t dispatch;
  const sim_route_spec *spec;
  sim_rroute *route;
  cJSON *params;
  char subject[SB_SBP_MAX_SUBJECT_BYTES + 1];
  bool has_rpc;
} sim_rjob;

struct sim_rsrv {
  sim_node *node;
  bool proxy;
  char peer_id[256];
  sim_router_opts opts;
  sb_router r;           /* a Router server's routes; a proxy's downstream routes */
  sb_router r_up;        /* a proxy's upstream routes */
  sim_rconn **conns;
  size_t nconns;
  sim_rroute **routes;
  size_t nroutes;
  sim_rjob **jobs;
  size_t njobs;
  size_t cursor[SIM_RC_CURSORS];
};

/* ---- records -------------------------------------------------------------------- */

static void rnote(sim_rconn *rc, const char *what, int code, const char *text) {
  sim_node *n = rc->srv->node;
  sim_rec r = {.kind = SIM_REC_NOTE, .node = n->index, .peer = -1, .machine = "router",
               .has_sid = true, .sid = rc->num, .what = (char *)what, .code = code, .text = (char *)text};
  sim_world_trace(n->w, &r);
}

static void trace_handler(sim_rconn *rc, const char *what, const sim_rroute *rt, const char *subject,
                          const char *text, int code, const cJSON *value) {
  sim_node *n = rc->srv->node;
  char *json = value ? cJSON_PrintUnformatted(value) : NULL;
  sim_rec r = {.kind = SIM_REC_PEER, .node = n->index, .peer = -1, .what = (char *)what,
               .name = (char *)subject, .tag = (char *)rt->spec.label, .code = code,
               .text = (char *)text, .json = json, .has_num = true, .num = rc->num};
  sim_world_trace(n->w, &r);
  cJSON_free(json);
}

/* ---- specs ------------------------------------------------------------------------- */

void sim_route_spec_free(sim_route_spec *s) {
  if (!s) return;
  cJSON_Delete(s->result);
  cJSON_Delete(s->data);
  free(s->message);
  free(s->send_subject);
  free(s->send_data);
  for (size_t k = 0; k < s->nmethods; k++) {
    free(s->methods[k].name);
    sim_route_spec_free(s->methods[k].spec);
    free(s->methods[k].spec);
  }
  free(s->methods);
  memset(s, 0, sizeof *s);
}

void sim_router_opts_default(sim_router_opts *o) {
  memset(o, 0, sizeof *o);
  o->acks = SB_ROUTER_ACKS_NONE;
}

/* ---- connections --------------------------------------------------------------------- */

static void conn_after(sim_rconn *rc);

static void timer_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_rconn *rc = obj;
  if (!rc->timer_armed || gen != rc->timer_gen) return;
  rc->timer_armed = false;
  int rc2 = sb_router_conn_timeout(&rc->c, w->now);
  if (rc2) sim_world_internal(w, "%s: router timeout: %s", rc->srv->node->name, sb_err_name(rc2));
  conn_after(rc);
}

static void flush_forwards(sim_rconn *rc);

/* After every call into a connection: its timer, and a proxy side that
 * just opened sends what waited for it. */
static void conn_after(sim_rconn *rc) {
  sim_world *w = rc->srv->node->w;
  sb_time_us d = sb_router_conn_deadline(&rc->c);
  if (d == SB_TIME_NEVER) {
    if (rc->timer_armed) rc->timer_gen++;
    rc->timer_armed = false;
  } else if (!rc->timer_armed || d != rc->timer_at) {
    rc->timer_gen++;
    rc->timer_armed = true;
    rc->timer_at = d;
    sim_sched_push(&w->sched, d > w->now ? d : w->now, timer_fire, rc, rc->timer_gen);
  }
  if (rc->srv->proxy && rc->nq && sb_router_conn_state_of(&rc->c) == SB_ROUTER_CONN_OPEN) flush_forwards(rc);
}

static void io_send(void *ctx, const uint8_t *frame, size_t len) {
  sim_rconn *rc = ctx;
  if (sim_peer_send_raw(rc->inst, frame, len) != 0) rnote(rc, "frame_not_sent", SB_ERR_STATE, "the connection is closed");
}

static void close_other(sim_rconn *rc, const char *why);

static void io_close(void *ctx, const char *reason) {
  sim_rconn *rc = ctx;
  /* SBP-ERR-012: 1002 for protocol faults, 1000 otherwise. */
  bool fault = reason && (!strcmp(reason, "policy_violation") || !strcmp(reason, "invalid_frame") ||
                          !strcmp(reason, "negotiation_failed"));
  (void)sim_peer_inst_close(rc->inst, fault ? 1002 : 1000);
  close_other(rc, reason);
}

static void io_note(void *ctx, const char *what, int code, const char *text) { rnote(ctx, what, code, text); }

static void forward(sim_rconn *to, const char *subject, const uint8_t *data, size_t len);

/* R and E envelopes: a proxy forwards them as they came; a server has no calls. */
static void io_response(void *ctx, const sb_rpc_envelope *env, const uint8_t *data, size_t len) {
  sim_rconn *rc = ctx;
  (void)env;
  if (rc->srv->proxy && rc->other) {
    forward(rc->other, "rpc", data, len);
    return;
  }
  rnote(rc, "response_ignored", 0, "an R or E envelope, and this server makes no calls");
}

static sim_rconn *conn_new(sim_rsrv *srv, sim_peer_inst *inst, uint32_t num, bool upstream) {
  sim_rconn *rc = calloc(1, sizeof *rc);
  if (!rc) abort();
  rc->srv = srv;
  rc->inst = inst;
  rc->num = num;
  rc->upstream = upstream;
  rc->buf = malloc(SIM_ROUTER_FRAME_BUF);
  if (!rc->buf) abort();
  srv->conns = realloc(srv->conns, (srv->nconns + 1) * sizeof *srv->conns);
  if (!srv->conns) abort();
  srv->conns[srv->nconns++] = rc;
  sb_router_conn_config cfg;
  sb_router_conn_config_defaults(&cfg);
  const sim_router_opts *o = &srv->opts;
  cfg.negotiator.peer_id = srv->peer_id;
  if (o->handshake_timeout > 0) cfg.negotiator.handshake_timeout = o->handshake_timeout;
  cfg.negotiator.upstream_silent_failure = o->upstream_silent_failure;
  cfg.negotiator.upstream_ignore_control = o->upstream_ignore_control;
  cfg.acks = o->acks;
  if (o->has_max_frame) cfg.max_frame = o->max_frame;
  if (o->has_max_error_details) cfg.max_error_details = o->max_error_details;
  cfg.throttle = o->throttle;
  cfg.upstream_envelopes = o->upstream_envelopes;
  cfg.frame_buf = rc->buf;
  cfg.frame_cap = SIM_ROUTER_FRAME_BUF;
  sb_router_conn_io io = {rc, io_send, io_close, io_note, io_response, NULL};
  sim_world *w = srv->node->w;
  char stream[SIM_NAME_MAX + 48];
  snprintf(stream, sizeof stream, "%s/router/%s%u", srv->node->name, upstream ? "up" : "", (unsigned)num);
  sim_stream_init(&rc->x, w->cfg.seed, stream);
  sb_rng rng = sb_xoshiro_rng(&rc->x);
  int r = sb_router_conn_init(&rc->c, upstream ? &srv->r_up : &srv->r, &cfg, &io, &rng);
  if (r) sim_world_internal(w, "%s: sb_router_conn_init: %s", srv->node->name, sb_err_name(r));
  rc->initialised = r == 0;
  return rc;
}

static sim_rconn *conn_of(sim_rsrv *srv, const sim_peer_inst *i) {
  for (size_t k = 0; k < srv->nconns; k++)
    if (srv->conns[k]->inst == i) return srv->conns[k];
  return NULL;
}

static void conn_open(sim_rconn *rc) {
  sim_world *w = rc->srv->node->w;
  int r = sb_router_conn_open(&rc->c, w->now);
  if (r) sim_world_internal(w, "%s: router open: %s", rc->srv->node->name, sb_err_name(r));
  conn_after(rc);
}

/* ---- the proxy's forwarding ---------------------------------------------------------- */

static void forward(sim_rconn *to, const char *subject, const uint8_t *data, size_t len) {
  sb_router_conn_state st = sb_router_conn_state_of(&to->c);
  if (st == SB_ROUTER_CONN_OPEN) {
    int r = sb_router_send(&to->c, subject, data, len);
    if (r) rnote(to, "forward_failed", r, subject);
    conn_after(to);
    return;
  }
  if (st == SB_ROUTER_CONN_CLOSED) {
    rnote(to, "forward_dropped", SB_ERR_STATE, "the other side is closed");
    return;
  }
  to->q = realloc(to->q, (to->nq + 1) * sizeof *to->q);
  if (!to->q) abort();
  fwd *f = &to->q[to->nq++];
  f->subject = strdup(subject);
  f->data = malloc(len ? len : 1);
  if (!f->subject || !f->data) abort();
  if (len) memcpy(f->data, data, len);
  f->len = len;
}

static void flush_forwards(sim_rconn *rc) {
  fwd *q = rc->q;
  size_t n = rc->nq;
  rc->q = NULL;
  rc->nq = 0;
  for (size_t k = 0; k < n; k++) {
    int r = sb_router_send(&rc->c, q[k].subject, q[k].data, q[k].len);
    if (r) rnote(rc, "forward_failed", r, q[k].subject);
    free(q[k].subject);
    free(q[k].data);
  }
  free(q);
}

static void close_other(sim_rconn *rc, const char *why) {
  sim_rconn *o = rc->other;
  if (!o) return;
  rc->other = NULL;
  o->other = NULL;
  sim_world *w = rc->srv->node->w;
  sb_router_conn_state st = sb_router_conn_state_of(&o->c);
  if (st == SB_ROUTER_CONN_OPEN || st == SB_ROUTER_CONN_NEGOTIATING) {
    rnote(o, "proxy_close", 0, why ? why : "the other side ended");
    sb_router_conn_close(&o->c, w->now, "proxy_peer_closed");
  } else if (st == SB_ROUTER_CONN_IDLE) {
    (void)sim_peer_inst_close(o->inst, 1000);
  }
}

static sb_router_outcome forward_fn(void *ctx, const sb_router_msg *m, const char **error) {
  (void)ctx;
  (void)error;
  sim_rconn *rc = m->conn->io.ctx;
  if (rc->other) forward(rc->other, m->subject, m->payload, m->payload_len);
  return SB_ROUTER_DONE; /* the far side answers requests, never the proxy */
}

/* ---- scripted handlers ------------------------------------------------------------------ */

static const sim_route_spec *spec_for(const sim_rroute *rt, const sb_router_msg *m) {
  const sim_route_spec *s = &rt->spec;
  if (!m->has_rpc || !s->nmethods) return s;
  for (size_t k = 0; k < s->nmethods; k++)
    if (!strcmp(s->methods[k].name, m->method)) return s->methods[k].spec;
  return NULL;
}

/* The handler's action on its dispatch: true if it threw. */
static bool act(sim_rconn *rc, uint32_t dispatch, const sim_route_spec *s, bool has_rpc,
                const cJSON *params) {
  sim_world *w = rc->srv->node->w;
  int r = 0;
  switch (s->kind) {
    case SIM_ROUTE_THROW: return true;
    case SIM_ROUTE_SILENT:
    case SIM_ROUTE_HANG: return false;
    case SIM_ROUTE_RESULT:
      if (has_rpc) r = sb_router_reply(&rc->c, w->now, dispatch, s->result);
      break;
    case SIM_ROUTE_ECHO:
      if (has_rpc) r = sb_router_reply(&rc->c, w->now, dispatch, params);
      break;
    case SIM_ROUTE_RPC_ERROR:
      if (has_rpc)
        r = sb_router_error(&rc->c, w->now, dispatch, s->code, s->message ? s->message : "", s->data);
      break;
  }
  if (r && r != SB_ERR_STATE) rnote(rc, "reply_refused", r, sb_err_str(r));
  return false;
}

static void job_fire(sim_world *w, void *obj, uint64_t unused) {
  (void)unused;
  sim_rjob *j = obj;
  sim_rconn *rc = j->rc;
  bool threw = act(rc, j->dispatch, j->spec, j->has_rpc, j->params);
  trace_handler(rc, "handler_done", j->route, j->subject, threw ? j->spec->message : NULL,
                threw ? SB_ERR_ROUTER_HANDLER_THREW : 0, NULL);
  if (sb_router_conn_state_of(&rc->c) == SB_ROUTER_CONN_OPEN) {
    int r = sb_router_handler_done(&rc->c, w->now, j->dispatch, threw ? (j->spec->message ? j->spec->message : "") : NULL);
    if (r && r != SB_ERR_NOT_FOUND) sim_world_internal(w, "%s: handler_done: %s", rc->srv->node->name, sb_err_name(r));
  }
  cJSON_Delete(j->params);
  j->params = NULL;
  conn_after(rc);
}

static sb_router_outcome route_fn(void *ctx, const sb_router_msg *m, const char **error) {
  sim_rroute *rt = ctx;
  sim_rconn *rc = m->conn->io.ctx;
  sim_world *w = rc->srv->node->w;
  cJSON *v = cJSON_CreateObject();
  cJSON_AddNumberToObject(v, "route", m->route);
  cJSON_AddNumberToObject(v, "order", m->order);
  char hex[33];
  sb_sbp_frame_id_to_hex(m->frame_id, hex);
  cJSON_AddStringToObject(v, "frame", hex);
  if (m->has_rpc) {
    cJSON *o = cJSON_AddObjectToObject(v, "rpc");
    cJSON_AddStringToObject(o, "method", m->method);
    sb_sbp_frame_id_to_hex(m->cid, hex);
    cJSON_AddStringToObject(o, "cid", hex);
    if (m->params) cJSON_AddItemToObject(o, "params", cJSON_Duplicate(m->params, 1));
  }
  trace_handler(rc, "handler", rt, m->subject, m->has_rpc ? m->method : NULL, 0, v);
  cJSON_Delete(v);
  const sim_route_spec *s = spec_for(rt, m);
  if (!s) {
    /* An rpc dispatch handler with no entry for the method. */
    char text[320];
    snprintf(text, sizeof text, "Method not found: %.255s", m->method);
    int r = sb_router_error(m->conn, w->now, m->dispatch, 1101, text, NULL);
    if (r) rnote(rc, "reply_refused", r, sb_err_str(r));
    trace_handler(rc, "handler_done", rt, m->subject, NULL, 0, NULL);
    return SB_ROUTER_DONE;
  }
  if (s->send_subject) {
    int r = sb_router_send(m->conn, s->send_subject, s->send_data, s->send_len);
    if (r) rnote(rc, "send_refused", r, s->send_subject);
  }
  if (s->kind == SIM_ROUTE_HANG) return SB_ROUTER_PENDING;
  if (s->delay > 0) {
    sim_rsrv *srv = rc->srv;
    sim_rjob *j = calloc(1, sizeof *j);
    if (!j) abort();
    j->rc = rc;
    j->dispatch = m->dispatch;
    j->spec = s;
    j->route = rt;
    j->has_rpc = m->has_rpc;
    j->params = m->params ? cJSON_Duplicate(m->params, 1) : NULL;
    snprintf(j->subject, sizeof j->subject, "%s", m->subject);
    srv->jobs = realloc(srv->jobs, (srv->njobs + 1) * sizeof *srv->jobs);
    if (!srv->jobs) abort();
    srv->jobs[srv->njobs++] = j;
    sim_sched_push(&w->sched, w->now + s->delay, job_fire, j, 0);
    return SB_ROUTER_PENDING;
  }
  bool threw = act(rc, m->dispatch, s, m->has_rpc, m->params);
  trace_handler(rc, "handler_done", rt, m->subject, threw ? s->message : NULL,
                threw ? SB_ERR_ROUTER_HANDLER_THREW : 0, NULL);
  if (threw) {
    *error = s->message ? s->message : "";
    return SB_ROUTER_THREW;
  }
  return SB_ROUTER_DONE;
}

/* ---- the driver ---------------------------------------------------------------------- */

static void drv_opened(void *ctx, sim_peer_inst *i) {
  sim_rsrv *srv = ctx;
  uint32_t idx = sim_peer_inst_index(i);
  if (idx) { /* an accepted connection */
    sim_rconn *rc = conn_new(srv, i, idx, false);
    if (srv->proxy) {
      sim_peer_inst *up = sim_peer_driven_connect(srv->node, idx);
      if (up) {
        sim_rconn *u = conn_new(srv, up, idx, true);
        rc->other = u;
        u->other = rc;
      }
    }
    if (rc->initialised) conn_open(rc);
    return;
  }
  sim_rconn *u = conn_of(srv, i); /* a proxy's upstream connection is open */
  if (u && u->initialised) conn_open(u);
}

static void drv_received(void *ctx, sim_peer_inst *i, const uint8_t *bytes, size_t len) {
  sim_rsrv *srv = ctx;
  sim_rconn *rc = conn_of(srv, i);
  if (!rc || !rc->initialised) return;
  sim_world *w = srv->node->w;
  int r = sb_router_conn_recv(&rc->c, w->now, bytes, len);
  if (r) sim_world_internal(w, "%s: router recv: %s", srv->node->name, sb_err_name(r));
  conn_after(rc);
}

static void drv_ended(void *ctx, sim_peer_inst *i, int code, const char *why) {
  sim_rsrv *srv = ctx;
  sim_rconn *rc = conn_of(srv, i);
  if (!rc || !rc->initialised) return;
  sim_world *w = srv->node->w;
  char text[96];
  snprintf(text, sizeof text, "%s (%d)", why ? why : "closed", code);
  sb_router_conn_closed(&rc->c, w->now, text);
  conn_after(rc);
  close_other(rc, text);
}

static void drv_free(void *ctx) {
  sim_rsrv *srv = ctx;
  for (size_t k = 0; k < srv->nconns; k++) {
    sim_rconn *rc = srv->conns[k];
    if (rc->initialised) sb_router_conn_free(&rc->c);
    for (size_t j = 0; j < rc->nq; j++) {
      free(rc->q[j].subject);
      free(rc->q[j].data);
    }
    free(rc->q);
    free(rc->buf);
    free(rc);
  }
  free(srv->conns);
  for (size_t k = 0; k < srv->nroutes; k++) {
    sim_route_spec_free(&srv->routes[k]->spec);
    free(srv->routes[k]);
  }
  free(srv->routes);
  for (size_t k = 0; k < srv->njobs; k++) {
    cJSON_Delete(srv->jobs[k]->params);
    free(srv->jobs[k]);
  }
  free(srv->jobs);
  free(srv);
}

static sim_rsrv *srv_of(const sim_node *n) {
  return n && n->kind == SIM_PEER && sim_peer_is_server(n) ? sim_peer_driver_ctx(n) : NULL;
}

static sim_rsrv *srv_new(sim_node *n, const sim_router_opts *o, bool proxy, const char *peer_id) {
  sim_rsrv *srv = calloc(1, sizeof *srv);
  if (!srv) abort();
  srv->node = n;
  srv->proxy = proxy;
  srv->opts = *o;
  srv->opts.peer_id = NULL; /* copied below */
  snprintf(srv->peer_id, sizeof srv->peer_id, "%s", peer_id ? peer_id : n->name);
  sb_router_config rc = {o->rpc_timeout, NULL, NULL};
  int r = sb_router_init(&srv->r, &rc);
  if (r == 0) r = sb_router_init(&srv->r_up, &rc);
  for (size_t k = 0; r == 0 && k < o->nmethod_timeouts; k++)
    r = sb_router_set_method_timeout(&srv->r, o->method_timeouts[k].method, o->method_timeouts[k].timeout);
  if (r) {
    snprintf(n->w->err, sizeof n->w->err, "%s: the router refused its configuration: %s", n->name, sb_err_name(r));
    free(srv);
    return NULL;
  }
  sim_peer_driver d = {srv, drv_opened, drv_received, drv_ended, drv_free};
  sim_peer_set_driver(n, &d);
  return srv;
}

int sim_router_attach(sim_node *n, const sim_router_opts *o) {
  if (!n || n->kind != SIM_PEER || !sim_peer_is_server(n) || !sim_peer_is_raw(n) || sim_peer_driver_ctx(n)) {
    if (n) snprintf(n->w->err, sizeof n->w->err, "a Router server is a plain peer server with no machine");
    return SB_ERR_ARG;
  }
  return srv_new(n, o, false, o->peer_id) ? 0 : SB_ERR_ARG;
}

sim_node *sim_world_add_proxy(sim_world *w, const char *name, const char *peer_id, sim_node *target) {
  if (!target || target->kind != SIM_PEER || !sim_peer_is_server(target)) {
    snprintf(w->err, sizeof w->err, "a proxy forwards to a plain peer server (server = ...)");
    return NULL;
  }
  sim_peer_opts po;
  sim_peer_opts_default(&po);
  po.name = name;
  po.server = true;
  po.raw = true;
  po.target = target;
  sim_node *n = sim_world_add_peer(w, &po);
  if (!n) return NULL;
  sim_router_opts o;
  sim_router_opts_default(&o);
  sim_rsrv *srv = srv_new(n, &o, true, peer_id);
  if (!srv) return NULL;
  /* Both sides forward every Message kind to the other (SBP-BEH-009). */
  uint32_t id;
  static const char *const exact[] = {"rpc", "event"};
  sb_router *rs[] = {&srv->r, &srv->r_up};
  for (int k = 0; k < 2; k++) {
    for (int j = 0; j < 2; j++)
      if (sb_router_route(rs[k], exact[j], 0, forward_fn, NULL, &id)) sim_world_internal(w, "proxy routes");
    if (sb_router_route_prefix(rs[k], "app/", 0, forward_fn, NULL, &id)) sim_world_internal(w, "proxy routes");
  }
  return n;
}

bool sim_router_is_router(const sim_node *n) {
  const sim_rsrv *s = srv_of(n);
  return s && !s->proxy;
}

bool sim_router_is_proxy(const sim_node *n) {
  const sim_rsrv *s = srv_of(n);
  return s && s->proxy;
}

size_t *sim_router_cursor(sim_node *n, int which) { return &srv_of(n)->cursor[which]; }

int sim_router_route(sim_node *n, const char *subject, bool prefix, sb_router_mode mode, sim_route_spec *spec,
                     uint32_t *id) {
  sim_rsrv *srv = srv_of(n);
  if (!srv || srv->proxy) {
    sim_route_spec_free(spec);
    snprintf(n->w->err, sizeof n->w->err, "%s is not a Router server", n->name);
    return SB_ERR_ARG;
  }
  sim_rroute *rt = calloc(1, sizeof *rt);
  if (!rt) abort();
  rt->srv = srv;
  rt->spec = *spec;
  memset(spec, 0, sizeof *spec);
  int r = prefix ? sb_router_route_prefix(&srv->r, subject, mode, route_fn, rt, id)
                 : sb_router_route(&srv->r, subject, mode, route_fn, rt, id);
  if (r) {
    snprintf(n->w->err, sizeof n->w->err, "%s: %s('%.64s') refused: %s (%s)", n->name,
             prefix ? "route_prefix" : "route", subject, sb_err_name(r), sb_err_str(r));
    sim_route_spec_free(&rt->spec);
    free(rt);
    return r;
  }
  rt->id = *id;
  if (!rt->spec.label[0]) snprintf(rt->spec.label, sizeof rt->spec.label, "r%u", (unsigned)*id);
  srv->routes = realloc(srv->routes, (srv->nroutes + 1) * sizeof *srv->routes);
  if (!srv->routes) abort();
  srv->routes[srv->nroutes++] = rt;
  return 0;
}

void sim_router_unsubscribe(sim_node *n, uint32_t id) {
  sim_rsrv *srv = srv_of(n);
  if (srv) sb_router_unsubscribe(&srv->r, id);
}

void sim_router_unroute(sim_node *n, const char *subject) {
  sim_rsrv *srv = srv_of(n);
  if (srv) sb_router_unroute(&srv->r, subject);
}

void sim_router_clear(sim_node *n) {
  sim_rsrv *srv = srv_of(n);
  if (srv) sb_router_clear(&srv->r);
}
