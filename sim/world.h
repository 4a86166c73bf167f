/*
 * The simulated world: a virtual clock, a one-threaded scheduler, seeded
 * random streams, nodes wrapping the reference's SBRP machines (relay,
 * daemons, clients, and the control plane that issues their tokens), links
 * (one per WebSocket connection) with latency, jitter and faults, and an
 * adversary on the wire. Everything that happens goes to the trace
 * (trace.h). The Lua scenario API (lua_host.h) is a thin layer over this.
 *
 * Time: integer microseconds from 0; nothing reads wall time.
 * Scheduler: a priority queue ordered by (time, insertion sequence), so
 * ties resolve the same way in every run.
 * Randomness: one stream per node and purpose, named "<node>/<purpose>":
 * keys (the machine's rng: ephemerals), jitter (link delays, backoff),
 * mask (WebSocket masking keys in captures), identity (a daemon's identity
 * seed), and "control/tokens/<node>" (sids, jtis), "control/signing";
 * each seeded from the world seed and its name (sim_stream_seed), so adding
 * a node never shifts another node's numbers.
 *
 * Links: the opener (a client or a daemon) sends an upgrade carrying its
 * token; the relay answers 101 (then the messages flow) or 401/409/429/503
 * (the opener gets ws_error; a daemon, ws_close). Each direction is ordered: a message is
 * delivered at now + latency + jitter, never before the one sent before it.
 * Structures are visible so the Lua host and tests can read them; change
 * them only through the functions below.
 */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "common/time.h"
#include "control.h"
#include "keylog.h"
#include "pcap.h"
#include "peer/backoff.h"
#include "sbrp/client.h"
#include "sbrp/daemon.h"
#include "sbrp/relay.h"
#include "trace.h"

#define SIM_MAX_NODES 64
#define SIM_NAME_MAX 48
/* A run stops with an internal error after this many events at one instant
 * (a livelock) or in all (a scenario that never ends). */
#define SIM_MAX_EVENTS_PER_INSTANT 1000000u
#define SIM_MAX_EVENTS UINT64_C(200000000)

typedef struct sim_world sim_world;
typedef struct sim_node sim_node;
typedef struct sim_link sim_link;

/* ---- random streams ------------------------------------------------------------ */

/* The 64-bit seed of stream `name` under `world_seed`: splitmix64 of the
 * world seed mixed with the FNV-1a hash of the name. */
uint64_t sim_stream_seed(uint64_t world_seed, const char *name);

/* Seed `x` (xoshiro256**) for stream `name`. */
void sim_stream_init(sb_xoshiro *x, uint64_t world_seed, const char *name);

/* A uniform integer in [0, bound) (0 if bound is 0), without modulo bias. */
uint64_t sim_stream_below(sb_xoshiro *x, uint64_t bound);

/* ---- durations ------------------------------------------------------------------- */

/* Parse "250us", "5ms", "1.5s", "2m", "1h" (a decimal number and a unit; "0"
 * alone is allowed) into microseconds. 0, or -1 if it is not a duration. */
int sim_duration_parse(const char *s, sb_time_us *out);

/* Write `d` the way the trace and messages show it ("5ms", "1.5s", "250us"). */
void sim_duration_format(sb_time_us d, char *out, size_t cap);

/* ---- the scheduler ----------------------------------------------------------------- */

typedef void (*sim_event_fn)(sim_world *w, void *obj, uint64_t arg);

typedef struct sim_event {
  sb_time_us t;
  uint64_t seq; /* insertion order: breaks ties */
  sim_event_fn fn;
  void *obj;
  uint64_t arg;
} sim_event;

typedef struct sim_sched {
  sim_event *heap; /* binary min-heap on (t, seq) */
  size_t n, cap;
  uint64_t next_seq;
} sim_sched;

/* An empty queue / release it. */
void sim_sched_init(sim_sched *s);
void sim_sched_free(sim_sched *s);

/* Insert an event; returns its sequence number. */
uint64_t sim_sched_push(sim_sched *s, sb_time_us t, sim_event_fn fn, void *obj, uint64_t arg);

