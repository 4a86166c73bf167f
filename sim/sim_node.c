/*
 * Nodes of the world (world.h): the relay, daemons and clients wrap the
 * reference machines of ref/sbrp; this file is their driver. It turns link
 * events into machine calls, machine callbacks (sbrp/machine.h) into link
 * traffic and trace records, keeps each machine's deadline armed, fetches
 * tokens from the control plane, reconnects with backoff, and models
 * crashes (volatile state lost, the daemon's disk kept).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "sbrp/control.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "sim_internal.h"
#include "sim_peer.h"

/* ---- helpers -------------------------------------------------------------------- */

static void node_trace(sim_node *n, sim_rec *r) {
  r->node = n->index;
  if (!r->peer) r->peer = -1;
  sim_world_trace(n->w, r);
}

void sim_node_note(sim_node *n, const char *what, int err, const char *text) {
  sim_rec r = {.kind = SIM_REC_NOTE, .peer = -1, .machine = "driver", .what = (char *)what,
               .code = err, .text = (char *)text};
  node_trace(n, &r);
}

static void trace_timer(sim_node *n, const char *what) {
  sim_rec r = {.kind = SIM_REC_TIMER, .peer = -1, .what = (char *)what};
  node_trace(n, &r);
}

static void trace_fault(sim_node *n, const char *what, const char *detail) {
  sim_rec r = {.kind = SIM_REC_FAULT, .peer = -1, .conn = n->link ? n->link->id : 0,
               .what = (char *)what, .text = (char *)detail};
  node_trace(n, &r);
}

/* A reference call that cannot fail in a correct run did: an internal error. */
static void check(sim_node *n, int rc, const char *call) {
  if (rc == 0) return;
  sim_world_internal(n->w, "%s: %s failed: %s", n->name, call, sb_err_name(rc));
}

/* A machine refused something the driver asked for: a note (not fatal). */
static void refused(sim_node *n, int rc, const char *call) {
  if (rc == 0) return;
  char text[160];
  snprintf(text, sizeof text, "%s refused", call);
  sim_node_note(n, "driver_refused", rc, text);
}

static sim_link *link_by_conn(sim_node *n, sb_sbrp_conn conn) {
  return conn > 0 ? sim_world_link(n->w, (uint32_t)conn) : NULL;
}

/* ---- machine callbacks (sbrp/machine.h) -------------------------------------------- */

/* The layer invariant (sim_peer.h) keys each Data plaintext by its sequence
 * number: that of the Data frame a client or daemon machine just sealed, and
 * of the one being handed to its machine (one thread, no reentry). */
static bool g_sent_data, g_recv_data;
static uint64_t g_sent_seq, g_recv_seq;

static bool data_seq(const uint8_t *frame, size_t len, uint64_t *seq) {
  if (len < 1 || frame[0] != SB_SBRP_DATA) return false;
  sim_frame_info fi;
  sim_frame_describe(frame, len, &fi);
  *seq = fi.seq;
  return fi.has_seq;
}

static void io_send(void *ctx, sb_sbrp_conn conn, const uint8_t *frame, size_t len) {
  sim_node *n = ctx;
  sim_link *l = link_by_conn(n, conn);
  if (!l || (n->kind != SIM_RELAY && l->node != n)) {
    sim_node_note(n, "send_unknown_conn", 0, "frame sent on a connection that does not exist");
    return;
  }
  if (n->kind != SIM_RELAY && data_seq(frame, len, &g_sent_seq)) g_sent_data = true;
  sim_link_send(l, n->kind == SIM_RELAY ? SIM_DOWN : SIM_UP, frame, len, false);
}

static void io_open(void *ctx, const char *token) {
  sim_node *n = ctx;
  n->link = sim_link_open(n, token);
  n->link->bearer = n->bearer_next;
  n->bearer_next = false;
  n->opening = true;
}

static void io_close(void *ctx, sb_sbrp_conn conn, uint16_t code) {
  sim_node *n = ctx;
  sim_link *l = link_by_conn(n, conn);
  if (!l) {
    sim_node_note(n, "close_unknown_conn", 0, "close of a connection that does not exist");
    return;
  }
  sim_link_close(l, n->kind == SIM_RELAY ? 1 : 0, code);
}

static void io_deliver(void *ctx, uint64_t sid, const uint8_t *data, size_t len) {
  sim_node *n = ctx;
  sim_rec r = {.kind = SIM_REC_DELIVER, .peer = -1, .has_sid = true, .sid = sid,
               .bytes = (uint8_t *)data, .len = len};
  node_trace(n, &r);
  if (g_recv_data) sim_invariant_delivered(n, sid, g_recv_seq, data, len);
  if (n->app.deliver) n->app.deliver(n->app.ctx, n, sid, data, len);
}

static void io_transition(void *ctx, const sb_sbrp_transition *t) {
  sim_node *n = ctx;
  sim_rec r = {.kind = SIM_REC_TRANSITION, .peer = -1, .machine = (char *)t->machine,
               .has_sid = t->session_id != 0, .sid = t->session_id, .from = (char *)t->from,
               .to = (char *)t->to, .event = (char *)t->event, .row = (char *)t->row};
  node_trace(n, &r);
  if (n->app.transition) n->app.transition(n->app.ctx, n, t);
}

static void io_note(void *ctx, const sb_sbrp_note *nt) {
  sim_node *n = ctx;
  sim_rec r = {.kind = SIM_REC_NOTE, .peer = -1, .machine = (char *)nt->machine,
               .has_sid = nt->session_id != 0, .sid = nt->session_id, .what = (char *)nt->what,
               .code = nt->code, .text = (char *)nt->text};
  node_trace(n, &r);
}

static void io_keys(void *ctx, uint64_t sid, const uint8_t c2d[32], const uint8_t d2c[32]) {
  sim_node *n = ctx;
  sim_world *w = n->w;
  sim_rec r = {.kind = SIM_REC_KEYS, .peer = -1, .has_sid = true, .sid = sid};
  node_trace(n, &r);
  if (!w->keylog) return;
  for (size_t i = 0; i < w->nkeyed; i++)
    if (w->keyed[i] == sid) return; /* each session once, whichever end derived first */
  if (w->nkeyed == w->keyed_cap) {
    w->keyed_cap = w->keyed_cap ? 2 * w->keyed_cap : 16;
    w->keyed = sim_xrealloc(w->keyed, w->keyed_cap * sizeof *w->keyed);
  }
  w->keyed[w->nkeyed++] = sid;
  sb_sbrp_session_keys k;
  memcpy(k.c2d, c2d, 32);
  memcpy(k.d2c, d2c, 32);
  sim_keylog_add_session(w->keylog, sid, &k);
}

static size_t io_queued(void *ctx, sb_sbrp_conn conn) {
  sim_node *n = ctx;
  sim_link *l = link_by_conn(n, conn);
  return l ? sim_link_queued(l, SIM_DOWN) : 0;
}

