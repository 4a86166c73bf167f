/*
 * Peer SDK RPC (rpc.md section 9; docs/guide/rpc.md, docs/sdk/peer.md):
 * calls with a per-call timeout, cancellation, the disconnect buffer,
 * tryCall, and the handler registry that answers the remote's requests.
 *
 * Caller side. A call gets a caller-chosen `tag`; its outcome always comes
 * through io.call_result, possibly before sb_peer_rpc_call returns (upstream
 * rejects those promises at once). In the order upstream checks:
 *   closed                         peer_closed
 *   opts.aborted                   rpc_cancelled (RPC-SDK-005)
 *   active                         sent now: frameId fresh from the rng, cid =
 *                                  that frameId (RPC-CID-001), timer starts
 *   else, onDisconnect "fail"      not_connected (RPC-SDK-006, PEER-BUF-001)
 *   else, over the buffer limit    buffer_overflow (RPC-SDK-007, PEER-BUF-002)
 *   else                           queued; sent FIFO on entering active, each
 *                                  with a new frameId/cid, its timer starting
 *                                  then (PEER-BUF-007, RPC-SDK-011, E-PEER-5)
 * Responses match on cid only (RPC-CID-003), in any order; a response for a
 * cid that timed out, was cancelled or never existed is dropped quietly
 * (RPC-CID-007/008). A remote RpcError is rpc_error with the wire code and
 * data (RPC-SDK-001). When the session drops, sent calls fail
 * (not_connected, or peer_closed if fatal; RPC-SDK-009) and queued ones stay
 * only under "pause"; on closed everything left fails peer_closed
 * (RPC-SDK-010).
 *
 * Buffer accounting (RPC-SDK-008): len(method) + len(JSON(params)) + 64,
 * lengths in UTF-16 code units as JavaScript counts them, JSON(undefined)
 * counting 0; a value with no JSON text counts len(method) + 128.
 *
 * Callee side. One handler per method (RPC-SDK-003). A handler fills a
 * reply: a result (RpcSuccess, `result` omitted when NULL), an error
 * (RpcError with the handler's code if it is in the application range,
 * 2000 otherwise, and its message: RPC-ERR-005, RPC-SDK-004), or "deferred",
 * answered later with sb_peer_rpc_reply. A request for a method without a
 * handler gets RpcError 1101 "Method not found: <m>" (RPC-SDK-013). Every
 * response is a new frame with a fresh frameId; the request's frameId is
 * never reused (RPC-CID-002/004). A reply that cannot be sent because the
 * peer is paused, not active or closed is dropped with a note (RPC-SDK-014).
 * The Peer SDK has no handler timeout (RPC-ERR-007).
 */
#ifndef SB_PEER_RPC_H
#define SB_PEER_RPC_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/time.h"
#include "rpc/correlation.h"
#include "rpc/envelope.h"

typedef struct sb_peer sb_peer;

/* Calls queued or in flight at once. */
#define SB_PEER_MAX_CALLS 1024u
/* Registered methods, and the longest method name a handler can take. */
#define SB_PEER_MAX_HANDLERS 64u
#define SB_PEER_METHOD_MAX_BYTES 255u
/* Buffer estimate constants of upstream rpc.ts (RPC-SDK-008). */
#define SB_PEER_RPC_ESTIMATE_OVERHEAD 64u
#define SB_PEER_RPC_ESTIMATE_UNENCODABLE 128u

typedef struct sb_peer_call_opts {
  bool has_timeout;   /* use `timeout` instead of the policy default */
  sb_time_us timeout; /* per-call timeoutMs (0 fires at once, as setTimeout 0) */
  bool aborted;       /* the AbortSignal is already aborted */
  bool try_call;      /* tryCall(): never "rejects"; reports ok and reconnected */
} sb_peer_call_opts;