/* Remove the earliest event (smallest t, then smallest seq) into `out`; false if empty. */
bool sim_sched_pop(sim_sched *s, sim_event *out);

/* Time of the earliest event, or SB_TIME_NEVER. */
sb_time_us sim_sched_next_time(const sim_sched *s);

/* ---- links ------------------------------------------------------------------------------ */

enum { SIM_UP = 0, SIM_DOWN = 1 }; /* UP: opener -> relay; DOWN: relay -> opener */

typedef enum sim_msg_kind {
  SIM_MSG_UPGRADE,  /* UP: the HTTP upgrade with the token */
  SIM_MSG_RESPONSE, /* DOWN: the upgrade's HTTP status */
  SIM_MSG_DATA,     /* a WebSocket binary message (one SBRP frame) */
  SIM_MSG_CLOSE     /* a WebSocket close with its code */
} sim_msg_kind;

typedef struct sim_msg {
  struct sim_msg *next;
  sim_link *link;
  int dir;
  sim_msg_kind kind;
  uint8_t *bytes; /* DATA: the frame; UPGRADE: the token (NUL-terminated) */
  size_t len;
  int code;       /* RESPONSE: HTTP status; CLOSE: WebSocket close code */
  sb_time_us at;  /* delivery time once scheduled */
  bool scheduled; /* an event will deliver it (false while the direction is stalled) */
  bool dead;      /* dropped: its event frees it without delivering */
} sim_msg;

typedef enum sim_link_state {
  SIM_LINK_CONNECTING, /* upgrade sent, no answer yet */
  SIM_LINK_OPEN,       /* accepted by the relay */
  SIM_LINK_REJECTED,   /* the relay answered 401/409/429/503 */
  SIM_LINK_CLOSED      /* closed by either side, or dropped */
} sim_link_state;

typedef struct sim_link_dir {
  sim_msg *head, *tail; /* messages not yet delivered, in send order */
  sb_time_us last_at;   /* delivery time of the latest scheduled message */
  bool stalled;
  sb_time_us extra_delay; /* added latency (fault "delay") */
  size_t queued_bytes;  /* DATA bytes not yet delivered */
} sim_link_dir;

struct sim_link {
  uint32_t id;          /* 1, 2, ... in creation order: the sb_sbrp_conn of both ends */
  sim_node *node;       /* the opener */
  sim_node *relay;
  sim_link_state state;
  bool relay_accepted;  /* the relay answered 101 */
  bool closed[2];       /* [0] the opener closed/lost it, [1] the relay did */
  bool close_sent;      /* a close is on its way (pcap close written once) */
  bool dead;            /* dropped: whatever is still sent is lost */
  bool relay_told;      /* the relay machine got its ws_close */
  sim_link_dir d[2];
  sim_pcap_ws ws;       /* the capture of this connection, if any */
  bool in_pcap;
  bool bearer;          /* the upgrade carries the token in Authorization: Bearer, not ?token= */
};

/* ---- the adversary on the wire ------------------------------------------------------------- */

typedef enum sim_wire_action {
  SIM_WIRE_DUPLICATE, /* deliver the frame, then `copies` copies of it */
  SIM_WIRE_DROP,      /* never deliver it */
  SIM_WIRE_CORRUPT,   /* xor `mask` into the byte at `offset` (negative: from the end) */
  SIM_WIRE_DELAY,     /* deliver it `delay` later than it would be (later frames may pass it) */
  SIM_WIRE_REORDER    /* hold it and deliver it right after the next frame */
} sim_wire_action;

/* Which frames a rule applies to: all fields optional. */
typedef struct sim_wire_match {
  int type;            /* frame type byte, or -1 for any */
  bool has_sid;
  uint64_t sid;
} sim_wire_match;

