#include "sbrp/client.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/token.h"
#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"

#define MACHINE "client"
#define DEFAULT_HANDSHAKE_TIMEOUT SB_TIME_S(30)

/* WebSocket close codes the client uses when it closes (RFC 6455 7.4.1; the
 * documents name none, sbrp.md O-10): 1000 for a user close, a handshake
 * timeout or a used-up counter, 1002 for a protocol failure of the peer
 * (bad signature, Data that does not open, an unknown Control code), 1008
 * when the trust policy refuses the daemon's identity. */
#define WS_NORMAL 1000
#define WS_PROTOCOL_ERROR 1002
#define WS_POLICY 1008

static const char *const state_names[] = {"Idle",   "Connecting", "Handshaking",  "Active",
                                          "Paused", "Pending",    "Reconnecting", "Closed"};

const char *sb_sbrp_client_state_name(sb_sbrp_client_state s) {
  return (unsigned)s < SB_ARRAY_LEN(state_names) ? state_names[s] : NULL;
}

sb_sbrp_client_state sb_sbrp_client_state_of(const sb_sbrp_client *c) { return c->state; }

sb_sbrp_conn sb_sbrp_client_connection(const sb_sbrp_client *c) { return c->conn; }

uint64_t sb_sbrp_client_session_id(const sb_sbrp_client *c) { return c->session_id; }

/* ---- reporting ------------------------------------------------------------ */

static void move(sb_sbrp_client *c, sb_sbrp_client_state to, const char *event, const char *row) {
  sb_sbrp_transition t = {MACHINE, c->session_id, state_names[c->state], state_names[to], event,
                          row};
  c->state = to;
  if (c->io.transition) c->io.transition(c->io.ctx, &t);
}

static void note(sb_sbrp_client *c, const char *what, int code, const char *text) {
  if (!c->io.note) return;
  sb_sbrp_note n = {MACHINE, c->session_id, what, code, text};
  c->io.note(c->io.ctx, &n);
}

/* ---- connection and key material ------------------------------------------ */

/* Forget every key of the current attempt (SBRP-CRYPTO-007). */
static void forget_keys(sb_sbrp_client *c) {
  sb_sbrp_session_wipe(&c->session);
  c->have_session = false;
  sb_sbrp_handshake_wipe(&c->eph, sizeof c->eph);
  c->deadline = SB_SBRP_NO_DEADLINE;
}

/* Move to `to` and leave the current connection: close it when `ws_code` is
 * not 0 (the client decided), or just forget it (the relay closes it after
 * a terminal Control, or it is already closed). */
static void end_connection(sb_sbrp_client *c, sb_sbrp_client_state to, const char *event,
                           const char *row, uint16_t ws_code) {
  sb_sbrp_conn conn = c->conn;
  move(c, to, event, row);
  c->conn = SB_SBRP_NO_CONN;
  forget_keys(c);
  if (ws_code && conn != SB_SBRP_NO_CONN && c->io.close) c->io.close(c->io.ctx, conn, ws_code);
}

static int read_sid(const sb_sbrp_client *c, const char *token, uint64_t *sid) {
  sb_auth_peek_mode mode = c->cfg.sdk_token_peek ? SB_AUTH_PEEK_SDK : SB_AUTH_PEEK_STRICT;
  return sb_auth_token_peek_sid(token, strlen(token), mode, sid);
}

/* Read the token's sid (AUTH-060) and ask the driver to open the WebSocket. */
static int open_with(sb_sbrp_client *c, const char *token, bool first) {
  uint64_t sid = 0;
  int rc = read_sid(c, token, &sid);
  if (rc != SB_OK) {
    note(c, "handshake_failed", rc, "session token has no usable sid (AUTH-060)");
    move(c, SB_SBRP_CLIENT_CLOSED,
         first ? "connect: token without a usable sid is handshake_failed (AUTH-060)"
               : "reconnect: token without a usable sid is handshake_failed (AUTH-060)",
         NULL);
    forget_keys(c);
    return rc;
  }
  if (!first && sid == c->session_id)
    note(c, "sid_reused", 0, "reconnect token carries the previous sid (AUTH-053 wants a new one)");
  c->session_id = sid;
  if (first) move(c, SB_SBRP_CLIENT_CONNECTING, "connect", "SBRP-SM-C-001");
  c->opening = true;
  if (c->io.open) c->io.open(c->io.ctx, token);
  return SB_OK;
}

