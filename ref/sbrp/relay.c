/*
 * The SBRP relay machine: see relay.h. Three fixed tables, scanned in index
 * order so that every run is deterministic (never pointer or hash order):
 *   conns     one per accepted WebSocket (client bound to did + sid, daemon
 *             bound to did);
 *   daemons   one per daemon ID the relay knows: online or not, resumable,
 *             its token's session cap, and its DaemonOnly presence record;
 *   sessions  one per client session (sid) with the state of table 13.3;
 *             Closed records stay until their slot is needed, so a late
 *             daemon frame can be told apart from a bogus one.
 * Plus a ring of every sid ever admitted (refusing reuse, HTTP 409).
 */
#define _POSIX_C_SOURCE 200809L /* strnlen */

#include "sbrp/relay.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sbrp/validate.h"

#define MACHINE_SESSION "relay/session"
#define MACHINE_RELAY "relay"

/* WebSocket close codes (RFC 6455 section 7.4.1). */
#define WS_NORMAL 1000
#define WS_POLICY 1008
#define WS_INTERNAL 1011
#define WS_TRY_LATER 1013

typedef struct relay_conn {
  bool used;
  bool closing; /* the relay closed it; waiting for the driver's ws_close */
  sb_sbrp_conn id;
  bool is_daemon;
  int daemon;  /* daemon slot (daemon connections), -1 otherwise */
  int session; /* client connections: session slot, -1 once unlinked */
  uint64_t sid; /* client connections: the token's sid (SBRP-RELAY-003) */
  sb_time_us last_rx;
  sb_time_us rate_start;
  uint32_t rate_count;
  bool rate_noticed; /* rate_limited already sent in this window (SBRP-RELAY-043) */
} relay_conn;

typedef struct relay_daemon {
  bool used;
  char did[SB_SBRP_RELAY_DID_MAX + 1];
  int conn;        /* conn slot while online, -1 offline */
  bool resumable;  /* the current (or last) presence token has session:resume */
  uint64_t lim;    /* lim.concurrent_sessions of that token, 0 = absent */
  bool presence;   /* the DaemonOnly record exists (R-003 until R-004) */
} relay_daemon;

typedef struct relay_session {
  sb_sbrp_relay_session_state state; /* NONE = free slot */
  uint64_t sid;
  int daemon; /* daemon slot, -1 if none (R-002, or its daemon slot was reused) */
  int client; /* conn slot, -1 once the client connection is gone */
  sb_time_us grace_end; /* Paused and Pending: when fire */
  sb_time_us closed_at;
} relay_session;

struct sb_sbrp_relay {
  sb_sbrp_relay_config cfg;
  char issuer[SB_SBRP_RELAY_STR_MAX + 1];
  char region[SB_SBRP_RELAY_STR_MAX + 1];
  bool has_region;
  sb_sbrp_io io;
  sb_rng rng;
  relay_conn conns[SB_SBRP_RELAY_MAX_CONNS];
  relay_daemon daemons[SB_SBRP_RELAY_MAX_DAEMONS];
  relay_session sessions[SB_SBRP_RELAY_MAX_SESSIONS];
  uint64_t sids[SB_SBRP_RELAY_SID_MEMORY];
  size_t sid_next, sid_count;
  /* Frames the relay writes itself: Control without text, Pong. */
  uint8_t out[SB_SBRP_HEADER_BYTES + SB_SBRP_PING_MAX_BYTES + SB_SBRP_CONTROL_MIN_BYTES];
  char event[96]; /* transition event texts built at run time */
  char text[SB_SBRP_RELAY_DID_MAX + 96]; /* note texts built at run time (a did fits) */
  sb_time_us jwks_at; /* when `cfg.keys` was last fetched (jwks_fetch set) */
};

/* ---- small helpers ------------------------------------------------------ */

static const char *const state_names[] = {"None",   "DaemonOnly", "Paired",
                                          "Paused", "Pending",    "Closed"};

const char *sb_sbrp_relay_session_state_name(sb_sbrp_relay_session_state s) {
  if ((unsigned)s >= SB_ARRAY_LEN(state_names)) return NULL;
  return state_names[s];
}

static const char *ctrl_name(uint16_t code) {
  const sb_sbrp_ctrl_info *i = sb_sbrp_control_lookup(code);
  return i ? i->name : "?";
}

uint16_t sb_sbrp_relay_close_code(uint16_t code) {
  if (!sb_sbrp_control_is_terminal(code)) return 0;
  switch (code) {
    case SB_SBRP_CTRL_INTERNAL_ERROR: return WS_INTERNAL;
    case SB_SBRP_CTRL_BACKPRESSURE:
    case SB_SBRP_CTRL_DAEMON_OFFLINE: return WS_TRY_LATER;
    case SB_SBRP_CTRL_SESSION_EXPIRED:
    case SB_SBRP_CTRL_SESSION_NOT_FOUND: return WS_NORMAL;
    default: return WS_POLICY; /* auth, routing, wire format, and any unknown code */
  }
}

static sb_time_us grace_of(const sb_sbrp_relay *r) {
  return r->cfg.grace > 0 ? r->cfg.grace : SB_SBRP_RELAY_DEFAULT_GRACE;
}

static sb_time_us rate_window_of(const sb_sbrp_relay *r) {
  return r->cfg.rate_window > 0 ? r->cfg.rate_window : SB_SBRP_RELAY_DEFAULT_RATE_WINDOW;
}