typedef struct sim_wire_rule {
  struct sim_wire_rule *next;
  sim_wire_action action;
  sim_wire_match match;
  uint32_t skip;       /* let this many matching frames pass first */
  uint32_t count;      /* then act on this many (0: every one) */
  uint32_t done;       /* frames acted on so far */
  int64_t offset;      /* CORRUPT */
  uint8_t mask;        /* CORRUPT */
  uint32_t copies;     /* DUPLICATE */
  sb_time_us delay;    /* DELAY */
  sim_msg *held;       /* REORDER: the frame waiting for the next one */
} sim_wire_rule;

/* Frames seen on one wire (node and direction), for wire:replay and
 * wire:seen: the first SIM_WIRE_KEEP_FIRST, then the latest
 * SIM_WIRE_KEEP_LAST (a ring), so a long run keeps a bounded number. A frame
 * between the two is no longer known: asking for it is SB_ERR_RANGE. */
#define SIM_WIRE_KEEP_FIRST 1024
#define SIM_WIRE_KEEP_LAST 1024

typedef struct sim_wire_slot {
  uint8_t *bytes; /* heap, reused */
  size_t len, cap;
} sim_wire_slot;

typedef struct sim_wire_seen {
  uint8_t **frames; /* the first ones, in `mem` */
  size_t *lens;
  size_t n, cap;
  sim_arena mem;
  sim_wire_slot *ring; /* the latest ones after those: SIM_WIRE_KEEP_LAST slots */
  size_t ring_n, ring_next;
  uint64_t total;      /* frames seen in all */
} sim_wire_seen;

/* ---- nodes ------------------------------------------------------------------------------------ */

/* SIM_PEER: an SBP peer or peer server (sim_peer.h), its state in `peer`. */
typedef enum sim_node_kind { SIM_CONTROL, SIM_RELAY, SIM_DAEMON, SIM_CLIENT, SIM_PEER } sim_node_kind;

/* Kinds of records an expectation consumes in order, each with its own
 * cursor per node, so expectations about different kinds never race. */
enum sim_cursor {
  SIM_CUR_SENT,       /* frames the node sent */
  SIM_CUR_RECV,       /* frames the node received */
  SIM_CUR_TRANSITION,
  SIM_CUR_NOTE,
  SIM_CUR_DELIVER,
  SIM_CUR_LINK,
  SIM_CUR_OTHER,      /* timers, faults, tokens, keys, expectations */
  SIM_CUR_API,        /* control-plane API calls and answers (sim_cloud.h) */
  SIM_CUR_SBP_SENT,   /* SBP frames a peer sent (sim_peer.h) */
  SIM_CUR_SBP_RECV,   /* SBP frames a peer received */
  SIM_CUR_PEER,       /* peer records: calls, results, events, lifecycle, ... */
  SIM_CURSORS
};

/* The application on top of a client or daemon (issue 5 puts SBP here).
 * Default (none): delivered bytes only go to the trace. */
typedef struct sim_app {
  const char *name;
  void (*deliver)(void *ctx, sim_node *node, uint64_t session_id, const uint8_t *data, size_t len);
  void *ctx;
  /* Optional (the SBP peer, sim_peer.h; may be NULL). They run inside the
   * machine's callbacks: record, never call back into the machine. Every
   * transition of the node's machines; every frame from the relay, after the
   * machine handled it; a token fetch of hooks.fetch_token that failed. */
  void (*transition)(void *ctx, sim_node *node, const sb_sbrp_transition *t);
  void (*frame)(void *ctx, sim_node *node, const uint8_t *frame, size_t len);
  void (*token_failed)(void *ctx, sim_node *node, bool retry, const char *why);
} sim_app;

/* Hooks of the layer above a client or daemon node (the cloud SDK,
 * sim_cloud.h); every member may be NULL. With `fetch_token` set, a
 * connection attempt (connect, reconnect, a backoff firing) does not mint
 * its token at once from the built-in control plane: the hook starts
 * fetching it and later answers with sim_node_open_token (go on with that
 * token) or sim_node_token_failed (no token: retry after the backoff, or
 * give up). */
