#include "sbrp/daemon.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/token.h"
#include "common/bytes.h"
#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

#define MACHINE "daemon"
#define SMACHINE "daemon/session"
#define DEFAULT_TIMEOUT SB_TIME_S(30)
#define SID_RECORD_BYTES 8u

static const char *const state_names[] = {"Idle", "Registered", "Connected", "Reconnecting",
                                          "Closed"};
static const char *const session_names[] = {"Idle (session)", "Handshaking", "Active",
                                            "Reconnecting"};

const char *sb_sbrp_daemon_state_name(sb_sbrp_daemon_state s) {
  return (unsigned)s < SB_ARRAY_LEN(state_names) ? state_names[s] : NULL;
}

const char *sb_sbrp_daemon_session_state_name(sb_sbrp_daemon_session_state s) {
  return (unsigned)s < SB_ARRAY_LEN(session_names) ? session_names[s] : NULL;
}

sb_sbrp_daemon_state sb_sbrp_daemon_state_of(const sb_sbrp_daemon *d) { return d->state; }

sb_sbrp_conn sb_sbrp_daemon_connection(const sb_sbrp_daemon *d) { return d->conn; }

/* ---- reporting ------------------------------------------------------------ */

static void move(sb_sbrp_daemon *d, sb_sbrp_daemon_state to, const char *event, const char *row) {
  sb_sbrp_transition t = {MACHINE, 0, state_names[d->state], state_names[to], event, row};
  d->state = to;
  if (d->io.transition) d->io.transition(d->io.ctx, &t);
}

/* A session transition with the table's own state names (D-009 and D-010
 * start from "Connected", the state D-007 put the session in). */
static void report(sb_sbrp_daemon *d, uint64_t sid, const char *from, const char *to,
                   const char *event, const char *row) {
  sb_sbrp_transition t = {SMACHINE, sid, from, to, event, row};
  if (d->io.transition) d->io.transition(d->io.ctx, &t);
}

static void smove(sb_sbrp_daemon *d, sb_sbrp_daemon_session *s, sb_sbrp_daemon_session_state to,
                  const char *event, const char *row) {
  const char *from = session_names[s->state];
  s->state = to;
  report(d, s->session_id, from, session_names[to], event, row);
}

static void note(sb_sbrp_daemon *d, uint64_t sid, const char *what, int code, const char *text) {
  if (!d->io.note) return;
  sb_sbrp_note n = {sid ? SMACHINE : MACHINE, sid, what, code, text};
  d->io.note(d->io.ctx, &n);
}

/* ---- sessions and the daemon's disk --------------------------------------- */

static sb_sbrp_daemon_session *find(sb_sbrp_daemon *d, uint64_t sid) {
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    if (d->sessions[i].state != SB_SBRP_DSESSION_NONE && d->sessions[i].session_id == sid)
      return &d->sessions[i];
  return NULL;
}

static sb_sbrp_daemon_session *free_slot(sb_sbrp_daemon *d) {
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    if (d->sessions[i].state == SB_SBRP_DSESSION_NONE) return &d->sessions[i];
  return NULL;
}

const sb_sbrp_daemon_session *sb_sbrp_daemon_session_get(const sb_sbrp_daemon *d,
                                                         uint64_t session_id) {
  return d ? find((sb_sbrp_daemon *)d, session_id) : NULL;
}

