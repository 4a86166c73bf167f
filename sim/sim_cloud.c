/*
 * The cloud control plane and the cloud SDK in the simulated world
 * (sim_cloud.h). Three parts: the API link (a call travels to the model
 * server and its answer back, each after the latency), the client driver
 * (connect()'s step machine in front of every connection attempt, the
 * trust policy and the pin store), and the daemon driver (the listen()
 * loop around the SBRP daemon machine).
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_cloud.h"

#include <cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cloud/api.h"
#include "cloud/client.h"
#include "cloud/classify.h"
#include "cloud/listen.h"
#include "cloud/mux.h"
#include "cloud/pins.h"
#include "cloud/trust.h"
#include "cloud/url.h"
#include "common/error.h"
#include "sbrp/frame.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "sim_internal.h"

/* ---- state ------------------------------------------------------------------------ */

/* A session whose reader stopped reading (sim_cloud_stop_reading): the
 * frames the relay sends it wait here in arrival order, as in upstream's
 * RelayVirtualConn buffer, at most SB_CLOUD_MUX_MAX_BACKLOG (CLOUD-085). */
typedef struct held_frame {
  uint8_t *bytes;
  size_t len;
} held_frame;

typedef struct unread_session {
  struct unread_session *next;
  uint64_t sid;
  held_frame *q;
  size_t n, cap;
} unread_session;

typedef struct cloud_node {
  sim_cloud *cloud;
  sim_node *n;
  bool client;
  uint64_t gen;          /* bumped when the process dies: answers to older calls are lost */
  bool in_hook;          /* re-entry guard of the after hook */
  /* client */
  sb_cloud_client sdk;
  sb_cloud_client_config cfg;
  char code[SB_CLOUD_QC_CODE_MAX + 1];
  char access_token[SB_CLOUD_SERVER_TEXT_MAX + 1];
  bool token_throws;
  bool file_pins;
  char *pin_file;        /* the node's disk: survives a crash */
  size_t pin_file_len;
  sb_cloud_pin pin_table[SIM_CLOUD_MAX_PINS];
  sb_cloud_pins pins;
  bool deciding;         /* a HandshakeAccept was judged; the machine's outcome is awaited */
  sb_cloud_trust_decision decision;
  uint8_t advertised[32];
  uint64_t decided_sid;
  /* daemon */
  bool listening;        /* attached as a listen() daemon */
  sim_cloud_daemon_opts dopts;
  char owner[SB_CLOUD_SERVER_TEXT_MAX + 1], api_key[SB_CLOUD_SERVER_TEXT_MAX + 16];
  char daemon_id_opt[SB_CLOUD_SERVER_TEXT_MAX + 1];
  sb_cloud_listen listen;
  bool listen_started, rejected, restart_listen;
  sb_xoshiro listen_x;
  sb_rng listen_rng;
  uint64_t sleep_gen;
  sb_time_us last_delay;
  sb_cloud_mux mux;
  bool kicked;           /* a terminal SID-0 Control arrived on the current connection */
  bool breaker;          /* the decode circuit breaker tripped: reconnect (CLOUD-080) */
  unread_session *unread; /* sessions not being read (CLOUD-085) */
  /* quickConnect.create */
  sim_cloud_qc_result qc;
  char qc_code[64], qc_url[512];
} cloud_node;

typedef enum call_purpose { CALL_CLIENT, CALL_LISTEN, CALL_QC } call_purpose;

typedef struct cloud_call {
  struct cloud_call *next; /* the cloud's list of calls in flight */
  cloud_node *cn;
  uint64_t gen;
  call_purpose purpose;
  sb_cloud_request req;
  sb_cloud_http_response resp;
} cloud_call;

struct sim_cloud {
  sim_world *w;
  sim_cloud_config cfg;
  char relay_url[SB_CLOUD_SERVER_TEXT_MAX + 1];
  sb_xoshiro rng_x;
  sb_rng rng;
  sb_cloud_server server;
  cloud_node *nodes[SIM_MAX_NODES];
  cloud_call *calls;
};

void sim_cloud_config_default(sim_cloud_config *c) {
  memset(c, 0, sizeof *c);
  c->latency = -1;
  c->relay_url = SIM_CLOUD_RELAY_URL;
  c->errors_in_body = true;
  c->qc_rate_limit = SB_CLOUD_QC_RATE_DEFAULT;
}

static cloud_node *node_of(const sim_cloud *c, const sim_node *n) {
  return n && n->index >= 0 && n->index < SIM_MAX_NODES ? c->nodes[n->index] : NULL;
}

/* ---- trace ---------------------------------------------------------------------------- */

static void note(cloud_node *cn, const char *what, int err, uint64_t sid, const char *text) {
  sim_rec r = {.kind = SIM_REC_NOTE, .node = cn->n->index, .peer = -1, .machine = "cloud",
               .has_sid = sid != 0, .sid = sid, .what = (char *)what, .code = err,
               .text = (char *)text};
  sim_world_trace(cn->cloud->w, &r);
}

static void trace_call(cloud_node *cn, const sb_cloud_request *req) {
  sim_rec r = {.kind = SIM_REC_API, .node = cn->n->index, .peer = 0, .what = "call",
               .event = (char *)req->procedure, .text = (char *)req->body};
  sim_world_trace(cn->cloud->w, &r);
}

/* The answer as the SDK reads it: `err` the error it stands for (NONE on
 * success), `verdict` what the SDK does with it. */
static void trace_answer(cloud_node *cn, const cloud_call *call, sb_cloud_error err,
                         const char *verdict) {
  const sb_cloud_http_response *resp = &call->resp;
  sb_cloud_api_result m;
  int status = 0;
  uint64_t sid = 0;
  if (sb_cloud_api_result_map(resp, &m) == SB_OK) {
    if (m.error.kind == SB_CLOUD_ERROR_API) status = (int)m.error.code;
    else if (!resp->network_error) status = resp->status;
    const char *tok = sb_cloud_api_data_string(&m, "token");
    if (tok && sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid) != SB_OK) sid = 0;
    sb_cloud_api_result_free(&m);
  }
  char e[96];
  sim_rec r = {.kind = SIM_REC_API, .node = cn->n->index, .peer = 0, .what = "answer",
               .event = (char *)call->req.procedure, .code = status,
               .http = resp->network_error ? 0 : resp->status,
               .from = err.kind == SB_CLOUD_ERROR_NONE ? NULL : (char *)sb_cloud_error_describe(err, e, sizeof e),
               .to = (char *)verdict, .has_sid = sid != 0, .sid = sid,
               .text = resp->network_error ? NULL : (char *)resp->body};
  sim_world_trace(cn->cloud->w, &r);
}

/* ---- the API link ---------------------------------------------------------------------- */

static sb_time_us latency(const sim_cloud *c) { return c->cfg.latency >= 0 ? c->cfg.latency : c->w->cfg.latency; }