/* The outcome of one call. */
typedef struct sb_peer_call_result {
  uint64_t tag;
  int err;              /* 0, a PeerError (SB_ERR_PEER_*) or, for call, another sb_err */
  const char *message;  /* with err: the PeerError message (the remote's for rpc_error) */
  const cJSON *result;  /* success: the result, NULL when absent */
  double wire_code;     /* rpc_error: details.wireCode (also an ErrorFrame's code) */
  const cJSON *data;    /* rpc_error: details.data, NULL when absent */
  bool try_call;        /* the call was a tryCall */
  bool ok;              /* tryCall: err == 0 (non-PeerError failures become rpc_error) */
  bool reconnected;     /* tryCall: see sb_peer_config.upstream_try_call (E-PEER-6) */
} sb_peer_call_result;

/* A request for a handler. */
typedef struct sb_peer_request {
  const char *method;
  const cJSON *params;           /* NULL when absent */
  uint8_t cid[SB_RPC_CID_BYTES]; /* for sb_peer_rpc_reply */
} sb_peer_request;

typedef enum sb_peer_reply_kind {
  SB_PEER_REPLY_RESULT = 0, /* RpcSuccess */
  SB_PEER_REPLY_ERROR,      /* the handler failed: RpcError */
  SB_PEER_REPLY_DEFERRED    /* answered later with sb_peer_rpc_reply */
} sb_peer_reply_kind;

/* What a handler answers. The peer takes ownership of `result` and `data`
 * (it deletes them); `message` is read before the handler's caller returns. */
typedef struct sb_peer_reply {
  sb_peer_reply_kind kind;
  cJSON *result;       /* RESULT: NULL for undefined (member omitted) */
  double code;         /* ERROR: an application code (>= 2000), 0 for 2000 */
  const char *message; /* ERROR: the error's message (NULL: "") */
  cJSON *data;         /* ERROR: details, or NULL */
} sb_peer_reply;

/* A handler; `reply` starts as an empty RESULT. */
typedef void (*sb_peer_handler_fn)(void *ctx, const sb_peer_request *req, sb_peer_reply *reply);

typedef enum sb_peer_call_phase {
  SB_PEER_CALL_FREE = 0,
  SB_PEER_CALL_QUEUED,  /* in the disconnect buffer */
  SB_PEER_CALL_IN_FLIGHT /* sent, in the correlation table */
} sb_peer_call_phase;

typedef struct sb_peer_call_slot {
  uint64_t tag;
  uint64_t seq; /* FIFO order of the buffer */
  sb_peer_call_phase phase;
  cJSON *req;          /* owned: {"m": method, "p"?: params} */
  uint64_t estimate;   /* QUEUED: bytes counted against the limit */
  sb_time_us timeout;  /* the call's timeout */
  sb_time_us deadline; /* guide_queued_timeouts: when a QUEUED call expires */
  uint8_t cid[SB_RPC_CID_BYTES];
  bool try_call, started_active;
} sb_peer_call_slot;

typedef struct sb_peer_handler_slot {
  uint32_t id; /* 0: free */
  char method[SB_PEER_METHOD_MAX_BYTES + 1];
  sb_peer_handler_fn fn;
  void *ctx;
} sb_peer_handler_slot;

/* The RPC state inside sb_peer. */
typedef struct sb_peer_rpc {
  sb_peer_call_slot calls[SB_PEER_MAX_CALLS];
  sb_rpc_pending pending_slots[SB_PEER_MAX_CALLS];
  sb_rpc_correlation pending;
  uint64_t next_seq;
  uint64_t queued_bytes;
  sb_peer_handler_slot handlers[SB_PEER_MAX_HANDLERS];
  uint32_t next_handler_id;
} sb_peer_rpc;

/* call() / tryCall(): start call `tag` (table above). `params` is copied
 * (NULL: no params). 0 once the call is under way or already settled
 * through io.call_result. Errors (nothing settles): SB_ERR_ARG,
 * SB_ERR_EXISTS (tag in use), SB_ERR_FULL (SB_PEER_MAX_CALLS), SB_ERR_NOMEM. */
