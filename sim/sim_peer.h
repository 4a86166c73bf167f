/*
 * The peer runtime in the simulator (issue 5): SBP peers (ref/peer/peer.h)
 * driven on the world's clock, plain or on top of SBRP.
 *
 * A peer is a node of kind SIM_PEER:
 *   - a client peer (`world:peer{}`) owns one sb_peer in the client role.
 *     Its sessions run either over a plain simulated WebSocket to a peer
 *     server (no relay, no SBRP: SBP directly on the connection, sbp.md
 *     SBP-BEH-008), or over an SBRP client node (`via`): each SBP frame is
 *     one Data plaintext of that client's session (SBRP-CRYPTO-025), the
 *     inner SBP Handshake starts once the SBRP handshake made the channel
 *     (SBRP-CRYPTO-026, PEER-NEG-001), relay signals become peer signals
 *     (ADR-014), and the peer owns reconnection: on a lost session it goes
 *     reconnecting and after its backoff asks the SBRP client to connect
 *     again (new token, new sid; the client's own auto_reconnect is off).
 *   - a peer server (`world:peer_server{}`) accepts connections: for every
 *     plain connection, or every session of an SBRP daemon node (`via`), it
 *     makes an accepted peer (sb_peer in the accepted role, PEER-SRV-*).
 *     Handlers and subscriptions registered on the server apply to every
 *     accepted peer, as upstream's onConnection would install them.
 *   - `raw` peers have no machine: the script sends bytes (`send_raw`) and
 *     reads what arrives (sbp records), to play a broken or silent remote.
 *
 * Seams (sim_app in world.h): the SBRP node's machine reports its
 * transitions, the Data plaintexts it opens and the frames it received;
 * this file queues them and hands them to the peer from a scheduler event
 * at the same instant, never from inside the SBRP machine's callback.
 *
 * Each connection attempt of a peer over an SBRP client goes through
 * sim_node_connect / sim_node_reconnect of that client, so the step in
 * front of it is the node's token fetch: the built-in control plane mints
 * the token at once, or the layer above (sim_node_hooks.fetch_token, the
 * cloud model) fetches it first; a fetch that fails reaches the peer through
 * sim_app.token_failed as the end of that attempt (retryable or fatal).
 * After a terminal SBRP failure the client machine is renewed (Idle, pins
 * kept) before the next attempt, as upstream builds a new negotiator for
 * every attempt (PEER-RETRY-007).
 *
 * The layer invariant (checked for every Data plaintext of every scenario,
 * peers or not, and for every frame of a plain connection): the bytes a
 * receiver is handed equal byte for byte those the sender emitted. A digest
 * is recorded per (session, direction, sequence) at send and compared at
 * delivery; a mismatch sets w->violation and fails the scenario.
 *
 * Trace records (trace.h): "sbp" (an SBP frame a peer sent or received,
 * decoded) and "peer" (calls, results, requests, events, lifecycle events,
 * settlements, unhandled errors, retries); transitions (machine "peer") and
 * notes of the machines are ordinary transition and note records.
 */
#ifndef SIM_SIM_PEER_H
#define SIM_SIM_PEER_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peer/peer.h"
#include "world.h"

#define SIM_PEER_MAX_ACCEPTED 256
#define SIM_PEER_MAX_HANDLERS 64
#define SIM_PEER_MAX_SUBS 64
#define SIM_PEER_TAG_MAX 64
#define SIM_PEER_FRAME_BUF (SB_PEER_DEFAULT_BUFFER_LIMIT * 2 + 4096)

typedef struct sim_peer_node sim_peer_node;
typedef struct sim_peer_inst sim_peer_inst;
typedef struct sim_pipe sim_pipe;

/* How a handler answers (the Lua API's `handle` spec). */
typedef enum sim_handler_kind {
  SIM_HANDLER_RESULT = 0, /* RpcSuccess with `result` (NULL: omitted) */
  SIM_HANDLER_ECHO,       /* RpcSuccess with the params as result */
  SIM_HANDLER_ERROR,      /* the handler throws: RpcError */
  SIM_HANDLER_DEFER       /* deferred: answered by sim_peer_reply, or never */
} sim_handler_kind;

typedef struct sim_handler_spec {
  sim_handler_kind kind;
  cJSON *result;        /* RESULT; owned */
  double code;          /* ERROR: 0 for the default 2000 */
  char *message;        /* ERROR; owned */
  cJSON *data;          /* ERROR; owned */
  sb_time_us delay;     /* RESULT/ECHO/ERROR: answer this much later (deferred) */
} sim_handler_spec;

