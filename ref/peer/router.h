/*
 * The runtime Router (rpc.md section 8, events.md EVT-DSP-007; upstream
 * docs/runtime/router.md, docs/adr/011-runtime-message-routing.md,
 * packages/runtime/src/router/ router.ts, dispatch.ts): the server-side dispatcher of SBP
 * Messages to registered handlers, and the SBP connection it serves with
 * the receiver policies of the runtime (sbp.md sections 3.3, 3.4, 7, 9).
 *
 * Two objects, both in caller storage:
 *   sb_router       the handler registry and its configuration (rpcTimeoutMs,
 *                   per-method timeouts, the error mapper). Not session-scoped:
 *                   one router serves any number of connections.
 *   sb_router_conn  one SBP connection served by a router: the Handshake
 *                   exchange (peer/negotiator.h), Control frames, ErrorFrames,
 *                   the dispatch of every Message, and the receiver policies.
 *
 * Registration (RPC-RTR-006): sb_router_route(subject) and
 * sb_router_route_prefix(prefix) validate against the v1 subject policy
 * (sbp.md section 8: `rpc`, `event`, `app/...`; `stream` is reserved) and
 * refuse an invalid subject with its SB_ERR_SBP_SUBJECT_* error, upstream's
 * throw; a prefix is checked as prefix + "test", as upstream does. The same
 * subject may be routed any number of times. Each route has a mode:
 * SB_ROUTER_MODE_DEFAULT takes the subject's (rpc exclusive, event and app/
 * broadcast), or it is overridden per route (RPC-RTR-002). A broadcast
 * override on `rpc` is refused (SB_ERR_ARG): a request is answered exactly
 * once (RPC-ERR-006; errata E-SCEN-ROUTER-1).
 *
 * Dispatch order (RPC-RTR-001): the exact routes of the subject in
 * registration order, then prefix routes, longest prefix first, each prefix
 * in registration order. The mode of the first matching route decides: an
 * exclusive dispatch invokes that route only, a broadcast one every match,
 * one after another: a handler that returns SB_ROUTER_PENDING is awaited
 * (sb_router_handler_done) before the next is invoked. A broadcast handler
 * that throws is noted ("handler_error") and the next one still runs
 * (RPC-RTR-003, EVT-DSP-007). The list is a snapshot taken when the
 * dispatch starts. Dispatches of different Messages run independently (the
 * upstream session hands every frame to the router without awaiting it).
 *
 * Per subject (rpc.md sections 3, 5, 6; sbp.md section 8), from the channel
 * layer (rpc/channel.h; documents' reading, or upstream's with
 * upstream_envelopes):
 *   rpc     a valid request: msg.rpc = {method, params, cid} (RPC-RTR-004);
 *           no route: RpcError{1101, "Method not found"} (RPC-ERR-004);
 *           the first route is invoked with a deadline (rpc_timeout, default
 *           30 s, or the method's own: RPC-TMO-001); a handler that throws
 *           before replying gets RpcError from the error mapper (default
 *           {2000, its message}: RPC-ERR-005); a handler still pending and
 *           not replied at the deadline gets RpcError{1103, "Handler
 *           timeout"}, never an ErrorFrame (RPC-ERR-003, SBP-ERR-010); a
 *           handler that returns without replying never answers (RPC-ERR-006).
 *           A reply after the request was answered is refused (SB_ERR_STATE,
 *           note "late_reply_dropped"). R and E envelopes belong to the
 *           correlation layer (io.response, else note "response_ignored").
 *   event   a valid notification: broadcast, msg.rpc absent (EVT-DSP-007).
 *   app/..  the raw data: broadcast, msg.rpc absent, never parsed (RPC-CH-003).
 *   other   what the channel layer answers: ErrorFrame 1002/1003, RpcError
 *           1100, or a silent drop, all non-fatal.
 * Frames the router sends (replies, msg.send, Acks, ErrorFrames, Pong,
 * Close) always carry a fresh frameId from the caller's rng; an inbound
 * frameId is never reused (RPC-RTR-005, SBP-WIRE-008; errata E-PEER-2).
 *
 * Receiver policies of the connection (sb_router_conn_config):
 *   acks         "none" (default) sends no Ack (SBP-ACK-003); "receipt"
 *                sends one Ack per Message accepted for dispatch, naming its
 *                frameId, before any handler runs and without waiting for it
 *                (SBP-ACK-002, SBP-ACK-004). Acks received are advisory and
 *                ignored (SBP-ACK-005).
 *   max_frame    a frame longer than this (default 1 MiB, 0: no limit) is
 *                ProtocolViolation: ErrorFrame 1000, Control/Close, the
 *                connection is closed (SBP-BEH-006).
 *   max_error_details / message
 *                an inbound ErrorFrame's details are kept up to this many
 *                bytes (default 16 KiB) and its message is untrusted text:
 *                at most SB_ROUTER_ERROR_TEXT_MAX bytes, control characters
 *                and non-ASCII bytes escaped before anything logs it
 *                (SBP-EFR-004).
 *   throttle     per window, ErrorFrames and invalid frames received,
 *                Handshakes after negotiation, and Pings; one over a limit is
 *                ProtocolViolation and closes as above (SBP-ERR-013). Off
 *                unless configured.
 * After negotiation a Ping is answered with a Pong (SBP-CTL-006), a Close
 * ends the connection, a second Handshake and a Pong are noted and ignored;
 * an ErrorFrame 1000/1001 ends the connection (SBP-ERR-001), others are
 * connection-level faults (noted). A frame that does not decode is answered
 * with its ErrorFrame; reserved flag bits also close (SBP-WIRE-005).
 *
 * Time comes in as `now`; sb_router_conn_deadline / sb_router_conn_timeout
 * drive the handshake deadline and the handler timeouts. Callbacks must not
 * free the connection; handlers may call the sb_router_* actions on their
 * own dispatch and register or remove routes.
 */
