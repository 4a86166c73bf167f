/*
 * The cloud control plane in the simulated world (issue 5, cloud.md): the
 * model of api.sideband.cloud (ref/cloud/server.h) answering API calls that
 * travel over a simulated HTTPS link with latency, and the cloud SDK on top
 * of client and daemon nodes:
 *
 *   clients  the connect() step machine (ref/cloud/client.h) fetches the
 *            session token of every connection attempt: account mode calls
 *            getAccessToken and relay.createSession each time (a fresh
 *            `sid`), Quick Connect mode redeems its code once; a failed
 *            attempt is fatal or retried after the node's backoff as the
 *            SDK classifies it (cloud.md 3.4). The trust policy runs
 *            through ref/cloud/trust.h against a pin store in memory or in
 *            a file on the node's disk (ref/cloud/pins.h text form); the
 *            SBRP client machine's own TOFU decision must agree with it.
 *   daemons  the listen() loop (ref/cloud/listen.h): presence token via
 *            daemon.renewToken, connect, reconnect with its backoff, stop
 *            on fatal API errors; quickConnect.create on demand.
 *
 * Tokens are signed with the key of the built-in control plane
 * (control.h: same seed stream, kid and issuer, and its current key after a
 * world:rotate_key{}), so the relay checks them
 * exactly as the tokens every other node gets; nodes without the cloud SDK
 * keep minting theirs from control.h directly.
 *
 * Trace: every call and answer is an `api` record of the calling node
 * (trace.h); the SDK's decisions are notes of machine "cloud"
 * (attempt_open, attempt_failed, unhandled_error, trust_decision,
 * prompt_first_connection, prompt_identity_mismatch, pin_written,
 * pin_file_corrupt, listen_open, listen_sleep, listen_stopped). The API
 * node is "control". Randomness: stream "control/cloud" (sid key, Quick
 * Connect codes) and "<daemon>/listen" (the listen loop's jitter).
 */
#ifndef SIM_CLOUD_H
#define SIM_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cloud/server.h"
#include "world.h"

#define SIM_CLOUD_RELAY_URL "wss://relay.sim.sbconf.invalid"
#define SIM_CLOUD_USER "u_alice"          /* the default user, owner of every daemon */
#define SIM_CLOUD_ACCESS_TOKEN "at_alice" /* ... and the access token that authenticates it */
#define SIM_CLOUD_API_KEY_PREFIX "sbnd_dak_" /* a daemon's API key is the prefix and its ID */
#define SIM_CLOUD_MAX_PINS 16

typedef struct sim_cloud sim_cloud;

typedef struct sim_cloud_config {
  sb_time_us latency;     /* one way, for the request and for the answer; -1: the world's */
  const char *relay_url;  /* the relayUrl the API hands out (default SIM_CLOUD_RELAY_URL) */
  bool errors_in_body;    /* 400/401/403/404/409 as HTTP 200 with the tRPC error (default) */
  uint32_t qc_rate_limit; /* Quick Connect codes per minute per daemon (default 10) */
  bool wrap_json_body;    /* the SDK sends {"json": input} (stored api.ts) instead of the input */
} sim_cloud_config;

void sim_cloud_config_default(sim_cloud_config *c);

/* The control plane of `w` (its relay must exist: the region is copied).
 * NULL with w->err set on a bad configuration. */
sim_cloud *sim_cloud_new(sim_world *w, const sim_cloud_config *cfg);

/* Detach from every node and release everything (before the world). */
void sim_cloud_free(sim_cloud *c);

/* The model itself (read-only use: counters, sids issued). */
const sb_cloud_server *sim_cloud_server(const sim_cloud *c);

/* A user and the access token that authenticates them. */
int sim_cloud_add_user(sim_cloud *c, const char *user_id, const char *access_token);

typedef struct sim_cloud_daemon_opts {
  const char *owner;     /* user ID (NULL: SIM_CLOUD_USER) */
  const char *api_key;   /* the key listen() is given (NULL: its registered key) */
  const char *daemon_id; /* listen()'s daemonId option (NULL: none; must match the token's did) */
  bool quick_connect;    /* Quick Connect enabled for it (off by default, CLOUD-055) */
} sim_cloud_daemon_opts;

/* Register daemon node `n` with the control plane (its identity key, owner,
 * API key "sbnd_dak_<id>") and let it run the listen loop (start it with
 * sim_cloud_listen_start). `n` should be created with connect = false and
 * auto_reconnect = false: the loop owns its connections. */
int sim_cloud_attach_daemon(sim_cloud *c, sim_node *n, const sim_cloud_daemon_opts *o);

/* listen(): fetch the presence token and connect. SB_ERR_STATE if running. */
int sim_cloud_listen_start(sim_cloud *c, sim_node *n);