/* ---- API ------------------------------------------------------------------- */

int sb_sbrp_client_init(sb_sbrp_client *c, const sb_sbrp_client_config *cfg, const sb_sbrp_io *io,
                        const sb_rng *rng) {
  if (!c || !cfg || !io || !io->send || !rng || !cfg->daemon_id) return SB_ERR_ARG;
  if (cfg->daemon_id_len == 0 || cfg->daemon_id_len > sizeof c->daemon_id - 1) return SB_ERR_ARG;
  if (cfg->trust != SB_SBRP_TRUST_PROMPT && cfg->trust != SB_SBRP_TRUST_AUTO &&
      cfg->trust != SB_SBRP_TRUST_PINNED_ONLY)
    return SB_ERR_ARG;
  if (cfg->handshake_timeout < 0) return SB_ERR_ARG;
  uint32_t w = cfg->replay_window ? cfg->replay_window : SB_SBRP_SESSION_DEFAULT_WINDOW;
  if (w < SB_SBRP_SESSION_MIN_WINDOW) return SB_ERR_SBRP_WINDOW_SIZE;
  if (w > SB_CONFIG_REPLAY_MAX_WINDOW) return SB_ERR_RANGE;
  memset(c, 0, sizeof *c);
  c->cfg = *cfg;
  /* No pointer into the struct itself: the driver may move it. */
  c->cfg.daemon_id = NULL;
  memcpy(c->daemon_id, cfg->daemon_id, cfg->daemon_id_len);
  if (!c->cfg.handshake_timeout) c->cfg.handshake_timeout = DEFAULT_HANDSHAKE_TIMEOUT;
  c->cfg.replay_window = w;
  c->io = *io;
  c->rng = *rng;
  c->state = SB_SBRP_CLIENT_IDLE;
  c->conn = SB_SBRP_NO_CONN;
  c->deadline = SB_SBRP_NO_DEADLINE;
  return SB_OK;
}

void sb_sbrp_client_set_pin(sb_sbrp_client *c, const uint8_t *identity_pub) {
  if (!c) return;
  c->have_pin = identity_pub != NULL;
  if (identity_pub)
    memcpy(c->pin, identity_pub, sizeof c->pin);
  else
    memset(c->pin, 0, sizeof c->pin);
}

bool sb_sbrp_client_get_pin(const sb_sbrp_client *c, uint8_t out[32]) {
  if (!c || !c->have_pin) return false;
  if (out) memcpy(out, c->pin, sizeof c->pin);
  return true;
}

int sb_sbrp_client_connect(sb_sbrp_client *c, sb_time_us now, const char *token) {
  (void)now;
  if (!c || !token) return SB_ERR_ARG;
  if (c->state != SB_SBRP_CLIENT_IDLE) return SB_ERR_STATE;
  return open_with(c, token, true);
}

int sb_sbrp_client_reconnect(sb_sbrp_client *c, sb_time_us now, const char *token) {
  (void)now;
  if (!c || !token) return SB_ERR_ARG;
  if (c->state != SB_SBRP_CLIENT_RECONNECTING || c->opening) return SB_ERR_STATE;
  return open_with(c, token, false);
}