#ifndef SB_PEER_ROUTER_H
#define SB_PEER_ROUTER_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"
#include "common/time.h"
#include "peer/negotiator.h"
#include "rpc/envelope.h"
#include "sbp/frame.h"

/* Upstream defaults (router.ts DEFAULT_RPC_TIMEOUT_MS; wire-format.md;
 * errors.md's example cap). */
#define SB_ROUTER_DEFAULT_RPC_TIMEOUT SB_TIME_MS(30000)
#define SB_ROUTER_DEFAULT_MAX_FRAME 1048576u
#define SB_ROUTER_DEFAULT_MAX_ERROR_DETAILS 16384u
/* Bytes of an inbound ErrorFrame message kept for logs (escaped). */
#define SB_ROUTER_ERROR_TEXT_MAX 256u
/* Capacities (caller storage is fixed-size). */
#define SB_ROUTER_MAX_ROUTES 64u
#define SB_ROUTER_MAX_METHOD_TIMEOUTS 16u
#define SB_ROUTER_MAX_DISPATCHES 64u
#define SB_ROUTER_PREFIX_MAX_BYTES 252u /* + "test" fits a 256-byte subject */

typedef struct sb_router sb_router;
typedef struct sb_router_conn sb_router_conn;

typedef enum sb_router_mode {
  SB_ROUTER_MODE_DEFAULT = 0, /* the subject's: rpc exclusive, event and app/ broadcast */
  SB_ROUTER_EXCLUSIVE,        /* the first matching route only */
  SB_ROUTER_BROADCAST         /* every matching route, one after another */
} sb_router_mode;

/* InboundMessage: what a handler gets. Valid during the handler call only;
 * a handler that goes on later keeps `conn` and `dispatch`. */
typedef struct sb_router_msg {
  sb_router_conn *conn;
  uint32_t dispatch;   /* this dispatch, for the actions below */
  uint32_t route;      /* the route being invoked */
  uint32_t order;      /* 0 for the first handler of this dispatch, then 1, 2, ... */
  const char *subject; /* NUL-terminated */
  const uint8_t *payload;
  size_t payload_len;
  const uint8_t *frame_id; /* the inbound frame's, read-only: never reuse it */
  const char *peer_id;     /* the remote's Handshake peerId */
  bool has_rpc;            /* RPC-RTR-004: subject rpc and a valid request */
  const char *method;      /* has_rpc */
  const cJSON *params;     /* has_rpc; NULL when absent */
  uint8_t cid[SB_RPC_CID_BYTES];
} sb_router_msg;

/* What a handler call did. */
typedef enum sb_router_outcome {
  SB_ROUTER_DONE = 0, /* returned (it may have replied) */
  SB_ROUTER_PENDING,  /* still running: finishes with sb_router_handler_done */
  SB_ROUTER_THREW     /* threw: `*error` is its message (NULL: "") */
} sb_router_outcome;