static void store_record(void *ctx, uint64_t sid, const uint8_t *record, size_t len) {
  sim_node *n = ctx;
  sim_record **disk = &n->u.daemon.disk;
  size_t *nd = &n->u.daemon.ndisk, i = 0;
  while (i < *nd && (*disk)[i].session_id < sid) i++; /* kept sorted by SessionID */
  bool found = i < *nd && (*disk)[i].session_id == sid;
  if (len == 0) {
    if (!found) return;
    free((*disk)[i].bytes);
    memmove(&(*disk)[i], &(*disk)[i + 1], (*nd - i - 1) * sizeof **disk);
    (*nd)--;
    return;
  }
  if (!found) {
    *disk = sim_xrealloc(*disk, (*nd + 1) * sizeof **disk);
    memmove(&(*disk)[i + 1], &(*disk)[i], (*nd - i) * sizeof **disk);
    (*nd)++;
    (*disk)[i].session_id = sid;
    (*disk)[i].bytes = NULL;
  }
  free((*disk)[i].bytes);
  (*disk)[i].bytes = memcpy(sim_xmalloc(len), record, len);
  (*disk)[i].len = len;
}

/* ---- nodes ----------------------------------------------------------------------------- */

static sim_node *node_new(sim_world *w, sim_node_kind kind, const char *name, const char *base) {
  if (w->nnodes == SIM_MAX_NODES) {
    snprintf(w->err, sizeof w->err, "too many nodes (at most %d)", SIM_MAX_NODES);
    return NULL;
  }
  char auto_name[SIM_NAME_MAX];
  if (!name) {
    int k = 1;
    for (;; k++) {
      if (k == 1)
        snprintf(auto_name, sizeof auto_name, "%s", base);
      else
        snprintf(auto_name, sizeof auto_name, "%s%d", base, k);
      if (!sim_world_node(w, auto_name)) break;
    }
    name = auto_name;
  }
  if (!*name || strlen(name) >= SIM_NAME_MAX) {
    snprintf(w->err, sizeof w->err, "node name '%s' is empty or longer than %d characters", name,
             SIM_NAME_MAX - 1);
    return NULL;
  }
  if (sim_world_node(w, name)) {
    snprintf(w->err, sizeof w->err, "a node called '%s' already exists", name);
    return NULL;
  }
  sim_node *n = calloc(1, sizeof *n);
  if (!n) {
    snprintf(w->err, sizeof w->err, "out of memory");
    return NULL;
  }
  n->w = w;
  n->kind = kind;
  n->index = w->nnodes;
  n->addr = (unsigned)n->index; /* 10.83.0.<index>: the relay is usually .1 */
  snprintf(n->name, sizeof n->name, "%s", name);
  char stream[SIM_NAME_MAX + 32];
  snprintf(stream, sizeof stream, "%s/keys", n->name);
  sim_stream_init(&n->rng_keys, w->cfg.seed, stream);
  snprintf(stream, sizeof stream, "%s/jitter", n->name);
  sim_stream_init(&n->rng_jitter, w->cfg.seed, stream);
  snprintf(stream, sizeof stream, "%s/mask", n->name);
  sim_stream_init(&n->rng_mask, w->cfg.seed, stream);
  snprintf(stream, sizeof stream, "control/tokens/%s", n->name);
  sim_stream_init(&n->rng_tokens, w->cfg.seed, stream);
  n->keys = sb_xoshiro_rng(&n->rng_keys);
  n->jitter = sb_xoshiro_rng(&n->rng_jitter);
  n->mask = sb_xoshiro_rng(&n->rng_mask);
  n->io = (sb_sbrp_io){.ctx = n,
                       .send = io_send,
                       .open = io_open,
                       .close = io_close,
                       .deliver = io_deliver,
                       .transition = io_transition,
                       .note = io_note,
                       .keys = io_keys,
                       .queued = io_queued};
  return n;
}

static void node_add(sim_world *w, sim_node *n) {
  w->nodes[w->nnodes++] = n;
  sim_trace_set_name(&w->trace, n->index, n->name);
}

sim_node *sim_world_add_node(sim_world *w, sim_node_kind kind, const char *name, const char *base) {
  sim_node *n = node_new(w, kind, name, base);
  if (n) node_add(w, n);
  return n;
}

void sim_node_free(sim_node *n) {
  if (!n) return;
  sim_peer_node_free(n);
  sim_wire_free_all(n);
  if (n->kind == SIM_RELAY) free(n->u.relay.mem);
  if (n->kind == SIM_DAEMON) {
    for (size_t i = 0; i < n->u.daemon.ndisk; i++) free(n->u.daemon.disk[i].bytes);
    free(n->u.daemon.disk);
  }
  if (n->kind == SIM_CLIENT) free(n->u.client.token);
  free(n);
}

void sim_node_set_app(sim_node *n, const sim_app *app) {
  if (app)
    n->app = *app;
  else
    memset(&n->app, 0, sizeof n->app);
}

void sim_node_set_hooks(sim_node *n, const sim_node_hooks *h) {
  if (h)
    n->hooks = *h;
  else
    memset(&n->hooks, 0, sizeof n->hooks);
}

void sim_relay_opts_default(sim_relay_opts *o) {
  memset(o, 0, sizeof *o);
  o->skew_s = -1;
}

void sim_daemon_opts_default(sim_daemon_opts *o) {
  memset(o, 0, sizeof *o);
  o->connect = true;
  o->auto_reconnect = true;
  o->backoff = SB_PEER_RETRY_POLICY_SIDECAR;
}

void sim_client_opts_default(sim_client_opts *o) {
  memset(o, 0, sizeof *o);
  o->trust = SB_SBRP_TRUST_AUTO;
  o->accept_first = true;
  o->auto_reconnect = true;
  o->backoff = SB_PEER_RETRY_POLICY_DEFAULT;
  o->backoff.mode = SB_PEER_RETRY_ON_ERROR;
}

/* The relay's JWKS fetch (AUTH-030): the control plane's current JWKS. */
static int relay_jwks_fetch(void *ctx, sb_time_us now, sb_auth_jwk *keys, size_t cap, size_t *n) {
  (void)now;
  sim_control_jwks(&((sim_world *)ctx)->control, keys, cap, n);
  return 0;
}

sim_node *sim_world_add_relay(sim_world *w, const sim_relay_opts *o) {
  if (w->relay) {
    snprintf(w->err, sizeof w->err, "a world has one relay (there is already '%s')", w->relay->name);
    return NULL;
  }
  sim_node *n = node_new(w, SIM_RELAY, NULL, "relay");
  if (!n) return NULL;
  n->u.relay.opts = *o;
  sb_sbrp_relay_config cfg;
  sb_sbrp_relay_config_init(&cfg, SIM_CONTROL_ISSUER);
  sim_control_jwks(&w->control, cfg.keys, SB_SBRP_RELAY_MAX_KEYS, &cfg.nkeys);
  cfg.jwks_fetch = relay_jwks_fetch; /* cached, refetched by age and for unknown kids */
  cfg.jwks_ctx = w;
  cfg.jwks_max_age = o->jwks_max_age;
  cfg.epoch_s = w->cfg.epoch_s;
  if (o->skew_s >= 0) cfg.skew_s = o->skew_s;
  cfg.region = o->region;
  cfg.grace = o->grace;
  cfg.rate_limit = o->rate_limit;
  cfg.rate_window = o->rate_window;
  cfg.backpressure_bytes = o->backpressure_bytes;
  cfg.idle_timeout = o->idle_timeout;
  cfg.max_sessions_per_daemon = o->max_sessions;
  n->u.relay.mem = calloc(1, sb_sbrp_relay_size());
  int rc = n->u.relay.mem ? sb_sbrp_relay_init(n->u.relay.mem, &cfg, &n->io, &n->keys, &n->u.relay.m)
                          : SB_ERR_NOMEM;
  if (rc != 0) {
    snprintf(w->err, sizeof w->err, "the relay refused its configuration: %s", sb_err_name(rc));
    sim_node_free(n);
    return NULL;
  }
  node_add(w, n);
  w->relay = n;
  return n;
}

