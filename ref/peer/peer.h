/*
 * The Peer SDK state machine (peer-runtime.md sections 5-8; ADR-009, ADR-013,
 * ADR-014): one client peer (`createPeer`) or one accepted peer (`listen`),
 * with its sessions, reconnection, RPC (peer/rpc.h) and events
 * (peer/events.h).
 *
 * States: idle, connecting, negotiating, active, paused, reconnecting,
 * closed (terminal). `ready` only in active, `connected` in active and
 * paused (PEER-SM-002). Transitions are reported with the row of the table
 * in peer-runtime.md section 5, named PEER-SM-T1 .. PEER-SM-T12:
 *
 *   T1  idle -> connecting                 sb_peer_connect
 *   T2  connecting -> negotiating          sb_peer_session_open
 *   T3  negotiating -> active              the peer's Handshake accepted
 *   T4  connecting/negotiating -> closed   failure, fatal or no retry left
 *   T5  connecting/negotiating -> reconnecting   failure, retry allowed
 *   T6  active/paused -> reconnecting      session lost, retry allowed
 *   T7  active/paused -> closed            session lost, fatal or no retry left
 *   T8  reconnecting -> connecting         backoff elapsed (sb_peer_timeout)
 *   T9  active -> paused                   signal session_paused
 *   T10 paused -> active                   signal session_resumed
 *   T11 active/paused -> T6 or T7          signal session_ended (never disconnect)
 *   T12 any but closed -> closed           sb_peer_disconnect
 * Accepted peers (PEER-SRV-*) live in active, paused and closed only; their
 * rows are PEER-SRV-001 (accepted; the session ends), PEER-SRV-002
 * (disconnect), PEER-SRV-003 (session_ended), PEER-SRV-005 (negotiation
 * failed), and T9/T10.
 *
 * The layer below is abstract. The machine asks the driver to open a
 * session (io.open: a transport, or a transport plus an SBRP client); the
 * driver reports it open (sb_peer_session_open), and, with
 * `channel_layer`, when its secure channel is up (sb_peer_session_channel_ready);
 * it delivers whole SBP frames (sb_peer_session_recv), session signals
 * (sb_peer_session_signal) and the end of the session with its
 * classification (sb_peer_session_closed). The machine sends SBP frames
 * with io.send and ends a session with io.close. Sessions are numbered by
 * the machine; a driver report for another number than the current one is
 * ignored (a note says so).
 *
 * Time comes in as `now`; the machine's next deadline (handshake timeout,
 * reconnect backoff, call timeouts) is sb_peer_deadline, handled by
 * sb_peer_timeout. Backoff jitter is drawn from the caller's rng
 * (peer/backoff.h), and so is every frameId.
 *
 * Outcomes that upstream reports asynchronously (promises, listeners) come
 * through the io callbacks, possibly before the call that caused them
 * returns: lifecycle events (io.event, in upstream's order: stateChange
 * first, then connected / sessionPaused / sessionResumed / reconnecting /
 * disconnected, and `error` after a terminal transition; none after that,
 * PEER-SM-014), settlements of connect(), `reconnecting` and whenReady()
 * (io.settle), RPC results (io.call_result), and errors with no other path
 * (io.unhandled, PEER-ERR-003). Synchronous SDK throws (PEER-ERR-002) are
 * return values. Callbacks must not call into the machine, except that
 * handlers may (un)register RPC handlers and event subscriptions.
 *
 * PeerError codes (PEER-ERR-001) are sb_err values whose protocol name is
 * the code string: SB_ERR_PEER_* and, for invalid_pattern, SB_ERR_EVT_*;
 * sb_peer_error_code gives the string.
 *
 * Choices where the documents are silent or disagree with upstream are in
 * reports/errata.md (E-PEER-n) and named where they apply.
 */
#ifndef SB_PEER_PEER_H
#define SB_PEER_PEER_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"
#include "common/time.h"
#include "peer/backoff.h"
#include "peer/negotiator.h"

typedef struct sb_peer sb_peer;

#include "peer/events.h"
#include "peer/rpc.h"

typedef enum sb_peer_state {
  SB_PEER_IDLE = 0,
  SB_PEER_CONNECTING,
  SB_PEER_NEGOTIATING,
  SB_PEER_ACTIVE,
  SB_PEER_PAUSED,
  SB_PEER_RECONNECTING,
  SB_PEER_CLOSED
} sb_peer_state;