typedef struct sim_node_hooks {
  void *ctx;
  void (*fetch_token)(void *ctx, sim_node *n);
  /* A frame from the relay is about to reach the node's machine. True: the
   * layer above took it (it holds it, or it dropped it) and the machine does
   * not see it now; it may give it later with sim_node_hand_frame. */
  bool (*frame_in)(void *ctx, sim_node *n, const uint8_t *frame, size_t len);
  /* After every call into the node's machine (its state may have changed). */
  void (*after)(void *ctx, sim_node *n);
  /* The process crashed: forget volatile state and fetches in flight. */
  void (*crashed)(void *ctx, sim_node *n);
} sim_node_hooks;

/* What the next token(s) a node fetches look like. */
typedef struct sim_token_opts {
  const char *fault; /* a name of sim_control_faults(), NULL = a good token */
  bool has_sid;      /* session tokens: use this sid instead of a fresh one */
  uint64_t sid;
  bool bearer;       /* present it as Authorization: Bearer (AUTH-021), not ?token= (AUTH-020) */
} sim_token_opts;

/* A stored record on a daemon's disk. */
typedef struct sim_record {
  uint64_t session_id;
  uint8_t *bytes;
  size_t len;
} sim_record;

typedef struct sim_relay_opts {
  sb_time_us grace, rate_window, idle_timeout;
  uint32_t rate_limit, max_sessions;
  size_t backpressure_bytes;
  const char *region;
  int skew_s; /* -1: default */
  bool split_endpoints;    /* a client endpoint and a daemon endpoint (E-AUTH-10), not one */
  sb_time_us jwks_max_age; /* JWKS cache lifetime; 0: 5 min (AUTH-031) */
} sim_relay_opts;

typedef struct sim_daemon_opts {
  const char *name; /* NULL: "daemon", "daemon2", ... */
  const char *id;   /* the daemon ID (`did`); NULL: the name */
  bool resumable, persist;
  bool connect;     /* register and connect at creation */
  bool auto_reconnect;
  sb_peer_retry_policy backoff;
  sb_time_us grace, accept_delay, handshake_timeout, ping_interval;
  uint32_t replay_window;
} sim_daemon_opts;

typedef enum sim_pin { SIM_PIN_NONE, SIM_PIN_DAEMON, SIM_PIN_WRONG } sim_pin;

typedef struct sim_client_opts {
  const char *name;      /* NULL: "client", "client2", ... */
  const char *daemon_id; /* the `did` asked for */
  sb_sbrp_trust trust;
  bool accept_first, accept_change; /* prompt policy answers */
  sim_pin pin;           /* pre-pinned key: none, the daemon's, or a wrong one */
  bool auto_reconnect;
  sb_peer_retry_policy backoff;
  sb_time_us handshake_timeout;
  uint32_t replay_window;
  bool strict_direction;
} sim_client_opts;

/* Defaults of the option structs (what a scenario gets when it says nothing). */
void sim_relay_opts_default(sim_relay_opts *o);
void sim_daemon_opts_default(sim_daemon_opts *o);
void sim_client_opts_default(sim_client_opts *o);

