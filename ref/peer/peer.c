#include "peer/peer.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "rpc/channel.h"
#include "sbp/errors.h"

/* Row names of the table in peer-runtime.md section 5 and of section 7. */
#define ROW_T(n) "PEER-SM-T" #n
#define ROW_SRV_ACCEPTED "PEER-SRV-001"
#define ROW_SRV_DISCONNECT "PEER-SRV-002"
#define ROW_SRV_ENDED "PEER-SRV-003"
#define ROW_SRV_NEGOTIATION "PEER-SRV-005"

/* Close reasons (SBP-CTL-008; PEER-SRV-005). */
#define REASON_DISCONNECT "disconnect"
#define REASON_SESSION_ENDED "session_ended"
#define REASON_NEGOTIATION "negotiation_failed"
#define REASON_INVALID_FRAME "invalid_frame"
#define REASON_REMOTE_FATAL "remote_error"
#define REASON_REMOTE_CLOSE "remote_close"

/* ---- small helpers ------------------------------------------------------ */

void sb_peer_notify(sb_peer *p, const char *what, int code, const char *text) {
  if (!p || !p->io.note) return;
  sb_peer_note n = {what, code, text};
  p->io.note(p->io.ctx, &n);
}

void sb_peer_unhandled(sb_peer *p, int err, const char *text) {
  if (p && p->io.unhandled) p->io.unhandled(p->io.ctx, err, text ? text : sb_err_str(err));
}

static bool is_client(const sb_peer *p) { return p->cfg.role == SB_PEER_ROLE_CLIENT; }

static bool is_connected_state(sb_peer_state s) {
  return s == SB_PEER_ACTIVE || s == SB_PEER_PAUSED;
}

/* Lifecycle listener call; a listener that "throws" never breaks the
 * machine (PEER-SM-014). Nothing is delivered after the terminal emits. */
static void emit(sb_peer *p, sb_peer_event_kind kind, sb_peer_state state, sb_peer_state prev,
                 int err, const char *message) {
  if (p->listeners_dropped || !p->io.event) return;
  sb_peer_event ev = {kind, state, prev, err, message};
  int rc = p->io.event(p->io.ctx, &ev);
  if (rc != 0) sb_peer_unhandled(p, rc, "lifecycle listener failed");
}

static void settle(sb_peer *p, sb_peer_settle_kind kind, int err, const char *message,
                   sb_peer_reconnect_status status, uint64_t tag) {
  if (!p->io.settle) return;
  sb_peer_settlement st = {kind, err, message, status, tag};
  p->io.settle(p->io.ctx, &st);
}

/* whenReady() waiters settle when the state they wait for arrives. */
static void settle_waiters(sb_peer *p, int err, const char *message) {
  for (size_t i = 0; i < SB_PEER_MAX_WAITERS; i++) {
    if (!p->waiters[i].used) continue;
    p->waiters[i].used = false;
    settle(p, SB_PEER_SETTLE_WHEN_READY, err, message, SB_PEER_RECONNECT_CONNECTED,
           p->waiters[i].tag);
  }
}

static void report(sb_peer *p, sb_peer_state from, sb_peer_state to, const char *event,
                   const char *row) {
  if (!p->io.transition) return;
  sb_peer_transition t = {sb_peer_state_name(from), sb_peer_state_name(to), event, row};
  p->io.transition(p->io.ctx, &t);
}

/* One transition with its lifecycle events in upstream's order (peer.ts
 * `transition`): stateChange, then connected / sessionPaused /
 * sessionResumed / reconnecting / disconnected. Nothing leaves closed, and
 * a transition to the current state is no transition. */
static void transition(sb_peer *p, sb_peer_state next, const char *event, const char *row) {
  sb_peer_state prev = p->state;
  if (prev == SB_PEER_CLOSED || prev == next) return;
  p->state = next;
  report(p, prev, next, event, row);
  emit(p, SB_PEER_EVENT_STATE_CHANGE, next, prev, 0, NULL);
  if (next == SB_PEER_ACTIVE) settle_waiters(p, SB_OK, NULL);
  if (next == SB_PEER_CLOSED) settle_waiters(p, SB_ERR_PEER_CLOSED, "Peer closed");
  if (next == SB_PEER_ACTIVE && prev != SB_PEER_PAUSED)
    emit(p, SB_PEER_EVENT_CONNECTED, next, prev, 0, NULL);
  if (next == SB_PEER_PAUSED) emit(p, SB_PEER_EVENT_SESSION_PAUSED, next, prev, 0, NULL);
  if (prev == SB_PEER_PAUSED && next == SB_PEER_ACTIVE)
    emit(p, SB_PEER_EVENT_SESSION_RESUMED, next, prev, 0, NULL);
  if (next == SB_PEER_RECONNECTING) emit(p, SB_PEER_EVENT_RECONNECTING, next, prev, 0, NULL);
  if (is_connected_state(prev) && !is_connected_state(next))
    emit(p, SB_PEER_EVENT_DISCONNECTED, next, prev, 0, NULL);
}

/* ---- sending ------------------------------------------------------------ */

/* Frames of the session layer itself (Handshake, ErrorFrame and Close of a
 * failed negotiation, Close): they go on the raw connection whatever the
 * peer's state, as upstream's negotiator writes them (PEER-NEG-003). */
static void send_raw(sb_peer *p, const uint8_t *frame, size_t len) {
  if (p->session != SB_PEER_NO_SESSION && p->session_open)
    p->io.send(p->io.ctx, p->session, frame, len);
}