/* Options of a peer node (world:peer{} / world:peer_server{}). */
typedef struct sim_peer_opts {
  const char *name;    /* NULL: "peer", "peer2", ... / "server", ... */
  bool server;         /* a peer server */
  bool raw;            /* no machine */
  sim_node *via;       /* SBRP client (client peer) or daemon (server); NULL: plain */
  sim_node *target;    /* plain client peer: the server it connects to */
  const char *peer_id; /* NULL: the node name */
  bool random_peer_id; /* 16 random bytes in hex, as upstream's id.ts (PEER-NEG-009) */
  cJSON *caps, *metadata; /* owned by the node afterwards (NULL: none) */
  /* The machine's configuration; peer_id, caps, metadata, frame buffer and
   * role are filled in. */
  sb_peer_config cfg;
  /* Plain servers, the transport's limits (SBP-BEH-005; 0: off): an inbound
   * message longer than max_message closes the connection with 1009, and a
   * connection the client leaves silent for idle_timeout is closed (1000). */
  uint32_t max_message;
  sb_time_us idle_timeout;
} sim_peer_opts;

/* Defaults: upstream's (sb_peer_config_defaults), plain, not raw. */
void sim_peer_opts_default(sim_peer_opts *o);

/* Add a peer node. NULL with w->err set when refused (bad `via`, target
 * not a server, a via node that already carries a peer, a bad config). */
sim_node *sim_world_add_peer(sim_world *w, sim_peer_opts *o);

/* ---- the peer of a node ------------------------------------------------------ */

/* The peer node of `n` (NULL if `n` is not a peer). */
sim_peer_node *sim_peer_of(const sim_node *n);

/* The instance an action addresses: the client peer of a client node, or
 * accepted peer number `k` (1-based) of a server (NULL if there is none). */
sim_peer_inst *sim_peer_inst_of(sim_node *n, uint32_t k);

/* Accepted peers a server made so far, and how many are not closed (and
 * have distinct peerIds: PeerServer.connections). */
uint32_t sim_peer_accepted_count(const sim_node *n);
uint32_t sim_peer_connections(const sim_node *n);
/* The newest live accepted peer whose remote peerId is `id`, or NULL. */
sim_peer_inst *sim_peer_connection(sim_node *n, const char *id);

bool sim_peer_is_server(const sim_node *n);
bool sim_peer_is_raw(const sim_node *n);
sim_node *sim_peer_node_of_inst(const sim_peer_inst *i);
uint32_t sim_peer_inst_index(const sim_peer_inst *i); /* 0 for a client peer */
sb_peer *sim_peer_machine(sim_peer_inst *i);           /* NULL for raw */
bool sim_peer_inst_open(const sim_peer_inst *i);       /* raw: its connection is open */
uint64_t sim_peer_inst_sid(const sim_peer_inst *i);    /* SBRP SessionID, 0 if none */

/* Expectation cursors (lua_peer.c), one per kind of peer record and per
 * instance (a server's "any accepted peer" has its own set), so
 * expectations about different kinds, or two accepted peers, never race. */
enum {
  SIM_PC_SBP_SENT,
  SIM_PC_SBP_RECV,
  SIM_PC_RESULT,
  SIM_PC_EVENT,
  SIM_PC_LIFECYCLE,
  SIM_PC_SETTLE,
  SIM_PC_REQUEST,
  SIM_PC_UNHANDLED,
  SIM_PC_RETRY,
  SIM_PEER_CURSORS
};
size_t *sim_peer_cursor(sim_node *n, sim_peer_inst *i, int which);

/* State name ("idle" ... "closed"; raw: "idle", "connecting", "open", "closed"). */
const char *sim_peer_state_name(const sim_peer_inst *i);
/* The node's state for node.state: the client peer's, or a server's
 * ("serving", "closed"). */
const char *sim_peer_node_state(const sim_node *n);

/* ---- actions: 0 or a negative sb_err (w->err says why) ---------------------- */

int sim_peer_connect(sim_peer_inst *i);
int sim_peer_disconnect(sim_peer_inst *i);
int sim_peer_when_ready(sim_peer_inst *i, uint64_t tag, bool aborted);
int sim_peer_when_ready_cancel(sim_peer_inst *i, uint64_t tag);

typedef struct sim_call_opts {
  bool has_timeout;
  sb_time_us timeout;
  bool aborted;
  bool try_call;
} sim_call_opts;

/* Start call `tag` (a name unique per instance). Its outcome is a "result"
 * record; sb_peer refusals (SB_ERR_EXISTS, SB_ERR_FULL) are returned. */
int sim_peer_call(sim_peer_inst *i, const char *tag, const char *method, const cJSON *params,
                  const sim_call_opts *o);
int sim_peer_cancel(sim_peer_inst *i, const char *tag);
/* When call `tag` was made (-1 if unknown). */
sb_time_us sim_peer_call_started(const sim_peer_inst *i, const char *tag);

/* Register a handler on the node (every accepted peer of a server); `spec`
 * is taken over. `*id` gets the registration. SB_ERR_PEER_METHOD_REGISTERED
 * when the method has one (RPC-SDK-003). */
int sim_peer_handle(sim_node *n, const char *method, sim_handler_spec *spec, uint32_t *id);
int sim_peer_unhandle(sim_node *n, uint32_t id);
/* Answer the oldest deferred request for `method` (NULL: any) of instance
 * `i` (NULL: any instance of the node) with `spec` (taken over).
 * SB_ERR_NOT_FOUND when none waits. */