/* The model learns which daemons exist (the built-in control plane knows
 * every daemon of the world) and which are online at the relay. */
static void sync_server(sim_cloud *c) {
  const sim_control *ctl = &c->w->control;
  char kid[24]; /* the control plane's current key (a world:rotate_key{} follows here) */
  snprintf(kid, sizeof kid, "sim-cp-%zu", ctl->current + 1);
  if (strcmp(c->server.kid, kid) != 0 &&
      sb_cloud_server_set_signing_key(&c->server, &ctl->keys[ctl->current], kid) != SB_OK)
    sim_world_internal(c->w, "cloud: signing key %s not taken", kid);
  for (size_t i = 0; i < ctl->ndaemons; i++) {
    uint8_t pub[32];
    const char *did = ctl->daemons[i].did;
    if (sb_cloud_server_identity(&c->server, did, pub) == SB_OK) continue;
    char key[SB_CLOUD_SERVER_TEXT_MAX + 16];
    snprintf(key, sizeof key, "%s%s", SIM_CLOUD_API_KEY_PREFIX, did);
    sim_node *dn = NULL;
    for (int k = 0; k < c->w->nnodes; k++)
      if (c->w->nodes[k]->kind == SIM_DAEMON && !strcmp(c->w->nodes[k]->u.daemon.id, did)) dn = c->w->nodes[k];
    sb_cloud_daemon_spec d = {.daemon_id = did, .api_key = key, .owner = SIM_CLOUD_USER,
                              .identity_pub = ctl->daemons[i].identity_pub,
                              .resumable = dn && dn->u.daemon.opts.resumable};
    int rc = sb_cloud_server_add_daemon(&c->server, &d);
    if (rc != SB_OK) sim_world_internal(c->w, "cloud: daemon %s not registered: %s", did, sb_err_name(rc));
  }
  for (size_t i = 0; i < c->server.daemon_count; i++) {
    const char *did = c->server.daemons[i].id;
    bool online = c->w->relay && sb_sbrp_relay_daemon_online(c->w->relay->u.relay.m, did);
    if (sb_cloud_server_set_online(&c->server, did, online) != SB_OK)
      sim_world_internal(c->w, "cloud: daemon %s vanished from the model", did);
  }
}

static void answer_arrives(sim_world *w, void *obj, uint64_t unused);

static void call_reaches_server(sim_world *w, void *obj, uint64_t unused) {
  (void)unused;
  cloud_call *call = obj;
  sim_cloud *c = call->cn->cloud;
  sync_server(c);
  int rc = sb_cloud_server_handle(&c->server, w->now, &call->req, &call->resp);
  if (rc != SB_OK) {
    sim_world_internal(w, "cloud: the model failed on %s: %s", call->req.procedure, sb_err_name(rc));
    return;
  }
  sim_sched_push(&w->sched, w->now + latency(c), answer_arrives, call, 0);
}

/* Send `req` from node `cn` (copied). */
static void api_call(cloud_node *cn, const sb_cloud_request *req, call_purpose purpose) {
  sim_cloud *c = cn->cloud;
  cloud_call *call = sim_xmalloc(sizeof *call);
  memset(call, 0, sizeof *call);
  call->cn = cn;
  call->gen = cn->gen;
  call->purpose = purpose;
  call->req = *req;
  call->next = c->calls;
  c->calls = call;
  trace_call(cn, req);
  sim_sched_push(&c->w->sched, c->w->now + latency(c), call_reaches_server, call, 0);
}

static void call_free(sim_cloud *c, cloud_call *call) {
  for (cloud_call **p = &c->calls; *p; p = &(*p)->next)
    if (*p == call) {
      *p = call->next;
      break;
    }
  free(call);
}

/* ---- clients --------------------------------------------------------------------------- */

static void client_step(cloud_node *cn, const sb_cloud_client_step *step);

static void client_fail(cloud_node *cn, sb_cloud_error err, sb_cloud_verdict v) {
  char e[96], text[160];
  sb_cloud_error_describe(err, e, sizeof e);
  bool fatal = v == SB_CLOUD_FATAL;
  snprintf(text, sizeof text, "%s: %s", e, fatal ? "fatal" : "retryable");
  note(cn, "attempt_failed", 0, 0, text);
  if (fatal) {
    /* CLOUD-015: a fatal CloudApiError is reported unwrapped, anything else as the PeerError */
    if (sb_cloud_terminal_unwraps(cn->sdk.mode, err, false) || err.kind == SB_CLOUD_ERROR_INVALID_STATE)
      snprintf(text, sizeof text, "%s", e);
    else
      snprintf(text, sizeof text, "PeerError wrapping %s", e);
    note(cn, "unhandled_error", 0, 0, text);
  }
  sim_node_token_failed(cn->n, !fatal, text);
}

static void client_open(cloud_node *cn, const char *endpoint) {
  sim_node *n = cn->n;
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  size_t len = 0;
  sb_cloud_negotiation neg;
  int rc = sb_cloud_url_get_token(endpoint, token, sizeof token, &len); /* AUTH-022 */
  if (rc == SB_OK) rc = sb_cloud_client_negotiate(&cn->sdk, &neg);
  if (rc != SB_OK) {
    sb_cloud_error err = sb_cloud_error_from_err(rc);
    client_fail(cn, err, sb_cloud_client_classify(&cn->sdk, err));
    return;
  }
  note(cn, "attempt_open", 0, neg.session_id, endpoint);
  if (strcmp(n->u.client.daemon_id, neg.daemon_id) != 0) { /* Quick Connect: known only now */
    rc = sim_client_set_daemon(n, neg.daemon_id);
    if (rc != SB_OK) {
      sim_world_internal(n->w, "cloud: %s cannot take daemon ID %s: %s", n->name, neg.daemon_id, sb_err_name(rc));
      return;
    }
  }
  uint8_t pin[32];
  bool pinned = sb_cloud_pins_get(&cn->pins, neg.daemon_id, pin) == SB_OK;
  sim_client_set_pin(n, pinned ? pin : NULL); /* the machine starts from the store's pin */
  sim_client_set_trust(n, neg.trust);         /* and the policy read now (CLOUD-031) */
  rc = sim_node_open_token(n, token);
  if (rc != SB_OK) note(cn, "open_refused", rc, 0, n->w->err);
}

static void client_step(cloud_node *cn, const sb_cloud_client_step *step) {
  sb_cloud_client_step next;
  int rc = SB_OK;
  switch (step->kind) {
    case SB_CLOUD_CLIENT_GET_ACCESS_TOKEN:
      if (cn->token_throws) note(cn, "get_access_token", 0, 0, "getAccessToken threw");
      rc = sb_cloud_client_access_token(&cn->sdk, cn->token_throws ? NULL : cn->access_token, &next);
      if (rc == SB_OK) client_step(cn, &next);
      break;
    case SB_CLOUD_CLIENT_CALL:
      api_call(cn, step->request, CALL_CLIENT);
      break;
    case SB_CLOUD_CLIENT_OPEN:
      client_open(cn, step->endpoint);
      break;
    case SB_CLOUD_CLIENT_FAIL:
      client_fail(cn, step->error, step->verdict);
      break;
  }
  if (rc != SB_OK) sim_world_internal(cn->cloud->w, "cloud: %s: client step refused: %s", cn->n->name, sb_err_name(rc));
}