/* Upstream sendRaw's gate (peer.ts): what may not be sent now. */
static int send_gate(const sb_peer *p) {
  if (p->state == SB_PEER_CLOSED) return SB_ERR_PEER_CLOSED;
  if (p->state == SB_PEER_PAUSED) return SB_ERR_PEER_SESSION_PAUSED;
  if (p->state != SB_PEER_ACTIVE || p->session == SB_PEER_NO_SESSION) return SB_ERR_PEER_NOT_CONNECTED;
  return SB_OK;
}

/* Encode `f` into the frame buffer and send it through the gate; a frame
 * the gate refuses is dropped with a note naming `what`. */
static void send_gated_frame(sb_peer *p, const sb_sbp_frame *f, const char *what) {
  int rc = send_gate(p);
  if (rc != SB_OK) {
    sb_peer_notify(p, "frame_not_sent", rc, what);
    return;
  }
  size_t n = 0;
  rc = sb_sbp_frame_encode(f, p->cfg.frame_buf, p->cfg.frame_cap, &n);
  if (rc != SB_OK) {
    sb_peer_unhandled(p, rc, what);
    return;
  }
  p->io.send(p->io.ctx, p->session, p->cfg.frame_buf, n);
}

/* An ErrorFrame {code, message} with a fresh frameId: the received frame's
 * id is never copied (SBP-WIRE-008 over SBP-EFR-003, E-PEER-2). */
static void send_error_frame(sb_peer *p, unsigned code, const char *message) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_ERROR};
  if (sb_sbp_frame_id_generate(&p->rng, f.frame_id) != SB_OK) {
    sb_peer_unhandled(p, SB_ERR_RNG, "ErrorFrame not sent");
    return;
  }
  f.error.code = (uint16_t)code;
  f.error.message = (const uint8_t *)message;
  f.error.message_len = strlen(message);
  send_gated_frame(p, &f, "ErrorFrame");
}

int sb_peer_send_message(sb_peer *p, const char *subject, const uint8_t *frame_id,
                         sb_peer_encode_fn encode, void *arg) {
  if (!p || !subject || !encode) return SB_ERR_ARG;
  int rc = send_gate(p);
  if (rc != SB_OK) return rc;
  /* A Message's data runs to the end of the frame, so the header is the
   * encoding of the same frame with no data, and the data follows it. */
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  if (frame_id) {
    memcpy(f.frame_id, frame_id, SB_SBP_FRAME_ID_BYTES);
  } else {
    rc = sb_sbp_frame_id_generate(&p->rng, f.frame_id);
    if (rc != SB_OK) return rc;
  }
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  size_t head = 0, data = 0;
  rc = sb_sbp_frame_encode(&f, p->cfg.frame_buf, p->cfg.frame_cap, &head);
  if (rc != SB_OK) return rc;
  rc = encode(arg, p->cfg.frame_buf + head, p->cfg.frame_cap - head, &data);
  if (rc != SB_OK) return rc;
  p->io.send(p->io.ctx, p->session, p->cfg.frame_buf, head + data);
  return SB_OK;
}

static int encode_envelope(void *arg, uint8_t *out, size_t cap, size_t *len) {
  return sb_rpc_envelope_encode((const sb_rpc_envelope *)arg, out, cap, len);
}

int sb_peer_send_envelope(sb_peer *p, const char *subject, const sb_rpc_envelope *env,
                          const uint8_t *frame_id) {
  if (!env) return SB_ERR_ARG;
  return sb_peer_send_message(p, subject, frame_id, encode_envelope, (void *)env);
}

/* ---- sessions ----------------------------------------------------------- */

static void open_session(sb_peer *p) {
  sb_peer_negotiator_reset(&p->neg);
  p->held_count = 0;
  p->session_open = false;
  p->open_deadline = SB_TIME_NEVER;
  if (++p->last_session == SB_PEER_NO_SESSION) ++p->last_session;
  p->session = p->last_session;
  p->io.open(p->io.ctx, p->session);
}

/* The machine ends the current session: Close first if it may be sent
 * (PEER-NEG-004 order: terminate, then close), then io.close. */
static void end_session(sb_peer *p, const char *reason, bool close_frame) {
  if (p->session == SB_PEER_NO_SESSION) return;
  if (close_frame && p->cfg.send_close_frame && p->session_open) {
    size_t n = 0;
    if (sb_peer_negotiator_close_frame(reason, &p->rng, p->cfg.frame_buf, p->cfg.frame_cap, &n) ==
        SB_OK)
      send_raw(p, p->cfg.frame_buf, n);
  }
  sb_peer_session s = p->session;
  p->session = SB_PEER_NO_SESSION;
  p->session_open = false;
  p->held_count = 0;
  p->io.close(p->io.ctx, s, reason);
}

/* The driver's session is gone: forget it without closing it again. */
static void forget_session(sb_peer *p) {
  p->session = SB_PEER_NO_SESSION;
  p->session_open = false;
  p->held_count = 0;
}

/* Common teardown of every terminal path (peer.ts `close`): the closed
 * transition, then every call and buffered event is released. */
static void close_peer(sb_peer *p, const char *event, const char *row) {
  p->retry_deadline = SB_TIME_NEVER;
  transition(p, SB_PEER_CLOSED, event, row);
  sb_peer_rpc_closed(p);
  sb_peer_events_closed(p);
}

/* Backoff before the next attempt (PEER-RETRY-002), then T5/T6/T11 into
 * reconnecting. One `reconnecting` promise per cycle (PEER-SM-008, E-PEER-8). */