int sb_sbrp_client_ws_open(sb_sbrp_client *c, sb_time_us now, sb_sbrp_conn conn) {
  if (!c || conn < 0) return SB_ERR_ARG;
  bool first = c->state == SB_SBRP_CLIENT_CONNECTING;
  if ((!first && c->state != SB_SBRP_CLIENT_RECONNECTING) || !c->opening) return SB_ERR_STATE;
  c->opening = false;
  c->conn = conn;
  /* H1: fresh ephemerals for every attempt (SBRP-CRYPTO-001, SBRP-RES-001). */
  size_t n = 0;
  int rc = sb_sbrp_handshake_ephemeral_generate(&c->rng, &c->eph);
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_init_encode(c->session_id, c->eph.pub, c->buf, sizeof c->buf, &n);
  if (rc != SB_OK) {
    note(c, "handshake_failed", rc, "no ephemeral key for the HandshakeInit");
    end_connection(c, SB_SBRP_CLIENT_CLOSED, "ws_open: no ephemeral key (rng failed)", NULL, 1011);
    return rc;
  }
  move(c, SB_SBRP_CLIENT_HANDSHAKING, "ws_open", first ? "SBRP-SM-C-002" : "SBRP-SM-C-015");
  /* H2: the client's 30 s run from the WebSocket open (SBRP-CRYPTO-008). */
  c->deadline = now + c->cfg.handshake_timeout;
  c->io.send(c->io.ctx, conn, c->buf, n);
  return SB_OK;
}

int sb_sbrp_client_ws_error(sb_sbrp_client *c, sb_time_us now) {
  (void)now;
  if (!c) return SB_ERR_ARG;
  bool first = c->state == SB_SBRP_CLIENT_CONNECTING;
  if ((!first && c->state != SB_SBRP_CLIENT_RECONNECTING) || !c->opening) return SB_ERR_STATE;
  c->opening = false;
  move(c, SB_SBRP_CLIENT_CLOSED, "ws_error", first ? "SBRP-SM-C-003" : "SBRP-SM-C-016");
  forget_keys(c);
  return SB_OK;
}

int sb_sbrp_client_ws_close(sb_sbrp_client *c, sb_time_us now) {
  (void)now;
  if (!c) return SB_ERR_ARG;
  switch (c->state) {
    case SB_SBRP_CLIENT_ACTIVE:
      end_connection(c, SB_SBRP_CLIENT_RECONNECTING, "ws_close", "SBRP-SM-C-010", 0);
      return SB_OK;
    case SB_SBRP_CLIENT_PAUSED:
    case SB_SBRP_CLIENT_PENDING:
      end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                     "ws_close while suspended: full new handshake, as from Active (C-010)", NULL,
                     0);
      return SB_OK;
    case SB_SBRP_CLIENT_HANDSHAKING:
      /* Upstream: "connection closed before HandshakeAccept" is handshake_failed. */
      note(c, "handshake_failed", SB_ERR_SBRP_HANDSHAKE_FAILED,
           "connection closed before HandshakeAccept");
      end_connection(c, SB_SBRP_CLIENT_CLOSED,
                     "handshake_failed: connection closed before HandshakeAccept", "SBRP-SM-C-007",
                     0);
      return SB_OK;
    case SB_SBRP_CLIENT_RECONNECTING:
    case SB_SBRP_CLIENT_CLOSED:
      note(c, "ws_close_ignored", 0, "close of a connection the client already left");
      return SB_OK;
    case SB_SBRP_CLIENT_IDLE:
    case SB_SBRP_CLIENT_CONNECTING:
      break;
  }
  return SB_ERR_STATE;
}

/* ---- receiving ------------------------------------------------------------- */

/* C-007: abort the handshake, discard the ephemerals. */
static int fail_handshake(sb_sbrp_client *c, int err, const char *text, uint16_t ws_code) {
  note(c, "handshake_failed", err, text);
  end_connection(c, SB_SBRP_CLIENT_CLOSED, "handshake_failed", "SBRP-SM-C-007", ws_code);
  return SB_OK;
}