struct sim_node {
  sim_world *w;
  int index;         /* position in w->nodes, also the trace's node number */
  unsigned addr;     /* capture address 10.83.0.<addr> (= index; control has none) */
  sim_node_kind kind;
  char name[SIM_NAME_MAX];
  bool down;         /* crashed, not restarted */
  sb_xoshiro rng_keys, rng_jitter, rng_mask, rng_tokens;
  sb_rng keys, jitter, mask;
  sb_sbrp_io io;
  sim_link *link;    /* client/daemon: the current relay connection */
  bool opening;      /* io.open called, the upgrade's answer not yet in */
  /* machine deadline */
  bool timer_armed;
  sb_time_us timer_at;
  uint64_t timer_gen;
  /* reconnection (client/daemon) */
  bool auto_reconnect;
  sb_peer_retry_policy backoff;
  uint32_t attempt;
  bool reconnect_pending;
  uint64_t reconnect_gen;
  sim_token_opts next_token; /* applies to the next token fetched, then cleared */
  bool bearer_next;          /* the next connection presents its token as a bearer header */
  sim_node_hooks hooks;      /* the layer above (sim_cloud.h) */
  bool fetching;             /* hooks.fetch_token called, no answer yet */
  /* faults */
  bool partitioned;
  sim_wire_rule *rules[2]; /* adversary rules on this node's wire, per direction */
  sim_wire_seen seen[2];
  /* expectations read the trace from here, one cursor per kind of record (lua_host.c) */
  size_t cursor[SIM_CURSORS];
  sim_app app;
  struct sim_peer_node *peer; /* SIM_PEER: the peer or peer server (sim_peer.c) */
  union {
    struct {
      void *mem;
      sb_sbrp_relay *m;
      sim_relay_opts opts;
    } relay;
    struct {
      sb_sbrp_daemon m;
      sim_daemon_opts opts;
      char id[256];
      uint8_t identity_seed[32];
      sim_record *disk;
      size_t ndisk;
      uint64_t ping_gen;
      bool ping_armed;
      uint64_t pings;
    } daemon;
    struct {
      sb_sbrp_client m;
      sim_client_opts opts;
      char daemon_id[256];
      bool has_pin; /* the pin store survives a crash */
      uint8_t pin[32];
      char *token; /* the latest session token fetched (heap), NULL before the first */
    } client;
  } u;
};

/* ---- the world ------------------------------------------------------------------------------------- */

typedef struct sim_world_config {
  uint64_t seed;
  sb_time_us latency, jitter; /* per link direction: delivery after latency + U[0, jitter] */
  int64_t epoch_s;            /* Unix time at virtual time 0 (tokens) */
} sim_world_config;

/* Defaults: seed 1, latency 5 ms, jitter 0, epoch 2024-01-01T00:00:00Z. */
void sim_world_config_default(sim_world_config *c);

struct sim_world {
  sim_world_config cfg;
  sb_time_us now;
  sim_sched sched;
  sim_trace trace;
  sim_control control;
  sim_node *nodes[SIM_MAX_NODES];
  int nnodes;
  sim_node *relay;     /* the relay (one per world) */
  sim_link **links;    /* every link ever opened; id = index + 1 */
  size_t nlinks, links_cap;
  uint64_t events;     /* events run */
  uint64_t instant_events; /* events run at the current instant (livelock guard) */
  /* captures */
  sim_pcap *pcap;
  uint64_t pcap_next;  /* next usable capture timestamp */
  sim_keylog *keylog;
  uint64_t *keyed;     /* SessionIDs already in the key log */
  size_t nkeyed, keyed_cap;
  /* the first internal failure (a reference call failing where it cannot) */
  char internal[256];
  char err[256];       /* message of the last refused API call */
  /* The layer invariant (sim_peer.h): the first violation; fails the scenario. */
  char violation[512];
  struct sim_peer_world *peers; /* peers' connections and invariant digests (sim_peer.c) */
};

/* Create a world (the control plane is node 0, "control"). The trace goes to
 * `trace_file` (may be NULL). NULL only when memory runs out. */
sim_world *sim_world_new(const sim_world_config *cfg, FILE *trace_file);

/* Destroy it (captures are not closed: their owner closes them). */
void sim_world_free(sim_world *w);

/* Write every link's WebSocket messages to `pcap` / key logs to `keylog` from now on. */
void sim_world_set_pcap(sim_world *w, sim_pcap *pcap);
void sim_world_set_keylog(sim_world *w, sim_keylog *keylog);

/* Run the earliest event; false if there is none (or after an internal failure). */
bool sim_world_step(sim_world *w);

/* Run every event due at or before `t`, then set the clock to `t` (never backwards). */
void sim_world_run_to(sim_world *w, sb_time_us t);

/* Node called `name`, or NULL. */
sim_node *sim_world_node(const sim_world *w, const char *name);

/* Add a node. NULL with w->err set if the options are refused (second relay,
 * daemon before the relay, duplicate name or daemon ID, too many nodes). */
sim_node *sim_world_add_relay(sim_world *w, const sim_relay_opts *o);
sim_node *sim_world_add_daemon(sim_world *w, const sim_daemon_opts *o);
sim_node *sim_world_add_client(sim_world *w, const sim_client_opts *o);