static void schedule_retry(sb_peer *p, sb_time_us now, const char *why, const char *row) {
  double r = 0.5; /* no jitter if the rng fails; noted below */
  if (sb_peer_backoff_draw(&p->rng, &r) != SB_OK) {
    r = 0.5;
    sb_peer_notify(p, "jitter_unavailable", SB_ERR_RNG, "backoff without jitter");
  }
  uint64_t delay_ms = 0;
  if (sb_peer_backoff_delay(&p->cfg.retry, p->retry_attempt, r, &delay_ms) != SB_OK)
    delay_ms = SB_PEER_BACKOFF_MAX_RESULT_MS;
  p->retry_attempt++;
  sb_time_us delay = (sb_time_us)delay_ms * SB_TIME_US_PER_MS;
  p->retry_deadline = now > SB_TIME_NEVER - delay ? SB_TIME_NEVER - 1 : now + delay;
  p->reconnect_pending = true;
  char event[160];
  snprintf(event, sizeof event, "%s; retry %u in %llu ms", why, (unsigned)p->retry_attempt,
           (unsigned long long)delay_ms);
  transition(p, SB_PEER_RECONNECTING, event, row);
}

static bool may_retry(const sb_peer *p) {
  return sb_peer_backoff_may_retry(&p->cfg.retry, p->retry_attempt);
}

/* Accepted role: the negotiation failed (PEER-SRV-005): the error goes to
 * onUnhandledError, the connection is closed, no peer ever existed. */
static void accept_failed(sb_peer *p, int err) {
  sb_peer_unhandled(p, err, sb_err_str(err));
  p->accepting = false;
  sb_peer_state prev = p->state;
  p->state = SB_PEER_CLOSED;
  report(p, prev, SB_PEER_CLOSED, "negotiation failed", ROW_SRV_NEGOTIATION);
  sb_peer_rpc_closed(p);
  sb_peer_events_closed(p);
  settle(p, SB_PEER_SETTLE_ACCEPT, err, sb_err_str(err), SB_PEER_RECONNECT_FAILED, 0);
  p->listeners_dropped = true;
}

/* connecting / negotiating failed: T4 or T5 (peer.ts runLoop, connect
 * error branch). `why` becomes the message of the peer_closed error. */
static void attempt_failed(sb_peer *p, sb_time_us now, bool fatal, int cause, const char *why) {
  if (!is_client(p)) {
    accept_failed(p, cause ? cause : SB_ERR_SBP_HS_CLOSED);
    return;
  }
  if (!fatal && may_retry(p)) {
    schedule_retry(p, now, why, ROW_T(5));
    return;
  }
  char message[256];
  snprintf(message, sizeof message, "%s", why);
  close_peer(p, fatal ? "connection failed (fatal)" : "connection failed, no retry left", ROW_T(4));
  if (p->reconnect_pending) {
    p->reconnect_pending = false;
    settle(p, SB_PEER_SETTLE_RECONNECTING, SB_ERR_PEER_CLOSED, message, SB_PEER_RECONNECT_FAILED, 0);
  }
  if (p->connect_pending) {
    p->connect_pending = false;
    settle(p, SB_PEER_SETTLE_CONNECT, SB_ERR_PEER_CLOSED, message, SB_PEER_RECONNECT_FAILED, 0);
  }
  /* Every terminal connect failure is an `error` event (T4, PEER-SM-004). */
  emit(p, SB_PEER_EVENT_ERROR, SB_PEER_CLOSED, SB_PEER_CLOSED, SB_ERR_PEER_CLOSED, message);
  p->listeners_dropped = true;
}

/* active / paused lost its session: T6 or T7 (or T11 after session_ended;
 * accepted peers simply close, PEER-SRV-001). */
static void session_lost(sb_peer *p, sb_time_us now, bool fatal, const char *why, const char *row_retry,
                         const char *row_close) {
  if (!is_client(p)) {
    close_peer(p, why, row_close);
    p->listeners_dropped = true;
    return;
  }
  /* RPC-SDK-009: sent calls fail, buffered ones survive only under "pause". */
  sb_peer_rpc_session_lost(p, fatal ? SB_ERR_PEER_CLOSED : SB_ERR_PEER_NOT_CONNECTED,
                           !fatal && p->cfg.on_disconnect == SB_PEER_ON_DISCONNECT_PAUSE);
  if (!fatal && may_retry(p)) {
    schedule_retry(p, now, why, row_retry);
    return;
  }
  char message[256];
  snprintf(message, sizeof message, "%s", why);
  close_peer(p, fatal ? "session lost (fatal)" : "session lost, no retry left", row_close);
  /* Only a fatal drop is an `error`; exhaustion shows in `reconnecting`. */
  if (fatal) emit(p, SB_PEER_EVENT_ERROR, SB_PEER_CLOSED, SB_PEER_CLOSED, SB_ERR_PEER_CLOSED, message);
  p->listeners_dropped = true;
}

/* ---- negotiation -------------------------------------------------------- */

static void negotiation_failed(sb_peer *p, sb_time_us now, int err) {
  /* The documents' signalling: ErrorFrame, then Close (SBP-HS-003,
   * SBP-ERR-007), unless upstream_silent_failure (E-PEER-1). */
  size_t n = 0;
  while (sb_peer_negotiator_failure_frame(&p->neg, REASON_NEGOTIATION, &p->rng, p->cfg.frame_buf,
                                          p->cfg.frame_cap, &n) == SB_OK)
    send_raw(p, p->cfg.frame_buf, n);
  end_session(p, REASON_NEGOTIATION, false);
  attempt_failed(p, now, sb_peer_negotiator_fatal(err), err, sb_err_str(err));
}