static bool session_live(const relay_session *s) {
  return s->state == SB_SBRP_RSESSION_PAIRED || s->state == SB_SBRP_RSESSION_PAUSED ||
         s->state == SB_SBRP_RSESSION_PENDING;
}

static void report(sb_sbrp_relay *r, uint64_t sid, sb_sbrp_relay_session_state from,
                   sb_sbrp_relay_session_state to, const char *event, const char *row) {
  if (!r->io.transition) return;
  sb_sbrp_transition t = {MACHINE_SESSION, sid, state_names[from], state_names[to], event, row};
  r->io.transition(r->io.ctx, &t);
}

static void note(sb_sbrp_relay *r, uint64_t sid, const char *what, int code, const char *text) {
  if (!r->io.note) return;
  sb_sbrp_note n = {MACHINE_RELAY, sid, what, code, text};
  r->io.note(r->io.ctx, &n);
}

/* ---- tables ------------------------------------------------------------- */

static int find_conn(const sb_sbrp_relay *r, sb_sbrp_conn id) {
  for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++)
    if (r->conns[i].used && r->conns[i].id == id) return i;
  return -1;
}

/* A free conn slot; failing that, the lowest closing one whose ws_close the
 * driver never reported. */
static int alloc_conn(sb_sbrp_relay *r) {
  for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++)
    if (!r->conns[i].used) return i;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++)
    if (r->conns[i].closing) return i;
  return -1;
}

static int find_daemon(const sb_sbrp_relay *r, const char *did) {
  for (int i = 0; i < SB_SBRP_RELAY_MAX_DAEMONS; i++)
    if (r->daemons[i].used && strcmp(r->daemons[i].did, did) == 0) return i;
  return -1;
}

static size_t live_sessions(const sb_sbrp_relay *r, int d) {
  size_t n = 0;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++)
    if (r->sessions[i].daemon == d && session_live(&r->sessions[i])) n++;
  return n;
}

/* A slot for daemon `did` (its own, a free one, or the lowest offline one
 * without live sessions, whose closed records then forget it). */
static int alloc_daemon(sb_sbrp_relay *r, const char *did) {
  int d = find_daemon(r, did);
  if (d >= 0) return d;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_DAEMONS && d < 0; i++)
    if (!r->daemons[i].used) d = i;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_DAEMONS && d < 0; i++)
    if (r->daemons[i].conn < 0 && live_sessions(r, i) == 0) d = i;
  if (d < 0) return -1;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++)
    if (r->sessions[i].daemon == d) r->sessions[i].daemon = -1;
  memset(&r->daemons[d], 0, sizeof r->daemons[d]);
  r->daemons[d].used = true;
  r->daemons[d].conn = -1;
  memcpy(r->daemons[d].did, did, strlen(did) + 1);
  return d;
}

/* A free session slot; failing that, the closed record that ended first. */
static int alloc_session(sb_sbrp_relay *r) {
  int best = -1;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    relay_session *s = &r->sessions[i];
    if (s->state == SB_SBRP_RSESSION_NONE) return i;
    if (s->state == SB_SBRP_RSESSION_CLOSED &&
        (best < 0 || s->closed_at < r->sessions[best].closed_at))
      best = i;
  }
  if (best >= 0) {
    int c = r->sessions[best].client;
    if (c >= 0 && r->conns[c].session == best) r->conns[c].session = -1;
  }
  return best;
}

/* The session `sid` of daemon slot `d` (any state but NONE), or -1. */
static int find_daemon_session(const sb_sbrp_relay *r, int d, uint64_t sid) {
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    const relay_session *s = &r->sessions[i];
    if (s->state != SB_SBRP_RSESSION_NONE && s->sid == sid && s->daemon == d) return i;
  }
  return -1;
}

static bool sid_used(const sb_sbrp_relay *r, uint64_t sid) {
  for (size_t i = 0; i < r->sid_count; i++)
    if (r->sids[i] == sid) return true;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++)
    if (r->sessions[i].state != SB_SBRP_RSESSION_NONE && r->sessions[i].sid == sid) return true;
  return false;
}

static void sid_remember(sb_sbrp_relay *r, uint64_t sid) {
  r->sids[r->sid_next] = sid;
  r->sid_next = (r->sid_next + 1) % SB_SBRP_RELAY_SID_MEMORY;
  if (r->sid_count < SB_SBRP_RELAY_SID_MEMORY) r->sid_count++;
}

/* ---- output ------------------------------------------------------------- */

static void close_conn(sb_sbrp_relay *r, sb_time_us now, int slot, uint16_t ws_code);

static void send_bytes(sb_sbrp_relay *r, int slot, const uint8_t *frame, size_t len) {
  r->io.send(r->io.ctx, r->conns[slot].id, frame, len);
}

/* Send Control(code) on connection `slot` with the SessionID of the code's
 * SID column (SBRP-CTRL-003), then close it if the code is terminal
 * (SBRP-CTRL-002) with the close code of O-10. */
static void send_control(sb_sbrp_relay *r, sb_time_us now, int slot, uint16_t code,
                         uint64_t sid) {
  size_t n = 0;
  int rc = sb_sbrp_control_build(code, sid, NULL, 0, r->out, sizeof r->out, &n);
  if (rc != SB_OK) { /* cannot happen for the codes used here; say so rather than hide it */
    note(r, sid, "internal_error", rc, ctrl_name(code));
    return;
  }
  send_bytes(r, slot, r->out, n);
  note(r, sid, "control_sent", 0, ctrl_name(code));
  if (sb_sbrp_control_is_terminal(code)) close_conn(r, now, slot, sb_sbrp_relay_close_code(code));
}