/* ---- tokens ------------------------------------------------------------------------------ */

/* Ask the control plane for the node's next token (into `out`). */
static int fetch_token(sim_node *n, char *out, size_t cap) {
  sim_world *w = n->w;
  sim_token_opts t = n->next_token;
  memset(&n->next_token, 0, sizeof n->next_token);
  n->bearer_next = t.bearer;
  sb_rng tokens = sb_xoshiro_rng(&n->rng_tokens);
  uint8_t jti_bytes[8];
  char jti[17];
  int rc = sb_rng_bytes(&tokens, jti_bytes, sizeof jti_bytes);
  if (rc == 0) rc = sb_hex_encode(jti_bytes, sizeof jti_bytes, jti, sizeof jti);
  char sub[SIM_NAME_MAX + 8];
  snprintf(sub, sizeof sub, "u_%s", n->name);
  sim_token_request req = {.jti = jti, .fault = t.fault, .now = w->now};
  if (n->kind == SIM_CLIENT) {
    req.role = SB_AUTH_ROLE_CLIENT;
    req.did = n->u.client.daemon_id;
    req.sub = sub;
    req.sid = t.sid;
    while (rc == 0 && !t.has_sid && req.sid == 0) req.sid = sb_xoshiro_next(&n->rng_tokens);
  } else {
    req.role = SB_AUTH_ROLE_DAEMON;
    req.did = n->u.daemon.id;
    /* A session token instead (fault other_role) needs a sid and a user. */
    if (t.fault && !strcmp(t.fault, "other_role")) {
      req.sub = sub;
      while (rc == 0 && req.sid == 0) req.sid = sb_xoshiro_next(&n->rng_tokens);
    }
    req.resumable = n->u.daemon.opts.resumable;
  }
  size_t len = 0;
  if (rc == 0) rc = sim_control_mint(&w->control, &req, out, cap, &len);
  if (rc != 0) {
    sim_world_internal(w, "%s: the control plane could not mint a token: %s", n->name, sb_err_name(rc));
    if (cap) out[0] = '\0';
    return rc;
  }
  if (n->kind == SIM_CLIENT) { /* kept for scenarios (client.token) */
    char *copy = malloc(len + 1);
    if (copy) {
      memcpy(copy, out, len);
      copy[len] = '\0';
      free(n->u.client.token);
      n->u.client.token = copy;
    }
  }
  sim_rec r = {.kind = SIM_REC_TOKEN, .peer = -1,
               .what = n->kind == SIM_CLIENT ? "session" : "presence",
               .has_sid = req.sid != 0, .sid = req.sid, .text = (char *)t.fault};
  node_trace(n, &r);
  return 0;
}

/* The layer above fetches the token of this attempt (hooks.fetch_token);
 * sim_node_open_token or sim_node_token_failed answer later. */
static int start_fetch(sim_node *n) {
  n->fetching = true;
  n->hooks.fetch_token(n->hooks.ctx, n);
  return 0;
}

int sim_world_rotate_key(sim_world *w, bool retire_old) {
  const char *kid = NULL;
  int rc = sim_control_rotate(&w->control, retire_old, &kid);
  if (rc != 0) {
    snprintf(w->err, sizeof w->err, "the control plane cannot rotate its key again: %s", sb_err_name(rc));
    return rc;
  }
  size_t n = 0;
  sb_auth_jwk keys[SIM_CONTROL_MAX_KEYS];
  sim_control_jwks(&w->control, keys, SIM_CONTROL_MAX_KEYS, &n);
  char text[160];
  snprintf(text, sizeof text, "tokens are signed with kid %s from now on; the JWKS has %zu key(s)%s",
           kid, n, retire_old ? " (older keys retired)" : "");
  sim_node_note(w->nodes[0], "key_rotated", 0, text);
  return 0;
}

/* ---- daemons and clients ------------------------------------------------------------------ */

static sb_sbrp_daemon *D(sim_node *n) { return &n->u.daemon.m; }
static sb_sbrp_client *C(sim_node *n) { return &n->u.client.m; }

static int daemon_init_machine(sim_node *n) {
  sb_sbrp_daemon_config cfg = {0};
  const sim_daemon_opts *o = &n->u.daemon.opts;
  cfg.daemon_id = (const uint8_t *)n->u.daemon.id;
  cfg.daemon_id_len = strlen(n->u.daemon.id);
  memcpy(cfg.identity_seed, n->u.daemon.identity_seed, 32);
  cfg.resumable = o->resumable;
  cfg.persist_state = o->persist;
  cfg.grace = o->grace;
  cfg.accept_delay = o->accept_delay;
  cfg.handshake_timeout = o->handshake_timeout;
  cfg.replay_window = o->replay_window;
  int rc = sb_sbrp_daemon_init(D(n), &cfg, &n->io, &n->keys);
  if (rc == 0) sb_sbrp_daemon_set_store(D(n), store_record, n);
  return rc;
}

/* Connect a daemon now with a fresh presence token, whatever connecting means in its state. */
static int daemon_connect_now(sim_node *n) {
  char token[SIM_CONTROL_TOKEN_MAX];
  sim_world *w = n->w;
  int rc = 0;
  if (sb_sbrp_daemon_state_of(D(n)) == SB_SBRP_DAEMON_IDLE) rc = sb_sbrp_daemon_register(D(n), w->now);
  if (rc == 0 && n->hooks.fetch_token) return start_fetch(n);
  if (rc == 0) rc = fetch_token(n, token, sizeof token);
  if (rc == 0) {
    if (sb_sbrp_daemon_state_of(D(n)) == SB_SBRP_DAEMON_RECONNECTING)
      rc = sb_sbrp_daemon_reconnect(D(n), w->now, token);
    else
      rc = sb_sbrp_daemon_connect(D(n), w->now, token);
  }
  return rc;
}

