/*
 * Peer SDK events (events.md sections 4-5): emit, subscribe to exact names
 * and to patterns, dispatch inbound notifications, buffer outbound ones.
 *
 * Emit (EVT-EMT-*): the name must be a literal event name (events.md
 * section 2), else the call fails synchronously with its SB_ERR_EVT_* value,
 * the SDK's invalid_pattern (EVT-PAT-006). In active the notification
 * {"t":"N","e":name,"d"?:data} is sent at once on subject `event`; in
 * closed emit does nothing; in every other state it is buffered, up to
 * max_buffered_events, the oldest evicted silently when full, nothing kept
 * when the limit is 0 (EVT-EMT-003/006), always while paused (EVT-EMT-008).
 * The buffer is sent in order on (re)entering active, after the RPC queue
 * (EVT-EMT-004), and dropped silently on closed (EVT-EMT-005).
 *
 * Dispatch (EVT-DSP-*): every exact subscription of the inbound name, in
 * registration order, then every pattern subscription that matches, in
 * registration order (EVT-DSP-003, events.md inconsistency 2). The list is
 * a snapshot taken before the first handler runs: (un)subscribing from a
 * handler affects later events only. Inbound names are not checked against
 * the grammar (EVT-DSP-004). A handler that returns non-zero (it "threw")
 * goes to io.unhandled and the others still run (EVT-DSP-002). The same
 * (name, fn, ctx) subscribed twice exactly is one subscription (EVT-DSP-006).
 * Subscriptions are local and survive reconnects (EVT-004).
 */
#ifndef SB_PEER_EVENTS_H
#define SB_PEER_EVENTS_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/time.h"
#include "events/pattern.h"
#include "rpc/envelope.h"

typedef struct sb_peer sb_peer;

/* Subscriptions at once, and the largest max_buffered_events. */
#define SB_PEER_MAX_SUBSCRIPTIONS 64u
#define SB_PEER_MAX_BUFFERED_EVENTS 1024u

/* An event handler: `name` is the inbound event name (patterns need it;
 * exact handlers may ignore it), `data` NULL when absent. Non-zero: threw. */
typedef int (*sb_peer_event_fn)(void *ctx, const char *name, const cJSON *data);

typedef struct sb_peer_subscription {
  uint32_t id; /* 0: free */
  bool pattern;
  char text[SB_EVENTS_PATTERN_MAX_BYTES + 1]; /* name or pattern, NUL-terminated */
  sb_peer_event_fn fn;
  void *ctx;
} sb_peer_subscription;

/* The events state inside sb_peer. */
typedef struct sb_peer_events {
  sb_peer_subscription subs[SB_PEER_MAX_SUBSCRIPTIONS]; /* in registration order */
  size_t sub_count;
  uint32_t next_id;
  cJSON *buffer[SB_PEER_MAX_BUFFERED_EVENTS]; /* ring of {"e":..,"d"?:..}, owned */
  size_t head, count;
} sb_peer_events;

/* emit(): send, buffer or drop (header comment). `data` is copied (NULL:
 * no data). Errors (synchronous): the SB_ERR_EVT_* of an invalid name,
 * SB_ERR_ARG, SB_ERR_NOMEM. A send failure is reported to io.unhandled. */
SB_NODISCARD int sb_peer_events_emit(sb_peer *p, sb_time_us now, const char *name,
                                     const cJSON *data);

/* on(): subscribe `fn` to the literal name `name`; `*id` gets the
 * subscription. Errors: SB_ERR_EVT_* (invalid_pattern, EVT-PAT-006),
 * SB_ERR_FULL, SB_ERR_ARG. */
SB_NODISCARD int sb_peer_events_on(sb_peer *p, const char *name, sb_peer_event_fn fn, void *ctx,
                                   uint32_t *id);

/* onPattern(): subscribe `fn` to `pattern`. Errors: SB_ERR_EVT_*
 * (EVT-PAT-005), SB_ERR_FULL, SB_ERR_ARG. */
SB_NODISCARD int sb_peer_events_on_pattern(sb_peer *p, const char *pattern, sb_peer_event_fn fn,
                                           void *ctx, uint32_t *id);

/* The unsubscribe of on()/onPattern(): idempotent (EVT-DSP-005). */
void sb_peer_events_off(sb_peer *p, uint32_t id);

/* Events waiting in the outbound buffer. */
size_t sb_peer_events_buffered(const sb_peer *p);

/* ---- for peer/peer.c ---------------------------------------------------- */

/* Empty state. */
void sb_peer_events_init(sb_peer_events *e);

/* Release the buffer without callbacks. */
void sb_peer_events_free(sb_peer_events *e);

/* Entering active: send the buffer in order (EVT-EMT-004). */
void sb_peer_events_flush(sb_peer *p);

/* Terminal close: drop the buffer silently (EVT-EMT-005). */
void sb_peer_events_closed(sb_peer *p);

/* A decoded notification from the current session: dispatch it. */
void sb_peer_events_receive(sb_peer *p, const sb_rpc_envelope *env);

#endif