/* ---- session transitions -------------------------------------------------- */

/* Session `s` ends (-> Closed): report the row, tell the daemon
 * (session_ended, R-013/R-015) and/or the client (a terminal code such as
 * session_expired, which closes the client). */
static void session_close(sb_sbrp_relay *r, sb_time_us now, int s, const char *event,
                          const char *row, uint16_t client_code, bool tell_daemon) {
  relay_session *x = &r->sessions[s];
  sb_sbrp_relay_session_state from = x->state;
  x->state = SB_SBRP_RSESSION_CLOSED;
  x->closed_at = now;
  report(r, x->sid, from, SB_SBRP_RSESSION_CLOSED, event, row);
  if (tell_daemon && x->daemon >= 0 && r->daemons[x->daemon].conn >= 0)
    send_control(r, now, r->daemons[x->daemon].conn, SB_SBRP_CTRL_SESSION_ENDED, x->sid);
  int c = x->client;
  x->client = -1;
  if (c >= 0) {
    r->conns[c].session = -1;
    if (client_code && !r->conns[c].closing) send_control(r, now, c, client_code, x->sid);
  }
}

/* The client connection of slot `c` is gone. */
static void client_lost(sb_sbrp_relay *r, sb_time_us now, int c) {
  int s = r->conns[c].session;
  if (s < 0) return;
  r->conns[c].session = -1;
  switch (r->sessions[s].state) {
    case SB_SBRP_RSESSION_PAIRED:
      session_close(r, now, s, "client_ws_close", "SBRP-SM-R-015", 0, true);
      break;
    case SB_SBRP_RSESSION_PAUSED: /* the daemon is away: tear down silently */
      session_close(r, now, s, "client_ws_close", "SBRP-SM-R-009", 0, false);
      break;
    case SB_SBRP_RSESSION_PENDING:
      session_close(r, now, s, "client_ws_close", "SBRP-SM-R-013", 0, true);
      break;
    default: break;
  }
}

/* The daemon connection of slot `c` is gone: R-005 for its paired sessions,
 * Pending back to Paused (O-2, grace still counted from the first drop,
 * SBRP-RES-003), and its presence record DaemonOnly -> None (O-2). */
static void daemon_lost(sb_sbrp_relay *r, sb_time_us now, int c) {
  int d = r->conns[c].daemon;
  if (d < 0 || r->daemons[d].conn != c) return; /* a replaced connection */
  relay_daemon *dm = &r->daemons[d];
  dm->conn = -1;
  if (dm->presence) {
    dm->presence = false;
    report(r, 0, SB_SBRP_RSESSION_DAEMON_ONLY, SB_SBRP_RSESSION_NONE,
           "daemon_ws_close while DaemonOnly (O-2)", NULL);
  }
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    relay_session *x = &r->sessions[i];
    if (x->daemon != d) continue;
    if (x->state == SB_SBRP_RSESSION_PAIRED) {
      x->state = SB_SBRP_RSESSION_PAUSED;
      x->grace_end = now + grace_of(r);
      report(r, x->sid, SB_SBRP_RSESSION_PAIRED, SB_SBRP_RSESSION_PAUSED, "daemon_ws_close",
             "SBRP-SM-R-005");
      if (x->client >= 0) send_control(r, now, x->client, SB_SBRP_CTRL_SESSION_PAUSED, x->sid);
    } else if (x->state == SB_SBRP_RSESSION_PENDING) {
      x->state = SB_SBRP_RSESSION_PAUSED;
      report(r, x->sid, SB_SBRP_RSESSION_PENDING, SB_SBRP_RSESSION_PAUSED,
             "daemon_ws_close while Pending (O-2; grace runs on from the first drop)", NULL);
    }
  }
}

/* The relay closes connection `slot`: io.close, then the same consequences
 * as the peer going away. The slot stays (closing) until the driver reports
 * the close with sb_sbrp_relay_ws_close. */
static void close_conn(sb_sbrp_relay *r, sb_time_us now, int slot, uint16_t ws_code) {
  relay_conn *c = &r->conns[slot];
  if (c->closing) return;
  c->closing = true;
  if (r->io.close) r->io.close(r->io.ctx, c->id, ws_code);
  if (c->is_daemon)
    daemon_lost(r, now, slot);
  else
    client_lost(r, now, slot);
}

/* ---- deadlines ------------------------------------------------------------ */

/* Grace expiry (R-010, R-014; SBRP-RELAY-028) and idle connections, in index
 * order. */
static void run_due(sb_sbrp_relay *r, sb_time_us now) {
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    relay_session *x = &r->sessions[i];
    if (x->state == SB_SBRP_RSESSION_PAUSED && x->grace_end <= now)
      session_close(r, now, i, "grace_expired", "SBRP-SM-R-010", SB_SBRP_CTRL_SESSION_EXPIRED,
                    false);
    else if (x->state == SB_SBRP_RSESSION_PENDING && x->grace_end <= now)
      session_close(r, now, i, "grace_expired", "SBRP-SM-R-014", SB_SBRP_CTRL_SESSION_EXPIRED,
                    false);
  }
  if (r->cfg.idle_timeout <= 0) return;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++) {
    relay_conn *c = &r->conns[i];
    if (!c->used || c->closing || now - c->last_rx < r->cfg.idle_timeout) continue;
    note(r, c->is_daemon ? 0 : c->sid, "idle_timeout", 0, "connection silent too long: closed");
    close_conn(r, now, i, WS_NORMAL);
  }
}