/* The pin file, read the way a restarted process reads it: false (and a
 * note) if it does not parse. */
static bool load_pin_file(cloud_node *cn) {
  if (!cn->file_pins || !cn->pin_file) return true;
  sb_cloud_pins_error pe = {0};
  int rc = sb_cloud_pins_parse(&cn->pins, cn->pin_file, cn->pin_file_len, &pe);
  if (rc == SB_OK) return true;
  char text[160];
  snprintf(text, sizeof text, "the pin file does not parse (line %u: %s): no connection without the pins",
           pe.line, pe.reason ? pe.reason : "?");
  note(cn, "pin_file_corrupt", rc, 0, text);
  return false;
}

static void save_pin_file(cloud_node *cn) {
  if (!cn->file_pins) return;
  size_t need = 0;
  int rc = sb_cloud_pins_format(&cn->pins, NULL, 0, &need);
  if (rc != SB_OK && rc != SB_ERR_BUF) {
    sim_world_internal(cn->cloud->w, "cloud: pin store not formatted: %s", sb_err_name(rc));
    return;
  }
  char *text = sim_xmalloc(need + 1);
  rc = sb_cloud_pins_format(&cn->pins, text, need + 1, &need);
  if (rc != SB_OK) {
    free(text);
    sim_world_internal(cn->cloud->w, "cloud: pin store not formatted: %s", sb_err_name(rc));
    return;
  }
  free(cn->pin_file);
  cn->pin_file = text;
  cn->pin_file_len = need;
}

static void client_fetch(cloud_node *cn) {
  if (!load_pin_file(cn)) {
    sim_node_token_failed(cn->n, false, "pin store unreadable");
    return;
  }
  sb_cloud_client_step step;
  int rc = sb_cloud_client_begin(&cn->sdk, &step);
  if (rc != SB_OK) {
    sim_world_internal(cn->cloud->w, "cloud: %s: begin refused: %s", cn->n->name, sb_err_name(rc));
    return;
  }
  client_step(cn, &step);
}

/* ---- trust --------------------------------------------------------------------------------- */

static bool prompt_first(void *ctx, const char *fingerprint) {
  cloud_node *cn = ctx;
  bool yes = cn->n->u.client.opts.accept_first;
  char text[200];
  snprintf(text, sizeof text, "%s: %s", fingerprint, yes ? "accepted" : "declined");
  note(cn, "prompt_first_connection", 0, sim_client_session_id(cn->n), text);
  return yes;
}

static bool prompt_mismatch(void *ctx, const char *expected, const char *received) {
  cloud_node *cn = ctx;
  bool yes = cn->n->u.client.opts.accept_change;
  char text[300];
  snprintf(text, sizeof text, "expected %s, received %s: %s", expected, received, yes ? "accepted" : "declined");
  note(cn, "prompt_identity_mismatch", 0, sim_client_session_id(cn->n), text);
  return yes;
}

static const char *action_name(const sb_cloud_trust_decision *d) {
  if (d->refusal == SB_ERR_SBRP_HANDSHAKE_FAILED) return "refuse: handshake_failed";
  if (d->refusal == SB_ERR_SBRP_IDENTITY_CHANGED) return "refuse: identity_key_changed";
  if (d->refusal) return "refuse";
  switch (d->action) {
    case SB_CLOUD_PIN_KEEP:
      return "continue";
    case SB_CLOUD_PIN_FIRST:
      return "pin";
    case SB_CLOUD_PIN_REPIN:
      return "re-pin";
  }
  return "?";
}

/* A HandshakeAccept for the client's session: judge the advertised key with
 * cloud/trust.h before the machine does (the two must agree). */
static void client_frame_in(cloud_node *cn, const uint8_t *bytes, size_t len) {
  sim_node *n = cn->n;
  sb_sbrp_frame f;
  sb_sbrp_accept a;
  if (sb_sbrp_client_state_of(&n->u.client.m) != SB_SBRP_CLIENT_HANDSHAKING) return;
  if (sb_sbrp_frame_decode(bytes, len, &f) != SB_OK || f.hdr.type != SB_SBRP_HANDSHAKE_ACCEPT) return;
  if (f.hdr.session_id != sim_client_session_id(n)) return;
  if (sb_sbrp_handshake_accept_decode(&f, &a) != SB_OK) return;
  uint8_t pinned[32];
  bool has_pin = sb_cloud_pins_get(&cn->pins, n->u.client.daemon_id, pinned) == SB_OK;
  int rc = sb_cloud_trust_decide(cn->sdk.trust, &cn->sdk.callbacks, &cn->pins, n->u.client.daemon_id,
                                 a.identity_pub, &cn->decision);
  if (rc != SB_OK) {
    sim_world_internal(n->w, "cloud: trust decision failed: %s", sb_err_name(rc));
    return;
  }
  char text[160];
  const char *seen = !has_pin ? "no pin" : !memcmp(pinned, a.identity_pub, 32) ? "pin matches" : "pin differs";
  snprintf(text, sizeof text, "%s, %s: %s", sb_sbrp_trust_name(cn->sdk.trust), seen, action_name(&cn->decision));
  note(cn, "trust_decision", cn->decision.refusal, f.hdr.session_id, text);
  memcpy(cn->advertised, a.identity_pub, 32);
  cn->decided_sid = f.hdr.session_id;
  cn->deciding = true;
}

/* The machine decided too: it must agree; on success the pin is written. */
static void client_after(cloud_node *cn) {
  sim_node *n = cn->n;
  if (!cn->deciding) return;
  sb_sbrp_client_state st = sb_sbrp_client_state_of(&n->u.client.m);
  if (st == SB_SBRP_CLIENT_HANDSHAKING) return;
  cn->deciding = false;
  bool active = st == SB_SBRP_CLIENT_ACTIVE;
  if (active && cn->decision.refusal) {
    sim_world_internal(n->w, "cloud: %s: the SBRP client accepted a key cloud/trust.h refused (%s)", n->name,
                       sb_err_name(cn->decision.refusal));
    return;
  }
  if (!active) return; /* refused, or the handshake failed for another reason */
  int rc = sb_cloud_trust_commit(&cn->decision, &cn->pins, n->u.client.daemon_id, cn->advertised);
  if (rc != SB_OK) {
    sim_world_internal(n->w, "cloud: pin not written: %s", sb_err_name(rc));
    return;
  }
  if (cn->decision.action == SB_CLOUD_PIN_KEEP) return;
  save_pin_file(cn);
  char fp[SB_SBRP_FINGERPRINT_SIZE], text[400];
  if (sb_sbrp_handshake_fingerprint(cn->advertised, fp, sizeof fp) != SB_OK) fp[0] = '\0';
  snprintf(text, sizeof text, "%s %s (%s)", n->u.client.daemon_id, fp, cn->file_pins ? "file" : "memory");
  note(cn, "pin_written", 0, cn->decided_sid, text);
}

