/*
 * Shared declarations of the SBRP / SBP / RPC Wireshark plugin.
 *
 *   packet-sbrp.c   SBRP frames, entry points (ws heuristic, ws.protocol,
 *                   Decode As, tcp stream), conversation state, decryption
 *   packet-sbp.c    SBP frames (inside decrypted Data, or plain over WebSocket)
 *   packet-sbrpc.c  RPC and event envelopes (Message data on `rpc` / `event`)
 *   keylog.c        the key log (sbrp.keylog_file)
 *   plugin.c        the Wireshark 4.0 plugin ABI
 *
 * Every message is dissected the same way on every pass: what depends on
 * other packets (decryption, sequence checks, request/response links,
 * handshake links) is computed on the first pass and stored per message in
 * file-scoped proto data, keyed by the message's index within its packet.
 */
#ifndef SBRP_PLUGIN_H
#define SBRP_PLUGIN_H

#include <epan/packet.h>
#include <wsutil/wsjson.h>
#include <stdbool.h>
#include <stdint.h>

#define SBX_KEY_BYTES 32u

/* Who sent a message, as far as the capture tells. */
typedef enum sbx_sender {
  SBX_SENDER_UNKNOWN = 0,
  SBX_SENDER_CLIENT = 1, /* SBRP client endpoint (or the WebSocket client of plain SBP) */
  SBX_SENDER_DAEMON = 2, /* SBRP daemon endpoint (or the WebSocket server of plain SBP) */
  SBX_SENDER_RELAY = 3,  /* the relay (the WebSocket server of an SBRP connection) */
  SBX_SENDER_ENDPOINT = 4 /* an SBRP endpoint whose role is not known yet */
} sbx_sender;

/* What the outer layers tell the SBP and RPC dissectors about one message. */
typedef struct sbx_ctx {
  uint32_t conv;       /* TCP conversation index: scope of frameId and cid links */
  uint32_t msg;        /* index of the message within its packet (proto data key) */
  uint64_t session_id; /* SBRP SessionID, 0 for plain SBP */
  unsigned direction;  /* 1 client->daemon, 2 daemon->client, 0 unknown */
  bool encrypted;      /* carried inside a decrypted SBRP Data frame */
} sbx_ctx;

/* ---- SBP (packet-sbp.c) ---------------------------------------------------- */

/* Register the sbp protocol, its fields and expert infos. */
void sbp_register(void);
/* Look up handles of other dissectors (json) and register entry points. */
void sbp_handoff(void);

/* Dissect one whole SBP frame in `tvb` with context `ctx`; returns the bytes consumed. */
int sbp_dissect_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sbx_ctx *ctx);

/* The strong SBP test for a WebSocket message nobody claimed yet: exact
 * layout of a frame of a known kind with a known subject or op (see
 * packet-sbp.c). */
bool sbp_looks_like_frame(tvbuff_t *tvb, packet_info *pinfo);

/* ---- RPC (packet-sbrpc.c) -------------------------------------------------- */

/* Register the sbrpc protocol, its fields and expert infos. */
void sbrpc_register(void);
/* Look up the JSON dissector. */
void sbrpc_handoff(void);

/* Parse `len` bytes of `text` (NUL-terminated, no NUL inside) as exactly one
 * strict JSON value (Wireshark's jsmn is lenient: primitives and object keys
 * are checked here, and there is no token limit). true and the tokens
 * (allocated in `scope`) if it is one. */
bool sbx_json_tokens(wmem_allocator_t *scope, const char *text, size_t len, jsmntok_t **tokens,
                     int *ntokens);

/* Which channel a Message came on. */
typedef enum sbrpc_channel { SBRPC_CHANNEL_RPC, SBRPC_CHANNEL_EVENT } sbrpc_channel;

/* Dissect the envelope in `tvb` (the whole Message data) received on
 * `channel`; `frame_id` is the carrying Message's frameId (16 bytes). */
void sbrpc_dissect_envelope(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                            sbrpc_channel channel, const uint8_t frame_id[16],
                            const sbx_ctx *ctx);

/* ---- key log (keylog.c) -------------------------------------------------------- */

/* Use the key log at `path` (NULL or "" disables it); reread on next lookup. */
void sbx_keylog_set_path(const char *path);

/* true if a key log file is configured. */
bool sbx_keylog_configured(void);

/* Up to `max` keys for (session, direction 1/2), newest first, into `out`;
 * rereads the file first when it changed (size or mtime). Returns the count. */
unsigned sbx_keylog_lookup(uint64_t session_id, unsigned direction,
                           const uint8_t *out[], unsigned max);

/* Parse one key-log line; true and the fields for a valid key line. */
bool sbx_keylog_parse_line(const char *line, size_t len, uint64_t *session_id,
                           unsigned *direction, uint8_t key[SBX_KEY_BYTES]);

/* Forget every key (when the plugin unloads). */
void sbx_keylog_cleanup(void);

/* ---- SBRP (packet-sbrp.c) --------------------------------------------------- */

/* Register the sbrp protocol, fields, expert infos and preferences. */
void sbrp_register(void);
/* Register the entry points (ws heuristic, ws.protocol, Decode As). */
void sbrp_handoff(void);

/* Index of the next message in this packet (shared by the three protocols). */
uint32_t sbx_next_message_index(packet_info *pinfo);

/* 0 if the packet goes from the WebSocket (TCP) client to the server, 1 the
 * other way, 2 if the capture does not tell. */
uint8_t sbx_ws_side(packet_info *pinfo);

#endif