sb_time_us sb_sbrp_relay_deadline(const sb_sbrp_relay *r) {
  sb_time_us t = SB_SBRP_NO_DEADLINE;
  if (!r) return t;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    const relay_session *x = &r->sessions[i];
    if ((x->state == SB_SBRP_RSESSION_PAUSED || x->state == SB_SBRP_RSESSION_PENDING) &&
        x->grace_end < t)
      t = x->grace_end;
  }
  if (r->cfg.idle_timeout > 0)
    for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++) {
      const relay_conn *c = &r->conns[i];
      if (c->used && !c->closing && c->last_rx + r->cfg.idle_timeout < t)
        t = c->last_rx + r->cfg.idle_timeout;
    }
  return t;
}

int sb_sbrp_relay_timeout(sb_sbrp_relay *r, sb_time_us now) {
  if (!r) return SB_ERR_ARG;
  run_due(r, now);
  return SB_OK;
}

/* ---- setup ---------------------------------------------------------------- */

void sb_sbrp_relay_config_init(sb_sbrp_relay_config *cfg, const char *issuer) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->issuer = issuer;
  cfg->skew_s = SB_CONFIG_AUTH_DEFAULT_SKEW_S;
}

size_t sb_sbrp_relay_size(void) { return sizeof(sb_sbrp_relay); }

static int copy_str(char *dst, const char *src) {
  size_t n = strlen(src);
  if (n > SB_SBRP_RELAY_STR_MAX) return SB_ERR_RANGE;
  memcpy(dst, src, n + 1);
  return SB_OK;
}

int sb_sbrp_relay_init(void *mem, const sb_sbrp_relay_config *cfg, const sb_sbrp_io *io,
                       const sb_rng *rng, sb_sbrp_relay **out) {
  if (!mem || !cfg || !io || !io->send || !out || !cfg->issuer) return SB_ERR_ARG;
  if (cfg->skew_s < 0 || cfg->skew_s > SB_AUTH_MAX_SKEW_S) return SB_ERR_ARG;
  if (cfg->nkeys > SB_SBRP_RELAY_MAX_KEYS) return SB_ERR_ARG;
  sb_sbrp_relay *r = mem;
  memset(r, 0, sizeof *r);
  int rc = copy_str(r->issuer, cfg->issuer);
  if (rc == SB_OK && cfg->region) rc = copy_str(r->region, cfg->region);
  if (rc != SB_OK) return rc;
  r->has_region = cfg->region != NULL;
  r->cfg = *cfg;
  r->cfg.issuer = r->issuer;
  r->cfg.region = r->has_region ? r->region : NULL;
  r->io = *io;
  if (rng) r->rng = *rng;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_CONNS; i++) r->conns[i].session = r->conns[i].daemon = -1;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_DAEMONS; i++) r->daemons[i].conn = -1;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++)
    r->sessions[i].daemon = r->sessions[i].client = -1;
  *out = r;
  return SB_OK;
}

/* ---- admission ------------------------------------------------------------ */

/* What admission keeps of a verified token (the claims tree is freed at once). */
typedef struct admitted {
  sb_auth_role role;
  char did[SB_SBRP_RELAY_DID_MAX + 1];
  uint64_t sid;
  bool resumable;
  uint64_t lim;
} admitted;

static int refuse(sb_sbrp_relay *r, int *status, int http, int err, uint64_t sid,
                  const char *why) {
  *status = http;
  snprintf(r->text, sizeof r->text, "HTTP %d: %s", http, why);
  note(r, sid, "admission_refused", err, r->text);
  return err;
}

static void conn_open(sb_sbrp_relay *r, sb_time_us now, int slot, sb_sbrp_conn id,
                      bool is_daemon) {
  relay_conn *c = &r->conns[slot];
  memset(c, 0, sizeof *c);
  c->used = true;
  c->id = id;
  c->is_daemon = is_daemon;
  c->daemon = c->session = -1;
  c->last_rx = now;
  c->rate_start = now;
}

/* Session cap of daemon slot `d` for a client token with `client_lim`: the
 * smallest of the daemon token's lim, the client token's lim and the
 * relay's own maximum, 0 if none applies (AO-7). */
static uint64_t session_cap(const sb_sbrp_relay *r, int d, uint64_t client_lim) {
  uint64_t cap = 0;
  uint64_t v[3] = {r->daemons[d].lim, client_lim, r->cfg.max_sessions_per_daemon};
  for (size_t i = 0; i < 3; i++)
    if (v[i] && (!cap || v[i] < cap)) cap = v[i];
  return cap;
}