/* ---- daemons: the listen loop ------------------------------------------------------------------ */

static void listen_step(cloud_node *cn, const sb_cloud_listen_step *step);

static void listen_wake(sim_world *w, void *obj, uint64_t gen) {
  (void)w;
  cloud_node *cn = obj;
  if (gen != cn->sleep_gen || cn->n->down) return;
  sb_cloud_listen_step step;
  int rc = sb_cloud_listen_wake(&cn->listen, &step);
  if (rc != SB_OK) {
    sim_world_internal(w, "cloud: %s: wake refused: %s", cn->n->name, sb_err_name(rc));
    return;
  }
  listen_step(cn, &step);
}

static void listen_end(cloud_node *cn, sb_cloud_listen_end how) {
  sb_cloud_listen_step step;
  int rc = sb_cloud_listen_ws_end(&cn->listen, cn->cloud->w->now, &cn->listen_rng, how, &step);
  if (rc != SB_OK) {
    sim_world_internal(cn->cloud->w, "cloud: %s: ws_end refused: %s", cn->n->name, sb_err_name(rc));
    return;
  }
  listen_step(cn, &step);
}

static void listen_step(cloud_node *cn, const sb_cloud_listen_step *step) {
  sim_node *n = cn->n;
  sim_world *w = cn->cloud->w;
  char e[96], text[200], d[32];
  switch (step->kind) {
    case SB_CLOUD_LISTEN_CALL:
      api_call(cn, step->request, CALL_LISTEN);
      break;
    case SB_CLOUD_LISTEN_OPEN: {
      char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
      size_t len = 0;
      note(cn, "listen_open", 0, 0, step->url);
      cn->kicked = false;
      cn->breaker = false;
      sb_cloud_mux_init(&cn->mux);
      int rc = sb_cloud_url_get_token(step->url, token, sizeof token, &len);
      if (rc == SB_OK) rc = sim_node_open_token(n, token);
      if (rc != SB_OK) {
        note(cn, "open_refused", rc, 0, w->err);
        listen_end(cn, SB_CLOUD_LISTEN_END_ERROR);
      }
      break;
    }
    case SB_CLOUD_LISTEN_SLEEP:
      cn->last_delay = step->delay;
      sim_duration_format(step->delay, d, sizeof d);
      if (step->error.kind != SB_CLOUD_ERROR_NONE)
        snprintf(text, sizeof text, "%s after %s%s", d, sb_cloud_error_describe(step->error, e, sizeof e),
                 step->report ? " (reported)" : "");
      else
        snprintf(text, sizeof text, "%s", d);
      note(cn, "listen_sleep", 0, 0, text);
      sim_sched_push(&w->sched, w->now + step->delay, listen_wake, cn, ++cn->sleep_gen);
      break;
    case SB_CLOUD_LISTEN_STOP:
      cn->sleep_gen++;
      cn->rejected = step->rejects_listen;
      if (step->error.kind == SB_CLOUD_ERROR_NONE)
        snprintf(text, sizeof text, "server.close()");
      else
        snprintf(text, sizeof text, "%s: %s", sb_cloud_error_describe(step->error, e, sizeof e),
                 step->rejects_listen ? "listen() rejects" : "reported, the loop ends");
      note(cn, "listen_stopped", 0, 0, text);
      if (strcmp(sim_node_state(n), "Closed") != 0 && !n->down) {
        int rc = sim_node_close(n);
        if (rc != SB_OK) note(cn, "close_refused", rc, 0, w->err);
      }
      break;
    case SB_CLOUD_LISTEN_NONE:
      break;
  }
}

static void listen_begin(cloud_node *cn) {
  sb_cloud_listen_config lc = {.api_key = cn->api_key,
                               .daemon_id = cn->daemon_id_opt[0] ? cn->daemon_id_opt : NULL,
                               .relay_url = cn->cloud->relay_url,
                               .wrap_json_body = cn->cloud->cfg.wrap_json_body};
  sb_cloud_listen_step step;
  int rc = sb_cloud_listen_init(&cn->listen, &lc);
  if (rc == SB_OK) rc = sb_cloud_listen_start(&cn->listen, &step);
  if (rc != SB_OK) {
    sim_world_internal(cn->cloud->w, "cloud: %s: listen() refused: %s", cn->n->name, sb_err_name(rc));
    return;
  }
  cn->listen_started = true;
  cn->rejected = false;
  listen_step(cn, &step);
}

/* How the relay connection that just ended ended (CLOUD-071..073). */
static sb_cloud_listen_end end_kind(cloud_node *cn) {
  const sim_link *l = cn->n->link;
  if (!l || l->dead) return SB_CLOUD_LISTEN_END_ERROR;       /* the network failed */
  if (l->closed[1]) return cn->kicked ? SB_CLOUD_LISTEN_END_KICK : SB_CLOUD_LISTEN_END_CLEAN;
  return SB_CLOUD_LISTEN_END_ERROR;                          /* the daemon gave up on it */
}

/* The decode circuit breaker tripped (CLOUD-080): as upstream's runMux
 * throwing RelayControlKick, the daemon leaves the relay connection (it
 * closes the WebSocket, its sessions end with it) and the loop reconnects
 * after the error backoff without reporting it (CLOUD-073). */
static void breaker_reconnect(cloud_node *cn) {
  sim_node *n = cn->n;
  sim_world *w = cn->cloud->w;
  char text[160];
  snprintf(text, sizeof text, "%u consecutive messages did not decode as SBRP frames: reconnecting",
           SB_CLOUD_MUX_MAX_DECODE_ERRORS);
  note(cn, "decode_breaker", 0, 0, text);
  if (!sim_link_gone(n->link)) sim_link_close(n->link, 0, 1000);
  int rc = sb_sbrp_daemon_ws_close(&n->u.daemon.m, w->now);
  if (rc != SB_OK) sim_world_internal(w, "cloud: %s: ws_close refused: %s", n->name, sb_err_name(rc));
  listen_end(cn, SB_CLOUD_LISTEN_END_KICK);
}