static void start_negotiation(sb_peer *p, sb_time_us now, sb_time_us deadline) {
  size_t n = 0;
  int rc = sb_peer_negotiator_start(&p->neg, now, deadline, &p->rng, p->cfg.frame_buf,
                                    p->cfg.frame_cap, &n);
  if (rc != SB_OK) {
    /* Our own Handshake could not be built: a local, retryable failure. */
    end_session(p, REASON_NEGOTIATION, false);
    attempt_failed(p, now, false, rc, sb_err_str(rc));
    return;
  }
  send_raw(p, p->cfg.frame_buf, n);
}

static void handle_signal(sb_peer *p, sb_time_us now, sb_peer_signal sig);

static void replay_held_signals(sb_peer *p, sb_time_us now) {
  sb_peer_signal held[SB_PEER_MAX_HELD_SIGNALS];
  size_t count = p->held_count;
  memcpy(held, p->held, count * sizeof held[0]);
  p->held_count = 0;
  for (size_t i = 0; i < count && is_connected_state(p->state); i++) handle_signal(p, now, held[i]);
}

/* T3 (peer.ts runLoop, success branch): active, retry counter reset
 * (PEER-RETRY-004), held signals replayed (PEER-SM-012), connect and
 * `reconnecting` settled, then the RPC queue and the event buffer flushed
 * if still active (E-PEER-9). */
static void negotiation_succeeded(sb_peer *p, sb_time_us now) {
  p->retry_attempt = 0;
  if (!is_client(p)) {
    p->accepting = false;
    p->state = SB_PEER_ACTIVE; /* created active: no lifecycle events (PEER-SRV-006) */
    report(p, SB_PEER_IDLE, SB_PEER_ACTIVE, "accepted", ROW_SRV_ACCEPTED);
    settle(p, SB_PEER_SETTLE_ACCEPT, SB_OK, NULL, SB_PEER_RECONNECT_CONNECTED, 0);
    replay_held_signals(p, now);
  } else {
    transition(p, SB_PEER_ACTIVE, "negotiation ok", ROW_T(3));
    replay_held_signals(p, now);
    if (p->connect_pending) {
      p->connect_pending = false;
      settle(p, SB_PEER_SETTLE_CONNECT, SB_OK, NULL, SB_PEER_RECONNECT_CONNECTED, 0);
    }
    if (p->reconnect_pending) {
      p->reconnect_pending = false;
      settle(p, SB_PEER_SETTLE_RECONNECTING, SB_OK, NULL, SB_PEER_RECONNECT_CONNECTED, 0);
    }
  }
  if (p->state == SB_PEER_ACTIVE) {
    sb_peer_rpc_flush(p, now);
    sb_peer_events_flush(p);
  }
}

static bool negotiating(const sb_peer *p) {
  return p->state == SB_PEER_NEGOTIATING || (p->accepting && p->state == SB_PEER_IDLE);
}

static void negotiation_frame(sb_peer *p, sb_time_us now, const uint8_t *frame, size_t len) {
  if (sb_peer_negotiator_state_of(&p->neg) != SB_PEER_NEGOTIATOR_WAITING) {
    /* Before the secure channel is up no SBP frame can arrive. */
    sb_peer_notify(p, "frame_ignored", SB_ERR_STATE, "SBP frame before the channel is ready");
    return;
  }
  int rc = sb_peer_negotiator_receive(&p->neg, frame, len);
  if (rc == SB_OK)
    negotiation_succeeded(p, now);
  else
    negotiation_failed(p, now, rc);
}

/* ---- signals ------------------------------------------------------------ */

static void handle_signal(sb_peer *p, sb_time_us now, sb_peer_signal sig) {
  switch (sig) {
    case SB_PEER_SIGNAL_PAUSED:
      if (p->state == SB_PEER_PAUSED)
        sb_peer_notify(p, "signal_no_op", 0, "session_paused while paused");
      transition(p, SB_PEER_PAUSED, "signal session_paused", ROW_T(9));
      break;
    case SB_PEER_SIGNAL_RESUMED:
      if (p->state == SB_PEER_ACTIVE)
        sb_peer_notify(p, "signal_no_op", 0, "session_resumed while active");
      transition(p, SB_PEER_ACTIVE, "signal session_resumed", ROW_T(10));
      sb_peer_rpc_flush(p, now);
      sb_peer_events_flush(p);
      break;
    case SB_PEER_SIGNAL_PENDING:
      /* No transition (ADR-014): the daemon is back but not ready. */
      sb_peer_notify(p, "signal_no_op", 0, "session_pending");
      break;
    case SB_PEER_SIGNAL_ENDED:
      if (!is_client(p)) {
        /* An accepted peer disconnects (PEER-SRV-003). */
        close_peer(p, "signal session_ended", ROW_SRV_ENDED);
        p->listeners_dropped = true;
        end_session(p, REASON_DISCONNECT, true);
        return;
      }
      /* The session ends through the session layer, so the retry policy
       * decides (T11); a client never calls disconnect() here (PEER-SM-011). */
      end_session(p, REASON_SESSION_ENDED, true);
      session_lost(p, now, false, REASON_SESSION_ENDED, ROW_T(11), ROW_T(11));
      break;
  }
}

/* ---- inbound frames after negotiation ------------------------------------ */