static int admit_client(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn id, const admitted *a,
                        int *status) {
  /* A reused sid: live, closed or remembered (auth.md section 6; AO-8). */
  if (sid_used(r, a->sid))
    return refuse(r, status, SB_SBRP_RELAY_HTTP_CONFLICT, SB_ERR_EXISTS, a->sid,
                  "sid already used");
  int d = find_daemon(r, a->did);
  bool online = d >= 0 && r->daemons[d].conn >= 0;
  if (online) {
    uint64_t cap = session_cap(r, d, a->lim);
    if (cap && live_sessions(r, d) >= cap)
      return refuse(r, status, SB_SBRP_RELAY_HTTP_TOO_MANY, SB_ERR_FULL, a->sid,
                    "the daemon has its concurrent-session cap of sessions");
  }
  int slot = alloc_conn(r);
  int s = alloc_session(r);
  if (slot < 0 || (online && s < 0))
    return refuse(r, status, SB_SBRP_RELAY_HTTP_UNAVAILABLE, SB_ERR_FULL, a->sid,
                  "relay tables full");
  conn_open(r, now, slot, id, false);
  relay_conn *c = &r->conns[slot];
  c->sid = a->sid;
  sid_remember(r, a->sid);
  *status = SB_SBRP_RELAY_HTTP_SWITCHING;
  snprintf(r->text, sizeof r->text, "client admitted for did %s (%s)", a->did,
           online ? "daemon online" : "daemon offline");
  note(r, a->sid, "admission", 0, r->text);
  if (s >= 0) {
    relay_session *x = &r->sessions[s];
    memset(x, 0, sizeof *x);
    x->sid = a->sid;
    x->daemon = online ? d : -1;
    x->client = slot;
    c->session = s;
  }
  if (!online) {
    /* R-002, SBRP-RELAY-005: no pairing; daemon_offline (T) with the sid. */
    if (s >= 0) {
      r->sessions[s].state = SB_SBRP_RSESSION_CLOSED;
      r->sessions[s].closed_at = now;
      r->sessions[s].client = -1;
      c->session = -1;
    }
    report(r, a->sid, SB_SBRP_RSESSION_NONE, SB_SBRP_RSESSION_CLOSED,
           "client_ws_open, daemon offline", "SBRP-SM-R-002");
    send_control(r, now, slot, SB_SBRP_CTRL_DAEMON_OFFLINE, a->sid);
    return SB_OK;
  }
  r->sessions[s].state = SB_SBRP_RSESSION_PAIRED;
  if (r->daemons[d].presence) { /* the daemon waited alone: R-004 */
    r->daemons[d].presence = false;
    report(r, a->sid, SB_SBRP_RSESSION_DAEMON_ONLY, SB_SBRP_RSESSION_PAIRED, "client_ws_open",
           "SBRP-SM-R-004");
  } else {
    report(r, a->sid, SB_SBRP_RSESSION_NONE, SB_SBRP_RSESSION_PAIRED,
           "client_ws_open, daemon online", "SBRP-SM-R-001");
  }
  return SB_OK;
}

static int admit_daemon(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn id, const admitted *a,
                        int *status) {
  int d = alloc_daemon(r, a->did);
  int slot = alloc_conn(r);
  if (d < 0 || slot < 0)
    return refuse(r, status, SB_SBRP_RELAY_HTTP_UNAVAILABLE, SB_ERR_FULL, 0, "relay tables full");
  relay_daemon *dm = &r->daemons[d];
  if (dm->conn >= 0) {
    /* The daemon is back before its old connection was seen to go: the
     * newest connection wins, the old one goes as a daemon drop. */
    note(r, 0, "daemon_replaced", 0, "a new connection of this daemon replaces the old one");
    close_conn(r, now, dm->conn, WS_NORMAL);
  }
  conn_open(r, now, slot, id, true);
  r->conns[slot].daemon = d;
  dm->conn = slot;
  dm->resumable = a->resumable;
  dm->lim = a->lim;
  *status = SB_SBRP_RELAY_HTTP_SWITCHING;
  snprintf(r->text, sizeof r->text, "daemon %s admitted (%s)", a->did,
           a->resumable ? "resumable" : "not resumable");
  note(r, 0, "admission", 0, r->text);
  if (!dm->presence) {
    dm->presence = true;
    report(r, 0, SB_SBRP_RSESSION_NONE, SB_SBRP_RSESSION_DAEMON_ONLY, "daemon_ws_open",
           "SBRP-SM-R-003");
  }
  /* Its paused sessions (grace not over: run_due ran first). */
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    relay_session *x = &r->sessions[i];
    if (x->daemon != d || x->state != SB_SBRP_RSESSION_PAUSED) continue;
    if (!dm->resumable) { /* R-007, SBRP-RELAY-027, AUTH-044: at once, no Signals */
      session_close(r, now, i, "daemon_ws_open, no session:resume", "SBRP-SM-R-007",
                    SB_SBRP_CTRL_SESSION_EXPIRED, false);
    } else { /* R-008, SBRP-RELAY-026 */
      x->state = SB_SBRP_RSESSION_PENDING;
      report(r, x->sid, SB_SBRP_RSESSION_PAUSED, SB_SBRP_RSESSION_PENDING,
             "daemon_ws_open within grace (resumable)", "SBRP-SM-R-008");
      if (x->client >= 0) send_control(r, now, x->client, SB_SBRP_CTRL_SESSION_PENDING, x->sid);
    }
  }
  return SB_OK;
}

/* Refetch the JWKS (AUTH-030..032); `why` goes to the note. Keeps the cache on failure. */
static void jwks_refetch(sb_sbrp_relay *r, sb_time_us now, const char *why) {
  sb_auth_jwk keys[SB_SBRP_RELAY_MAX_KEYS];
  size_t n = 0;
  int rc = r->cfg.jwks_fetch(r->cfg.jwks_ctx, now, keys, SB_SBRP_RELAY_MAX_KEYS, &n);
  r->jwks_at = now;
  if (rc == SB_OK && n > SB_SBRP_RELAY_MAX_KEYS) rc = SB_ERR_RANGE;
  if (rc != SB_OK) {
    snprintf(r->text, sizeof r->text, "JWKS fetch failed, %s: the cached keys stay", why);
    note(r, 0, "jwks_fetch_failed", rc, r->text);
    return;
  }
  memcpy(r->cfg.keys, keys, n * sizeof keys[0]);
  r->cfg.nkeys = n;
  snprintf(r->text, sizeof r->text, "JWKS fetched, %s: %zu key(s)", why, n);
  note(r, 0, "jwks_fetched", 0, r->text);
}