/* H10: the TOFU decision of sbrp.md section 12. Sets `*trusted` to the key
 * the signature must verify with, or ends the attempt (returns false). */
static bool tofu_decide(sb_sbrp_client *c, const sb_sbrp_accept *a, const uint8_t **trusted) {
  char got[SB_SBRP_FINGERPRINT_SIZE], pinned[SB_SBRP_FINGERPRINT_SIZE];
  if (sb_sbrp_handshake_fingerprint(a->identity_pub, got, sizeof got) != SB_OK) got[0] = '\0';
  sb_sbrp_trust t = c->cfg.trust;
  if (c->have_pin && sodium_memcmp(c->pin, a->identity_pub, SB_SBRP_KEY_BYTES) == 0) {
    *trusted = c->pin; /* verify with the pin itself (SBRP-CRYPTO-004) */
    return true;
  }
  if (c->have_pin) {
    if (sb_sbrp_handshake_fingerprint(c->pin, pinned, sizeof pinned) != SB_OK) pinned[0] = '\0';
    snprintf(c->text, sizeof c->text, "pinned %s, received %s", pinned, got);
    bool accept = t == SB_SBRP_TRUST_AUTO || (t == SB_SBRP_TRUST_PROMPT && c->cfg.prompt_accept_change);
    if (!accept) {
      /* SBRP-TOFU-004: abort, show both fingerprints, no re-pin. */
      note(c, "identity_key_changed", SB_ERR_SBRP_IDENTITY_CHANGED, c->text);
      end_connection(c, SB_SBRP_CLIENT_CLOSED, "identity_key_changed", "SBRP-SM-C-006", WS_POLICY);
      return false;
    }
    note(c, t == SB_SBRP_TRUST_AUTO ? "tofu_repin_auto" : "tofu_repin_approved", 0, c->text);
  } else {
    snprintf(c->text, sizeof c->text, "first use of %s", got);
    bool accept = t == SB_SBRP_TRUST_AUTO || (t == SB_SBRP_TRUST_PROMPT && c->cfg.prompt_accept_first);
    if (!accept) {
      fail_handshake(c, SB_ERR_SBRP_HANDSHAKE_FAILED, c->text, WS_POLICY);
      return false;
    }
    note(c, "tofu_first_use", 0, c->text);
  }
  *trusted = a->identity_pub;
  return true;
}

static int on_accept(sb_sbrp_client *c, const sb_sbrp_frame *f) {
  if (c->state != SB_SBRP_CLIENT_HANDSHAKING) {
    note(c, "frame_dropped", 0, "HandshakeAccept outside Handshaking");
    return SB_OK;
  }
  if (f->hdr.session_id != c->session_id) {
    note(c, "frame_dropped", 0, "HandshakeAccept for another SessionID");
    return SB_OK;
  }
  sb_sbrp_accept a;
  int rc = sb_sbrp_handshake_accept_decode(f, &a);
  if (rc != SB_OK)
    return fail_handshake(c, rc, "HandshakeAccept payload is not 128 bytes", WS_PROTOCOL_ERROR);
  const uint8_t *trusted = NULL;
  if (!tofu_decide(c, &a, &trusted)) return SB_OK;
  /* H11-H12: verify with the trusted key, then agree and derive. */
  sb_sbrp_session_keys keys;
  rc = sb_sbrp_handshake_client_finish(trusted, c->daemon_id, c->cfg.daemon_id_len, &c->eph, &a,
                                       &keys);
  sb_sbrp_session_options o = {c->cfg.replay_window, c->cfg.strict_direction};
  if (rc == SB_OK) rc = sb_sbrp_session_init(&c->session, SB_SBRP_ROLE_CLIENT, c->session_id, &keys, &o);
  if (rc != SB_OK) {
    sb_sbrp_handshake_wipe(&keys, sizeof keys);
    return fail_handshake(c, rc, "HandshakeAccept signature or key agreement failed",
                          WS_PROTOCOL_ERROR);
  }
  /* Pin only now that the handshake succeeded (SBRP-TOFU-002). */
  memcpy(c->pin, a.identity_pub, sizeof c->pin);
  c->have_pin = true;
  c->have_session = true;
  c->deadline = SB_SBRP_NO_DEADLINE;
  move(c, SB_SBRP_CLIENT_ACTIVE, "HandshakeAccept (valid)", "SBRP-SM-C-004");
  if (c->io.keys) c->io.keys(c->io.ctx, c->session_id, keys.c2d, keys.d2c);
  sb_sbrp_handshake_wipe(&keys, sizeof keys);
  return SB_OK;
}