typedef sb_router_outcome (*sb_router_handler_fn)(void *ctx, const sb_router_msg *msg,
                                                  const char **error);

/* The error mapper (RPC-ERR-005): what a thrown handler error becomes. */
typedef struct sb_router_rpc_error {
  double code;
  const char *message;
  const cJSON *data; /* NULL: none */
} sb_router_rpc_error;
typedef void (*sb_router_error_mapper_fn)(void *ctx, const char *error, const sb_router_msg *msg,
                                          sb_router_rpc_error *out);

typedef struct sb_router_config {
  sb_time_us rpc_timeout;           /* 0: SB_ROUTER_DEFAULT_RPC_TIMEOUT */
  sb_router_error_mapper_fn mapper; /* NULL: {2000, the error's message} */
  void *mapper_ctx;
} sb_router_config;

typedef struct sb_router_route_slot {
  uint32_t id; /* 0: free */
  uint64_t seq; /* registration order */
  bool prefix;
  sb_router_mode mode; /* resolved: EXCLUSIVE or BROADCAST */
  char subject[SB_SBP_MAX_SUBJECT_BYTES + 1];
  size_t len;
  sb_router_handler_fn fn;
  void *ctx;
} sb_router_route_slot;

typedef struct sb_router_timeout_slot {
  char method[256];
  sb_time_us timeout;
  bool used;
} sb_router_timeout_slot;

/* The router; treat as opaque. */
struct sb_router {
  sb_router_config cfg;
  sb_router_route_slot routes[SB_ROUTER_MAX_ROUTES];
  uint32_t next_id;
  uint64_t next_seq;
  sb_router_timeout_slot timeouts[SB_ROUTER_MAX_METHOD_TIMEOUTS];
};

/* ---- the registry ---------------------------------------------------------- */

/* An empty router; `cfg` may be NULL (defaults). SB_ERR_ARG for a NULL
 * router or a negative timeout. */
SB_NODISCARD int sb_router_init(sb_router *r, const sb_router_config *cfg);

/* route(subject, handler, {mode}): `*id` gets the registration.
 * Errors (upstream's throw): SB_ERR_SBP_SUBJECT_* for a subject outside the
 * policy (SB_ERR_SBP_SUBJECT_RESERVED for stream); SB_ERR_ARG for a NULL
 * argument or a broadcast `rpc` route; SB_ERR_FULL. */
SB_NODISCARD int sb_router_route(sb_router *r, const char *subject, sb_router_mode mode,
                                 sb_router_handler_fn fn, void *ctx, uint32_t *id);

/* routePrefix(prefix, handler, {mode}): as sb_router_route, the prefix
 * checked as prefix + "test" (so "app/" and "app/metrics/" pass, "rpc" and
 * "" do not); SB_ERR_RANGE for a prefix over SB_ROUTER_PREFIX_MAX_BYTES. */
SB_NODISCARD int sb_router_route_prefix(sb_router *r, const char *prefix, sb_router_mode mode,
                                        sb_router_handler_fn fn, void *ctx, uint32_t *id);

/* The unsubscribe of a registration: idempotent, never removes another. */
void sb_router_unsubscribe(sb_router *r, uint32_t id);

/* unroute(subject): remove every exact route of `subject` (not prefixes). */
void sb_router_unroute(sb_router *r, const char *subject);

/* clear(): remove every route. */
void sb_router_clear(sb_router *r);

/* The handler timeout of `method` (RPC-TMO-001): `timeout` > 0 sets it, 0
 * goes back to rpc_timeout. SB_ERR_ARG (NULL, negative, a method over 255
 * bytes), SB_ERR_FULL. */
SB_NODISCARD int sb_router_set_method_timeout(sb_router *r, const char *method, sb_time_us timeout);

/* The timeout a request for `method` gets. */
sb_time_us sb_router_method_timeout(const sb_router *r, const char *method);

/* Routes registered now. */
size_t sb_router_route_count(const sb_router *r);

/* ---- a connection ---------------------------------------------------------- */

typedef enum sb_router_acks {
  SB_ROUTER_ACKS_NONE = 0, /* "none": the default (SBP-ACK-003) */
  SB_ROUTER_ACKS_RECEIPT   /* "receipt" (SBP-ACK-004) */
} sb_router_acks;