int sb_sbrp_relay_upgrade(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                          const char *token, int *http_status) {
  return sb_sbrp_relay_upgrade_at(r, now, conn, SB_AUTH_ROLE_NONE, token, http_status);
}

int sb_sbrp_relay_upgrade_at(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                             sb_auth_role endpoint, const char *token, int *http_status) {
  if (!r || !http_status) return SB_ERR_ARG;
  *http_status = 0;
  run_due(r, now);
  int old = find_conn(r, conn);
  if (old >= 0 && !r->conns[old].closing) return SB_ERR_STATE;
  if (old >= 0) r->conns[old].used = false; /* the driver reuses a number we closed */

  /* The 16 steps (AUTH-V01..V16); any failure is 401, no upgrade. */
  sb_auth_verify_opts o;
  sb_auth_verify_opts_init(&o, r->issuer, r->cfg.epoch_s + now / SB_TIME_US_PER_S);
  o.skew_s = r->cfg.skew_s;
  o.region = r->cfg.region;
  o.expect_role = endpoint;
  sb_auth_claims cl;
  size_t len = token ? strnlen(token, SB_AUTH_TOKEN_MAX_CHARS + 1) : 0;
  /* The JWKS cache: at most jwks_max_age old (AUTH-031) ... */
  sb_time_us max_age = r->cfg.jwks_max_age ? r->cfg.jwks_max_age : SB_SBRP_RELAY_DEFAULT_JWKS_MAX_AGE;
  if (r->cfg.jwks_fetch && now - r->jwks_at >= max_age)
    jwks_refetch(r, now, "the cache reached its maximum age (AUTH-031)");
  int rc = sb_auth_token_verify(token, len, r->cfg.keys, r->cfg.nkeys, &o, &cl);
  /* ... and refetched for a kid it does not hold (AUTH-032), not more often than jwks_refetch_min. */
  sb_time_us min_gap = r->cfg.jwks_refetch_min ? r->cfg.jwks_refetch_min
                                               : SB_SBRP_RELAY_DEFAULT_JWKS_REFETCH_MIN;
  if (rc == SB_ERR_AUTH_KEY && r->cfg.jwks_fetch && now - r->jwks_at >= min_gap) {
    sb_auth_claims_free(&cl);
    jwks_refetch(r, now, "the token's kid is not cached (AUTH-032)");
    rc = sb_auth_token_verify(token, len, r->cfg.keys, r->cfg.nkeys, &o, &cl);
  }
  if (rc != SB_OK) {
    sb_auth_claims_free(&cl);
    /* The note names the failed step (AUTH-V01..V16) after its reason. */
    const sb_err_info *info = sb_err_lookup(rc);
    char why[160];
    snprintf(why, sizeof why, "%s (%s)", sb_err_str(rc), info && info->req ? info->req : "?");
    return refuse(r, http_status, SB_SBRP_RELAY_HTTP_UNAUTHORIZED, rc, 0, why);
  }
  admitted a;
  memset(&a, 0, sizeof a);
  size_t did_len = strlen(cl.did);
  bool did_fits = did_len <= SB_SBRP_RELAY_DID_MAX;
  if (did_fits) memcpy(a.did, cl.did, did_len + 1);
  a.role = cl.role;
  a.sid = cl.has_sid ? cl.sid : 0;
  a.resumable = cl.resumable;
  a.lim = cl.has_lim ? cl.lim_concurrent_sessions : 0;
  if (cl.ttl_warning) note(r, a.sid, "token_ttl_warning", 0, "client token lifetime over 120 s");
  sb_auth_claims_free(&cl);
  if (!did_fits)
    return refuse(r, http_status, SB_SBRP_RELAY_HTTP_UNAVAILABLE, SB_ERR_RANGE, a.sid,
                  "did longer than the relay keeps");
  if (a.role == SB_AUTH_ROLE_CLIENT) return admit_client(r, now, conn, &a, http_status);
  return admit_daemon(r, now, conn, &a, http_status);
}

/* ---- frames --------------------------------------------------------------- */

/* Rate limiting (SBRP-RELAY-040/043): true if the message is over the limit
 * (dropped; rate_limited sent once per window). */
static bool over_rate(sb_sbrp_relay *r, sb_time_us now, int slot) {
  relay_conn *c = &r->conns[slot];
  if (r->cfg.rate_limit == 0) return false;
  if (now - c->rate_start >= rate_window_of(r)) {
    c->rate_start = now;
    c->rate_count = 0;
    c->rate_noticed = false;
  }
  if (++c->rate_count <= r->cfg.rate_limit) return false;
  if (!c->rate_noticed) {
    c->rate_noticed = true;
    send_control(r, now, slot, SB_SBRP_CTRL_RATE_LIMITED, 0);
  }
  note(r, c->is_daemon ? 0 : c->sid, "frame_dropped", 0, "over the rate limit");
  return true;
}

/* Forward a whole message byte for byte (SBRP-RELAY-020) to connection
 * `to`, unless it is slow: then backpressure (T) to it instead
 * (SBRP-RELAY-041), never a silent drop. */