size_t sb_sbrp_daemon_session_count(const sb_sbrp_daemon *d) {
  size_t n = 0;
  for (size_t i = 0; d && i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    n += d->sessions[i].state != SB_SBRP_DSESSION_NONE;
  return n;
}

/* Only a resumable daemon keeps records: a non-resumable one never signals
 * (SBRP-RES-009), so a record could not serve anything. */
static bool keeps_records(const sb_sbrp_daemon *d) { return d->store && d->cfg.resumable; }

/* Write the session's record: its whole state when persisting (written
 * after every change, so a restart never reuses a sequence number), else
 * just the SessionID, which is enough to answer state_lost (SBRP-RES-005). */
static void store_record(sb_sbrp_daemon *d, const sb_sbrp_daemon_session *s) {
  if (!keeps_records(d)) return;
  uint8_t rec[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n = SID_RECORD_BYTES;
  if (!d->cfg.persist_state)
    sb_store_u64be(rec, s->session_id);
  else if (sb_sbrp_session_export(&s->traffic, rec, sizeof rec, &n) != SB_OK)
    return;
  d->store(d->store_ctx, s->session_id, rec, n);
  sodium_memzero(rec, sizeof rec);
}

/* The state changed (counter or window): a persisting daemon rewrites it. */
static void state_changed(sb_sbrp_daemon *d, const sb_sbrp_daemon_session *s) {
  if (d->cfg.persist_state) store_record(d, s);
}

/* Free the slot and wipe its keys (SBRP-CRYPTO-007, D-005); the record goes too. */
static void remove_session(sb_sbrp_daemon *d, sb_sbrp_daemon_session *s) {
  uint64_t sid = s->session_id;
  sodium_memzero(s, sizeof *s);
  if (keeps_records(d)) d->store(d->store_ctx, sid, NULL, 0);
}

static void send_frame(sb_sbrp_daemon *d, const uint8_t *frame, size_t len) {
  d->io.send(d->io.ctx, d->conn, frame, len);
}

static void send_signal(sb_sbrp_daemon *d, uint64_t sid, uint8_t code, uint8_t reason) {
  uint8_t f[SB_SBRP_HEADER_BYTES + SB_SBRP_SIGNAL_BYTES];
  size_t n = 0;
  if (sb_sbrp_signal_encode(sid, code, reason, f, sizeof f, &n) == SB_OK) send_frame(d, f, n);
}

/* End a session on the daemon's initiative: Signal(close, reason) so the
 * relay tells the client at once (SBRP-RELAY-022), then forget it. */
static void close_session(sb_sbrp_daemon *d, sb_sbrp_daemon_session *s, uint8_t reason,
                          const char *why) {
  snprintf(d->event, sizeof d->event, "%s: Signal(close, %s)", why,
           sb_sbrp_signal_reason_name(reason));
  smove(d, s, SB_SBRP_DSESSION_NONE, d->event, NULL);
  send_signal(d, s->session_id, SB_SBRP_SIGNAL_CLOSE, reason);
  remove_session(d, s);
}

/* ---- API: set-up and connection --------------------------------------------- */

int sb_sbrp_daemon_init(sb_sbrp_daemon *d, const sb_sbrp_daemon_config *cfg, const sb_sbrp_io *io,
                        const sb_rng *rng) {
  if (!d || !cfg || !io || !io->send || !rng || !cfg->daemon_id) return SB_ERR_ARG;
  if (cfg->daemon_id_len == 0 || cfg->daemon_id_len > sizeof d->daemon_id - 1) return SB_ERR_ARG;
  if (cfg->grace < 0 || cfg->accept_delay < 0 || cfg->handshake_timeout < 0) return SB_ERR_ARG;
  uint32_t w = cfg->replay_window ? cfg->replay_window : SB_SBRP_SESSION_DEFAULT_WINDOW;
  if (w < SB_SBRP_SESSION_MIN_WINDOW) return SB_ERR_SBRP_WINDOW_SIZE;
  if (w > SB_CONFIG_REPLAY_MAX_WINDOW) return SB_ERR_RANGE;
  memset(d, 0, sizeof *d);
  int rc = sb_sbrp_handshake_identity_from_seed(cfg->identity_seed, &d->identity);
  if (rc != SB_OK) return rc;
  d->cfg = *cfg;
  d->cfg.daemon_id = NULL; /* no pointer into the struct: the driver may move it */
  memcpy(d->daemon_id, cfg->daemon_id, cfg->daemon_id_len);
  if (!d->cfg.grace) d->cfg.grace = DEFAULT_TIMEOUT;
  if (!d->cfg.handshake_timeout) d->cfg.handshake_timeout = DEFAULT_TIMEOUT;
  d->cfg.replay_window = w;
  d->io = *io;
  d->rng = *rng;
  d->state = SB_SBRP_DAEMON_IDLE;
  d->conn = SB_SBRP_NO_CONN;
  return SB_OK;
}

void sb_sbrp_daemon_set_store(sb_sbrp_daemon *d, sb_sbrp_daemon_store_fn fn, void *ctx) {
  if (!d) return;
  d->store = fn;
  d->store_ctx = ctx;
}

int sb_sbrp_daemon_register(sb_sbrp_daemon *d, sb_time_us now) {
  (void)now;
  if (!d) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_IDLE) return SB_ERR_STATE;
  move(d, SB_SBRP_DAEMON_REGISTERED, "register", "SBRP-SM-D-001");
  return SB_OK;
}

/* Wipe every session and the identity (D-011, SBRP-CRYPTO-007). */
static void wipe_all(sb_sbrp_daemon *d) {
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    if (d->sessions[i].state != SB_SBRP_DSESSION_NONE) remove_session(d, &d->sessions[i]);
  sodium_memzero(&d->identity, sizeof d->identity);
  sodium_memzero(d->cfg.identity_seed, sizeof d->cfg.identity_seed);
  d->conn = SB_SBRP_NO_CONN;
  d->opening = false;
}

/* AUTH-061: the presence token's did must be this daemon's ID; the SDK
 * treats an unreadable or different did as fatal (CloudApiError 400). */
static int open_relay(sb_sbrp_daemon *d, const char *token) {
  char did[sizeof d->daemon_id];
  sb_auth_peek_mode mode = d->cfg.sdk_token_peek ? SB_AUTH_PEEK_SDK : SB_AUTH_PEEK_STRICT;
  int rc = sb_auth_token_peek_did(token, strlen(token), mode, (const char *)d->daemon_id, did,
                                  sizeof did);
  if (rc != SB_OK) {
    note(d, 0, "presence_token_refused", rc,
         "presence token did is unreadable or not this daemon's ID (AUTH-061)");
    move(d, SB_SBRP_DAEMON_CLOSED, "presence token refused: fatal (AUTH-061)", NULL);
    wipe_all(d);
    return rc;
  }
  d->opening = true;
  if (d->io.open) d->io.open(d->io.ctx, token);
  return SB_OK;
}

int sb_sbrp_daemon_connect(sb_sbrp_daemon *d, sb_time_us now, const char *token) {
  (void)now;
  if (!d || !token) return SB_ERR_ARG;
  if ((d->state != SB_SBRP_DAEMON_REGISTERED && d->state != SB_SBRP_DAEMON_RECONNECTING) ||
      d->opening)
    return SB_ERR_STATE;
  return open_relay(d, token);
}

int sb_sbrp_daemon_reconnect(sb_sbrp_daemon *d, sb_time_us now, const char *token) {
  if (!d || !token) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_RECONNECTING) return SB_ERR_STATE;
  return sb_sbrp_daemon_connect(d, now, token);
}