sim_node *sim_world_add_daemon(sim_world *w, const sim_daemon_opts *o) {
  if (!w->relay) {
    snprintf(w->err, sizeof w->err, "create the relay first (world:relay{})");
    return NULL;
  }
  sim_node *n = node_new(w, SIM_DAEMON, o->name, "daemon");
  if (!n) return NULL;
  const char *id = o->id ? o->id : n->name;
  if (!*id || strlen(id) >= sizeof n->u.daemon.id) {
    snprintf(w->err, sizeof w->err, "daemon id '%s' is empty or too long", id);
    sim_node_free(n);
    return NULL;
  }
  if (sim_control_identity(&w->control, id)) {
    snprintf(w->err, sizeof w->err, "daemon id '%s' is already taken", id);
    sim_node_free(n);
    return NULL;
  }
  n->u.daemon.opts = *o;
  n->u.daemon.opts.name = NULL;
  n->u.daemon.opts.id = NULL;
  snprintf(n->u.daemon.id, sizeof n->u.daemon.id, "%s", id);
  n->auto_reconnect = o->auto_reconnect;
  n->backoff = o->backoff;
  n->backoff.mode = SB_PEER_RETRY_ON_ERROR;
  char stream[SIM_NAME_MAX + 16];
  snprintf(stream, sizeof stream, "%s/identity", n->name);
  sb_xoshiro x;
  sim_stream_init(&x, w->cfg.seed, stream);
  sb_rng rng = sb_xoshiro_rng(&x);
  sb_sbrp_identity ident;
  int rc = sb_rng_bytes(&rng, n->u.daemon.identity_seed, 32);
  if (rc == 0) rc = sb_sbrp_handshake_identity_from_seed(n->u.daemon.identity_seed, &ident);
  if (rc == 0) rc = daemon_init_machine(n);
  if (rc == 0) rc = sim_control_register(&w->control, id, ident.pub);
  if (rc != 0) {
    snprintf(w->err, sizeof w->err, "daemon '%s' could not be set up: %s", n->name, sb_err_name(rc));
    sim_node_free(n);
    return NULL;
  }
  node_add(w, n);
  if (o->connect) {
    rc = daemon_connect_now(n);
    check(n, rc, "connect");
    sim_node_after(n);
  }
  return n;
}

static int client_init_machine(sim_node *n) {
  const sim_client_opts *o = &n->u.client.opts;
  sb_sbrp_client_config cfg = {0};
  cfg.daemon_id = (const uint8_t *)n->u.client.daemon_id;
  cfg.daemon_id_len = strlen(n->u.client.daemon_id);
  cfg.trust = o->trust;
  cfg.prompt_accept_first = o->accept_first;
  cfg.prompt_accept_change = o->accept_change;
  cfg.handshake_timeout = o->handshake_timeout;
  cfg.replay_window = o->replay_window;
  cfg.strict_direction = o->strict_direction;
  int rc = sb_sbrp_client_init(C(n), &cfg, &n->io, &n->keys);
  if (rc == 0 && n->u.client.has_pin) sb_sbrp_client_set_pin(C(n), n->u.client.pin);
  return rc;
}

sim_node *sim_world_add_client(sim_world *w, const sim_client_opts *o) {
  if (!w->relay) {
    snprintf(w->err, sizeof w->err, "create the relay first (world:relay{})");
    return NULL;
  }
  if (!o->daemon_id || !*o->daemon_id || strlen(o->daemon_id) >= 256) {
    snprintf(w->err, sizeof w->err, "a client needs the ID of the daemon it connects to");
    return NULL;
  }
  sim_node *n = node_new(w, SIM_CLIENT, o->name, "client");
  if (!n) return NULL;
  n->u.client.opts = *o;
  n->u.client.opts.name = NULL;
  n->u.client.opts.daemon_id = NULL;
  snprintf(n->u.client.daemon_id, sizeof n->u.client.daemon_id, "%s", o->daemon_id);
  n->auto_reconnect = o->auto_reconnect;
  n->backoff = o->backoff;
  n->backoff.mode = SB_PEER_RETRY_ON_ERROR;
  if (o->pin == SIM_PIN_DAEMON) {
    const uint8_t *pub = sim_control_identity(&w->control, o->daemon_id);
    if (!pub) {
      snprintf(w->err, sizeof w->err,
               "pin = \"daemon\": the control plane knows no daemon '%s' (create it first)",
               o->daemon_id);
      sim_node_free(n);
      return NULL;
    }
    memcpy(n->u.client.pin, pub, 32);
    n->u.client.has_pin = true;
  } else if (o->pin == SIM_PIN_WRONG) {
    char stream[SIM_NAME_MAX + 16];
    snprintf(stream, sizeof stream, "%s/wrong-pin", n->name);
    sb_xoshiro x;
    sim_stream_init(&x, w->cfg.seed, stream);
    sb_rng rng = sb_xoshiro_rng(&x);
    sb_sbrp_identity other;
    if (sb_sbrp_handshake_identity_generate(&rng, &other) == 0) {
      memcpy(n->u.client.pin, other.pub, 32);
      n->u.client.has_pin = true;
    }
  }
  int rc = client_init_machine(n);
  if (rc != 0) {
    snprintf(w->err, sizeof w->err, "client '%s' could not be set up: %s", n->name, sb_err_name(rc));
    sim_node_free(n);
    return NULL;
  }
  node_add(w, n);
  return n;
}

sim_node *sim_world_add_pair(sim_world *w) {
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  sim_daemon_opts dopt;
  sim_daemon_opts_default(&dopt);
  dopt.name = "d";
  sim_client_opts copt;
  sim_client_opts_default(&copt);
  copt.name = "c";
  copt.daemon_id = "d";
  if (!sim_world_add_relay(w, &ro) || !sim_world_add_daemon(w, &dopt)) return NULL;
  sim_world_run_to(w, SB_TIME_MS(100));
  sim_node *cl = sim_world_add_client(w, &copt);
  if (!cl || sim_node_connect(cl, NULL) != 0) return NULL;
  sim_world_run_to(w, SB_TIME_MS(300));
  return cl;
}

/* ---- deadlines, reconnects, keepalive ---------------------------------------------------------- */

static sb_time_us node_deadline(sim_node *n) {
  switch (n->kind) {
    case SIM_RELAY:
      return sb_sbrp_relay_deadline(n->u.relay.m);
    case SIM_DAEMON:
      return sb_sbrp_daemon_deadline(D(n));
    case SIM_CLIENT:
      return sb_sbrp_client_deadline(C(n));
    case SIM_CONTROL:
    case SIM_PEER: /* its timers are sim_peer.c's */
      break;
  }
  return SB_TIME_NEVER;
}

static void timer_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_node *n = obj;
  if (n->down || !n->timer_armed || gen != n->timer_gen) return;
  n->timer_armed = false;
  trace_timer(n, "deadline");
  int rc = 0;
  switch (n->kind) {
    case SIM_RELAY:
      rc = sb_sbrp_relay_timeout(n->u.relay.m, w->now);
      break;
    case SIM_DAEMON:
      rc = sb_sbrp_daemon_timeout(D(n), w->now);
      break;
    case SIM_CLIENT:
      rc = sb_sbrp_client_timeout(C(n), w->now);
      break;
    case SIM_CONTROL:
    case SIM_PEER:
      break;
  }
  check(n, rc, "timeout");
  sim_node_after(n);
}

static void rearm(sim_node *n) {
  sb_time_us d = n->down ? SB_TIME_NEVER : node_deadline(n);
  if (d == SB_TIME_NEVER) {
    if (n->timer_armed) n->timer_gen++;
    n->timer_armed = false;
    return;
  }
  if (n->timer_armed && d == n->timer_at) return;
  n->timer_gen++;
  n->timer_armed = true;
  n->timer_at = d;
  sim_sched_push(&n->w->sched, d > n->w->now ? d : n->w->now, timer_fire, n, n->timer_gen);
}