static void forward(sb_sbrp_relay *r, sb_time_us now, int to, uint64_t sid,
                    const uint8_t *frame, size_t len) {
  if (to < 0 || r->conns[to].closing) {
    note(r, sid, "frame_dropped", 0, "peer connection already gone");
    return;
  }
  if (r->cfg.backpressure_bytes && r->io.queued) {
    size_t q = r->io.queued(r->io.ctx, r->conns[to].id);
    if (q > r->cfg.backpressure_bytes) {
      snprintf(r->text, sizeof r->text, "%zu bytes queued on the receiver: closed", q);
      note(r, sid, "backpressure", 0, r->text);
      send_control(r, now, to, SB_SBRP_CTRL_BACKPRESSURE, 0);
      return;
    }
  }
  send_bytes(r, to, frame, len);
}

/* A daemon frame for a SessionID it has no live session with: a race with
 * session_ended / a client drop if the session ended less than a grace
 * period ago (dropped), else session_not_found (T) to the daemon (O-1). */
static void unknown_session(sb_sbrp_relay *r, sb_time_us now, int slot, uint64_t sid,
                            const char *what) {
  int s = find_daemon_session(r, r->conns[slot].daemon, sid);
  if (s >= 0 && r->sessions[s].state == SB_SBRP_RSESSION_CLOSED &&
      now - r->sessions[s].closed_at < grace_of(r)) {
    snprintf(r->text, sizeof r->text, "%s for a session that just ended", what);
    note(r, sid, "frame_dropped", 0, r->text);
    return;
  }
  snprintf(r->text, sizeof r->text, "%s for an unknown session", what);
  note(r, sid, "frame_rejected", 0, r->text);
  send_control(r, now, slot, SB_SBRP_CTRL_SESSION_NOT_FOUND, sid);
}

/* Signal from the daemon (SBRP-RELAY-022): consumed, never forwarded. */
static void on_signal(sb_sbrp_relay *r, sb_time_us now, int slot, const sb_sbrp_verdict *v) {
  uint64_t sid = v->frame.hdr.session_id;
  int s = find_daemon_session(r, r->conns[slot].daemon, sid);
  sb_sbrp_relay_session_state st = s >= 0 ? r->sessions[s].state : SB_SBRP_RSESSION_NONE;
  if (v->signal.code == SB_SBRP_SIGNAL_READY) {
    if (st == SB_SBRP_RSESSION_NONE || st == SB_SBRP_RSESSION_CLOSED) {
      /* The daemon resumed a session the relay no longer holds (its ready
       * came after the grace period, or its grace is longer than ours).
       * Telling it now, with the non-terminal session_ended, lets it drop
       * that session (D-005) before its first Data would draw the terminal
       * session_not_found and cost every other session on the connection
       * (E-SCEN-DAEMON-2). */
      note(r, sid, "signal_stale", 0, "Signal(ready) for a session the relay no longer holds");
      send_control(r, now, slot, SB_SBRP_CTRL_SESSION_ENDED, sid);
      return;
    }
    if (st != SB_SBRP_RSESSION_PENDING) {
      note(r, sid, "signal_ignored", 0, "Signal(ready) outside Pending");
      return;
    }
    r->sessions[s].state = SB_SBRP_RSESSION_PAIRED; /* routing resumes */
    report(r, sid, SB_SBRP_RSESSION_PENDING, SB_SBRP_RSESSION_PAIRED, "Signal(ready)",
           "SBRP-SM-R-011");
    if (r->sessions[s].client >= 0)
      send_control(r, now, r->sessions[s].client, SB_SBRP_CTRL_SESSION_RESUMED, sid);
    return;
  }
  snprintf(r->event, sizeof r->event, "Signal(close, %s)",
           sb_sbrp_signal_reason_name(v->signal.reason));
  if (st == SB_SBRP_RSESSION_PAIRED)
    session_close(r, now, s, r->event, "SBRP-SM-R-006", SB_SBRP_CTRL_SESSION_EXPIRED, false);
  else if (st == SB_SBRP_RSESSION_PENDING)
    session_close(r, now, s, r->event, "SBRP-SM-R-012", SB_SBRP_CTRL_SESSION_EXPIRED, false);
  else
    unknown_session(r, now, slot, sid, "Signal(close)");
}

/* HandshakeInit or Data from a client: bound to its token's sid
 * (SBRP-RELAY-003, AUTH-050), forwarded only while Paired. */
static void from_client(sb_sbrp_relay *r, sb_time_us now, int slot, const sb_sbrp_verdict *v,
                        const uint8_t *frame, size_t len) {
  relay_conn *c = &r->conns[slot];
  uint64_t sid = v->frame.hdr.session_id;
  if (sid != c->sid) {
    note(r, c->sid, "frame_rejected", SB_ERR_SBRP_SID_MISMATCH,
         "SessionID differs from the token's sid");
    send_control(r, now, slot, SB_SBRP_CTRL_INVALID_SESSION_ID, 0);
    return;
  }
  int s = c->session;
  sb_sbrp_relay_session_state st = s >= 0 ? r->sessions[s].state : SB_SBRP_RSESSION_NONE;
  if (st == SB_SBRP_RSESSION_PAIRED) {
    forward(r, now, r->daemons[r->sessions[s].daemon].conn, sid, frame, len);
    return;
  }
  /* Paused or Pending: nothing buffered (SBRP-RELAY-029, O-2). */
  snprintf(r->text, sizeof r->text, "%s from the client while %s (O-2)",
           sb_sbrp_type_name(v->frame.hdr.type), state_names[st]);
  note(r, sid, "frame_dropped", 0, r->text);
}

/* HandshakeAccept or Data from a daemon: to the client of that SessionID
 * (SBRP-RELAY-004), only while Paired. */