static void remote_closed(sb_peer *p, sb_time_us now, const char *why) {
  end_session(p, REASON_REMOTE_CLOSE, false);
  session_lost(p, now, false, why, ROW_T(6), is_client(p) ? ROW_T(7) : ROW_SRV_ACCEPTED);
}

/* A frame that does not decode: the ErrorFrame for its fault, fresh id
 * (E-PEER-2); reserved flag bits also close the connection (SBP-WIRE-005),
 * everything else is recoverable on a message transport (SBP-ERR-002). */
static void bad_frame(sb_peer *p, sb_time_us now, int err) {
  sb_peer_notify(p, "frame_invalid", err, sb_err_str(err));
  uint8_t id[SB_SBP_FRAME_ID_BYTES] = {0};
  sb_sbp_frame f;
  if (sb_sbp_errors_frame(err, id, &f) == SB_OK) {
    char message[128];
    snprintf(message, sizeof message, "%.*s", (int)f.error.message_len,
             (const char *)f.error.message);
    send_error_frame(p, f.error.code, message);
  }
  if (err == SB_ERR_SBP_RESERVED_FLAGS) {
    end_session(p, REASON_INVALID_FRAME, true);
    session_lost(p, now, false, sb_err_str(err), ROW_T(6),
                 is_client(p) ? ROW_T(7) : ROW_SRV_ACCEPTED);
  }
}

static void control_frame(sb_peer *p, sb_time_us now, const sb_sbp_frame *f) {
  switch (sb_peer_negotiator_control(&p->neg, f)) {
    case SB_PEER_CONTROL_PONG: {
      size_t n = 0;
      int rc = send_gate(p);
      if (rc == SB_OK)
        rc = sb_peer_negotiator_pong_frame(f, &p->rng, p->cfg.frame_buf, p->cfg.frame_cap, &n);
      if (rc == SB_OK)
        p->io.send(p->io.ctx, p->session, p->cfg.frame_buf, n);
      else
        sb_peer_notify(p, "frame_not_sent", rc, "Pong");
      break;
    }
    case SB_PEER_CONTROL_CLOSE:
      remote_closed(p, now, "closed by the remote (Control/Close)");
      break;
    case SB_PEER_CONTROL_IGNORE:
      sb_peer_notify(p, "frame_ignored", 0, sb_sbp_op_name(f->control.op));
      break;
  }
}

/* An ErrorFrame: 1000/1001 end the session for good (SBP-ERR-001); one
 * whose id is a pending call's cid fails that call (SBP-ERR-005); anything
 * else is a connection-level fault for onUnhandledError. */
static void error_frame(sb_peer *p, sb_time_us now, const sb_sbp_frame *f) {
  char message[256];
  snprintf(message, sizeof message, "%.*s", (int)(f->error.message_len > 200 ? 200 : f->error.message_len),
           (const char *)f->error.message);
  unsigned code = f->error.code;
  if (sb_sbp_errors_fatality(code) == SB_SBP_FATAL) {
    char why[320];
    snprintf(why, sizeof why, "ErrorFrame %u: %s", code, message);
    end_session(p, REASON_REMOTE_FATAL, true);
    session_lost(p, now, true, why, ROW_T(6), is_client(p) ? ROW_T(7) : ROW_SRV_ACCEPTED);
    return;
  }
  if (sb_peer_rpc_error_frame(p, f->frame_id, code, message)) return;
  char fault[320];
  snprintf(fault, sizeof fault, "ErrorFrame %u: %s", code, message);
  sb_peer_unhandled(p, SB_OK, fault);
}

/* Encoders for the channel layer's ready-made replies. */
typedef struct invalid_reply_arg {
  const uint8_t *cid;
  int reason;
} invalid_reply_arg;

static int encode_invalid_reply(void *arg, uint8_t *out, size_t cap, size_t *len) {
  const invalid_reply_arg *a = arg;
  return sb_rpc_channel_invalid_envelope_reply(a->cid, a->reason, out, cap, len);
}

static void message_frame(sb_peer *p, sb_time_us now, const sb_sbp_frame *f) {
  sb_rpc_inbound in;
  int rc = sb_rpc_channel_inbound((const char *)f->message.subject, f->message.subject_len,
                                  f->message.data, f->message.data_len, SB_RPC_PROFILE_DOCUMENTS,
                                  &in);
  if (rc != SB_OK) {
    sb_peer_unhandled(p, rc, "inbound message not handled");
    return;
  }
  switch (in.action) {
    case SB_RPC_ACTION_APP:
      /* The Peer SDK has no app/ API (its frame loop skips them). */
      sb_peer_notify(p, "frame_ignored", 0, "app/ subject");
      break;
    case SB_RPC_ACTION_REQUEST:
      sb_peer_rpc_receive_request(p, now, &in.env);
      break;
    case SB_RPC_ACTION_RESPONSE:
      sb_peer_rpc_receive_response(p, &in.env);
      break;
    case SB_RPC_ACTION_EVENT:
      sb_peer_events_receive(p, &in.env);
      break;
    case SB_RPC_ACTION_DROP:
      sb_peer_notify(p, "envelope_dropped", in.reason, sb_err_str(in.reason));
      break;
    case SB_RPC_ACTION_REPLY_RPC_ERROR:
      if (p->cfg.upstream_silent_envelopes) {
        sb_peer_unhandled(p, in.reason, sb_err_str(in.reason));
      } else {
        /* RPC-VAL-001: request-scoped, the connection stays (RPC-VAL-003). */
        invalid_reply_arg arg = {in.cid, in.reason};
        rc = sb_peer_send_message(p, "rpc", NULL, encode_invalid_reply, &arg);
        if (rc != SB_OK) sb_peer_notify(p, "frame_not_sent", rc, "RpcError 1100");
      }
      break;
    case SB_RPC_ACTION_REPLY_ERROR_FRAME:
      if (p->cfg.upstream_silent_envelopes && in.error_code == SB_RPC_CHANNEL_SBP_INVALID_FRAME)
        sb_peer_unhandled(p, in.reason, sb_err_str(in.reason));
      else if (p->cfg.upstream_silent_envelopes)
        sb_peer_notify(p, "frame_ignored", in.reason, "stream subject");
      else
        send_error_frame(p, in.error_code, in.error_message);
      break;
  }
  sb_rpc_channel_inbound_free(&in);
}