static void do_reconnect(sim_node *n);

static void reconnect_fire(sim_world *w, void *obj, uint64_t gen) {
  (void)w;
  sim_node *n = obj;
  if (n->down || !n->reconnect_pending || gen != n->reconnect_gen) return;
  n->reconnect_pending = false;
  trace_timer(n, "backoff");
  do_reconnect(n);
}

static bool reconnecting(sim_node *n) {
  if (n->kind == SIM_CLIENT) return sb_sbrp_client_state_of(C(n)) == SB_SBRP_CLIENT_RECONNECTING;
  if (n->kind == SIM_DAEMON) return sb_sbrp_daemon_state_of(D(n)) == SB_SBRP_DAEMON_RECONNECTING;
  return false;
}

static bool connected(sim_node *n) {
  if (n->kind == SIM_CLIENT) return sb_sbrp_client_state_of(C(n)) == SB_SBRP_CLIENT_ACTIVE;
  if (n->kind == SIM_DAEMON) return sb_sbrp_daemon_state_of(D(n)) == SB_SBRP_DAEMON_CONNECTED;
  return false;
}

/* Plan the next attempt with the node's backoff (peer/backoff.h, jitter from its stream). */
static void plan_reconnect(sim_node *n) {
  if (!sb_peer_backoff_may_retry(&n->backoff, n->attempt)) {
    char text[96];
    snprintf(text, sizeof text, "no retry left after %u attempts", n->attempt);
    sim_node_note(n, "reconnect_gave_up", 0, text);
    if (n->kind == SIM_CLIENT) refused(n, sb_sbrp_client_close(C(n), n->w->now), "close");
    return;
  }
  double r = 0;
  uint64_t ms = 0;
  int rc = sb_peer_backoff_draw(&n->jitter, &r);
  if (rc == 0) rc = sb_peer_backoff_delay(&n->backoff, n->attempt, r, &ms);
  if (rc != 0) {
    check(n, rc, "backoff");
    return;
  }
  n->attempt++;
  n->reconnect_pending = true;
  n->reconnect_gen++;
  sim_sched_push(&n->w->sched, n->w->now + (sb_time_us)ms * 1000, reconnect_fire, n,
                 n->reconnect_gen);
}

static void ping_fire(sim_world *w, void *obj, uint64_t gen) {
  sim_node *n = obj;
  if (n->down || !n->u.daemon.ping_armed || gen != n->u.daemon.ping_gen) return;
  n->u.daemon.ping_armed = false;
  if (!connected(n) || !n->link || n->link->closed[0]) {
    sim_node_after(n);
    return;
  }
  trace_timer(n, "keepalive");
  uint8_t payload[8], frame[32];
  size_t len = 0;
  sb_store_u64be(payload, ++n->u.daemon.pings);
  if (sb_sbrp_ping_encode(SB_SBRP_PING, payload, sizeof payload, frame, sizeof frame, &len) == 0)
    sim_link_send(n->link, SIM_UP, frame, len, false);
  (void)w;
  sim_node_after(n);
}

void sim_node_after(sim_node *n) {
  if (n->kind == SIM_CONTROL) return;
  rearm(n);
  if (n->down || n->kind == SIM_RELAY) return;
  if (connected(n)) n->attempt = 0;
  if (n->kind == SIM_CLIENT) {
    uint8_t pin[32];
    if (sb_sbrp_client_get_pin(C(n), pin)) { /* the pin store outlives the process */
      memcpy(n->u.client.pin, pin, 32);
      n->u.client.has_pin = true;
    }
  }
  if (reconnecting(n) && n->auto_reconnect && !n->reconnect_pending && !n->opening && !n->fetching)
    plan_reconnect(n);
  if (n->kind == SIM_DAEMON && n->u.daemon.opts.ping_interval > 0 && connected(n) &&
      !n->u.daemon.ping_armed) {
    n->u.daemon.ping_armed = true;
    sim_sched_push(&n->w->sched, n->w->now + n->u.daemon.opts.ping_interval, ping_fire, n,
                   n->u.daemon.ping_gen);
  }
  if (n->hooks.after) n->hooks.after(n->hooks.ctx, n);
}

/* ---- what links hand to the machines --------------------------------------------------------- */

int sim_node_upgrade(sim_link *l, const char *token) {
  sim_node *r = l->relay;
  sim_world *w = r->w;
  int status = 0;
  /* How the token came (the driver's part: the relay machine takes it either way, AUTH-020/021). */
  sim_node_note(r, "token_presented", 0,
                l->bearer ? "in the Authorization: Bearer header (AUTH-021)"
                          : "in the query parameter token (AUTH-020)");
  /* One fixed endpoint (AUTH-023), or one per role (relay option endpoints = "split"). */
  sb_auth_role endpoint = !r->u.relay.opts.split_endpoints ? SB_AUTH_ROLE_NONE
                          : l->node->kind == SIM_CLIENT    ? SB_AUTH_ROLE_CLIENT
                                                           : SB_AUTH_ROLE_DAEMON;
  int rc = sb_sbrp_relay_upgrade_at(r->u.relay.m, w->now, (sb_sbrp_conn)l->id, endpoint, token,
                                    &status);
  sim_rec rec = {.kind = SIM_REC_LINK, .peer = l->node->index, .conn = l->id, .what = "upgrade",
                 .code = status, .text = rc ? (char *)sb_err_name(rc) : NULL};
  node_trace(r, &rec);
  if (status == 0) {
    check(r, rc ? rc : SB_ERR_STATE, "upgrade");
    status = 503;
  }
  sim_node_after(r);
  return status;
}

static bool is_current(sim_node *n, sim_link *l) {
  sb_sbrp_conn c = n->kind == SIM_CLIENT ? sb_sbrp_client_connection(C(n))
                                         : sb_sbrp_daemon_connection(D(n));
  return c == (sb_sbrp_conn)l->id;
}

void sim_node_response(sim_link *l, int status) {
  sim_node *n = l->node;
  sim_world *w = n->w;
  if (n->down || n->link != l || !n->opening) return; /* an attempt the node forgot (restart) */
  n->opening = false;
  int rc;
  if (status == 101) {
    rc = n->kind == SIM_CLIENT ? sb_sbrp_client_ws_open(C(n), w->now, (sb_sbrp_conn)l->id)
                               : sb_sbrp_daemon_ws_open(D(n), w->now, (sb_sbrp_conn)l->id);
    refused(n, rc, "ws_open");
  } else {
    rc = n->kind == SIM_CLIENT ? sb_sbrp_client_ws_error(C(n), w->now)
                               : sb_sbrp_daemon_ws_close(D(n), w->now);
    refused(n, rc, n->kind == SIM_CLIENT ? "ws_error" : "ws_close");
  }
  sim_node_after(n);
}

/* One frame from the relay into the client's or daemon's machine. */
static void machine_recv(sim_node *n, const uint8_t *bytes, size_t len) {
  sim_world *w = n->w;
  g_recv_data = data_seq(bytes, len, &g_recv_seq);
  int rc = n->kind == SIM_CLIENT ? sb_sbrp_client_recv(C(n), w->now, bytes, len)
                                 : sb_sbrp_daemon_recv(D(n), w->now, bytes, len);
  g_recv_data = false;
  refused(n, rc, "recv");
  if (n->app.frame) n->app.frame(n->app.ctx, n, bytes, len);
  sim_node_after(n);
}