static void from_daemon(sb_sbrp_relay *r, sb_time_us now, int slot, const sb_sbrp_verdict *v,
                        const uint8_t *frame, size_t len) {
  uint64_t sid = v->frame.hdr.session_id;
  int s = find_daemon_session(r, r->conns[slot].daemon, sid);
  sb_sbrp_relay_session_state st = s >= 0 ? r->sessions[s].state : SB_SBRP_RSESSION_NONE;
  if (st == SB_SBRP_RSESSION_PAIRED) {
    forward(r, now, r->sessions[s].client, sid, frame, len);
  } else if (st == SB_SBRP_RSESSION_PENDING || st == SB_SBRP_RSESSION_PAUSED) {
    snprintf(r->text, sizeof r->text, "%s from the daemon while %s, before Signal(ready)",
             sb_sbrp_type_name(v->frame.hdr.type), state_names[st]);
    note(r, sid, "frame_dropped", 0, r->text);
  } else {
    unknown_session(r, now, slot, sid, sb_sbrp_type_name(v->frame.hdr.type));
  }
}

int sb_sbrp_relay_recv(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                       const uint8_t *frame, size_t len) {
  if (!r || (!frame && len)) return SB_ERR_ARG;
  run_due(r, now);
  int slot = find_conn(r, conn);
  if (slot < 0) return SB_ERR_NOT_FOUND;
  relay_conn *c = &r->conns[slot];
  if (c->closing) {
    note(r, c->is_daemon ? 0 : c->sid, "frame_dropped", 0, "connection closed by the relay");
    return SB_OK;
  }
  c->last_rx = now;
  if (over_rate(r, now, slot)) return SB_OK;

  sb_sbrp_verdict v;
  int rc = sb_sbrp_relay_validate(frame, len, c->is_daemon ? SB_SBRP_FROM_DAEMON
                                                           : SB_SBRP_FROM_CLIENT, &v);
  if (rc == SB_ERR_ARG) return rc;
  if (v.action == SB_SBRP_ACTION_REJECT) {
    /* Every rejection is terminal: its Control frame, then close. */
    size_t n = 0;
    rc = sb_sbrp_relay_reject_frame(&v, r->out, sizeof r->out, &n);
    note(r, v.control_sid, "frame_rejected", v.err, sb_err_str(v.err));
    if (rc == SB_OK) {
      send_bytes(r, slot, r->out, n);
      note(r, v.control_sid, "control_sent", 0, ctrl_name(v.control_code));
    }
    close_conn(r, now, slot, sb_sbrp_relay_close_code(v.control_code));
    return SB_OK;
  }
  switch (v.action) {
    case SB_SBRP_ACTION_PONG: { /* SBRP-KA-001: same payload, SID 0, never forwarded */
      size_t n = 0;
      if (sb_sbrp_relay_pong(&v, r->out, sizeof r->out, &n) == SB_OK) send_bytes(r, slot, r->out, n);
      break;
    }
    case SB_SBRP_ACTION_CONSUME:
      if (v.frame.hdr.type == SB_SBRP_SIGNAL) on_signal(r, now, slot, &v);
      break; /* a Pong: liveness only */
    case SB_SBRP_ACTION_FORWARD:
      if (c->is_daemon)
        from_daemon(r, now, slot, &v, frame, len);
      else
        from_client(r, now, slot, &v, frame, len);
      break;
    default: break;
  }
  return SB_OK;
}

int sb_sbrp_relay_ws_close(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn) {
  if (!r) return SB_ERR_ARG;
  run_due(r, now);
  int slot = find_conn(r, conn);
  if (slot < 0) return SB_ERR_NOT_FOUND;
  relay_conn *c = &r->conns[slot];
  if (!c->closing) {
    c->closing = true;
    if (c->is_daemon)
      daemon_lost(r, now, slot);
    else
      client_lost(r, now, slot);
  }
  c->used = false;
  return SB_OK;
}

/* ---- queries -------------------------------------------------------------- */

sb_sbrp_relay_session_state sb_sbrp_relay_session_state_of(const sb_sbrp_relay *r,
                                                            uint64_t session_id) {
  if (!r || session_id == 0) return SB_SBRP_RSESSION_NONE;
  sb_sbrp_relay_session_state st = SB_SBRP_RSESSION_NONE;
  for (int i = 0; i < SB_SBRP_RELAY_MAX_SESSIONS; i++) {
    const relay_session *x = &r->sessions[i];
    if (x->state == SB_SBRP_RSESSION_NONE || x->sid != session_id) continue;
    if (session_live(x)) return x->state;
    st = x->state;
  }
  return st;
}

sb_sbrp_relay_session_state sb_sbrp_relay_presence_state(const sb_sbrp_relay *r,
                                                          const char *did) {
  if (!r || !did) return SB_SBRP_RSESSION_NONE;
  int d = find_daemon(r, did);
  return d >= 0 && r->daemons[d].presence ? SB_SBRP_RSESSION_DAEMON_ONLY : SB_SBRP_RSESSION_NONE;
}

bool sb_sbrp_relay_daemon_online(const sb_sbrp_relay *r, const char *did) {
  if (!r || !did) return false;
  int d = find_daemon(r, did);
  return d >= 0 && r->daemons[d].conn >= 0;
}

size_t sb_sbrp_relay_session_count(const sb_sbrp_relay *r, const char *did) {
  if (!r || !did) return 0;
  int d = find_daemon(r, did);
  return d >= 0 ? live_sessions(r, d) : 0;
}