static void daemon_after(cloud_node *cn) {
  sim_node *n = cn->n;
  if (cn->restart_listen && !n->down) { /* the process came back: listen() is called again */
    cn->restart_listen = false;
    listen_begin(cn);
    return;
  }
  bool connected = sb_sbrp_daemon_state_of(&n->u.daemon.m) == SB_SBRP_DAEMON_CONNECTED;
  if (cn->breaker) {
    cn->breaker = false;
    if (cn->listen.state == SB_CLOUD_LISTEN_CONNECTED && connected) {
      breaker_reconnect(cn);
      return;
    }
  }
  if (cn->listen.state == SB_CLOUD_LISTEN_OPENING) {
    if (connected) {
      int rc = sb_cloud_listen_ws_open(&cn->listen, cn->cloud->w->now);
      if (rc != SB_OK) sim_world_internal(n->w, "cloud: ws_open refused: %s", sb_err_name(rc));
    } else if (!n->opening) {
      listen_end(cn, SB_CLOUD_LISTEN_END_ERROR); /* the upgrade was refused */
    }
  } else if (cn->listen.state == SB_CLOUD_LISTEN_CONNECTED && !connected) {
    listen_end(cn, end_kind(cn));
  }
}

/* ---- daemons: sessions nobody reads (CLOUD-085) ----------------------------------------------- */

static unread_session **unread_find(cloud_node *cn, uint64_t sid) {
  unread_session **p = &cn->unread;
  while (*p && (*p)->sid != sid) p = &(*p)->next;
  return p;
}

static void unread_free(unread_session *u) {
  for (size_t i = 0; i < u->n; i++) free(u->q[i].bytes);
  free(u->q);
  free(u);
}

/* Unlink and free the entry of `sid` (the frames it holds are discarded). */
static void unread_drop(cloud_node *cn, uint64_t sid) {
  unread_session **p = unread_find(cn, sid);
  unread_session *u = *p;
  if (!u) return;
  *p = u->next;
  unread_free(u);
}

static void unread_drop_all(cloud_node *cn) {
  while (cn->unread) unread_drop(cn, cn->unread->sid);
}

/* A session the machine no longer holds has nobody to read for: what waited
 * for it goes (a later session with the same SessionID starts read). */
static void unread_prune(cloud_node *cn) {
  for (unread_session **p = &cn->unread; *p;) {
    unread_session *u = *p;
    if (sb_sbrp_daemon_session_get(&cn->n->u.daemon.m, u->sid)) {
      p = &u->next;
      continue;
    }
    *p = u->next;
    unread_free(u);
  }
}

static bool daemon_knows(void *ctx, uint64_t sid) {
  const cloud_node *cn = ctx;
  return sb_sbrp_daemon_session_get(&cn->n->u.daemon.m, sid) != NULL;
}

/* upstream RelayVirtualConn.deliver with nobody reading: buffer the frame;
 * with the buffer full, log, terminate(false) (only this virtual connection,
 * nothing to the relay: CLOUD-086) and drop the frame. The simulator
 * discards the frames already buffered with it (upstream would still hand
 * them to a reader that comes back); the machine has forgotten the session,
 * so its later frames are an unknown SessionID (CLOUD-083). */
static void unread_take(cloud_node *cn, unread_session *u, const uint8_t *bytes, size_t len) {
  sim_world *w = cn->cloud->w;
  uint64_t sid = u->sid;
  if (!sb_cloud_mux_backlog_admits(u->n)) {
    char text[160];
    snprintf(text, sizeof text, "Relay session %" PRIu64 ": buffer full (%u frames), terminating slow consumer",
             sid, SB_CLOUD_MUX_MAX_BACKLOG);
    note(cn, "slow_consumer", 0, sid, text);
    unread_drop(cn, sid);
    int rc = sb_sbrp_daemon_drop_session(&cn->n->u.daemon.m, w->now, sid, "slow consumer (CLOUD-085)");
    if (rc != SB_OK) sim_world_internal(w, "cloud: %s: drop_session refused: %s", cn->n->name, sb_err_name(rc));
    return;
  }
  if (u->n == u->cap) {
    u->cap = u->cap ? u->cap * 2 : 16;
    u->q = sim_xrealloc(u->q, u->cap * sizeof *u->q);
  }
  held_frame *h = &u->q[u->n++];
  h->bytes = sim_xmalloc(len ? len : 1);
  memcpy(h->bytes, bytes, len);
  h->len = len;
}

/* True: the frame is for a session nobody reads; it waits (or ends it). */
static bool daemon_frame_in(cloud_node *cn, const uint8_t *bytes, size_t len) {
  sb_sbrp_frame f;
  sb_cloud_mux_action a = sb_cloud_mux_route(&cn->mux, bytes, len, daemon_knows, cn, &f);
  if (a == SB_CLOUD_MUX_DELIVER) {
    unread_session *u = *unread_find(cn, f.hdr.session_id);
    if (!u) return false;
    unread_take(cn, u, bytes, len);
    return true;
  }
  if (a == SB_CLOUD_MUX_KICK || a == SB_CLOUD_MUX_BREAKER) cn->kicked = true;
  if (a == SB_CLOUD_MUX_BREAKER) cn->breaker = true; /* the relay will not close: leave (CLOUD-080) */
  return false;
}

/* ---- node hooks ----------------------------------------------------------------------------------- */

static void hook_fetch(void *ctx, sim_node *n) {
  cloud_node *cn = ctx;
  if (cn->client) {
    client_fetch(cn);
    return;
  }
  /* a listen() daemon's connections are the loop's: refuse the driver's own */
  sim_node_token_failed(n, false, "the listen loop owns this daemon's connections");
}

static bool hook_frame_in(void *ctx, sim_node *n, const uint8_t *frame, size_t len) {
  (void)n;
  cloud_node *cn = ctx;
  if (!cn->client) return daemon_frame_in(cn, frame, len);
  client_frame_in(cn, frame, len);
  return false;
}

static void hook_after(void *ctx, sim_node *n) {
  cloud_node *cn = ctx;
  if (n->down) return;
  if (!cn->client) unread_prune(cn); /* the session ended (or its connection) */
  if (cn->in_hook) return;
  cn->in_hook = true;
  if (cn->client)
    client_after(cn);
  else if (cn->listen_started || cn->restart_listen)
    daemon_after(cn);
  cn->in_hook = false;
}

static int client_init_sdk(cloud_node *cn);

static void hook_crashed(void *ctx, sim_node *n) {
  (void)n;
  cloud_node *cn = ctx;
  cn->gen++;
  cn->deciding = false;
  if (cn->client) {
    int rc = cn->file_pins ? SB_OK : sb_cloud_pins_init(&cn->pins, cn->pin_table, SIM_CLOUD_MAX_PINS); /* CLOUD-091 */
    if (rc == SB_OK) rc = client_init_sdk(cn);
    if (rc != SB_OK) sim_world_internal(n->w, "cloud: %s: SDK not restarted: %s", n->name, sb_err_name(rc));
  } else {
    unread_drop_all(cn); /* the buffers were in the dead process's memory */
    cn->sleep_gen++;
    if (cn->listen_started && cn->listen.state != SB_CLOUD_LISTEN_STOPPED) cn->restart_listen = true;
    cn->listen_started = false;
    memset(&cn->listen, 0, sizeof cn->listen);
  }
}