void sim_node_data(sim_link *l, int dir, const uint8_t *bytes, size_t len) {
  sim_world *w = l->node->w;
  if (dir == SIM_UP) {
    sim_node *r = l->relay;
    refused(r, sb_sbrp_relay_recv(r->u.relay.m, w->now, (sb_sbrp_conn)l->id, bytes, len), "recv");
    sim_node_after(r);
    return;
  }
  sim_node *n = l->node;
  if (n->down) return;
  if (!is_current(n, l)) {
    sim_node_note(n, "frame_on_old_connection", 0,
                  "a frame arrived on a connection the machine already left: dropped");
    return;
  }
  if (n->hooks.frame_in && n->hooks.frame_in(n->hooks.ctx, n, bytes, len)) {
    sim_node_after(n); /* taking it may have ended a session (sim_cloud.h) */
    return;
  }
  machine_recv(n, bytes, len);
}

void sim_node_hand_frame(sim_node *n, const uint8_t *bytes, size_t len) {
  if (n->down) return;
  machine_recv(n, bytes, len);
}

void sim_node_link_ended(sim_link *l, int side) {
  sim_world *w = l->node->w;
  if (side == 1) {
    sim_node *r = l->relay;
    int rc = sb_sbrp_relay_ws_close(r->u.relay.m, w->now, (sb_sbrp_conn)l->id);
    if (rc != SB_ERR_NOT_FOUND) refused(r, rc, "ws_close");
    sim_node_after(r);
    return;
  }
  sim_node *n = l->node;
  if (n->down) return;
  int rc = 0;
  const char *call = "ws_close";
  if (n->opening && n->link == l) { /* the attempt failed before its answer */
    n->opening = false;
    if (n->kind == SIM_CLIENT) {
      rc = sb_sbrp_client_ws_error(C(n), w->now);
      call = "ws_error";
    } else {
      rc = sb_sbrp_daemon_ws_close(D(n), w->now);
    }
  } else if (is_current(n, l)) {
    rc = n->kind == SIM_CLIENT ? sb_sbrp_client_ws_close(C(n), w->now)
                               : sb_sbrp_daemon_ws_close(D(n), w->now);
  } else {
    return; /* the machine already left this connection (relay.h, client.h) */
  }
  refused(n, rc, call);
  sim_node_after(n);
}

/* ---- actions ------------------------------------------------------------------------------------ */

/* Preconditions of an action, with w->err set when they fail: the right
 * kind of node (SB_ERR_ARG), a node able to do it now (SB_ERR_STATE). */
static int fail_with(sim_node *n, int err, const char *what) {
  snprintf(n->w->err, sizeof n->w->err, "%s: %s", n->name, what);
  return err;
}

static int need_kind(sim_node *n, bool ok, const char *what) {
  return ok ? 0 : fail_with(n, SB_ERR_ARG, what);
}

static int want(sim_node *n, bool ok, const char *what) {
  return ok ? 0 : fail_with(n, SB_ERR_STATE, what);
}

static int machine_result(sim_node *n, int rc, const char *call) {
  if (rc != 0)
    snprintf(n->w->err, sizeof n->w->err, "%s: %s refused in state %s: %s", n->name, call,
             sim_node_state(n), sb_err_name(rc));
  return rc;
}

const char *sim_node_state(const sim_node *n) {
  if (n->down) return "Down";
  switch (n->kind) {
    case SIM_CONTROL:
      return "Ready";
    case SIM_RELAY:
      return "Running";
    case SIM_DAEMON:
      return sb_sbrp_daemon_state_name(sb_sbrp_daemon_state_of(&n->u.daemon.m));
    case SIM_CLIENT:
      return sb_sbrp_client_state_name(sb_sbrp_client_state_of(&n->u.client.m));
    case SIM_PEER:
      return sim_peer_node_state(n);
  }
  return "?";
}

uint64_t sim_client_session_id(const sim_node *n) {
  return n->kind == SIM_CLIENT ? sb_sbrp_client_session_id(&n->u.client.m) : 0;
}

int sim_node_connect(sim_node *n, const sim_token_opts *t) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons connect");
  if (rc == 0) rc = want(n, !n->down, "is down (restart it first)");
  if (rc == 0) rc = want(n, !n->opening && !n->fetching, "is already connecting");
  if (rc == 0 && t && (t->fault || t->has_sid) && n->hooks.fetch_token)
    rc = fail_with(n, SB_ERR_ARG, "fetches its tokens through the layer above: token options do not apply");
  if (rc != 0) return rc;
  if (t) n->next_token = *t;
  if (n->kind == SIM_DAEMON) {
    sb_sbrp_daemon_state st = sb_sbrp_daemon_state_of(D(n));
    if (st != SB_SBRP_DAEMON_IDLE && st != SB_SBRP_DAEMON_REGISTERED) {
      snprintf(n->w->err, sizeof n->w->err, "%s: connect refused in state %s (use reconnect)",
               n->name, sim_node_state(n));
      return SB_ERR_STATE;
    }
    rc = machine_result(n, daemon_connect_now(n), "connect");
    sim_node_after(n);
    return rc;
  }
  if (n->hooks.fetch_token) {
    if (sb_sbrp_client_state_of(C(n)) != SB_SBRP_CLIENT_IDLE)
      return machine_result(n, SB_ERR_STATE, "connect");
    rc = start_fetch(n);
    sim_node_after(n);
    return rc;
  }
  char token[SIM_CONTROL_TOKEN_MAX];
  rc = fetch_token(n, token, sizeof token);
  if (rc == 0) rc = machine_result(n, sb_sbrp_client_connect(C(n), n->w->now, token), "connect");
  sim_node_after(n);
  return rc;
}

static void do_reconnect(sim_node *n) {
  int rc;
  if (n->kind == SIM_DAEMON) {
    rc = daemon_connect_now(n);
  } else if (n->hooks.fetch_token) {
    rc = start_fetch(n);
  } else {
    char token[SIM_CONTROL_TOKEN_MAX];
    rc = fetch_token(n, token, sizeof token);
    if (rc == 0) rc = sb_sbrp_client_reconnect(C(n), n->w->now, token);
  }
  refused(n, rc, "reconnect");
  sim_node_after(n);
}

int sim_node_reconnect(sim_node *n, const sim_token_opts *t) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons reconnect");
  if (rc == 0) rc = want(n, !n->down, "is down (restart it first)");
  if (rc == 0) rc = want(n, !n->opening && !n->fetching, "is already connecting");
  if (rc != 0) return rc;
  bool ok = reconnecting(n) ||
            (n->kind == SIM_DAEMON && sb_sbrp_daemon_state_of(D(n)) == SB_SBRP_DAEMON_REGISTERED);
  if (!ok) {
    snprintf(n->w->err, sizeof n->w->err, "%s: reconnect refused in state %s", n->name, sim_node_state(n));
    return SB_ERR_STATE;
  }
  if (t && (t->fault || t->has_sid) && n->hooks.fetch_token)
    return fail_with(n, SB_ERR_ARG, "fetches its tokens through the layer above: token options do not apply");
  n->reconnect_pending = false;
  n->reconnect_gen++;
  if (t) n->next_token = *t;
  do_reconnect(n);
  return 0;
}