typedef enum sb_peer_role {
  SB_PEER_ROLE_CLIENT = 0, /* createPeer: connect(), reconnection */
  SB_PEER_ROLE_ACCEPTED    /* listen: negotiates on an accepted connection, never retries */
} sb_peer_role;

/* connectionPolicy.onDisconnect (PEER-BUF-001/002). */
typedef enum sb_peer_on_disconnect {
  SB_PEER_ON_DISCONNECT_FAIL = 0, /* "fail" (the default) */
  SB_PEER_ON_DISCONNECT_PAUSE     /* "pause" */
} sb_peer_on_disconnect;

/* Session signals (ADR-014; cloud.md section 5), as the driver maps them
 * from SBRP Control frames. */
typedef enum sb_peer_signal {
  SB_PEER_SIGNAL_PAUSED = 1, /* session_paused */
  SB_PEER_SIGNAL_PENDING,    /* session_pending */
  SB_PEER_SIGNAL_RESUMED,    /* session_resumed */
  SB_PEER_SIGNAL_ENDED       /* session_ended */
} sb_peer_signal;

/* How a session ended, as the driver (or the negotiator) classifies it. */
typedef enum sb_peer_close_kind {
  SB_PEER_CLOSE_GRACEFUL = 0, /* the inbound stream ended cleanly (not fatal) */
  SB_PEER_CLOSE_RETRYABLE,    /* an error the retry policy may retry */
  SB_PEER_CLOSE_FATAL         /* never retried (PEER-NEG-005, PEER-RETRY-005) */
} sb_peer_close_kind;

typedef uint32_t sb_peer_session;
#define SB_PEER_NO_SESSION ((sb_peer_session)0)

/* Upstream defaults (packages/peer/src/peer.ts; peer-runtime.md section 6). */
#define SB_PEER_DEFAULT_TIMEOUT SB_TIME_MS(10000)
#define SB_PEER_DEFAULT_BUFFER_LIMIT 65536u
#define SB_PEER_DEFAULT_MAX_BUFFERED_EVENTS 128u
/* Signals kept while the Handshake is exchanged, replayed in active (PEER-SM-012). */
#define SB_PEER_MAX_HELD_SIGNALS 8u
/* whenReady() calls waiting at once. */
#define SB_PEER_MAX_WAITERS 16u

typedef struct sb_peer_config {
  sb_peer_role role;
  sb_peer_negotiator_config negotiator; /* peer_id, caps, metadata, handshake timeout */
  /* The session has a secure channel (SBRP) that comes up after the
   * transport opens: SBP negotiation waits for sb_peer_session_channel_ready,
   * within the same handshake deadline (PEER-NEG-001, PEER-NEG-008). */
  bool channel_layer;
  sb_peer_on_disconnect on_disconnect; /* client only; accepted peers always fail */
  uint64_t disconnect_buffer_limit;    /* rpcPolicy.disconnectBufferLimitBytes */
  sb_time_us default_timeout;          /* rpcPolicy.defaultTimeoutMs */
  uint32_t max_buffered_events;        /* eventPolicy.maxBufferedEvents; 0 disables */
  sb_peer_retry_policy retry;          /* retryPolicy (client only) */
  /* Send Control/Close before the machine closes a session (SBP-CTL-007/008).
   * The upstream SBRP negotiator only closes the transport. */
  bool send_close_frame;
  /* tryCall: `reconnected` false on every failure, as upstream rpc.ts
   * (E-PEER-6); default: the documents' "was not active at the call". */
  bool upstream_try_call;
  /* docs/guide/rpc.md: a queued call's timeout runs while it waits and it
   * can expire unsent; default: the timer starts at send (RPC-SDK-011, E-PEER-5). */
  bool guide_queued_timeouts;
  /* Peer SDK: an invalid envelope on rpc gets no answer, only io.unhandled
   * (RPC-VAL-007); default: RpcError 1100 / ErrorFrame 1002 (RPC-VAL-001/002). */
  bool upstream_silent_envelopes;
  /* Scratch for outbound frames (required); a frame that does not fit fails
   * with SB_ERR_BUF. The machine borrows it for its lifetime. */
  uint8_t *frame_buf;
  size_t frame_cap;
} sb_peer_config;