static void answer_arrives(sim_world *w, void *obj, uint64_t unused) {
  (void)unused;
  cloud_call *call = obj;
  cloud_node *cn = call->cn;
  sim_cloud *c = cn->cloud;
  if (call->gen != cn->gen || cn->n->down) { /* the process that asked is gone */
    call_free(c, call);
    return;
  }
  int rc = SB_OK;
  if (call->purpose == CALL_CLIENT) {
    sb_cloud_client_step step;
    rc = sb_cloud_client_response(&cn->sdk, &call->resp, &step);
    if (rc == SB_OK) {
      bool fail = step.kind == SB_CLOUD_CLIENT_FAIL;
      trace_answer(cn, call, fail ? step.error : SB_CLOUD_NO_ERROR,
                   !fail ? NULL : step.verdict == SB_CLOUD_FATAL ? "fatal" : "retryable");
      if (!cn->n->fetching) {
        note(cn, "answer_ignored", 0, 0, "the attempt was abandoned (closed) while the call was in flight");
      } else {
        client_step(cn, &step);
      }
    }
  } else if (call->purpose == CALL_LISTEN && cn->listen.state == SB_CLOUD_LISTEN_STOPPED) {
    /* aborted or closed while the call was in flight: its answer is not read */
    note(cn, "answer_ignored", 0, 0, "listen() stopped while the call was in flight");
  } else if (call->purpose == CALL_LISTEN) {
    sb_cloud_listen_step step;
    rc = sb_cloud_listen_response(&cn->listen, w->now, &cn->listen_rng, &call->resp, &step);
    if (rc == SB_OK) {
      bool stop = step.kind == SB_CLOUD_LISTEN_STOP, sleep = step.kind == SB_CLOUD_LISTEN_SLEEP;
      trace_answer(cn, call, stop || sleep ? step.error : SB_CLOUD_NO_ERROR,
                   stop ? "fatal" : sleep ? "retryable" : NULL);
      listen_step(cn, &step);
    }
  } else {
    sb_cloud_api_result m;
    rc = sb_cloud_api_result_map(&call->resp, &m);
    if (rc == SB_OK) {
      const char *code = sb_cloud_api_data_string(&m, "code"), *url = sb_cloud_api_data_string(&m, "url");
      const cJSON *exp = cJSON_IsObject(m.data) ? cJSON_GetObjectItemCaseSensitive(m.data, "expiresAt") : NULL;
      sb_cloud_error err = m.error;
      if (err.kind == SB_CLOUD_ERROR_NONE && (!code || !url || !cJSON_IsNumber(exp))) err = SB_CLOUD_OTHER_ERROR;
      trace_answer(cn, call, err, err.kind == SB_CLOUD_ERROR_NONE ? NULL
                                  : sb_cloud_classify_api_status(err.kind == SB_CLOUD_ERROR_API ? err.code : 500) ==
                                            SB_CLOUD_FATAL
                                      ? "fatal"
                                      : "retryable");
      memset(&cn->qc, 0, sizeof cn->qc);
      cn->qc.done = true;
      cn->qc.status = err.kind == SB_CLOUD_ERROR_API ? (int)err.code : call->resp.network_error ? 0 : call->resp.status;
      if (err.kind == SB_CLOUD_ERROR_NONE) {
        snprintf(cn->qc_code, sizeof cn->qc_code, "%s", code);
        snprintf(cn->qc_url, sizeof cn->qc_url, "%s", url);
        cn->qc.code = cn->qc_code;
        cn->qc.url = cn->qc_url;
        cn->qc.expires_at = exp->valuedouble;
      }
      sb_cloud_api_result_free(&m);
    }
  }
  if (rc != SB_OK) sim_world_internal(w, "cloud: %s: answer refused: %s", cn->n->name, sb_err_name(rc));
  call_free(c, call);
}

/* ---- setup ---------------------------------------------------------------------------------- */

sim_cloud *sim_cloud_new(sim_world *w, const sim_cloud_config *cfg) {
  if (!w->relay) {
    snprintf(w->err, sizeof w->err, "create the relay first (world:relay{})");
    return NULL;
  }
  sim_cloud *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(w->err, sizeof w->err, "out of memory");
    return NULL;
  }
  c->w = w;
  c->cfg = *cfg;
  snprintf(c->relay_url, sizeof c->relay_url, "%s", cfg->relay_url ? cfg->relay_url : SIM_CLOUD_RELAY_URL);
  c->cfg.relay_url = c->relay_url;
  sim_stream_init(&c->rng_x, w->cfg.seed, "control/cloud");
  c->rng = sb_xoshiro_rng(&c->rng_x);
  uint8_t seed[32];
  sb_cloud_server_config sc;
  int rc = sim_control_signing_seed(w->cfg.seed, seed); /* the key the relay trusts */
  sb_cloud_server_config_init(&sc, seed);
  sc.kid = SIM_CONTROL_KID;
  sc.issuer = SIM_CONTROL_ISSUER;
  sc.region = w->relay->u.relay.opts.region;
  sc.relay_url = c->relay_url;
  sc.epoch_unix_s = w->cfg.epoch_s;
  sc.qc_rate_limit = cfg->qc_rate_limit;
  sc.errors_in_body = cfg->errors_in_body;
  if (rc == SB_OK) rc = sb_cloud_server_init(&c->server, &sc, &c->rng);
  if (rc == SB_OK) rc = sb_cloud_server_add_user(&c->server, SIM_CLOUD_USER, SIM_CLOUD_ACCESS_TOKEN);
  size_t need = 0;
  if (rc == SB_OK && sb_cloud_url_with_token(c->relay_url, "x", NULL, 0, &need) != SB_ERR_BUF) rc = SB_ERR_ARG;
  if (rc != SB_OK) {
    snprintf(w->err, sizeof w->err, "the control plane refused its configuration: %s (relay_url '%.120s')",
             sb_err_name(rc), c->relay_url);
    free(c);
    return NULL;
  }
  return c;
}

void sim_cloud_free(sim_cloud *c) {
  if (!c) return;
  for (int i = 0; i < SIM_MAX_NODES; i++) {
    cloud_node *cn = c->nodes[i];
    if (!cn) continue;
    sim_node_set_hooks(cn->n, NULL);
    unread_drop_all(cn);
    free(cn->pin_file);
    free(cn);
  }
  while (c->calls) call_free(c, c->calls);
  free(c);
}

const sb_cloud_server *sim_cloud_server(const sim_cloud *c) { return &c->server; }

