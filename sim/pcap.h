/*
 * Capture writer: classic pcap (microsecond timestamps, Ethernet), with
 * synthetic IPv4/TCP connections and WebSocket (RFC 6455) on top, as
 * Wireshark reads them. Used by `sbconf capture` and, later, the simulator.
 *
 * Layers:
 *   sim_pcap      the file: global header, one record per packet
 *   sim_pcap_tcp  one TCP connection: 3-way handshake, data cut into
 *                 segments of at most `mss` bytes with correct sequence and
 *                 acknowledgement numbers, a pure ACK from the peer after
 *                 each send, FIN teardown
 *   sim_pcap_ws   one WebSocket over one TCP connection: HTTP/1.1 Upgrade
 *                 request and `101 Switching Protocols` (correct
 *                 Sec-WebSocket-Accept, optional Sec-WebSocket-Protocol),
 *                 messages as frames (client frames masked with keys from
 *                 the caller's sb_rng, server frames unmasked, 7/16/64-bit
 *                 lengths, optional fragmentation), close frames
 *
 * Addresses are synthetic per node number n (1..254): MAC 02:53:42:00:00:n,
 * IPv4 10.83.0.n. Timestamps are given by the caller in microseconds since
 * the Unix epoch (virtual time); packets of one call get t, t+1, t+2 ... so
 * the file is deterministic and strictly ordered. Nothing here reads a clock
 * or a global random generator.
 *
 * Errors are sticky on the sim_pcap: after the first failed write every call
 * returns -1 and sim_pcap_close() reports it.
 */
#ifndef SIM_PCAP_H
#define SIM_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/rng.h"

#define SIM_PCAP_LINKTYPE_ETHERNET 1u
#define SIM_PCAP_SNAPLEN 262144u
#define SIM_PCAP_DEFAULT_MSS 1460u
/* Largest TCP payload a segment may carry (IPv4 total length is 16 bits). */
#define SIM_PCAP_MAX_MSS 65000u
#define SIM_PCAP_ETH_IP_TCP_BYTES (14u + 20u + 20u)

/* WebSocket opcodes (RFC 6455 section 5.2). */
#define SIM_WS_CONTINUATION 0x0u
#define SIM_WS_TEXT 0x1u
#define SIM_WS_BINARY 0x2u
#define SIM_WS_CLOSE 0x8u
#define SIM_WS_PING 0x9u
#define SIM_WS_PONG 0xAu
/* Largest frame header: 2 + 8 (64-bit length) + 4 (mask). */
#define SIM_WS_MAX_HEADER 14u
/* base64 of a 20-byte SHA-1: 28 characters. */
#define SIM_WS_ACCEPT_CHARS 28u

typedef struct sim_pcap {
  FILE *f;
  uint64_t packets; /* records written so far (the last one is packet number `packets`) */
  int err;          /* 0, or -1 after the first failure (sticky) */
} sim_pcap;

/* Create `path` and write the global header (Ethernet, snaplen 262144). 0 or -1 (errno set). */
int sim_pcap_open(sim_pcap *p, const char *path);

/* Write the global header to an already open stream (not closed by sim_pcap_close). */
int sim_pcap_open_stream(sim_pcap *p, FILE *f);

/* Flush and close; 0, or -1 if any write failed. */
int sim_pcap_close(sim_pcap *p);

/* Append one record of `len` bytes (truncated to the snaplen) at `t_us`. */
int sim_pcap_write(sim_pcap *p, uint64_t t_us, const uint8_t *frame, size_t len);

/* The synthetic MAC and IPv4 address (host order) of node `node`. */
void sim_pcap_node_addr(unsigned node, uint8_t mac[6], uint32_t *ipv4);

/* One side of a TCP connection. */
typedef struct sim_pcap_peer {
  uint8_t mac[6];
  uint32_t ip;      /* host order */
  uint16_t port;
  uint32_t next_seq; /* next sequence number this side sends */
  uint16_t ip_id;
} sim_pcap_peer;