static int on_data(sb_sbrp_client *c, const sb_sbrp_frame *f) {
  if (!c->have_session) {
    note(c, "frame_dropped", 0, "Data before Active (SBRP-CRYPTO-009)");
    return SB_OK;
  }
  if (f->hdr.session_id != c->session_id) {
    note(c, "frame_dropped", 0, "Data for another SessionID");
    return SB_OK;
  }
  size_t n = 0;
  int rc = sb_sbrp_session_open(&c->session, f, c->buf, sizeof c->buf, &n, NULL);
  if (rc == SB_OK) {
    if (c->io.deliver) c->io.deliver(c->io.ctx, c->session_id, c->buf, n);
    return SB_OK;
  }
  if (rc == SB_ERR_SBRP_REPLAY || rc == SB_ERR_SBRP_TOO_OLD) {
    /* SBRP-REPLAY-005: drop; closing is allowed, we do not. */
    note(c, "sequence_error", rc, "Data dropped: sequence number replayed or outside the window");
    return SB_OK;
  }
  /* SBRP-CRYPTO-024: decrypt_failed closes the connection; a new handshake
   * is the remedy, so the client goes on as after ws_close. */
  note(c, "decrypt_failed", rc, "Data does not open: the client closes the connection");
  bool active = c->state == SB_SBRP_CLIENT_ACTIVE;
  end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                 active ? "decrypt_failed: the client closes the connection (as ws_close)"
                        : "decrypt_failed while suspended: the client closes the connection",
                 active ? "SBRP-SM-C-010" : NULL, WS_PROTOCOL_ERROR);
  return SB_OK;
}

/* session_expired, daemon_offline and the other codes that end the
 * connection (the relay closes it after sending them). */
static void on_terminal_control(sb_sbrp_client *c, const sb_sbrp_ctrl_info *info) {
  sb_sbrp_client_state s = c->state;
  if (info->code == SB_SBRP_CTRL_SESSION_EXPIRED) {
    /* Documents: full reconnect (I-9); upstream classifies it fatal. */
    const char *row = s == SB_SBRP_CLIENT_ACTIVE    ? "SBRP-SM-C-009"
                      : s == SB_SBRP_CLIENT_PAUSED  ? "SBRP-SM-C-012"
                      : s == SB_SBRP_CLIENT_PENDING ? "SBRP-SM-C-014"
                                                    : NULL;
    end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                   row ? "Control(session_expired)"
                       : "Control(session_expired) before Active: full reconnect (errata I-9)",
                   row, 0);
    return;
  }
  if (info->code == SB_SBRP_CTRL_DAEMON_OFFLINE) {
    bool hs = s == SB_SBRP_CLIENT_HANDSHAKING;
    end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                   hs ? "Control(daemon_offline)"
                      : "Control(daemon_offline) after the handshake: retryable, reconnect",
                   hs ? "SBRP-SM-C-005" : NULL, 0);
    return;
  }
  /* No row: the upstream SDK's classification decides (classify.ts). */
  if (info->sdk == SB_SBRP_CTRL_SDK_RETRYABLE)
    end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                   "terminal Control, retryable (upstream classify.ts): reconnect", NULL, 0);
  else
    end_connection(c, SB_SBRP_CLIENT_CLOSED, "terminal Control, fatal (upstream classify.ts)",
                   NULL, 0);
}