int sim_cloud_add_user(sim_cloud *c, const char *user_id, const char *access_token) {
  int rc = sb_cloud_server_add_user(&c->server, user_id, access_token);
  if (rc != SB_OK)
    snprintf(c->w->err, sizeof c->w->err, "user '%s' not added: %s", user_id ? user_id : "", sb_err_name(rc));
  return rc;
}

static cloud_node *attach(sim_cloud *c, sim_node *n, bool client) {
  if (node_of(c, n)) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' already has the cloud SDK", n->name);
    return NULL;
  }
  cloud_node *cn = calloc(1, sizeof *cn);
  if (!cn) {
    snprintf(c->w->err, sizeof c->w->err, "out of memory");
    return NULL;
  }
  cn->cloud = c;
  cn->n = n;
  cn->client = client;
  return cn;
}

static void install(sim_cloud *c, cloud_node *cn) {
  c->nodes[cn->n->index] = cn;
  sim_node_hooks h = {.ctx = cn, .fetch_token = hook_fetch, .frame_in = hook_frame_in,
                      .after = hook_after, .crashed = hook_crashed};
  sim_node_set_hooks(cn->n, &h);
}

int sim_cloud_attach_daemon(sim_cloud *c, sim_node *n, const sim_cloud_daemon_opts *o) {
  if (n->kind != SIM_DAEMON) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a daemon", n->name);
    return SB_ERR_ARG;
  }
  cloud_node *cn = attach(c, n, false);
  if (!cn) return SB_ERR_EXISTS;
  const char *did = n->u.daemon.id;
  char key[SB_CLOUD_SERVER_TEXT_MAX + 16];
  snprintf(key, sizeof key, "%s%s", SIM_CLOUD_API_KEY_PREFIX, did);
  snprintf(cn->owner, sizeof cn->owner, "%s", o->owner ? o->owner : SIM_CLOUD_USER);
  snprintf(cn->api_key, sizeof cn->api_key, "%s", o->api_key ? o->api_key : key);
  snprintf(cn->daemon_id_opt, sizeof cn->daemon_id_opt, "%s", o->daemon_id ? o->daemon_id : "");
  const uint8_t *pub = sim_control_identity(&c->w->control, did);
  sb_cloud_daemon_spec d = {.daemon_id = did, .api_key = key, .owner = cn->owner, .identity_pub = pub,
                            .resumable = n->u.daemon.opts.resumable, .quick_connect = o->quick_connect};
  int rc = pub ? sb_cloud_server_add_daemon(&c->server, &d) : SB_ERR_NOT_FOUND;
  if (rc != SB_OK) {
    snprintf(c->w->err, sizeof c->w->err, "daemon '%.64s' not registered with the control plane: %s (owner '%.64s')",
             did, sb_err_name(rc), cn->owner);
    free(cn);
    return rc;
  }
  char stream[SIM_NAME_MAX + 16];
  snprintf(stream, sizeof stream, "%s/listen", n->name);
  sim_stream_init(&cn->listen_x, c->w->cfg.seed, stream);
  cn->listen_rng = sb_xoshiro_rng(&cn->listen_x);
  cn->listening = true;
  install(c, cn);
  return SB_OK;
}

int sim_cloud_listen_start(sim_cloud *c, sim_node *n) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->listening) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a cloud daemon", n->name);
    return SB_ERR_ARG;
  }
  if (cn->listen_started || n->down) {
    snprintf(c->w->err, sizeof c->w->err, "'%s': listen() already called (or the daemon is down)", n->name);
    return SB_ERR_STATE;
  }
  listen_begin(cn);
  return SB_OK;
}

int sim_cloud_listen_close(sim_cloud *c, sim_node *n) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->listening || !cn->listen_started) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' runs no listen loop", n->name);
    return SB_ERR_STATE;
  }
  sb_cloud_listen_step step;
  sb_cloud_listen_close(&cn->listen, &step);
  listen_step(cn, &step);
  return SB_OK;
}

int sim_cloud_listen_abort(sim_cloud *c, sim_node *n) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->listening || !cn->listen_started) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' runs no listen loop", n->name);
    return SB_ERR_STATE;
  }
  sb_cloud_listen_step step;
  int rc = sb_cloud_listen_abort(&cn->listen, &step);
  if (rc != SB_OK) return rc;
  note(cn, "listen_abort", 0, 0,
       step.kind == SB_CLOUD_LISTEN_STOP ? "the signal aborted before the first relay connection"
                                         : "the signal aborted after the first relay connection: no effect");
  listen_step(cn, &step);
  return SB_OK;
}

int sim_cloud_set_trust(sim_cloud *c, sim_node *n, const char *policy) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->client) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a cloud client", n->name);
    return SB_ERR_ARG;
  }
  int rc = sb_cloud_client_set_trust(&cn->sdk, policy, &cn->cfg.callbacks);
  if (rc != SB_OK) {
    snprintf(c->w->err, sizeof c->w->err, "unknown trust policy '%s' (auto, prompt, pinned-only)", policy);
    return rc;
  }
  cn->cfg.trust_policy = sb_sbrp_trust_name(cn->sdk.trust); /* a restarted process passes it again */
  sim_rec r = {.kind = SIM_REC_FAULT, .node = n->index, .peer = -1, .what = "trust_policy",
               .text = (char *)cn->cfg.trust_policy};
  sim_world_trace(c->w, &r);
  return SB_OK;
}

static int client_init_sdk(cloud_node *cn) {
  return sb_cloud_client_init(&cn->sdk, &cn->cfg);
}

static cloud_node *reading_node(sim_cloud *c, sim_node *n, uint64_t sid) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->listening) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a cloud daemon", n->name);
    return NULL;
  }
  if (n->down || !sb_sbrp_daemon_session_get(&n->u.daemon.m, sid)) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' holds no session %016" PRIx64, n->name, sid);
    return NULL;
  }
  return cn;
}

int sim_cloud_stop_reading(sim_cloud *c, sim_node *n, uint64_t sid) {
  cloud_node *cn = reading_node(c, n, sid);
  if (!cn) return SB_ERR_NOT_FOUND;
  if (*unread_find(cn, sid)) {
    snprintf(c->w->err, sizeof c->w->err, "'%s': session %016" PRIx64 " is already not read", n->name, sid);
    return SB_ERR_STATE;
  }
  unread_session *u = sim_xmalloc(sizeof *u);
  memset(u, 0, sizeof *u);
  u->sid = sid;
  u->next = cn->unread;
  cn->unread = u;
  char text[120];
  snprintf(text, sizeof text, "nobody reads the session: its frames wait (at most %u)", SB_CLOUD_MUX_MAX_BACKLOG);
  note(cn, "reading_stopped", 0, sid, text);
  return SB_OK;
}