/* SBRP-RES-007: the state-integrity check, as a round trip through the
 * stored form; on success the session continues from the checked copy. */
static bool state_intact(sb_sbrp_daemon_session *s) {
  if (s->state_lost) return false;
  uint8_t rec[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n = 0;
  sb_sbrp_session checked;
  bool ok = sb_sbrp_session_export(&s->traffic, rec, sizeof rec, &n) == SB_OK &&
            sb_sbrp_session_import(rec, n, &checked) == SB_OK &&
            checked.role == SB_SBRP_ROLE_DAEMON && checked.session_id == s->session_id;
  if (ok) s->traffic = checked;
  sodium_memzero(rec, sizeof rec);
  sodium_memzero(&checked, sizeof checked);
  return ok;
}

/* D-007 then, per kept session in slot order, D-009 or D-010: all Signals
 * go out before any frame of the session is handled (SBRP-RES-004). */
static void resume_sessions(sb_sbrp_daemon *d) {
  move(d, SB_SBRP_DAEMON_CONNECTED, "ws_open within grace", "SBRP-SM-D-007");
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++) {
    sb_sbrp_daemon_session *s = &d->sessions[i];
    if (s->state != SB_SBRP_DSESSION_SUSPENDED) continue;
    if (state_intact(s)) {
      s->state = SB_SBRP_DSESSION_ACTIVE;
      report(d, s->session_id, "Connected", "Active", "state retained: Signal(ready)",
             "SBRP-SM-D-009");
      send_signal(d, s->session_id, SB_SBRP_SIGNAL_READY, SB_SBRP_REASON_NONE);
      state_changed(d, s);
    } else {
      note(d, s->session_id, "state_lost", SB_ERR_SBRP_STATE_LOST,
           "session state lost or fails the integrity check (SBRP-RES-007)");
      report(d, s->session_id, "Connected", "Connected", "state lost: Signal(close, state_lost)",
             "SBRP-SM-D-010");
      send_signal(d, s->session_id, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_STATE_LOST);
      remove_session(d, s);
    }
  }
}