typedef struct sb_router_throttle {
  sb_time_us window; /* 0: no throttling */
  uint32_t errors;   /* ErrorFrames and undecodable frames received per window (0: any) */
  uint32_t handshakes; /* Handshakes after negotiation per window (0: any) */
  uint32_t pings;    /* Pings per window (0: any) */
} sb_router_throttle;

typedef struct sb_router_conn_config {
  sb_peer_negotiator_config negotiator; /* our peerId, caps, metadata, handshake timeout */
  sb_router_acks acks;
  uint32_t max_frame;         /* bytes; 0: no limit (default SB_ROUTER_DEFAULT_MAX_FRAME) */
  uint32_t max_error_details; /* bytes of inbound ErrorFrame details kept */
  sb_router_throttle throttle;
  bool upstream_envelopes; /* the Router's envelope reading (SB_RPC_PROFILE_ROUTER, E-RPC-3) */
  /* Scratch for outbound frames (required; borrowed for the connection's life). */
  uint8_t *frame_buf;
  size_t frame_cap;
} sb_router_conn_config;

/* An inbound ErrorFrame after the receiver's caps (SBP-EFR-004). */
typedef struct sb_router_error_info {
  unsigned code;
  const char *message;   /* escaped, at most SB_ROUTER_ERROR_TEXT_MAX bytes of the original */
  size_t message_len;    /* the original's length */
  const uint8_t *details; /* at most max_error_details bytes (a view of the frame) */
  size_t details_kept, details_len;
} sb_router_error_info;

typedef struct sb_router_conn_io {
  void *ctx;
  /* One whole SBP frame to send (valid during the call). Required. */
  void (*send)(void *ctx, const uint8_t *frame, size_t len);
  /* The connection is over: close the transport. Required. */
  void (*close)(void *ctx, const char *reason);
  /* Something worth a log line (policy decisions, dropped frames, handler
   * errors, timeouts): `code` is the sb_err behind it (0 if none). */
  void (*note)(void *ctx, const char *what, int code, const char *text);
  /* An R or E envelope on rpc (the correlation layer's), with the Message
   * data it came in; NULL: noted and ignored. */
  void (*response)(void *ctx, const sb_rpc_envelope *env, const uint8_t *data, size_t len);
  /* An inbound ErrorFrame, capped; NULL: only noted. */
  void (*error_frame)(void *ctx, const sb_router_error_info *e);
} sb_router_conn_io;

typedef enum sb_router_conn_state {
  SB_ROUTER_CONN_IDLE = 0,    /* not opened */
  SB_ROUTER_CONN_NEGOTIATING, /* our Handshake sent, waiting for the remote's */
  SB_ROUTER_CONN_OPEN,        /* Messages are dispatched */
  SB_ROUTER_CONN_CLOSED       /* terminal */
} sb_router_conn_state;

typedef struct sb_router_entry {
  uint32_t route;
  sb_router_handler_fn fn;
  void *ctx;
} sb_router_entry;

typedef enum sb_router_dispatch_phase {
  SB_ROUTER_DISPATCH_FREE = 0,
  SB_ROUTER_DISPATCH_RUNNING, /* a handler is invoked or pending */
} sb_router_dispatch_phase;

typedef struct sb_router_dispatch {
  uint32_t id;
  sb_router_dispatch_phase phase;
  bool is_rpc;
  bool replied;     /* rpc: answered (reply, error, mapper, 1103) */
  bool pending;     /* the current handler returned PENDING */
  sb_time_us deadline; /* rpc, pending and not replied: the 1103 deadline */
  uint32_t next;    /* index of the next entry to invoke */
  uint32_t count;
  sb_router_entry entries[SB_ROUTER_MAX_ROUTES];
  char subject[SB_SBP_MAX_SUBJECT_BYTES + 1];
  uint8_t frame_id[SB_SBP_FRAME_ID_BYTES];
  uint8_t *payload; /* owned copy */
  size_t payload_len;
  sb_rpc_envelope env; /* rpc: the decoded request (owns its tree) */
} sb_router_dispatch;

/* A connection; treat as opaque. Large: keep it off small stacks. */
struct sb_router_conn {
  sb_router *router;
  sb_router_conn_config cfg;
  sb_router_conn_io io;
  sb_rng rng;
  sb_router_conn_state state;
  sb_peer_negotiator neg;
  sb_router_dispatch dispatches[SB_ROUTER_MAX_DISPATCHES];
  uint32_t next_dispatch;
  sb_time_us window_start;
  uint32_t n_errors, n_handshakes, n_pings;
  char text[512];
};