typedef struct sim_pcap_tcp {
  sim_pcap *pcap;
  sim_pcap_peer side[2]; /* [0] client (sent the SYN), [1] server */
  uint32_t mss;
  bool ack_each; /* default true: the receiver answers each send with a pure ACK */
  bool open;
} sim_pcap_tcp;

/* Open a connection from node `cli_node`:`cli_port` to `srv_node`:`srv_port`
 * (SYN, SYN-ACK, ACK at t_us..t_us+2); initial sequence numbers from `rng`
 * (NULL: fixed values). mss 0 means SIM_PCAP_DEFAULT_MSS. 0 or -1. */
int sim_pcap_tcp_connect(sim_pcap_tcp *c, sim_pcap *p, unsigned cli_node, uint16_t cli_port,
                         unsigned srv_node, uint16_t srv_port, uint32_t mss, const sb_rng *rng,
                         uint64_t t_us);

/* Send `len` bytes from the client (or the server) as segments of at most
 * mss bytes with PSH on the last, then (ack_each) the peer's ACK. Returns
 * the packet number of the last data segment, or 0 on error. */
uint64_t sim_pcap_tcp_send(sim_pcap_tcp *c, bool from_client, const uint8_t *data, size_t len,
                           uint64_t t_us);

/* FIN from one side, FIN-ACK from the other, final ACK. 0 or -1. */
int sim_pcap_tcp_close(sim_pcap_tcp *c, bool client_first, uint64_t t_us);

/* Sec-WebSocket-Accept for the request's Sec-WebSocket-Key (RFC 6455 section
 * 4.2.2): base64(SHA-1(key | GUID)), 28 characters and a NUL. 0 or -1. */
int sim_pcap_ws_accept(const char *key, char out[SIM_WS_ACCEPT_CHARS + 1]);

/* Encode one WebSocket frame into `out` (cap >= len + SIM_WS_MAX_HEADER):
 * FIN bit, opcode, the shortest of the 7/16/64-bit lengths, and, when `mask`
 * is non-NULL, the mask key and the masked payload. Returns the frame size,
 * or 0 if `cap` is too small. */
size_t sim_pcap_ws_frame(uint8_t *out, size_t cap, bool fin, uint8_t opcode,
                         const uint8_t mask[4], const uint8_t *payload, size_t len);

typedef struct sim_pcap_ws_options {
  const char *host;        /* Host header; NULL: "<server ip>:<port>" */
  const char *target;      /* request target, e.g. "/v1/connect?token=..."; NULL: "/" */
  const char *subprotocol; /* Sec-WebSocket-Protocol offered and accepted, or NULL */
  size_t fragment;         /* 0: one frame per message; else payload bytes per frame */
  uint32_t mss;            /* 0: SIM_PCAP_DEFAULT_MSS */
  const char *headers;     /* more request header lines, each ending "\r\n" (e.g. Authorization), or NULL */
} sim_pcap_ws_options;

typedef struct sim_pcap_ws {
  sim_pcap_tcp tcp;
  const sb_rng *rng; /* mask keys (and the handshake key and ISNs) */
  size_t fragment;
} sim_pcap_ws;

/* TCP connect, the client's Upgrade request and the server's 101 response. `rng` must stay
 * valid while the connection is used (client frames draw their mask key from it). 0 or -1. */
int sim_pcap_ws_open(sim_pcap_ws *ws, sim_pcap *p, unsigned cli_node, uint16_t cli_port,
                     unsigned srv_node, uint16_t srv_port, const sim_pcap_ws_options *o,
                     const sb_rng *rng, uint64_t t_us);

/* One message (opcode BINARY, TEXT, or a control opcode) from the client
 * (masked) or the server; fragmented into frames of `fragment` payload bytes
 * when set (data opcodes only). Returns the packet number of the segment that
 * completes the message, or 0 on error. */
uint64_t sim_pcap_ws_send(sim_pcap_ws *ws, bool from_client, uint8_t opcode, const uint8_t *msg,
                          size_t len, uint64_t t_us);

/* Close handshake (close frame with `code` from one side, echoed by the
 * other), then FIN teardown started by the server. 0 or -1. */
int sim_pcap_ws_close(sim_pcap_ws *ws, bool client_first, uint16_t code, uint64_t t_us);

#endif