int sb_sbrp_daemon_ws_open(sb_sbrp_daemon *d, sb_time_us now, sb_sbrp_conn conn) {
  if (!d || conn < 0) return SB_ERR_ARG;
  bool first = d->state == SB_SBRP_DAEMON_REGISTERED;
  if ((!first && d->state != SB_SBRP_DAEMON_RECONNECTING) || !d->opening) return SB_ERR_STATE;
  d->opening = false;
  d->conn = conn;
  if (first) {
    move(d, SB_SBRP_DAEMON_CONNECTED, "connect: ws_open", "SBRP-SM-D-002");
    return SB_OK;
  }
  if (!d->cfg.resumable) {
    move(d, SB_SBRP_DAEMON_CONNECTED,
         "ws_open, non-resumable daemon: nothing kept, no Signals (SBRP-RES-009)", NULL);
    return SB_OK;
  }
  if (now - d->disconnected_at < d->cfg.grace) {
    resume_sessions(d);
    return SB_OK;
  }
  move(d, SB_SBRP_DAEMON_CONNECTED, "ws_open after grace", "SBRP-SM-D-008");
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++) {
    sb_sbrp_daemon_session *s = &d->sessions[i];
    if (s->state == SB_SBRP_DSESSION_NONE) continue;
    smove(d, s, SB_SBRP_DSESSION_NONE, "ws_open after grace: old state dropped", "SBRP-SM-D-008");
    remove_session(d, s);
  }
  return SB_OK;
}

/* D-006: the relay connection is gone. A resumable daemon keeps its active
 * sessions; a session still waiting for its HandshakeAccept cannot finish
 * and is kept only to be answered with state_lost. */
static void drop_connection(sb_sbrp_daemon *d, sb_time_us now, const char *event) {
  move(d, SB_SBRP_DAEMON_RECONNECTING, event, "SBRP-SM-D-006");
  d->conn = SB_SBRP_NO_CONN;
  d->disconnected_at = now;
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++) {
    sb_sbrp_daemon_session *s = &d->sessions[i];
    if (s->state == SB_SBRP_DSESSION_NONE) continue;
    if (!d->cfg.resumable) {
      smove(d, s, SB_SBRP_DSESSION_NONE,
            "ws_close, non-resumable daemon: session dropped (SBRP-RES-009)", NULL);
      remove_session(d, s);
    } else if (s->state == SB_SBRP_DSESSION_ACTIVE) {
      smove(d, s, SB_SBRP_DSESSION_SUSPENDED, "ws_close", "SBRP-SM-D-006");
    } else if (s->state == SB_SBRP_DSESSION_HANDSHAKING) {
      s->state_lost = true;
      sodium_memzero(&s->pending_keys, sizeof s->pending_keys);
      smove(d, s, SB_SBRP_DSESSION_SUSPENDED,
            "ws_close before the HandshakeAccept was sent: handshake lost", NULL);
    }
  }
}

int sb_sbrp_daemon_ws_close(sb_sbrp_daemon *d, sb_time_us now) {
  if (!d) return SB_ERR_ARG;
  if (d->state == SB_SBRP_DAEMON_CONNECTED) {
    drop_connection(d, now, "ws_close");
    return SB_OK;
  }
  if (d->opening) {
    d->opening = false;
    note(d, 0, "connect_failed", 0, "the relay connection could not be opened");
    return SB_OK;
  }
  if (d->state == SB_SBRP_DAEMON_RECONNECTING || d->state == SB_SBRP_DAEMON_CLOSED) {
    note(d, 0, "ws_close_ignored", 0, "close of a connection the daemon already left");
    return SB_OK;
  }
  return SB_ERR_STATE;
}

/* ---- receiving ------------------------------------------------------------- */

/* H9 and D-004: send the HandshakeAccept; the session is Active. */
static void activate(sb_sbrp_daemon *d, sb_sbrp_daemon_session *s) {
  sb_sbrp_session_options o = {d->cfg.replay_window, d->cfg.strict_direction};
  send_frame(d, s->accept_frame, sizeof s->accept_frame);
  int rc = sb_sbrp_session_init(&s->traffic, SB_SBRP_ROLE_DAEMON, s->session_id, &s->pending_keys,
                                &o);
  if (rc != SB_OK) { /* not reached: the window was checked at init */
    note(d, s->session_id, "internal_error", rc, "session keys could not be installed");
    smove(d, s, SB_SBRP_DSESSION_NONE, "session keys could not be installed", NULL);
    remove_session(d, s);
    return;
  }
  s->accept_at = s->expire_at = s->deadline = SB_SBRP_NO_DEADLINE;
  smove(d, s, SB_SBRP_DSESSION_ACTIVE, "HandshakeAccept sent", "SBRP-SM-D-004");
  if (d->io.keys) d->io.keys(d->io.ctx, s->session_id, s->pending_keys.c2d, s->pending_keys.d2c);
  sodium_memzero(&s->pending_keys, sizeof s->pending_keys);
  store_record(d, s);
}

static sb_time_us session_deadline(const sb_sbrp_daemon_session *s) {
  return s->accept_at < s->expire_at ? s->accept_at : s->expire_at;
}