static void session_frame(sb_peer *p, sb_time_us now, const uint8_t *frame, size_t len) {
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(frame, len, &f);
  if (rc != SB_OK) {
    bad_frame(p, now, rc);
    return;
  }
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL: control_frame(p, now, &f); break;
    case SB_SBP_KIND_MESSAGE: message_frame(p, now, &f); break;
    case SB_SBP_KIND_ACK: sb_peer_notify(p, "frame_ignored", 0, "Ack (acks: none)"); break;
    case SB_SBP_KIND_ERROR: error_frame(p, now, &f); break;
    default: break;
  }
}

/* ---- public API ----------------------------------------------------------- */

void sb_peer_config_defaults(sb_peer_config *cfg) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->role = SB_PEER_ROLE_CLIENT;
  cfg->negotiator.handshake_timeout = SB_PEER_NEGOTIATOR_DEFAULT_TIMEOUT;
  cfg->on_disconnect = SB_PEER_ON_DISCONNECT_FAIL;
  cfg->disconnect_buffer_limit = SB_PEER_DEFAULT_BUFFER_LIMIT;
  cfg->default_timeout = SB_PEER_DEFAULT_TIMEOUT;
  cfg->max_buffered_events = SB_PEER_DEFAULT_MAX_BUFFERED_EVENTS;
  cfg->retry = SB_PEER_RETRY_POLICY_DEFAULT;
  cfg->send_close_frame = true;
}

int sb_peer_init(sb_peer *p, const sb_peer_config *cfg, const sb_peer_io *io, const sb_rng *rng) {
  if (!p || !cfg || !io || !rng || !io->send || !io->open || !io->close || !cfg->frame_buf ||
      cfg->frame_cap == 0 || cfg->default_timeout < 0)
    return SB_ERR_ARG;
  if (cfg->max_buffered_events > SB_PEER_MAX_BUFFERED_EVENTS) return SB_ERR_RANGE;
  uint64_t probe = 0;
  if (sb_peer_backoff_delay(&cfg->retry, 0, 0.0, &probe) != SB_OK) return SB_ERR_ARG;
  memset(p, 0, sizeof *p);
  int rc = sb_peer_negotiator_init(&p->neg, &cfg->negotiator);
  if (rc != SB_OK) return rc;
  p->cfg = *cfg;
  p->io = *io;
  p->rng = *rng;
  p->state = SB_PEER_IDLE;
  p->retry_deadline = SB_TIME_NEVER;
  p->open_deadline = SB_TIME_NEVER;
  sb_peer_rpc_init(&p->rpc);
  sb_peer_events_init(&p->events);
  return SB_OK;
}

void sb_peer_free(sb_peer *p) {
  if (!p) return;
  sb_peer_negotiator_reset(&p->neg);
  sb_peer_rpc_free(&p->rpc);
  sb_peer_events_free(&p->events);
}

int sb_peer_connect(sb_peer *p, sb_time_us now) {
  (void)now;
  if (!p) return SB_ERR_ARG;
  switch (p->state) {
    case SB_PEER_CLOSED: return SB_ERR_PEER_CLOSED;
    case SB_PEER_CONNECTING:
    case SB_PEER_NEGOTIATING:
      /* The in-progress attempt settles it (during an automatic reconnect
       * upstream answers with whenReady(), which settles alike). */
      p->connect_pending = true;
      return SB_OK;
    case SB_PEER_IDLE:
      if (!is_client(p)) return SB_ERR_PEER_INVALID_STATE;
      p->connect_pending = true;
      transition(p, SB_PEER_CONNECTING, "connect()", ROW_T(1));
      open_session(p);
      return SB_OK;
    default: return SB_ERR_PEER_INVALID_STATE;
  }
}

int sb_peer_disconnect(sb_peer *p, sb_time_us now) {
  (void)now;
  if (!p) return SB_ERR_ARG;
  if (p->state == SB_PEER_CLOSED) return SB_OK;
  p->accepting = false;
  close_peer(p, "disconnect()", is_client(p) ? ROW_T(12) : ROW_SRV_DISCONNECT);
  p->listeners_dropped = true;
  if (p->reconnect_pending) {
    p->reconnect_pending = false;
    settle(p, SB_PEER_SETTLE_RECONNECTING, SB_OK, NULL, SB_PEER_RECONNECT_ABORTED, 0);
  }
  if (p->connect_pending) {
    p->connect_pending = false;
    settle(p, SB_PEER_SETTLE_CONNECT, SB_ERR_PEER_CLOSED, "Disconnected", SB_PEER_RECONNECT_FAILED,
           0);
  }
  end_session(p, REASON_DISCONNECT, true);
  return SB_OK;
}