static int on_control(sb_sbrp_client *c, const sb_sbrp_frame *f) {
  sb_sbrp_control ctl;
  int rc = sb_sbrp_control_decode(f, false, &ctl);
  if (rc != SB_OK) {
    note(c, "frame_dropped", rc, "Control payload shorter than 2 bytes");
    return SB_OK;
  }
  const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(ctl.code);
  if (!info || !info->on_wire) {
    snprintf(c->text, sizeof c->text,
             "unknown Control code 0x%04x: terminal, fail-safe (SBRP-CTRL-005)", ctl.code);
    note(c, "control_received", SB_ERR_SBRP_CONTROL_UNKNOWN, c->text);
    end_connection(c, SB_SBRP_CLIENT_CLOSED, "unknown Control code: terminal, fail-safe (SBRP-CTRL-005)",
                   NULL, WS_PROTOCOL_ERROR);
    return SB_OK;
  }
  note(c, "control_received", 0, info->name);
  uint64_t sid = f->hdr.session_id;
  rc = sb_sbrp_control_check_scope(ctl.code, sid);
  if (rc != SB_OK || (sid != 0 && sid != c->session_id)) {
    note(c, "control_scope", rc,
         rc != SB_OK ? "Control SessionID does not follow the code's SID column (SBRP-CTRL-003)"
                     : "Control for another SessionID");
    /* A terminal code still ends the connection (the relay closes it). */
    if (!info->terminal) return SB_OK;
  }
  if (info->terminal) {
    on_terminal_control(c, info);
    return SB_OK;
  }
  sb_sbrp_client_state s = c->state;
  switch (ctl.code) {
    case SB_SBRP_CTRL_SESSION_PAUSED:
      if (s == SB_SBRP_CLIENT_ACTIVE) {
        move(c, SB_SBRP_CLIENT_PAUSED, "Control(session_paused)", "SBRP-SM-C-008");
        return SB_OK;
      }
      if (s == SB_SBRP_CLIENT_PENDING) {
        move(c, SB_SBRP_CLIENT_PAUSED,
             "Control(session_paused) while Pending: the daemon dropped again (O-2)", NULL);
        return SB_OK;
      }
      break;
    case SB_SBRP_CTRL_SESSION_PENDING:
      if (s == SB_SBRP_CLIENT_PAUSED) {
        move(c, SB_SBRP_CLIENT_PENDING, "Control(session_pending)", "SBRP-SM-C-011");
        return SB_OK;
      }
      break;
    case SB_SBRP_CTRL_SESSION_RESUMED:
      if (s == SB_SBRP_CLIENT_PENDING) {
        move(c, SB_SBRP_CLIENT_ACTIVE, "Control(session_resumed)", "SBRP-SM-C-013");
        return SB_OK;
      }
      if (s == SB_SBRP_CLIENT_PAUSED) {
        move(c, SB_SBRP_CLIENT_ACTIVE, "Control(session_resumed) while Paused, no Pending (O-2)",
             NULL);
        return SB_OK;
      }
      break;
    case SB_SBRP_CTRL_RATE_LIMITED:
      return SB_OK; /* noted above; the relay keeps the connection */
    default:
      break;
  }
  note(c, "control_ignored", 0, "Control code has no effect in this state");
  return SB_OK;
}