/* The smallest world with a session: a relay, daemon "d" (registered at
 * 100 ms) and client "c" connected to it, the world run to 300 ms virtual.
 * For tests and benchmarks. Returns the client, or NULL with w->err set. */
sim_node *sim_world_add_pair(sim_world *w);

/* Record an internal failure (first one wins) and stop the scheduler. */
void sim_world_internal(sim_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Add a record with the current time (node index -1 for none). */
void sim_world_trace(sim_world *w, sim_rec *r);

/* ---- node actions (sim_node.c); each returns 0 or a negative sb_err, w->err says why ---- */

/* Name of the node's machine state ("Active", "Connected"; relay: "Online"; down: "Down"). */
const char *sim_node_state(const sim_node *n);

/* Client: Idle -> Connecting with a new session token; daemon (Idle or
 * Registered): register and connect with a new presence token. `t` may be NULL. */
int sim_node_connect(sim_node *n, const sim_token_opts *t);

/* Client/daemon: connect again now with a new token (Reconnecting only, or
 * a daemon that is Registered/Reconnecting). */
int sim_node_reconnect(sim_node *n, const sim_token_opts *t);

/* Client: the user closes. Daemon: shut down (D-011). */
int sim_node_close(sim_node *n);

/* Client/daemon: the current connection drops (both ends learn it: the
 * node at once, the relay after the latency); the node keeps its state. */
int sim_node_drop_connection(sim_node *n);

/* The process dies (connection lost, volatile state gone) / starts again
 * (a daemon reloads its disk and reconnects; a client is Idle with its pins). */
int sim_node_crash(sim_node *n);
int sim_node_restart(sim_node *n);

/* Send application bytes: a client on its session, a daemon on session `sid`. */
int sim_node_send(sim_node *n, uint64_t sid, const uint8_t *data, size_t len);

/* Daemon: end session `sid` with Signal(close, reason). */
int sim_daemon_end_session(sim_node *n, uint64_t sid, uint8_t reason);

/* Client/daemon: send raw bytes on the node's connection as if its software
 * had (no machine involved): crafted frames, Pings. */
int sim_node_send_raw(sim_node *n, const uint8_t *bytes, size_t len);

/* Test hooks (scenarios/README.md "Test hooks"), on the traffic keys of the
 * client's session or of the daemon's session `sid` (ignored for a client):
 * move the next send sequence number forward to `next` (sequence exhaustion
 * without 2^64 frames); seal a Data frame with the session's send key and any
 * direction and number, the counter untouched (a buggy or hostile sender),
 * into `out`. SB_ERR_STATE without live traffic keys, SB_ERR_RANGE for a
 * number below the counter. Each is a `fault` record in the trace. */
int sim_node_set_send_seq(sim_node *n, uint64_t sid, uint64_t next);
int sim_node_forge_data(sim_node *n, uint64_t sid, uint32_t direction, uint64_t seq,
                        const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len);

/* The current SessionID of a client (0 before its first token). */
uint64_t sim_client_session_id(const sim_node *n);

/* Daemon disk: forget everything / xor `mask` into byte `offset` of the
 * record of `sid` (0: every record); returns the number of records changed. */
void sim_daemon_lose_disk(sim_node *n);
/* Daemon, down: the operator's manual identity-key rotation (SBRP-TOFU-005):
 * a new identity key from the seed replaces the old one in the daemon and
 * in the control plane, which keeps only the new one. A fault record.
 * SB_ERR_STATE while the daemon runs. */
int sim_daemon_rotate_identity(sim_node *n);
size_t sim_daemon_corrupt_disk(sim_node *n, uint64_t sid, int64_t offset, uint8_t mask);

/* The control plane rotates its token-signing key (sim_control_rotate): new
 * tokens name a new kid; with `retire_old` the old keys leave its JWKS. A
 * note of node "control". SB_ERR_FULL after 3 rotations. */
int sim_world_rotate_key(sim_world *w, bool retire_old);

/* Use `app` for the node's delivered bytes. */
void sim_node_set_app(sim_node *n, const sim_app *app);

/* Install the hooks of the layer above (NULL: none). */
void sim_node_set_hooks(sim_node *n, const sim_node_hooks *h);

/* Open the node's relay connection now with `token`, whatever connecting
 * means in its state (client Idle or Reconnecting; daemon Idle, Registered
 * or Reconnecting): the answer to hooks.fetch_token, or a connection the
 * layer above starts itself (a daemon's listen loop). Clears a pending
 * fetch. SB_ERR_STATE if the node is down, already opening, or in a state
 * that cannot connect. */
int sim_node_open_token(sim_node *n, const char *token);

/* Give the node's machine a frame from the relay that hooks.frame_in took
 * earlier, the way a live frame reaches it (layer invariant, app callbacks,
 * the after hook), without asking frame_in again. Nothing if the node is
 * down; the caller drops what it holds when the session ends. */
void sim_node_hand_frame(sim_node *n, const uint8_t *bytes, size_t len);

/* hooks.fetch_token found no token: with `retry`, plan the next attempt
 * after the node's backoff (auto_reconnect nodes); otherwise give up (a
 * client closes). `why` goes to the trace. */
void sim_node_token_failed(sim_node *n, bool retry, const char *why);

/* Client: replace the pinned identity key (NULL: no pin) / the daemon ID it
 * asks for (Idle only: the machine starts again with it; SB_ERR_STATE
 * otherwise, SB_ERR_ARG for an empty or too long ID). */
void sim_client_set_pin(sim_node *n, const uint8_t *identity_pub);
/* Client: the trust policy its machine applies from its next handshake on
 * (the cloud SDK reads it at each negotiation, CLOUD-031). */
void sim_client_set_trust(sim_node *n, sb_sbrp_trust trust);
int sim_client_set_daemon(sim_node *n, const char *daemon_id);

/* Client: a Closed machine starts again in Idle with its pins (a peer's next
 * attempt after a terminal SBRP failure: a new negotiator per attempt); a
 * no-op in Idle, SB_ERR_STATE otherwise. */
int sim_client_renew(sim_node *n);

/* ---- faults (sim_link.c) ---------------------------------------------------------------------- */

/* Stall / resume direction `dir` (SIM_UP, SIM_DOWN, or -1 for both) of the
 * node's current link. Stalled messages wait (and count as queued). */
int sim_node_stall(sim_node *n, int dir, bool stalled);

/* Add `extra` latency to direction `dir` (-1 both) of the node's current link (order kept). */
int sim_node_delay(sim_node *n, int dir, sb_time_us extra);

/* Partition a node from the relay: its links stall (drop = false) or drop
 * (drop = true), and new connections wait until sim_node_heal. */
int sim_node_partition(sim_node *n, bool drop);
int sim_node_heal(sim_node *n);

/* The adversary: add a rule to the wire of node `n` in direction `dir`. */
int sim_wire_add(sim_node *n, int dir, const sim_wire_rule *rule);

/* Put crafted bytes on the wire now (as if sent by that end). */
int sim_wire_inject(sim_node *n, int dir, const uint8_t *bytes, size_t len);

/* The `nth` (1-based; negative counts from the latest) of the frames seen on
 * that wire matching `m`: 0 with *bytes, *len (valid until the wire sees
 * another frame), SB_ERR_NOT_FOUND if there is no such frame, SB_ERR_RANGE
 * if it may be one the wire no longer keeps (w->err says why). */
int sim_wire_find(const sim_node *n, int dir, const sim_wire_match *m, int64_t nth, const uint8_t **bytes,
                  size_t *len);

/* Re-send a frame seen earlier on that wire: the `nth` (1-based; negative
 * counts from the latest) of those matching `m` (errors: sim_wire_find). */
int sim_wire_replay(sim_node *n, int dir, const sim_wire_match *m, int64_t nth);

/* Remove every rule of a wire (held frames are delivered). */
void sim_wire_clear(sim_node *n, int dir);

#endif