int sb_peer_when_ready(sb_peer *p, uint64_t tag, bool aborted) {
  if (!p) return SB_ERR_ARG;
  for (size_t i = 0; i < SB_PEER_MAX_WAITERS; i++)
    if (p->waiters[i].used && p->waiters[i].tag == tag) return SB_ERR_EXISTS;
  if (aborted) {
    settle(p, SB_PEER_SETTLE_WHEN_READY, SB_ERR_PEER_CANCELLED, "whenReady aborted",
           SB_PEER_RECONNECT_ABORTED, tag);
    return SB_OK;
  }
  if (p->state == SB_PEER_ACTIVE) {
    settle(p, SB_PEER_SETTLE_WHEN_READY, SB_OK, NULL, SB_PEER_RECONNECT_CONNECTED, tag);
    return SB_OK;
  }
  if (p->state == SB_PEER_CLOSED) {
    settle(p, SB_PEER_SETTLE_WHEN_READY, SB_ERR_PEER_CLOSED, "Peer is closed",
           SB_PEER_RECONNECT_FAILED, tag);
    return SB_OK;
  }
  for (size_t i = 0; i < SB_PEER_MAX_WAITERS; i++) {
    if (p->waiters[i].used) continue;
    p->waiters[i].used = true;
    p->waiters[i].tag = tag;
    return SB_OK;
  }
  return SB_ERR_FULL;
}

int sb_peer_when_ready_cancel(sb_peer *p, uint64_t tag) {
  if (!p) return SB_ERR_ARG;
  for (size_t i = 0; i < SB_PEER_MAX_WAITERS; i++) {
    if (!p->waiters[i].used || p->waiters[i].tag != tag) continue;
    p->waiters[i].used = false;
    settle(p, SB_PEER_SETTLE_WHEN_READY, SB_ERR_PEER_CANCELLED, "whenReady aborted",
           SB_PEER_RECONNECT_ABORTED, tag);
    return SB_OK;
  }
  return SB_ERR_NOT_FOUND;
}

/* A driver report about session `s`: true if it is the current one; a
 * stale report is noted and dropped. */
static bool current(sb_peer *p, sb_peer_session s, const char *what) {
  if (s != SB_PEER_NO_SESSION && s == p->session) return true;
  sb_peer_notify(p, "stale_session", 0, what);
  return false;
}

int sb_peer_session_open(sb_peer *p, sb_time_us now, sb_peer_session s) {
  if (!p) return SB_ERR_ARG;
  if (!is_client(p)) {
    if (p->state != SB_PEER_IDLE || p->accepting || s == SB_PEER_NO_SESSION) return SB_ERR_STATE;
    p->session = s;
    p->session_open = true;
    p->accepting = true;
    p->held_count = 0;
    p->open_deadline = now + p->neg.cfg.handshake_timeout;
    if (!p->cfg.channel_layer) start_negotiation(p, now, SB_TIME_NEVER);
    return SB_OK;
  }
  if (!current(p, s, "session_open")) return SB_OK;
  if (p->state != SB_PEER_CONNECTING || p->session_open) return SB_ERR_STATE;
  p->session_open = true;
  p->open_deadline = now + p->neg.cfg.handshake_timeout;
  transition(p, SB_PEER_NEGOTIATING, "session open", ROW_T(2));
  if (!p->cfg.channel_layer) start_negotiation(p, now, SB_TIME_NEVER);
  return SB_OK;
}

int sb_peer_session_channel_ready(sb_peer *p, sb_time_us now, sb_peer_session s) {
  if (!p) return SB_ERR_ARG;
  if (!p->cfg.channel_layer) return SB_ERR_STATE;
  if (!current(p, s, "channel_ready")) return SB_OK;
  if (!negotiating(p) || sb_peer_negotiator_state_of(&p->neg) != SB_PEER_NEGOTIATOR_IDLE)
    return SB_ERR_STATE;
  /* What is left of the handshake budget, at least 1 ms (PEER-NEG-008). */
  sb_time_us deadline = p->open_deadline;
  if (deadline < now + SB_TIME_US_PER_MS) deadline = now + SB_TIME_US_PER_MS;
  start_negotiation(p, now, deadline);
  return SB_OK;
}

int sb_peer_session_recv(sb_peer *p, sb_time_us now, sb_peer_session s, const uint8_t *frame,
                         size_t len) {
  if (!p || (len && !frame)) return SB_ERR_ARG;
  if (!current(p, s, "frame")) return SB_OK;
  if (negotiating(p))
    negotiation_frame(p, now, frame, len);
  else if (is_connected_state(p->state))
    session_frame(p, now, frame, len);
  else
    sb_peer_notify(p, "frame_ignored", SB_ERR_STATE, sb_peer_state_name(p->state));
  return SB_OK;
}

int sb_peer_session_signal(sb_peer *p, sb_time_us now, sb_peer_session s, sb_peer_signal sig) {
  if (!p || !sb_peer_signal_name(sig)) return SB_ERR_ARG;
  if (!current(p, s, "signal")) return SB_OK;
  if (negotiating(p) && sb_peer_negotiator_state_of(&p->neg) == SB_PEER_NEGOTIATOR_WAITING) {
    /* The channel is up and the Handshake under way: upstream's channel
     * keeps the signal and replays it once the peer is active. */
    if (p->held_count < SB_PEER_MAX_HELD_SIGNALS)
      p->held[p->held_count++] = sig;
    else
      sb_peer_notify(p, "signal_dropped", SB_ERR_FULL, sb_peer_signal_name(sig));
    return SB_OK;
  }
  if (!is_connected_state(p->state)) {
    sb_peer_notify(p, "signal_dropped", SB_ERR_STATE, sb_peer_signal_name(sig));
    return SB_OK;
  }
  handle_signal(p, now, sig);
  return SB_OK;
}

