/*
 * Test world for the peer layer: two in-memory peers on a fake clock.
 *
 * Node A is a client (sb_peer_connect); node B is the accepted peer of the
 * connection A has open, created afresh for every session A opens (accepted
 * peers never reconnect). Frames each side sends wait in one FIFO wire
 * until the test pumps them; a session the machine or the test closes is
 * reported to the other side (graceful end) on the next pump. Every
 * callback of both peers is written to the node's log, one line each, so
 * tests compare exact sequences:
 *
 *   T <from>><to> <row>          transition (row: PEER-SM-Tn or PEER-SRV-nnn)
 *   E <event>[ <state>|<code>: <message>]   lifecycle event
 *   S connect|reconnecting|ready <tag>|accept <outcome>   settlement
 *   R <tag> ok [<json>] | R <tag> <code>[ <wire>]: <message>   call result
 *   U <code>: <text>             unhandled error
 *   O <s> / C <s> <reason>       session opened / closed by the machine
 *   V <who> <name> [<json>]      event delivered to a subscription
 * Notes are counted, not logged (last one kept).
 */
#ifndef SB_PEER_WORLD_TEST_H
#define SB_PEER_WORLD_TEST_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "peer/peer.h"

#define WORLD_LOG_BYTES 16384
#define WORLD_WIRE_FRAMES 4096
#define WORLD_FRAME_BUF 70000

typedef struct world world;

typedef struct world_node {
  world *w;
  char name; /* 'A' or 'B' */
  sb_peer *p;
  sb_xoshiro x;
  sb_peer_config cfg;
  uint8_t *frame_buf;
  char log[WORLD_LOG_BYTES];
  size_t log_len;
  char taken[WORLD_LOG_BYTES];
  unsigned notes;
  char last_note[160];
  sb_peer_session opened; /* A: the session io.open asked for (0 after use) */
  bool listener_throws;   /* io.event returns non-zero */
} world_node;

typedef struct wire_frame {
  char to;              /* 'A' or 'B' */
  sb_peer_session session; /* the receiver's session */
  uint8_t *bytes;       /* NULL: end of session (graceful) */
  size_t len;
} wire_frame;

/* Called for every new B, after init and before it negotiates. */
typedef void (*world_setup_fn)(world *w, sb_peer *b);

struct world {
  sb_time_us now;
  world_node a, b;
  bool b_live;            /* B holds an initialised peer */
  sb_peer_session a_s;    /* A's session that B serves */
  sb_peer_session b_s;    /* B's number for it */
  sb_peer_session b_next;
  wire_frame wire[WORLD_WIRE_FRAMES];
  size_t wire_head, wire_count;
  world_setup_fn setup_b;
  sb_peer_config b_cfg_template;
  /* Every frame A sent / B sent, for byte checks (the last 64). */
  uint8_t *a_sent[64], *b_sent[64];
  size_t a_sent_len[64], b_sent_len[64];
  size_t a_sent_count, b_sent_count;
};

/* A world at time 0 whose A uses `a_cfg` (NULL: defaults) and whose Bs use
 * `b_cfg` (NULL: defaults, accepted role); peer ids "peer-a" / "peer-b".
 * Heap-allocated; free with world_free. */
world *world_new(const sb_peer_config *a_cfg, const sb_peer_config *b_cfg, world_setup_fn setup_b);

/* Free the world and both peers. */
void world_free(world *w);

/* A config with the defaults, for tweaking before world_new. */
sb_peer_config world_config(sb_peer_role role);

/* Answer A's pending io.open: a new B accepts the connection, both are told
 * the session is open. Returns false if A asked for nothing. */
bool world_accept(world *w);

/* Refuse A's pending io.open with `kind` (the transport failed to open). */
bool world_refuse(world *w, sb_peer_close_kind kind, int cause, const char *reason);

/* Deliver wire frames (and session ends) until the wire is empty. */
void world_pump(world *w);

/* Drop everything on the wire without delivering it. */
void world_drop_wire(world *w);

/* The transport between A and B breaks: both are told (A with `kind`). */
void world_break(world *w, sb_peer_close_kind kind, int cause, const char *reason);

/* Move the clock forward by `delta`, firing every deadline on the way, pumping after each. */
void world_advance(world *w, sb_time_us delta);

/* Give the current A session a signal (as its SBRP client would). */
void world_signal_a(world *w, sb_peer_signal sig);

/* Deliver raw bytes to A on its current session / to B on its session. */
void world_inject_a(world *w, const uint8_t *frame, size_t len);
void world_inject_b(world *w, const uint8_t *frame, size_t len);

/* The node's log since the last take, and clear it (valid until the next take). */
const char *world_take(world_node *n);

/* The last frame A / B sent (NULL if none), `back` frames ago (0 = last). */
const uint8_t *world_sent_a(const world *w, size_t back, size_t *len);
const uint8_t *world_sent_b(const world *w, size_t back, size_t *len);

/* Connect A and run to active: connect, accept, pump. */
void world_connect(world *w);

/* Append a line to a node's log (used by the test handlers). */
void world_log(world_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The world node owning peer `p`. */
world_node *world_node_of(world *w, const sb_peer *p);

#endif