int sim_node_open_token(sim_node *n, const char *token) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons connect");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc == 0) rc = want(n, !n->opening, "is already connecting");
  if (rc != 0) return rc;
  n->fetching = false;
  sim_world *w = n->w;
  if (n->kind == SIM_CLIENT) {
    sb_sbrp_client_state st = sb_sbrp_client_state_of(C(n));
    if (st == SB_SBRP_CLIENT_IDLE)
      rc = sb_sbrp_client_connect(C(n), w->now, token);
    else if (st == SB_SBRP_CLIENT_RECONNECTING)
      rc = sb_sbrp_client_reconnect(C(n), w->now, token);
    else
      rc = SB_ERR_STATE;
  } else {
    sb_sbrp_daemon_state st = sb_sbrp_daemon_state_of(D(n));
    if (st == SB_SBRP_DAEMON_IDLE) rc = sb_sbrp_daemon_register(D(n), w->now);
    if (rc == 0 && st == SB_SBRP_DAEMON_RECONNECTING)
      rc = sb_sbrp_daemon_reconnect(D(n), w->now, token);
    else if (rc == 0 && (st == SB_SBRP_DAEMON_IDLE || st == SB_SBRP_DAEMON_REGISTERED))
      rc = sb_sbrp_daemon_connect(D(n), w->now, token);
    else if (rc == 0)
      rc = SB_ERR_STATE;
  }
  rc = machine_result(n, rc, "connect");
  sim_node_after(n);
  return rc;
}

void sim_node_token_failed(sim_node *n, bool retry, const char *why) {
  if (n->down) return;
  n->fetching = false;
  sim_node_note(n, retry ? "token_retry" : "token_gave_up", 0, why);
  if (n->app.token_failed) n->app.token_failed(n->app.ctx, n, retry, why);
  if (retry && n->auto_reconnect && !n->reconnect_pending) {
    plan_reconnect(n);
  } else if (!retry && n->kind == SIM_CLIENT) {
    n->reconnect_pending = false;
    n->reconnect_gen++;
    if (sb_sbrp_client_state_of(C(n)) != SB_SBRP_CLIENT_CLOSED)
      refused(n, sb_sbrp_client_close(C(n), n->w->now), "close");
  }
  sim_node_after(n);
}

void sim_client_set_pin(sim_node *n, const uint8_t *identity_pub) {
  if (n->kind != SIM_CLIENT) return;
  n->u.client.has_pin = identity_pub != NULL;
  if (identity_pub)
    memcpy(n->u.client.pin, identity_pub, 32);
  else
    memset(n->u.client.pin, 0, 32);
  sb_sbrp_client_set_pin(C(n), identity_pub);
}

void sim_client_set_trust(sim_node *n, sb_sbrp_trust trust) {
  if (n->kind != SIM_CLIENT) return;
  n->u.client.opts.trust = trust; /* a renewed machine (client_init_machine) keeps it */
  C(n)->cfg.trust = trust;
}

int sim_client_set_daemon(sim_node *n, const char *daemon_id) {
  if (n->kind != SIM_CLIENT || !daemon_id || !*daemon_id || strlen(daemon_id) >= sizeof n->u.client.daemon_id)
    return SB_ERR_ARG;
  if (!strcmp(n->u.client.daemon_id, daemon_id)) return 0;
  if (sb_sbrp_client_state_of(C(n)) != SB_SBRP_CLIENT_IDLE) return SB_ERR_STATE;
  snprintf(n->u.client.daemon_id, sizeof n->u.client.daemon_id, "%s", daemon_id);
  return client_init_machine(n);
}

int sim_client_renew(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_CLIENT, "only clients renew");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc != 0) return rc;
  sb_sbrp_client_state st = sb_sbrp_client_state_of(C(n));
  if (st == SB_SBRP_CLIENT_IDLE) return 0;
  if (st != SB_SBRP_CLIENT_CLOSED) return fail_with(n, SB_ERR_STATE, "renew: the client is not Closed");
  sim_node_note(n, "client_renewed", 0, "a new client machine (Idle, pins kept) for the next attempt");
  rc = machine_result(n, client_init_machine(n), "renew");
  sim_node_after(n);
  return rc;
}

int sim_node_close(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons close");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc != 0) return rc;
  n->reconnect_pending = false;
  n->reconnect_gen++;
  n->fetching = false;
  rc = n->kind == SIM_CLIENT ? sb_sbrp_client_close(C(n), n->w->now)
                             : sb_sbrp_daemon_close(D(n), n->w->now);
  rc = machine_result(n, rc, "close");
  sim_node_after(n);
  return rc;
}

int sim_node_drop_connection(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons have a connection");
  if (rc != 0) return rc;
  sim_link *l = n->link;
  if (sim_link_gone(l)) {
    snprintf(n->w->err, sizeof n->w->err, "%s has no connection to drop", n->name);
    return SB_ERR_STATE;
  }
  sim_link_drop(l, "drop_connection", true);
  return 0;
}

int sim_node_crash(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons crash");
  if (rc == 0) rc = want(n, !n->down, "is already down");
  if (rc != 0) return rc;
  trace_fault(n, "crash", "the process dies: connection lost, volatile state gone");
  n->down = true;
  n->opening = false;
  n->fetching = false;
  if (n->hooks.crashed) n->hooks.crashed(n->hooks.ctx, n);
  n->timer_gen++;
  n->timer_armed = false;
  n->reconnect_pending = false;
  n->reconnect_gen++;
  if (n->kind == SIM_DAEMON) {
    n->u.daemon.ping_gen++;
    n->u.daemon.ping_armed = false;
  }
  if (n->link) sim_link_drop(n->link, "crash", false);
  return 0;
}

int sim_node_restart(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons restart");
  if (rc != 0) return rc;
  if (!n->down) sim_node_crash(n);
  n->down = false;
  n->attempt = 0;
  n->link = NULL;
  char detail[96];
  if (n->kind == SIM_DAEMON) {
    snprintf(detail, sizeof detail, "the process starts again with %zu stored record(s)", n->u.daemon.ndisk);
    trace_fault(n, "restart", detail);
    rc = sb_sbrp_daemon_restart(D(n), n->w->now);
    for (size_t i = 0; rc == 0 && i < n->u.daemon.ndisk; i++) {
      const sim_record *rec = &n->u.daemon.disk[i];
      refused(n, sb_sbrp_daemon_restore(D(n), rec->bytes, rec->len), "restore");
    }
    if (rc == 0 && n->u.daemon.opts.connect) rc = daemon_connect_now(n);
  } else {
    trace_fault(n, "restart", "the process starts again (Idle, pins kept)");
    rc = client_init_machine(n);
  }
  rc = machine_result(n, rc, "restart");
  sim_node_after(n);
  return rc;
}

