/*
 * `sbconf capture`: captures for Wireshark made with the reference (the
 * dissector's test and benchmark inputs), and reading them back.
 *
 *   demo     a relay, a daemon and two clients over the relay, plus a plain
 *            SBP (no relay) connection: handshakes, inner SBP handshake, RPC
 *            calls and errors, events, keepalive, Control and Signal frames,
 *            one Data frame with a bad tag; with its key log
 *   vectors  every `frame` input of a vector directory as WebSocket messages,
 *            with an index file mapping packet numbers to the vector cases
 *   fuzz     deterministic byte mutations of the WebSocket messages of a capture
 *   random   uniformly random binary WebSocket messages (heuristic false hits)
 *   bulk     N SBRP frames (mostly Data) for the benchmark, with its key log
 *
 * All are deterministic for a given seed (virtual time, seeded sb_rng).
 */
#ifndef SIM_CAPTURE_H
#define SIM_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "sbrp/handshake.h"
#include "sbrp/session.h"

/* Where the captures put things (documented in dissector/README.md). */
#define SIM_CAPTURE_RELAY_PORT 8080u  /* the relay's WebSocket port */
#define SIM_CAPTURE_DIRECT_PORT 8787u /* a daemon's plain SBP WebSocket port */
#define SIM_CAPTURE_SBRP_SUBPROTOCOL "sbrp.v1"
#define SIM_CAPTURE_SBP_SUBPROTOCOL "sideband.v1"
/* Virtual time 0 of every capture: 2024-01-01T00:00:00Z, in microseconds. */
#define SIM_CAPTURE_EPOCH_US 1704067200000000ull

/* ---- writers (each returns an exit code of cli.md; messages go to stderr) -- */

/* The demo scenario into `pcap_path` and its key log into `keylog_path` (may be NULL). */
int sim_capture_demo(const char *pcap_path, const char *keylog_path, uint64_t seed);

/* Every `frame` input of the vector files under `dir`; `index_path` (may be
 * NULL) gets one line per message: packet, connection, file, tcId, result, type. */
int sim_capture_vectors(const char *dir, const char *pcap_path, const char *index_path);

/* `n` mutations of the messages of `in_path` into `out_path`; Data frames whose key is in
 * `keylog_path` (may be NULL) also get plaintext mutations, sealed again. */
int sim_capture_fuzz(uint64_t seed, size_t n, const char *in_path, const char *out_path,
                     const char *keylog_path);

/* `n` random binary messages (1..`max_len` bytes) on a few WebSocket connections. */
int sim_capture_random(uint64_t seed, size_t n, size_t max_len, const char *pcap_path);

/* One client session over the relay carrying `n` SBRP frames, mostly Data. */
int sim_capture_bulk(uint64_t seed, size_t n, const char *pcap_path, const char *keylog_path);

/* ---- reading a capture back (classic pcap, Ethernet/IPv4/TCP, in-order streams) -- */

typedef struct sim_capture_conn {
  uint32_t cli_ip, srv_ip; /* host order */
  uint16_t cli_port, srv_port;
  char *target;      /* request target of the Upgrade request, or NULL */
  char *subprotocol; /* Sec-WebSocket-Protocol of the 101 response, or NULL */
  bool upgraded;     /* the server answered 101 */
} sim_capture_conn;

typedef struct sim_capture_msg {
  size_t conn; /* index into conns */
  bool from_client;
  uint8_t opcode; /* of the first frame (BINARY, TEXT, CLOSE, PING, PONG) */
  uint8_t *data;  /* unmasked, reassembled payload */
  size_t len;
  uint64_t t_us;   /* time of the packet that completed it */
  uint64_t packet; /* its packet number (1-based) */
} sim_capture_msg;

typedef struct sim_capture {
  sim_capture_conn *conns;
  size_t nconns;
  sim_capture_msg *msgs;
  size_t nmsgs;
  uint64_t packets;
} sim_capture;