/* D-003: HandshakeInit for a new SessionID (SBRP-WIRE-017: the session is
 * keyed by the header's SessionID). */
static int on_init(sb_sbrp_daemon *d, sb_time_us now, const sb_sbrp_frame *f) {
  uint64_t sid = f->hdr.session_id;
  uint8_t c_pub[SB_SBRP_KEY_BYTES];
  int rc = sb_sbrp_handshake_init_decode(f, c_pub);
  if (rc != SB_OK) {
    note(d, sid, "frame_dropped", rc, "HandshakeInit payload is not 32 bytes");
    return SB_OK;
  }
  if (find(d, sid)) {
    /* A live session is never replaced by a second HandshakeInit. */
    note(d, sid, "frame_dropped", 0, "HandshakeInit for a live SessionID ignored");
    return SB_OK;
  }
  sb_sbrp_daemon_session *s = free_slot(d);
  if (!s) {
    note(d, sid, "frame_dropped", SB_ERR_FULL, "HandshakeInit dropped: session table full");
    return SB_OK;
  }
  /* H3-H8: fresh ephemeral, signature, keys; the ephemeral private key is
   * wiped inside (SBRP-CRYPTO-007). */
  sb_sbrp_ephemeral eph;
  sb_sbrp_accept accept;
  sb_sbrp_session_keys keys;
  size_t n = 0;
  rc = sb_sbrp_handshake_ephemeral_generate(&d->rng, &eph);
  if (rc != SB_OK) {
    note(d, sid, "internal_error", rc, "no ephemeral key for the HandshakeAccept");
    return rc;
  }
  rc = sb_sbrp_handshake_daemon_accept(&d->identity, d->daemon_id, d->cfg.daemon_id_len, c_pub,
                                       eph.priv, &accept, &keys);
  sodium_memzero(&eph, sizeof eph);
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_accept_encode(sid, &accept, s->accept_frame, sizeof s->accept_frame,
                                         &n);
  if (rc != SB_OK) {
    sodium_memzero(&keys, sizeof keys);
    note(d, sid, "handshake_failed", rc, "HandshakeInit refused (low-order client key)");
    return SB_OK;
  }
  s->session_id = sid;
  s->state_lost = false;
  memcpy(s->client_eph_pub, c_pub, sizeof c_pub);
  s->pending_keys = keys;
  sodium_memzero(&keys, sizeof keys);
  s->accept_at = now + d->cfg.accept_delay;
  s->expire_at = now + d->cfg.handshake_timeout; /* D-012, from the HandshakeInit */
  s->deadline = session_deadline(s);
  s->state = SB_SBRP_DSESSION_NONE;
  report(d, sid, "Connected", "Handshaking", "HandshakeInit", "SBRP-SM-D-003");
  s->state = SB_SBRP_DSESSION_HANDSHAKING;
  if (s->accept_at <= now && s->accept_at < s->expire_at) activate(d, s);
  return SB_OK;
}

static int on_data(sb_sbrp_daemon *d, const sb_sbrp_frame *f) {
  uint64_t sid = f->hdr.session_id;
  sb_sbrp_daemon_session *s = find(d, sid);
  if (!s) {
    note(d, sid, "frame_dropped", 0, "Data for a SessionID the daemon does not hold");
    return SB_OK;
  }
  if (s->state != SB_SBRP_DSESSION_ACTIVE) {
    note(d, sid, "frame_dropped", 0, "Data before the session is Active (SBRP-CRYPTO-009)");
    return SB_OK;
  }
  size_t n = 0;
  int rc = sb_sbrp_session_open(&s->traffic, f, d->buf, sizeof d->buf, &n, NULL);
  if (rc == SB_OK) {
    state_changed(d, s);
    if (d->io.deliver) d->io.deliver(d->io.ctx, sid, d->buf, n);
    return SB_OK;
  }
  if (rc == SB_ERR_SBRP_REPLAY || rc == SB_ERR_SBRP_TOO_OLD) {
    note(d, sid, "sequence_error", rc, "Data dropped: sequence number replayed or outside the window");
    return SB_OK;
  }
  /* SBRP-CRYPTO-024: decrypt_failed closes the connection. The daemon's
   * relay connection carries every session, so it closes this session's
   * virtual connection only (as upstream's multiplexer), telling the relay. */
  note(d, sid, "decrypt_failed", rc, "Data does not open: the daemon ends the session");
  close_session(d, s, SB_SBRP_REASON_ERROR, "decrypt_failed");
  return SB_OK;
}