/* server.close(): stop the loop and close the daemon. */
int sim_cloud_listen_close(sim_cloud *c, sim_node *n);

/* listen()'s AbortSignal fires: before the first relay connection the loop
 * stops and listen() rejects with AbortError; after it, no effect
 * (CLOUD-064). Note listen_abort either way. SB_ERR_STATE if not started. */
int sim_cloud_listen_abort(sim_cloud *c, sim_node *n);

/* The trust policy client `n` passes from now on ("auto", "prompt",
 * "pinned-only"); the next negotiation reads it (CLOUD-031). SB_ERR_ARG for
 * another name or a node that is not a cloud client. */
int sim_cloud_set_trust(sim_cloud *c, sim_node *n, const char *policy);

/* The reader of daemon session `sid` stops reading (opt-in, CLOUD-085): its
 * frames from the relay wait, in arrival order, in front of the machine; a
 * frame beyond SB_CLOUD_MUX_MAX_BACKLOG (1024) waiting ends the session as
 * upstream's slow-consumer check does: note slow_consumer, the machine
 * forgets the session (sb_sbrp_daemon_drop_session: nothing sent, CLOUD-086),
 * that frame and the waiting ones are discarded. Frames of a session that
 * ended otherwise (or of a crashed process) are discarded too.
 * SB_ERR_NOT_FOUND if the daemon holds no such session, SB_ERR_STATE if it
 * is already not read. Notes reading_stopped. */
int sim_cloud_stop_reading(sim_cloud *c, sim_node *n, uint64_t sid);

/* Read again: the waiting frames reach the machine in arrival order
 * (sim_node_hand_frame), then frames flow as before. Note reading_resumed.
 * SB_ERR_NOT_FOUND as above, SB_ERR_STATE if the session is being read. */
int sim_cloud_resume_reading(sim_cloud *c, sim_node *n, uint64_t sid);

typedef struct sim_cloud_client_opts {
  const char *access_token;   /* account mode (NULL: the daemon owner's) */
  bool access_token_throws;   /* getAccessToken throws on every attempt */
  const char *quick_connect;  /* a code: Quick Connect mode (no daemon ID needed) */
  bool file_pins;             /* the pin store is a file on the node's disk (else memory) */
} sim_cloud_client_opts;

/* Put the cloud SDK on client node `n`: from now on each of its connection
 * attempts fetches its session token through the API. The node's `pin`
 * option seeds the pin store. */
int sim_cloud_attach_client(sim_cloud *c, sim_node *n, const sim_cloud_client_opts *o);

/* Queue a fault for the next call of `procedure` (NULL: any). */
int sim_cloud_fault(sim_cloud *c, const char *procedure, sb_cloud_fault f);

/* quickConnect.create for daemon `n` ({ttlSeconds}), through the API: the
 * answer arrives later; sim_cloud_quick_connect_result says when. */
int sim_cloud_quick_connect(sim_cloud *c, sim_node *n, uint32_t ttl_s);

typedef struct sim_cloud_qc_result {
  bool done;
  int status;          /* as the SDK sees it: 200, a CloudApiError status, 0 network */
  const char *code, *url;
  double expires_at;   /* Unix milliseconds */
} sim_cloud_qc_result;

void sim_cloud_quick_connect_result(const sim_cloud *c, const sim_node *n, sim_cloud_qc_result *out);

/* The pin file of client `n` (NULL if it has none yet) / replace it (a
 * user's edit, a corruption). Only for file-backed stores (SB_ERR_STATE). */
const char *sim_cloud_pin_file(const sim_cloud *c, const sim_node *n, size_t *len);
int sim_cloud_set_pin_file(sim_cloud *c, sim_node *n, const char *text, size_t len);

/* What a scenario may read about a node's SDK. */
typedef struct sim_cloud_status {
  bool client;            /* else a daemon */
  const char *mode;       /* "account", "quick-connect", "listen" */
  uint32_t attempts;      /* client: attempts begun */
  bool redeemed;          /* Quick Connect: the code was redeemed */
  size_t pins;            /* client: pins in the store */
  const char *listen;     /* daemon: "idle", "starting", "fetching", "opening", "connected", "waiting", "stopped" */
  uint32_t startup_attempt, loop_attempt;
  uint64_t connections;   /* daemon: relay connections opened */
  sb_time_us last_delay;  /* daemon: the latest SLEEP */
  bool rejected;          /* daemon: listen() rejected */
} sim_cloud_status;

/* SB_ERR_NOT_FOUND if `n` has no cloud SDK. */
int sim_cloud_status_of(const sim_cloud *c, const sim_node *n, sim_cloud_status *out);

#endif