/* Read `path`: TCP connections (a SYN starts one), the HTTP Upgrade of each,
 * then its WebSocket messages in capture order. 0, or an exit code of cli.md
 * (3 not found, 4 malformed) with the reason in `err`. */
int sim_capture_read(const char *path, sim_capture *out, char *err, size_t errcap);

/* Release what sim_capture_read allocated. */
void sim_capture_free(sim_capture *c);

/* ---- key log reading (the format of keylog.h) ------------------------------ */

typedef struct sim_capture_key {
  uint64_t session_id;
  unsigned direction; /* 1 c2d, 2 d2c */
  uint8_t key[SB_SBRP_KEY_BYTES];
} sim_capture_key;

/* Parse one key-log line (without its newline): 1 for a key line (into `*out`), 0 for a
 * comment or blank line, -1 for anything else. */
int sim_capture_keylog_line(const char *line, size_t len, sim_capture_key *out);

/* ---- helpers shared by the writers (capture_util.c) ------------------------- */

/* A seeded deterministic random stream (xoshiro256**). */
typedef struct sim_capture_rng {
  sb_xoshiro x;
  sb_rng rng;
} sim_capture_rng;

/* Seed `r`; use r->rng afterwards (r must not move). */
void sim_capture_rng_init(sim_capture_rng *r, uint64_t seed);

/* A uniform value in [0, n) (n > 0) from `rng`. */
uint64_t sim_capture_below(const sb_rng *rng, uint64_t n);

/* A whole SBRP handshake for `sid` between a fresh client ephemeral and the daemon identity
 * `id` with daemon ID `did`: the HandshakeInit and HandshakeAccept frames (each buffer at least
 * 13 + 128 bytes) and both sides' sessions. 0 or a negative sb_err. */
int sim_capture_handshake(const sb_rng *rng, const sb_sbrp_identity *id, const char *did,
                          uint64_t sid, uint8_t *init, size_t *init_len, uint8_t *accept,
                          size_t *accept_len, sb_sbrp_session *client, sb_sbrp_session *daemon,
                          sb_sbrp_session_keys *keys);

/* SBP frames into `out` (frameId from `rng`, copied to `frame_id` when non-NULL; a timestamp
 * when ts_ms >= 0). Each returns the frame size, or 0 on failure. */
size_t sim_capture_sbp_handshake(const sb_rng *rng, const char *peer_id, int64_t ts_ms,
                                 uint8_t *out, size_t cap);
size_t sim_capture_sbp_control(const sb_rng *rng, uint8_t op, const char *data, int64_t ts_ms,
                               uint8_t *out, size_t cap);
size_t sim_capture_sbp_message(const sb_rng *rng, const char *subject, const uint8_t *data,
                               size_t len, int64_t ts_ms, uint8_t *out, size_t cap,
                               uint8_t frame_id[16]);
size_t sim_capture_sbp_error(const sb_rng *rng, const uint8_t id[16], uint16_t code,
                             const char *message, uint8_t *out, size_t cap);
size_t sim_capture_sbp_ack(const sb_rng *rng, const uint8_t acked[16], uint8_t *out, size_t cap);

/* RPC envelopes inside an SBP Message (subject rpc, or event for notifications). JSON
 * arguments are JSON texts (NULL: member absent). A request's cid is its frameId (copied to
 * `cid`). Each returns the SBP frame size, or 0 on failure. */
size_t sim_capture_rpc_request(const sb_rng *rng, const char *method, const char *params,
                               uint8_t *out, size_t cap, uint8_t cid[16]);
size_t sim_capture_rpc_success(const sb_rng *rng, const uint8_t cid[16], const char *result,
                               uint8_t *out, size_t cap);
size_t sim_capture_rpc_error(const sb_rng *rng, const uint8_t cid[16], double code,
                             const char *message, const char *data, uint8_t *out, size_t cap);
size_t sim_capture_rpc_event(const sb_rng *rng, const char *name, const char *data,
                             uint8_t *out, size_t cap);

#endif