static int on_control(sb_sbrp_daemon *d, sb_time_us now, const sb_sbrp_frame *f) {
  uint64_t sid = f->hdr.session_id;
  sb_sbrp_control ctl;
  int rc = sb_sbrp_control_decode(f, false, &ctl);
  if (rc != SB_OK) {
    note(d, 0, "frame_dropped", rc, "Control payload shorter than 2 bytes");
    return SB_OK;
  }
  const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(ctl.code);
  if (!info || !info->on_wire) {
    /* SBRP-CTRL-005: an unknown code is terminal; the daemon closes and
     * reconnects as after any drop. */
    snprintf(d->text, sizeof d->text,
             "unknown Control code 0x%04x: terminal, fail-safe (SBRP-CTRL-005)", ctl.code);
    note(d, 0, "control_received", SB_ERR_SBRP_CONTROL_UNKNOWN, d->text);
    sb_sbrp_conn conn = d->conn;
    drop_connection(d, now, "ws_close: the daemon closes after an unknown Control code");
    if (d->io.close) d->io.close(d->io.ctx, conn, 1002);
    return SB_OK;
  }
  note(d, sid, "control_received", 0, info->name);
  rc = sb_sbrp_control_check_scope(ctl.code, sid);
  if (rc != SB_OK)
    note(d, sid, "control_scope", rc,
         "Control SessionID does not follow the code's SID column (SBRP-CTRL-003)");
  sb_sbrp_daemon_session *s = sid ? find(d, sid) : NULL;
  switch (ctl.code) {
    case SB_SBRP_CTRL_SESSION_ENDED:
      if (!s) {
        note(d, sid, "control_ignored", 0, "session_ended for a SessionID the daemon does not hold");
      } else {
        /* D-005: the client is gone; per-session cleanup of keys, counters, window. */
        bool active = s->state == SB_SBRP_DSESSION_ACTIVE;
        smove(d, s, SB_SBRP_DSESSION_NONE,
              active ? "Control(session_ended)" : "Control(session_ended) during the handshake",
              active ? "SBRP-SM-D-005" : NULL);
        remove_session(d, s);
      }
      return SB_OK;
    case SB_SBRP_CTRL_SESSION_NOT_FOUND:
      /* The relay does not know this session: it is dead on both sides. */
      if (s) {
        smove(d, s, SB_SBRP_DSESSION_NONE, "Control(session_not_found): the relay has no such session",
              NULL);
        remove_session(d, s);
      }
      return SB_OK; /* terminal: the relay closes the connection next */
    default:
      /* rate_limited: keep going (the relay drops what is over the limit);
       * other terminal codes: the relay closes the connection next and
       * ws_close follows (D-006); client-only codes do not concern a daemon. */
      if (!info->terminal && ctl.code != SB_SBRP_CTRL_RATE_LIMITED)
        note(d, sid, "control_ignored", 0, "Control code meant for clients");
      return SB_OK;
  }
}

int sb_sbrp_daemon_recv(sb_sbrp_daemon *d, sb_time_us now, const uint8_t *frame, size_t len) {
  if (!d || (!frame && len)) return SB_ERR_ARG;
  if (d->state == SB_SBRP_DAEMON_RECONNECTING || d->state == SB_SBRP_DAEMON_CLOSED) {
    note(d, 0, "frame_dropped", 0, "frame on a connection the daemon already left");
    return SB_OK;
  }
  if (d->state != SB_SBRP_DAEMON_CONNECTED) return SB_ERR_STATE;
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(frame, len, &f);
  if (rc != SB_OK) {
    note(d, 0, "frame_dropped", rc, "frame from the relay does not decode");
    return SB_OK;
  }
  switch (f.hdr.type) {
    case SB_SBRP_HANDSHAKE_INIT:
      return on_init(d, now, &f);
    case SB_SBRP_DATA:
      return on_data(d, &f);
    case SB_SBRP_CONTROL:
      return on_control(d, now, &f);
    case SB_SBRP_PING: {
      /* SBRP-KA-004: a Pong echoing the payload. */
      const uint8_t *p = NULL;
      size_t n = 0, out = 0;
      uint8_t pong[SB_SBRP_HEADER_BYTES + SB_SBRP_PING_MAX_BYTES];
      rc = sb_sbrp_ping_decode(&f, &p, &n);
      if (rc == SB_OK) rc = sb_sbrp_ping_encode(SB_SBRP_PONG, p, n, pong, sizeof pong, &out);
      if (rc == SB_OK)
        send_frame(d, pong, out);
      else
        note(d, 0, "frame_dropped", rc, "Ping payload longer than 8 bytes");
      return SB_OK;
    }
    case SB_SBRP_PONG:
      return SB_OK;
    default:
      note(d, f.hdr.session_id, "frame_dropped", 0, "frame type a daemon never receives");
      return SB_OK;
  }
}