/* A lifecycle event (PeerEvents). */
typedef enum sb_peer_event_kind {
  SB_PEER_EVENT_STATE_CHANGE = 0, /* stateChange {state, previous} */
  SB_PEER_EVENT_CONNECTED,        /* entering active, not from paused */
  SB_PEER_EVENT_SESSION_PAUSED,   /* entering paused */
  SB_PEER_EVENT_SESSION_RESUMED,  /* paused -> active */
  SB_PEER_EVENT_RECONNECTING,     /* entering reconnecting */
  SB_PEER_EVENT_DISCONNECTED,     /* leaving {active, paused} for another state */
  SB_PEER_EVENT_ERROR             /* after a terminal transition: err, message */
} sb_peer_event_kind;

typedef struct sb_peer_event {
  sb_peer_event_kind kind;
  sb_peer_state state, previous; /* STATE_CHANGE */
  int err;                       /* ERROR: SB_ERR_PEER_CLOSED */
  const char *message;           /* ERROR: the cause */
} sb_peer_event;

/* Promise outcomes. */
typedef enum sb_peer_settle_kind {
  SB_PEER_SETTLE_CONNECT = 0,  /* connect(): err 0 or SB_ERR_PEER_CLOSED */
  SB_PEER_SETTLE_RECONNECTING, /* the `reconnecting` promise: status */
  SB_PEER_SETTLE_WHEN_READY,   /* whenReady(tag): 0, SB_ERR_PEER_CLOSED or SB_ERR_PEER_CANCELLED */
  SB_PEER_SETTLE_ACCEPT        /* accepted role: 0 (onConnection) or the negotiation error */
} sb_peer_settle_kind;

typedef enum sb_peer_reconnect_status {
  SB_PEER_RECONNECT_CONNECTED = 0,
  SB_PEER_RECONNECT_ABORTED,
  SB_PEER_RECONNECT_FAILED /* err, message */
} sb_peer_reconnect_status;

typedef struct sb_peer_settlement {
  sb_peer_settle_kind kind;
  int err;
  const char *message; /* with err: the PeerError's message */
  sb_peer_reconnect_status status; /* RECONNECTING */
  uint64_t tag;                    /* WHEN_READY */
} sb_peer_settlement;

/* A transition: `row` is "PEER-SM-T1".."PEER-SM-T12" or a PEER-SRV row;
 * `event` says what caused it. */
typedef struct sb_peer_transition {
  const char *from, *to, *event, *row;
} sb_peer_transition;

/* Something worth a trace line that is not a transition: a frame dropped or
 * ignored, a signal ignored, a reply swallowed. `code` is the sb_err behind
 * it (0 if none). */
typedef struct sb_peer_note {
  const char *what;
  int code;
  const char *text;
} sb_peer_note;

/* The driver's side. send, open and close are required. */
typedef struct sb_peer_io {
  void *ctx;
  /* One whole SBP frame on session `s` (valid during the call only). */
  void (*send)(void *ctx, sb_peer_session s, const uint8_t *frame, size_t len);
  /* Open session `s`; answer with sb_peer_session_open or _closed. */
  void (*open)(void *ctx, sb_peer_session s);
  /* Close or abandon session `s` (open or still opening); report nothing more for it. */
  void (*close)(void *ctx, sb_peer_session s, const char *reason);
  /* Lifecycle listener; a non-zero return is a listener that threw (PEER-SM-014). */
  int (*event)(void *ctx, const sb_peer_event *ev);
  void (*settle)(void *ctx, const sb_peer_settlement *st);
  void (*call_result)(void *ctx, const sb_peer_call_result *r);
  /* onUnhandledError (PEER-ERR-003). */
  void (*unhandled)(void *ctx, int err, const char *text);
  void (*transition)(void *ctx, const sb_peer_transition *t);
  void (*note)(void *ctx, const sb_peer_note *n);
} sb_peer_io;

typedef struct sb_peer_waiter {
  uint64_t tag;
  bool used;
} sb_peer_waiter;

/* The machine. Large (calls, handlers, subscriptions and the event buffer
 * are inline): keep it off small stacks, and do not move it after init. */