/* `cfg` with the defaults: acks none, max_frame 1 MiB, details 16 KiB, no
 * throttling, the documents' envelope reading; peer_id and the frame buffer
 * are the caller's to set. */
void sb_router_conn_config_defaults(sb_router_conn_config *cfg);

/* Set up a connection of `r` (idle). `cfg`, `io` and `rng` are copied;
 * pointers inside `cfg` are borrowed. SB_ERR_ARG for NULL arguments, no
 * io.send/io.close, no frame buffer, a bad negotiator config or a negative
 * throttle window. */
SB_NODISCARD int sb_router_conn_init(sb_router_conn *c, sb_router *r,
                                     const sb_router_conn_config *cfg,
                                     const sb_router_conn_io *io, const sb_rng *rng);

/* Release what the connection owns, without callbacks. */
void sb_router_conn_free(sb_router_conn *c);

/* The transport is open: our Handshake goes out (SBP-HS-009) and the
 * handshake deadline starts. SB_ERR_STATE unless idle. */
SB_NODISCARD int sb_router_conn_open(sb_router_conn *c, sb_time_us now);

/* One whole inbound transport message. Outcomes are frames, notes and
 * handler calls: 0 once handled (ignored when not negotiating or open);
 * SB_ERR_ARG. */
SB_NODISCARD int sb_router_conn_recv(sb_router_conn *c, sb_time_us now, const uint8_t *frame,
                                     size_t len);

/* The transport ended (the remote closed or it dropped): closed, every
 * dispatch abandoned (noted); later replies are refused. */
void sb_router_conn_closed(sb_router_conn *c, sb_time_us now, const char *why);

/* Close from our side: Control/Close(reason) if open, then io.close. */
void sb_router_conn_close(sb_router_conn *c, sb_time_us now, const char *reason);

/* Earliest deadline (handshake, handler timeouts); SB_TIME_NEVER if none. */
sb_time_us sb_router_conn_deadline(const sb_router_conn *c);

/* Handle everything due at `now`. */
SB_NODISCARD int sb_router_conn_timeout(sb_router_conn *c, sb_time_us now);

/* The connection's state (CLOSED for NULL). */
sb_router_conn_state sb_router_conn_state_of(const sb_router_conn *c);
/* "idle", "negotiating", "open", "closed". */
const char *sb_router_conn_state_name(sb_router_conn_state s);
/* The remote's peerId once open (NULL before). */
const char *sb_router_conn_remote_id(const sb_router_conn *c);
/* Dispatches in progress. */
size_t sb_router_conn_dispatches(const sb_router_conn *c);

/* ---- what handlers do (on their own dispatch) -------------------------------- */

/* rpc.reply(result): RpcSuccess{cid, result} (`result` NULL: omitted) in a
 * new frame. SB_ERR_NOT_FOUND (no such dispatch), SB_ERR_ARG (not rpc),
 * SB_ERR_STATE (already answered, timed out or the connection closed; noted
 * "late_reply_dropped"), encoding errors. */
SB_NODISCARD int sb_router_reply(sb_router_conn *c, sb_time_us now, uint32_t dispatch,
                                 const cJSON *result);

/* rpc.error(code, message, data): RpcError in a new frame. Errors as
 * sb_router_reply. */
SB_NODISCARD int sb_router_error(sb_router_conn *c, sb_time_us now, uint32_t dispatch, double code,
                                 const char *message, const cJSON *data);

/* msg.send(subject, data): a new Message with a fresh frameId (RPC-RTR-005).
 * SB_ERR_STATE unless open; the encoder's subject errors; SB_ERR_BUF. */
SB_NODISCARD int sb_router_send(sb_router_conn *c, const char *subject, const uint8_t *data,
                                size_t len);

/* A PENDING handler of `dispatch` finished: `error` NULL resolved, else it
 * threw that message. The dispatch goes on (the next broadcast handler) or
 * ends. SB_ERR_NOT_FOUND when no handler of that dispatch is pending. */
SB_NODISCARD int sb_router_handler_done(sb_router_conn *c, sb_time_us now, uint32_t dispatch,
                                        const char *error);

/* The escaped, capped form of untrusted text (SBP-EFR-004): printable ASCII
 * is kept, other bytes become \xNN, at most `cap - 1` bytes written (cut
 * before an escape that does not fit). Returns the length written. */
size_t sb_router_escape_text(const uint8_t *text, size_t len, char *out, size_t cap);

#endif