/* ---- sending, ending, restarting ---------------------------------------------- */

int sb_sbrp_daemon_send(sb_sbrp_daemon *d, sb_time_us now, uint64_t session_id,
                        const uint8_t *data, size_t len) {
  (void)now;
  if (!d || (!data && len)) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_CONNECTED) return SB_ERR_STATE;
  sb_sbrp_daemon_session *s = find(d, session_id);
  if (!s) return SB_ERR_NOT_FOUND;
  if (s->state != SB_SBRP_DSESSION_ACTIVE) return SB_ERR_STATE; /* SBRP-CRYPTO-009 */
  size_t n = 0;
  int rc = sb_sbrp_session_seal(&s->traffic, data, len, d->buf, sizeof d->buf, &n);
  if (rc == SB_ERR_SBRP_SEQ_EXHAUSTED) {
    /* SBRP-CRYPTO-032: stop sending and terminate the session. */
    note(d, session_id, "sequence_exhausted", rc, "send counter used up: the session ends");
    close_session(d, s, SB_SBRP_REASON_ERROR, "send counter used up (SBRP-CRYPTO-032)");
    return rc;
  }
  if (rc != SB_OK) return rc;
  state_changed(d, s);
  send_frame(d, d->buf, n);
  return SB_OK;
}

int sb_sbrp_daemon_end_session(sb_sbrp_daemon *d, sb_time_us now, uint64_t session_id,
                               uint8_t reason) {
  (void)now;
  if (!d) return SB_ERR_ARG;
  if (!sb_sbrp_signal_reason_name(reason)) return SB_ERR_SBRP_SIGNAL_REASON;
  if (d->state != SB_SBRP_DAEMON_CONNECTED) return SB_ERR_STATE;
  sb_sbrp_daemon_session *s = find(d, session_id);
  if (!s) return SB_ERR_NOT_FOUND;
  close_session(d, s, reason, "end_session");
  return SB_OK;
}

/* The layer above gave up on the session (upstream's terminate(false): a
 * slow consumer, CLOUD-085). Unlike close_session nothing goes to the relay
 * (CLOUD-086: the SDK daemon never sends Signal frames); the client learns
 * of it only when the relay ends the session. Later frames for the SessionID
 * meet an unknown session, as in upstream's mux table. */
int sb_sbrp_daemon_drop_session(sb_sbrp_daemon *d, sb_time_us now, uint64_t session_id,
                                const char *event) {
  (void)now;
  if (!d) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_CONNECTED) return SB_ERR_STATE;
  sb_sbrp_daemon_session *s = find(d, session_id);
  if (!s) return SB_ERR_NOT_FOUND;
  snprintf(d->event, sizeof d->event, "%s: dropped, nothing sent",
           event ? event : "drop_session");
  smove(d, s, SB_SBRP_DSESSION_NONE, d->event, NULL);
  remove_session(d, s); /* wipes the keys (SBRP-CRYPTO-007) */
  return SB_OK;
}

int sb_sbrp_daemon_restart(sb_sbrp_daemon *d, sb_time_us now) {
  if (!d) return SB_ERR_ARG;
  if (d->state == SB_SBRP_DAEMON_IDLE || d->state == SB_SBRP_DAEMON_CLOSED) return SB_ERR_STATE;
  /* Volatile memory is gone; the records on the driver's disk are not. */
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    sodium_memzero(&d->sessions[i], sizeof d->sessions[i]);
  d->conn = SB_SBRP_NO_CONN;
  d->opening = false;
  d->disconnected_at = now;
  move(d, SB_SBRP_DAEMON_RECONNECTING, "process restart: volatile state lost (SBRP-RES-005)", NULL);
  return SB_OK;
}