int sim_node_send(sim_node *n, uint64_t sid, const uint8_t *data, size_t len) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons send data");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc != 0) return rc;
  g_sent_data = false;
  rc = n->kind == SIM_CLIENT ? sb_sbrp_client_send(C(n), n->w->now, data, len)
                             : sb_sbrp_daemon_send(D(n), n->w->now, sid, data, len);
  if (rc == 0 && g_sent_data)
    sim_invariant_sent(n, n->kind == SIM_CLIENT ? sim_client_session_id(n) : sid, g_sent_seq, data, len);
  g_sent_data = false;
  rc = machine_result(n, rc, "send");
  sim_node_after(n);
  return rc;
}

int sim_daemon_end_session(sim_node *n, uint64_t sid, uint8_t reason) {
  int rc = need_kind(n, n->kind == SIM_DAEMON, "end_session is for daemons");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc != 0) return rc;
  rc = machine_result(n, sb_sbrp_daemon_end_session(D(n), n->w->now, sid, reason), "end_session");
  sim_node_after(n);
  return rc;
}

int sim_node_send_raw(sim_node *n, const uint8_t *bytes, size_t len) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons have a connection");
  if (rc != 0) return rc;
  sim_link *l = n->link;
  if (!l || l->closed[0] || !l->relay_accepted) {
    snprintf(n->w->err, sizeof n->w->err, "%s has no open connection", n->name);
    return SB_ERR_STATE;
  }
  sim_link_send(l, SIM_UP, bytes, len, false);
  return 0;
}

/* The traffic state the test hooks work on (0 and *out), or an error with w->err set. */
static int hook_session(sim_node *n, uint64_t sid, const char *what, sb_sbrp_session **out) {
  int rc = need_kind(n, n->kind == SIM_CLIENT || n->kind == SIM_DAEMON, "only clients and daemons have sessions");
  if (rc == 0) rc = want(n, !n->down, "is down");
  if (rc != 0) return rc;
  *out = n->kind == SIM_CLIENT ? sb_sbrp_client_debug_session(C(n))
                               : sb_sbrp_daemon_debug_session(D(n), sid);
  return *out ? 0 : fail_with(n, SB_ERR_STATE, what);
}

int sim_node_set_send_seq(sim_node *n, uint64_t sid, uint64_t next) {
  sb_sbrp_session *s = NULL;
  int rc = hook_session(n, sid, "set_send_seq: no session with traffic keys", &s);
  if (rc != 0) return rc;
  uint64_t was = s->send_next;
  rc = sb_sbrp_session_debug_set_send_seq(s, next);
  if (rc != 0) {
    snprintf(n->w->err, sizeof n->w->err, "%s: set_send_seq %llu refused (the counter is at %llu): %s",
             n->name, (unsigned long long)next, (unsigned long long)was, sb_err_name(rc));
    return rc;
  }
  char detail[112];
  snprintf(detail, sizeof detail, "session %016llx: next send seq %llu -> %llu",
           (unsigned long long)s->session_id, (unsigned long long)was, (unsigned long long)next);
  trace_fault(n, "set_send_seq", detail);
  return 0;
}

int sim_node_forge_data(sim_node *n, uint64_t sid, uint32_t direction, uint64_t seq,
                        const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len) {
  sb_sbrp_session *s = NULL;
  int rc = hook_session(n, sid, "forge_data: no session with traffic keys", &s);
  if (rc != 0) return rc;
  rc = sb_sbrp_session_debug_seal(s, direction, seq, data, len, out, cap, out_len);
  if (rc != 0) {
    snprintf(n->w->err, sizeof n->w->err, "%s: forge_data refused: %s", n->name, sb_err_name(rc));
    return rc;
  }
  char detail[128];
  snprintf(detail, sizeof detail, "Data of session %016llx sealed with direction %u, seq %llu (%zu bytes)",
           (unsigned long long)s->session_id, (unsigned)direction, (unsigned long long)seq, *out_len);
  trace_fault(n, "forge_data", detail);
  sim_invariant_sent(n, s->session_id, seq, data, len); /* its sender emitted these bytes */
  return 0;
}

int sim_daemon_rotate_identity(sim_node *n) {
  int rc = need_kind(n, n->kind == SIM_DAEMON, "only daemons have an identity key");
  if (rc == 0) rc = want(n, n->down, "is running (crash it first: a rotation is the operator's manual step)");
  if (rc != 0) return rc;
  sim_world *w = n->w;
  /* The next key comes from a stream named after the current one, so every
   * rotation gives a new key and the same seed gives the same keys. */
  char stream[SIM_NAME_MAX + 32];
  snprintf(stream, sizeof stream, "%s/identity/%02x%02x%02x%02x", n->name, n->u.daemon.identity_seed[0],
           n->u.daemon.identity_seed[1], n->u.daemon.identity_seed[2], n->u.daemon.identity_seed[3]);
  sb_xoshiro x;
  sim_stream_init(&x, w->cfg.seed, stream);
  sb_rng rng = sb_xoshiro_rng(&x);
  sb_sbrp_identity ident;
  rc = sb_rng_bytes(&rng, n->u.daemon.identity_seed, 32);
  if (rc == 0) rc = sb_sbrp_handshake_identity_from_seed(n->u.daemon.identity_seed, &ident);
  if (rc == 0) rc = daemon_init_machine(n);
  /* The new key is registered with the control plane (D-001). */
  if (rc == 0) rc = sb_sbrp_daemon_register(D(n), w->now);
  for (size_t i = 0; rc == 0 && i < w->control.ndaemons; i++)
    if (!strcmp(w->control.daemons[i].did, n->u.daemon.id)) memcpy(w->control.daemons[i].identity_pub, ident.pub, 32);
  if (rc == 0) trace_fault(n, "rotate_identity", "a new identity key replaces the old one, in the daemon and the control plane");
  return machine_result(n, rc, "rotate_identity");
}

void sim_daemon_lose_disk(sim_node *n) {
  if (n->kind != SIM_DAEMON) return;
  char detail[64];
  snprintf(detail, sizeof detail, "%zu stored record(s) lost", n->u.daemon.ndisk);
  trace_fault(n, "lose_disk", detail);
  for (size_t i = 0; i < n->u.daemon.ndisk; i++) free(n->u.daemon.disk[i].bytes);
  free(n->u.daemon.disk);
  n->u.daemon.disk = NULL;
  n->u.daemon.ndisk = 0;
}

size_t sim_daemon_corrupt_disk(sim_node *n, uint64_t sid, int64_t offset, uint8_t mask) {
  if (n->kind != SIM_DAEMON) return 0;
  size_t changed = 0;
  for (size_t i = 0; i < n->u.daemon.ndisk; i++) {
    sim_record *r = &n->u.daemon.disk[i];
    if (sid && r->session_id != sid) continue;
    int64_t off = offset < 0 ? (int64_t)r->len + offset : offset;
    if (off < 0 || (uint64_t)off >= r->len) continue;
    r->bytes[off] ^= mask ? mask : 0x01;
    changed++;
  }
  char detail[96];
  snprintf(detail, sizeof detail, "%zu record(s): byte %lld ^= 0x%02x", changed, (long long)offset,
           mask ? mask : 1);
  trace_fault(n, "corrupt_disk", detail);
  return changed;
}