int sim_peer_reply(sim_node *n, sim_peer_inst *i, const char *method, sim_handler_spec *spec);
void sim_handler_spec_free(sim_handler_spec *s);

/* Subscriptions: exact name or pattern; `throws` makes the handler fail
 * (EVT-DSP-002). `*id` gets the subscription. */
int sim_peer_on(sim_node *n, const char *name, bool pattern, bool throws, uint32_t *id);
int sim_peer_off(sim_node *n, uint32_t id);
int sim_peer_emit(sim_peer_inst *i, const char *name, const cJSON *data);

/* Raw bytes on the instance's connection, not through its machine (plain
 * connections only). */
int sim_peer_send_raw(sim_peer_inst *i, const uint8_t *bytes, size_t len);
/* Plain: the connection dies (both ends learn: this one at once). */
int sim_peer_drop_connection(sim_peer_inst *i);
/* Server: stop accepting and disconnect every accepted peer (PEER-SRV-004). */
int sim_peer_server_close(sim_node *n);

/* A lifecycle listener of the node's client peer that throws on event
 * `name` ("connected", "stateChange", ...; PEER-SM-014). SB_ERR_ARG for an
 * unknown name, SB_ERR_FULL past 8. */
int sim_peer_listener_throws(sim_node *n, const char *name);

/* ---- nodes driven from outside (sim_router.h: Router servers, SBP proxies) ---
 * A raw plain server (or the client side of a proxy) whose connections are
 * handed to a driver instead of a machine: `opened` when a connection is
 * accepted (server) or open (client side), `received` for every inbound
 * message, `ended` when it is gone (`code`: the WebSocket close code, 1006
 * when lost, 503 when refused). Raw bookkeeping and sbp records stay as for
 * raw nodes. */
typedef struct sim_peer_driver {
  void *ctx;
  void (*opened)(void *ctx, sim_peer_inst *i);
  void (*received)(void *ctx, sim_peer_inst *i, const uint8_t *bytes, size_t len);
  void (*ended)(void *ctx, sim_peer_inst *i, int code, const char *why);
  void (*free)(void *ctx); /* the node is freed */
} sim_peer_driver;
void sim_peer_set_driver(sim_node *n, const sim_peer_driver *d);
/* The driver's ctx of `n` (NULL if it has no driver). */
void *sim_peer_driver_ctx(const sim_node *n);
/* A new client-side connection of driven node `n` to its target server (the
 * node's `target`), numbered `session` in its records; NULL if `n` has no
 * target. */
sim_peer_inst *sim_peer_driven_connect(sim_node *n, uint32_t session);
/* Close the instance's connection from its side with WebSocket code `code`. */
int sim_peer_inst_close(sim_peer_inst *i, int code);

/* ---- layer invariant (called by sim_node.c for every Data plaintext) ------- */

/* `n` (a client: c2d; a daemon: d2c) handed `data` to SBRP for session
 * `sid`, sealed with sequence number `seq`. */
void sim_invariant_sent(sim_node *n, uint64_t sid, uint64_t seq, const uint8_t *data, size_t len);
/* `n` opened `data` from session `sid`, Data sequence `seq`. */
void sim_invariant_delivered(sim_node *n, uint64_t sid, uint64_t seq, const uint8_t *data,
                             size_t len);
/* Frames checked so far. */
uint64_t sim_invariant_checked(const sim_world *w);
/* Entries the invariant holds now (frames in flight and recent deliveries; sim_peer.c). */
size_t sim_invariant_entries(const sim_world *w);

/* ---- plumbing for world.c, sim_node.c and trace.c ----------------------------- */

void sim_peer_node_free(sim_node *n);
void sim_peer_world_free(sim_world *w);
/* The "sbp" and "peer" members of a trace line (after "node"). */
void sim_peer_format_record(const sim_trace *tr, const sim_rec *r, sim_buf *b);

/* A decoded SBP frame, for traces and expectations. */
typedef struct sim_sbp_info {
  int err;                /* 0 or the decoder's sb_err */
  int kind;               /* -1 if too short to say */
  const char *kind_name;  /* "Control", ...; NULL if unknown */
  bool has_id;
  char id[33];            /* frameId, hex */
  bool has_op;
  int op;
  const char *op_name;    /* "Handshake", ...; NULL if unknown */
  const uint8_t *data;    /* Control data (Handshake JSON, Close reason) / Message data */
  size_t data_len;
  char subject[260];
  bool has_subject;
  /* a JSON envelope in a Message (best effort, not the strict decoder) */
  char env_t[8], env_m[256], env_e[256], env_cid[80];
  bool has_env_code;
  double env_code;
  /* Error */
  bool has_code;
  unsigned code;
  char message[256];
  /* Ack */
  char ack_id[33];
} sim_sbp_info;

void sim_sbp_describe(const uint8_t *bytes, size_t len, sim_sbp_info *out);

#endif