struct sb_peer {
  sb_peer_config cfg;
  sb_peer_io io;
  sb_rng rng;
  sb_peer_state state;
  sb_peer_negotiator neg;
  sb_peer_session session;      /* current session, SB_PEER_NO_SESSION if none */
  sb_peer_session last_session; /* numbering */
  bool session_open;            /* the driver reported the session open */
  bool accepting;               /* accepted role: negotiating before onConnection */
  sb_time_us open_deadline;     /* channel_layer: the handshake budget of this session */
  sb_time_us retry_deadline;    /* reconnecting: when T8 fires */
  uint32_t retry_attempt;       /* retries since the last active (PEER-RETRY-003/004) */
  bool connect_pending;         /* a connect() promise is outstanding */
  bool reconnect_pending;       /* the `reconnecting` promise is outstanding */
  bool listeners_dropped;       /* after the terminal transition (PEER-SM-014) */
  sb_peer_signal held[SB_PEER_MAX_HELD_SIGNALS];
  size_t held_count;
  sb_peer_waiter waiters[SB_PEER_MAX_WAITERS];
  sb_peer_rpc rpc;
  sb_peer_events events;
  char text[512]; /* messages handed to callbacks */
};

/* `cfg` with upstream's defaults: client role, fail policy, 64 KiB buffer,
 * 10 s timeout, 128 events, SB_PEER_RETRY_POLICY_DEFAULT, Close frames on;
 * peer_id and the frame buffer are left for the caller to set. */
void sb_peer_config_defaults(sb_peer_config *cfg);

/* Set up a peer in idle. `cfg`, `io` and `rng` are copied; the config's
 * pointers (peer_id, caps, metadata, frame_buf) are borrowed. SB_ERR_ARG for
 * NULL arguments, no io.send/open/close, no frame buffer, a bad negotiator
 * config or retry policy; SB_ERR_RANGE for max_buffered_events over
 * SB_PEER_MAX_BUFFERED_EVENTS. */
SB_NODISCARD int sb_peer_init(sb_peer *p, const sb_peer_config *cfg, const sb_peer_io *io,
                              const sb_rng *rng);

/* Release everything the peer owns (queued calls, buffered events, the
 * remote Handshake) without callbacks. The peer must not be used after. */
void sb_peer_free(sb_peer *p);

/* connect() (PEER-SM-003): from idle T1 (io.open); from connecting or
 * negotiating 0, the outcome settles the pending connect. The outcome is an
 * SB_PEER_SETTLE_CONNECT settlement. SB_ERR_PEER_INVALID_STATE from active,
 * paused, reconnecting and for accepted peers; SB_ERR_PEER_CLOSED when closed. */
SB_NODISCARD int sb_peer_connect(sb_peer *p, sb_time_us now);

/* disconnect() (T12, PEER-SM-005; PEER-SRV-002): hard close, idempotent
 * (0 when already closed): every call rejects peer_closed, events are
 * dropped, `reconnecting` settles aborted, a pending connect rejects
 * peer_closed, Close("disconnect") is sent and the session closed. */
SB_NODISCARD int sb_peer_disconnect(sb_peer *p, sb_time_us now);

/* whenReady() (PEER-SM-006), settled under `tag`: at once in active (0),
 * closed (peer_closed) or with `aborted` (cancelled); otherwise when the
 * peer next enters active or closed. SB_ERR_EXISTS for a tag already
 * waiting, SB_ERR_FULL over SB_PEER_MAX_WAITERS. */
SB_NODISCARD int sb_peer_when_ready(sb_peer *p, uint64_t tag, bool aborted);

/* Abort a waiting whenReady(): it settles cancelled. SB_ERR_NOT_FOUND if
 * `tag` is not waiting. */
SB_NODISCARD int sb_peer_when_ready_cancel(sb_peer *p, uint64_t tag);

/* The driver: session `s` is open (T2). Client: starts SBP negotiation
 * (our Handshake goes out) unless channel_layer. Accepted role: begins the
 * server-side negotiation on `s`, which the driver numbers (not 0); the
 * peer must be idle. SB_ERR_STATE when no such session is expected. */
SB_NODISCARD int sb_peer_session_open(sb_peer *p, sb_time_us now, sb_peer_session s);

/* The driver: the secure channel of `s` is up; SBP negotiation starts.
 * SB_ERR_STATE without channel_layer or when not negotiating on `s`. */
SB_NODISCARD int sb_peer_session_channel_ready(sb_peer *p, sb_time_us now, sb_peer_session s);