SB_NODISCARD int sb_peer_rpc_call(sb_peer *p, sb_time_us now, uint64_t tag, const char *method,
                                  const cJSON *params, const sb_peer_call_opts *opts);

/* Abort call `tag` (its signal fires): queued, it leaves the buffer and is
 * never sent; in flight, it is abandoned and a late response is dropped.
 * It settles rpc_cancelled. SB_ERR_NOT_FOUND if `tag` is not under way. */
SB_NODISCARD int sb_peer_rpc_cancel(sb_peer *p, sb_time_us now, uint64_t tag);

/* handle(): register `fn` for `method`; `*id` gets the registration.
 * SB_ERR_PEER_METHOD_REGISTERED if the method has a handler (synchronous,
 * PEER-ERR-002); SB_ERR_RANGE for a method over SB_PEER_METHOD_MAX_BYTES;
 * SB_ERR_FULL; SB_ERR_ARG. */
SB_NODISCARD int sb_peer_rpc_handle(sb_peer *p, const char *method, sb_peer_handler_fn fn,
                                    void *ctx, uint32_t *id);

/* The unsubscribe of handle(): idempotent; an old id never removes a later
 * registration of the same method (RPC-SDK-003). */
void sb_peer_rpc_unhandle(sb_peer *p, uint32_t id);

/* Answer a deferred request (`cid` from its sb_peer_request) with `reply`
 * (RESULT or ERROR; ownership as for handlers). A reply that cannot be sent
 * now is dropped with a note (RPC-SDK-014); answering twice sends twice
 * (RPC-ERR-006 is the handler's duty). SB_ERR_ARG for a DEFERRED reply. */
SB_NODISCARD int sb_peer_rpc_reply(sb_peer *p, sb_time_us now, const uint8_t cid[SB_RPC_CID_BYTES],
                                   sb_peer_reply *reply);

/* RPC-SDK-008: the buffer estimate of a call (formula above). */
uint64_t sb_peer_rpc_estimate(const char *method, const cJSON *params);

/* Queued calls and their estimated bytes; calls in flight. */
size_t sb_peer_rpc_queued(const sb_peer *p);
uint64_t sb_peer_rpc_queued_bytes(const sb_peer *p);
size_t sb_peer_rpc_in_flight(const sb_peer *p);

/* ---- for peer/peer.c ---------------------------------------------------- */

/* Empty state. */
void sb_peer_rpc_init(sb_peer_rpc *r);

/* Release owned trees without callbacks. */
void sb_peer_rpc_free(sb_peer_rpc *r);

/* Entering active: send the queued calls in FIFO order (PEER-BUF-007). */
void sb_peer_rpc_flush(sb_peer *p, sb_time_us now);

/* The session dropped (T6/T7): sent calls fail with `err` (not_connected or
 * peer_closed, RPC-SDK-009); queued calls too unless `keep_queued`. */
void sb_peer_rpc_session_lost(sb_peer *p, int err, bool keep_queued);

/* Terminal close: everything left fails peer_closed (RPC-SDK-010). */
void sb_peer_rpc_closed(sb_peer *p);

/* A decoded request / response envelope from the current session. */
void sb_peer_rpc_receive_request(sb_peer *p, sb_time_us now, const sb_rpc_envelope *env);
void sb_peer_rpc_receive_response(sb_peer *p, const sb_rpc_envelope *env);

/* An ErrorFrame whose frameId is a pending call's cid (SBP-ERR-005): that
 * call fails rpc_error with `code`. false if no call matches. */
bool sb_peer_rpc_error_frame(sb_peer *p, const uint8_t id[SB_RPC_CID_BYTES], unsigned code,
                             const char *message);

/* Earliest call deadline, and the expiry of every call due at `now`. */
sb_time_us sb_peer_rpc_deadline(const sb_peer *p);
void sb_peer_rpc_timeout(sb_peer *p, sb_time_us now);

#endif