int sb_sbrp_client_recv(sb_sbrp_client *c, sb_time_us now, const uint8_t *frame, size_t len) {
  (void)now;
  if (!c || (!frame && len)) return SB_ERR_ARG;
  switch (c->state) {
    case SB_SBRP_CLIENT_IDLE:
    case SB_SBRP_CLIENT_CONNECTING:
      return SB_ERR_STATE;
    case SB_SBRP_CLIENT_RECONNECTING:
    case SB_SBRP_CLIENT_CLOSED:
      note(c, "frame_dropped", 0, "frame on a connection the client already left");
      return SB_OK;
    default:
      break;
  }
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(frame, len, &f);
  if (rc != SB_OK) {
    note(c, "frame_dropped", rc, "frame from the relay does not decode");
    return SB_OK;
  }
  switch (f.hdr.type) {
    case SB_SBRP_HANDSHAKE_ACCEPT:
      return on_accept(c, &f);
    case SB_SBRP_DATA:
      return on_data(c, &f);
    case SB_SBRP_CONTROL:
      return on_control(c, &f);
    case SB_SBRP_PING:
      /* Upstream's client channel skips relay Pings (sbrp.md O-11, SBRP-KA-006). */
      note(c, "ping_ignored", 0, "the client does not answer relay Pings (O-11)");
      return SB_OK;
    case SB_SBRP_PONG:
      return SB_OK;
    default:
      note(c, "frame_dropped", 0, "frame type a client never receives");
      return SB_OK;
  }
}

/* ---- sending, closing, time ------------------------------------------------- */

int sb_sbrp_client_send(sb_sbrp_client *c, sb_time_us now, const uint8_t *data, size_t len) {
  (void)now;
  if (!c || (!data && len)) return SB_ERR_ARG;
  /* Only Active sends (SBRP-CRYPTO-009; Paused/Pending suspend sends, C-008). */
  if (c->state != SB_SBRP_CLIENT_ACTIVE) return SB_ERR_STATE;
  size_t n = 0;
  int rc = sb_sbrp_session_seal(&c->session, data, len, c->buf, sizeof c->buf, &n);
  if (rc == SB_ERR_SBRP_SEQ_EXHAUSTED) {
    /* SBRP-CRYPTO-032: stop sending and end the session; new keys need a new handshake. */
    note(c, "sequence_exhausted", rc, "send counter used up: the session ends");
    end_connection(c, SB_SBRP_CLIENT_RECONNECTING,
                   "send counter used up: the client closes for a new handshake (SBRP-CRYPTO-032)",
                   NULL, WS_NORMAL);
    return rc;
  }
  if (rc != SB_OK) return rc;
  c->io.send(c->io.ctx, c->conn, c->buf, n);
  return SB_OK;
}

int sb_sbrp_client_close(sb_sbrp_client *c, sb_time_us now) {
  (void)now;
  if (!c) return SB_ERR_ARG;
  if (c->state == SB_SBRP_CLIENT_CLOSED) return SB_ERR_STATE;
  bool active = c->state == SB_SBRP_CLIENT_ACTIVE;
  c->opening = false;
  end_connection(c, SB_SBRP_CLIENT_CLOSED, active ? "close (user)" : "close (user) outside Active",
                 active ? "SBRP-SM-C-017" : NULL, WS_NORMAL);
  return SB_OK;
}

sb_time_us sb_sbrp_client_deadline(const sb_sbrp_client *c) {
  return c && c->state == SB_SBRP_CLIENT_HANDSHAKING ? c->deadline : SB_SBRP_NO_DEADLINE;
}

int sb_sbrp_client_timeout(sb_sbrp_client *c, sb_time_us now) {
  if (!c) return SB_ERR_ARG;
  if (c->state == SB_SBRP_CLIENT_HANDSHAKING && now >= c->deadline) {
    note(c, "handshake_timeout", SB_ERR_SBRP_HANDSHAKE_TIMEOUT,
         "no valid HandshakeAccept within the handshake deadline (SBRP-CRYPTO-008)");
    end_connection(c, SB_SBRP_CLIENT_CLOSED, "handshake deadline elapsed: handshake_timeout",
                   "SBRP-SM-C-018", WS_NORMAL);
  }
  return SB_OK;
}

sb_sbrp_session *sb_sbrp_client_debug_session(sb_sbrp_client *c) {
  return c && c->have_session ? &c->session : NULL;
}