/* The driver: one whole SBP frame from session `s`. Protocol outcomes are
 * transitions, frames and notes, not return values: 0 once handled
 * (ignored when `s` is not current); SB_ERR_ARG. */
SB_NODISCARD int sb_peer_session_recv(sb_peer *p, sb_time_us now, sb_peer_session s,
                                      const uint8_t *frame, size_t len);

/* The driver: a session signal on `s`. Honoured in active and paused only
 * (PEER-SM-011); held while the Handshake is exchanged and replayed on
 * entering active (PEER-SM-012, E-PEER-7); otherwise dropped with a note. */
SB_NODISCARD int sb_peer_session_signal(sb_peer *p, sb_time_us now, sb_peer_session s,
                                        sb_peer_signal sig);

/* The driver: session `s` ended (the transport failed to open, dropped or
 * was closed by the remote). `cause` (an sb_err or 0) and `reason` (text or
 * NULL) describe it. Ignored when `s` is not current. */
SB_NODISCARD int sb_peer_session_closed(sb_peer *p, sb_time_us now, sb_peer_session s,
                                        sb_peer_close_kind kind, int cause, const char *reason);

/* The earliest time sb_peer_timeout has work (SB_TIME_NEVER if none). */
sb_time_us sb_peer_deadline(const sb_peer *p);

/* Handle everything due at `now`: the handshake deadline, the reconnect
 * backoff (T8), call timeouts. Early calls do nothing. */
SB_NODISCARD int sb_peer_timeout(sb_peer *p, sb_time_us now);

/* Current state; `ready` (active) and `connected` (active or paused). */
sb_peer_state sb_peer_state_of(const sb_peer *p);
bool sb_peer_ready(const sb_peer *p);
bool sb_peer_connected(const sb_peer *p);

/* true while a `reconnecting` promise exists (one per reconnect cycle, PEER-SM-008). */
bool sb_peer_reconnecting_pending(const sb_peer *p);

/* The remote peerId from the last successful negotiation, or NULL. */
const char *sb_peer_remote_id(const sb_peer *p);

/* The current session number (SB_PEER_NO_SESSION if none). */
sb_peer_session sb_peer_session_of(const sb_peer *p);

/* Upstream names: states ("idle" ...), events ("stateChange" ...), signals
 * ("session_paused" ...); NULL for other values. */
const char *sb_peer_state_name(sb_peer_state s);
const char *sb_peer_event_name(sb_peer_event_kind k);
const char *sb_peer_signal_name(sb_peer_signal s);

/* The PeerErrorCode string of `err` ("peer_closed", ..., "invalid_pattern"),
 * or NULL when `err` is not one of the 11 SDK codes (PEER-ERR-001). */
const char *sb_peer_error_code(int err);

/* Writes Message data into `out` (capacity `cap`), its size into `*len`. */
typedef int (*sb_peer_encode_fn)(void *arg, uint8_t *out, size_t cap, size_t *len);

/* For peer/rpc.c and peer/events.c: send one Message on `subject` whose data
 * `encode(arg, ...)` writes, with frameId `frame_id` (NULL: a fresh one from
 * the rng), through the same gate as sb_peer_send_envelope. */
SB_NODISCARD int sb_peer_send_message(sb_peer *p, const char *subject, const uint8_t *frame_id,
                                      sb_peer_encode_fn encode, void *arg);

/* For peer/rpc.c and peer/events.c: send one Message (`subject`, envelope
 * `env`) on the current session with frameId `frame_id` (NULL: a fresh
 * one from the rng). Gated as upstream's sendRaw: SB_ERR_PEER_CLOSED when
 * closed, SB_ERR_PEER_SESSION_PAUSED when paused, SB_ERR_PEER_NOT_CONNECTED
 * unless active; encoding errors (SB_ERR_BUF, SB_ERR_RPC_*) otherwise. */
SB_NODISCARD int sb_peer_send_envelope(sb_peer *p, const char *subject, const sb_rpc_envelope *env,
                                       const uint8_t *frame_id);

/* For peer/rpc.c and peer/events.c: report a note / an unhandled error. */
void sb_peer_notify(sb_peer *p, const char *what, int code, const char *text);
void sb_peer_unhandled(sb_peer *p, int err, const char *text);

#endif