int sb_peer_session_closed(sb_peer *p, sb_time_us now, sb_peer_session s, sb_peer_close_kind kind,
                           int cause, const char *reason) {
  if (!p) return SB_ERR_ARG;
  if (!current(p, s, "session_closed")) return SB_OK;
  bool fatal = kind == SB_PEER_CLOSE_FATAL;
  const char *why = reason ? reason : (cause ? sb_err_str(cause) : "session closed");
  forget_session(p);
  if (negotiating(p) || p->state == SB_PEER_CONNECTING) {
    /* The connection ended before the peer's Handshake: the upstream
     * negotiator calls that ProtocolViolation, hence fatal (E-PEER-4). */
    if (kind == SB_PEER_CLOSE_GRACEFUL &&
        sb_peer_negotiator_state_of(&p->neg) == SB_PEER_NEGOTIATOR_WAITING) {
      cause = sb_peer_negotiator_closed(&p->neg);
      attempt_failed(p, now, true, cause, sb_err_str(cause));
      return SB_OK;
    }
    attempt_failed(p, now, fatal, cause, why);
    return SB_OK;
  }
  if (is_connected_state(p->state)) {
    if (!reason && kind == SB_PEER_CLOSE_GRACEFUL) why = "channel_closed";
    if (!is_client(p) && fatal) sb_peer_unhandled(p, cause, why);
    session_lost(p, now, fatal, why, ROW_T(6), is_client(p) ? ROW_T(7) : ROW_SRV_ACCEPTED);
  }
  return SB_OK;
}

sb_time_us sb_peer_deadline(const sb_peer *p) {
  if (!p) return SB_TIME_NEVER;
  sb_time_us d = sb_peer_rpc_deadline(p);
  if (negotiating(p) && sb_peer_negotiator_deadline(&p->neg) < d)
    d = sb_peer_negotiator_deadline(&p->neg);
  if (p->state == SB_PEER_RECONNECTING && p->retry_deadline < d) d = p->retry_deadline;
  return d;
}

int sb_peer_timeout(sb_peer *p, sb_time_us now) {
  if (!p) return SB_ERR_ARG;
  if (negotiating(p)) {
    int rc = sb_peer_negotiator_expire(&p->neg, now);
    if (rc != SB_OK) negotiation_failed(p, now, rc);
  }
  if (p->state == SB_PEER_RECONNECTING && now >= p->retry_deadline) {
    p->retry_deadline = SB_TIME_NEVER;
    transition(p, SB_PEER_CONNECTING, "backoff elapsed", ROW_T(8));
    open_session(p);
  }
  sb_peer_rpc_timeout(p, now);
  return SB_OK;
}

sb_peer_state sb_peer_state_of(const sb_peer *p) { return p ? p->state : SB_PEER_CLOSED; }

bool sb_peer_ready(const sb_peer *p) { return p && p->state == SB_PEER_ACTIVE; }

bool sb_peer_connected(const sb_peer *p) { return p && is_connected_state(p->state); }

bool sb_peer_reconnecting_pending(const sb_peer *p) { return p && p->reconnect_pending; }

const char *sb_peer_remote_id(const sb_peer *p) {
  const sb_sbp_handshake *hs = p ? sb_peer_negotiator_remote(&p->neg) : NULL;
  return hs ? hs->peer_id : NULL;
}

sb_peer_session sb_peer_session_of(const sb_peer *p) { return p ? p->session : SB_PEER_NO_SESSION; }

const char *sb_peer_state_name(sb_peer_state s) {
  switch (s) {
    case SB_PEER_IDLE: return "idle";
    case SB_PEER_CONNECTING: return "connecting";
    case SB_PEER_NEGOTIATING: return "negotiating";
    case SB_PEER_ACTIVE: return "active";
    case SB_PEER_PAUSED: return "paused";
    case SB_PEER_RECONNECTING: return "reconnecting";
    case SB_PEER_CLOSED: return "closed";
  }
  return NULL;
}

const char *sb_peer_event_name(sb_peer_event_kind k) {
  switch (k) {
    case SB_PEER_EVENT_STATE_CHANGE: return "stateChange";
    case SB_PEER_EVENT_CONNECTED: return "connected";
    case SB_PEER_EVENT_SESSION_PAUSED: return "sessionPaused";
    case SB_PEER_EVENT_SESSION_RESUMED: return "sessionResumed";
    case SB_PEER_EVENT_RECONNECTING: return "reconnecting";
    case SB_PEER_EVENT_DISCONNECTED: return "disconnected";
    case SB_PEER_EVENT_ERROR: return "error";
  }
  return NULL;
}

const char *sb_peer_signal_name(sb_peer_signal s) {
  switch (s) {
    case SB_PEER_SIGNAL_PAUSED: return "session_paused";
    case SB_PEER_SIGNAL_PENDING: return "session_pending";
    case SB_PEER_SIGNAL_RESUMED: return "session_resumed";
    case SB_PEER_SIGNAL_ENDED: return "session_ended";
  }
  return NULL;
}

const char *sb_peer_error_code(int err) {
  /* The SDK codes are the rows of the peer section that carry a name, and
   * the events rows (all invalid_pattern). */
  if ((err <= -600 && err > -650) || (err <= -300 && err > -400)) return sb_err_proto_name(err);
  return NULL;
}