int sb_sbrp_daemon_restore(sb_sbrp_daemon *d, const uint8_t *record, size_t len) {
  if (!d || (!record && len)) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_RECONNECTING || d->opening || !d->cfg.resumable)
    return SB_ERR_STATE;
  uint64_t sid = 0;
  sb_sbrp_session t;
  memset(&t, 0, sizeof t);
  bool ok = false;
  if (len == SID_RECORD_BYTES) {
    sid = sb_load_u64be(record);
  } else if (sb_sbrp_session_import(record, len, &t) == SB_OK && t.role == SB_SBRP_ROLE_DAEMON) {
    ok = true;
    sid = t.session_id;
  } else if (len >= 10) {
    sid = sb_load_u64be(record + 2); /* the SessionID field of the layout, if still readable */
  }
  if (sid == 0) {
    sodium_memzero(&t, sizeof t);
    note(d, 0, "state_lost", SB_ERR_SBRP_STATE_LOST, "stored record names no SessionID");
    return SB_ERR_SBRP_STATE_LOST;
  }
  sb_sbrp_daemon_session *s = find(d, sid) ? NULL : free_slot(d);
  if (!s) {
    sodium_memzero(&t, sizeof t);
    return find(d, sid) ? SB_ERR_EXISTS : SB_ERR_FULL;
  }
  s->session_id = sid;
  s->state = SB_SBRP_DSESSION_SUSPENDED;
  s->state_lost = !ok;
  s->accept_at = s->expire_at = s->deadline = SB_SBRP_NO_DEADLINE;
  if (ok) s->traffic = t;
  sodium_memzero(&t, sizeof t);
  if (!ok)
    note(d, sid, "state_lost", SB_ERR_SBRP_STATE_LOST,
         len == SID_RECORD_BYTES ? "stored record holds only the SessionID (SBRP-RES-005)"
                                 : "stored record fails the integrity check (SBRP-RES-007)");
  return SB_OK;
}

int sb_sbrp_daemon_close(sb_sbrp_daemon *d, sb_time_us now) {
  (void)now;
  if (!d) return SB_ERR_ARG;
  if (d->state == SB_SBRP_DAEMON_CLOSED) return SB_ERR_STATE;
  sb_sbrp_conn conn = d->conn;
  if (d->state == SB_SBRP_DAEMON_CONNECTED) {
    /* An orderly shutdown tells the relay at once (reason shutdown), so
     * clients are not left waiting out a grace period. */
    for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
      if (d->sessions[i].state != SB_SBRP_DSESSION_NONE)
        close_session(d, &d->sessions[i], SB_SBRP_REASON_SHUTDOWN, "close");
    move(d, SB_SBRP_DAEMON_CLOSED, "close", "SBRP-SM-D-011");
  } else {
    for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++) {
      sb_sbrp_daemon_session *s = &d->sessions[i];
      if (s->state == SB_SBRP_DSESSION_NONE) continue;
      smove(d, s, SB_SBRP_DSESSION_NONE, "close: kept session dropped", NULL);
      remove_session(d, s);
    }
    move(d, SB_SBRP_DAEMON_CLOSED, "close while not connected", NULL);
  }
  wipe_all(d);
  if (conn != SB_SBRP_NO_CONN && d->io.close) d->io.close(d->io.ctx, conn, 1000);
  return SB_OK;
}

sb_time_us sb_sbrp_daemon_deadline(const sb_sbrp_daemon *d) {
  sb_time_us t = SB_SBRP_NO_DEADLINE;
  if (!d || d->state != SB_SBRP_DAEMON_CONNECTED) return t;
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++)
    if (d->sessions[i].state == SB_SBRP_DSESSION_HANDSHAKING && d->sessions[i].deadline < t)
      t = d->sessions[i].deadline;
  return t;
}

int sb_sbrp_daemon_timeout(sb_sbrp_daemon *d, sb_time_us now) {
  if (!d) return SB_ERR_ARG;
  if (d->state != SB_SBRP_DAEMON_CONNECTED) return SB_OK;
  for (size_t i = 0; i < SB_SBRP_DAEMON_MAX_SESSIONS; i++) {
    sb_sbrp_daemon_session *s = &d->sessions[i];
    if (s->state != SB_SBRP_DSESSION_HANDSHAKING) continue;
    if (s->accept_at < s->expire_at && now >= s->accept_at) {
      activate(d, s);
    } else if (now >= s->expire_at) {
      /* D-012: the accept is still not out 30 s after the HandshakeInit. */
      note(d, s->session_id, "handshake_timeout", SB_ERR_SBRP_HANDSHAKE_TIMEOUT,
           "HandshakeAccept not sent within the handshake deadline (SBRP-CRYPTO-008)");
      smove(d, s, SB_SBRP_DSESSION_NONE, "handshake deadline elapsed: handshake_timeout",
            "SBRP-SM-D-012");
      remove_session(d, s);
    }
  }
  return SB_OK;
}

sb_sbrp_session *sb_sbrp_daemon_debug_session(sb_sbrp_daemon *d, uint64_t session_id) {
  sb_sbrp_daemon_session *s = d ? find(d, session_id) : NULL;
  return s && s->state == SB_SBRP_DSESSION_ACTIVE ? &s->traffic : NULL;
}