int sim_cloud_resume_reading(sim_cloud *c, sim_node *n, uint64_t sid) {
  cloud_node *cn = reading_node(c, n, sid);
  if (!cn) return SB_ERR_NOT_FOUND;
  unread_session **p = unread_find(cn, sid);
  unread_session *u = *p;
  if (!u) {
    snprintf(c->w->err, sizeof c->w->err, "'%s': session %016" PRIx64 " is being read", n->name, sid);
    return SB_ERR_STATE;
  }
  *p = u->next; /* unlinked first: handing frames over runs the after hook */
  char text[120];
  snprintf(text, sizeof text, "%zu waiting frames handed over in arrival order", u->n);
  note(cn, "reading_resumed", 0, sid, text);
  for (size_t i = 0; i < u->n; i++) sim_node_hand_frame(n, u->q[i].bytes, u->q[i].len);
  unread_free(u);
  return SB_OK;
}

int sim_cloud_attach_client(sim_cloud *c, sim_node *n, const sim_cloud_client_opts *o) {
  if (n->kind != SIM_CLIENT) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a client", n->name);
    return SB_ERR_ARG;
  }
  cloud_node *cn = attach(c, n, true);
  if (!cn) return SB_ERR_EXISTS;
  const char *did = n->u.client.daemon_id;
  if (o->quick_connect) {
    snprintf(cn->code, sizeof cn->code, "%s", o->quick_connect);
    cn->cfg.quick_connect_code = cn->code;
  } else {
    cn->cfg.daemon_id = did;
    cn->cfg.has_access_token_provider = true;
    const char *tok = o->access_token;
    if (!tok) { /* the owner's token, if the daemon is registered; else the default user's */
      sync_server(c);
      tok = SIM_CLOUD_ACCESS_TOKEN;
      for (size_t i = 0; i < c->server.daemon_count; i++)
        if (!strcmp(c->server.daemons[i].id, did))
          tok = c->server.users[c->server.daemons[i].owner].access_token;
    }
    snprintf(cn->access_token, sizeof cn->access_token, "%s", tok);
  }
  cn->token_throws = o->access_token_throws;
  cn->file_pins = o->file_pins;
  cn->cfg.has_identity_key_store = true;
  cn->cfg.trust_policy = sb_sbrp_trust_name(n->u.client.opts.trust);
  cn->cfg.callbacks = (sb_cloud_trust_callbacks){cn, prompt_first, prompt_mismatch};
  cn->cfg.wrap_json_body = c->cfg.wrap_json_body;
  int rc = sb_cloud_pins_init(&cn->pins, cn->pin_table, SIM_CLOUD_MAX_PINS);
  if (rc == SB_OK) rc = client_init_sdk(cn);
  if (rc == SB_OK && n->u.client.has_pin && !o->quick_connect) {
    rc = sb_cloud_pins_set(&cn->pins, did, n->u.client.pin); /* the node's `pin` option */
    if (rc == SB_OK) save_pin_file(cn);
  }
  if (rc != SB_OK) {
    snprintf(c->w->err, sizeof c->w->err, "client '%s': the cloud SDK refused its configuration: %s", n->name,
             sb_err_name(rc));
    free(cn->pin_file);
    free(cn);
    return rc;
  }
  if (o->quick_connect) sim_client_set_pin(n, NULL);
  install(c, cn);
  return SB_OK;
}

int sim_cloud_fault(sim_cloud *c, const char *procedure, sb_cloud_fault f) {
  int rc = sb_cloud_server_fault_push(&c->server, procedure, f);
  if (rc != SB_OK) snprintf(c->w->err, sizeof c->w->err, "fault refused: %s", sb_err_name(rc));
  return rc;
}

int sim_cloud_quick_connect(sim_cloud *c, sim_node *n, uint32_t ttl_s) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->listening) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' is not a cloud daemon", n->name);
    return SB_ERR_ARG;
  }
  cJSON *in = cJSON_CreateObject();
  if (!in || !cJSON_AddNumberToObject(in, "ttlSeconds", ttl_s)) {
    cJSON_Delete(in);
    return SB_ERR_NOMEM;
  }
  sb_cloud_request req;
  int rc = sb_cloud_request_build(&req, SB_CLOUD_PROC_CREATE_QC, cn->api_key, in, c->cfg.wrap_json_body);
  cJSON_Delete(in);
  if (rc != SB_OK) return rc;
  memset(&cn->qc, 0, sizeof cn->qc);
  api_call(cn, &req, CALL_QC);
  return SB_OK;
}

void sim_cloud_quick_connect_result(const sim_cloud *c, const sim_node *n, sim_cloud_qc_result *out) {
  const cloud_node *cn = node_of(c, n);
  if (cn)
    *out = cn->qc;
  else
    memset(out, 0, sizeof *out);
}

const char *sim_cloud_pin_file(const sim_cloud *c, const sim_node *n, size_t *len) {
  const cloud_node *cn = node_of(c, n);
  *len = cn && cn->pin_file ? cn->pin_file_len : 0;
  return cn ? cn->pin_file : NULL;
}

int sim_cloud_set_pin_file(sim_cloud *c, sim_node *n, const char *text, size_t len) {
  cloud_node *cn = node_of(c, n);
  if (!cn || !cn->client || !cn->file_pins) {
    snprintf(c->w->err, sizeof c->w->err, "'%s' has no file-backed pin store", n->name);
    return SB_ERR_STATE;
  }
  free(cn->pin_file);
  cn->pin_file = sim_xmalloc(len + 1);
  memcpy(cn->pin_file, text, len);
  cn->pin_file[len] = '\0';
  cn->pin_file_len = len;
  sim_rec r = {.kind = SIM_REC_FAULT, .node = n->index, .peer = -1, .what = "pin_file",
               .text = "the pin file was rewritten from outside the SDK"};
  sim_world_trace(c->w, &r);
  return SB_OK;
}

static const char *listen_state_name(sb_cloud_listen_state s) {
  static const char *const names[] = {"idle", "starting", "fetching", "opening", "connected", "waiting", "stopped"};
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int sim_cloud_status_of(const sim_cloud *c, const sim_node *n, sim_cloud_status *out) {
  const cloud_node *cn = node_of(c, n);
  memset(out, 0, sizeof *out);
  if (!cn) return SB_ERR_NOT_FOUND;
  out->client = cn->client;
  if (cn->client) {
    out->mode = cn->sdk.mode == SB_CLOUD_MODE_QUICK_CONNECT ? "quick-connect" : "account";
    out->attempts = cn->sdk.attempts;
    out->redeemed = sb_cloud_client_qc_redeemed(&cn->sdk);
    out->pins = sb_cloud_pins_count(&cn->pins);
    return SB_OK;
  }
  out->mode = "listen";
  out->listen = listen_state_name(cn->listen.state);
  out->startup_attempt = cn->listen.startup_attempt;
  out->loop_attempt = cn->listen.loop_attempt;
  out->connections = cn->listen.connections;
  out->last_delay = cn->last_delay;
  out->rejected = cn->rejected;
  return SB_OK;
}
