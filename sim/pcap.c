/*
 * Capture writer (see pcap.h): pcap records, Ethernet/IPv4/TCP framing with
 * checksums, the WebSocket opening handshake and frames.
 */
#include "pcap.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u

/* ---- the file -------------------------------------------------------------- */

static void put16le(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static void put32le(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put16be(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static int write_all(sim_pcap *p, const void *buf, size_t len) {
  if (p->err) return -1;
  if (len && fwrite(buf, 1, len, p->f) != len) {
    p->err = -1;
    return -1;
  }
  return 0;
}

int sim_pcap_open_stream(sim_pcap *p, FILE *f) {
  memset(p, 0, sizeof *p);
  p->f = f;
  uint8_t h[24];
  put32le(h, 0xa1b2c3d4u); /* microsecond timestamps */
  put16le(h + 4, 2);
  put16le(h + 6, 4);
  put32le(h + 8, 0);  /* thiszone */
  put32le(h + 12, 0); /* sigfigs */
  put32le(h + 16, SIM_PCAP_SNAPLEN);
  put32le(h + 20, SIM_PCAP_LINKTYPE_ETHERNET);
  return write_all(p, h, sizeof h);
}

int sim_pcap_open(sim_pcap *p, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    memset(p, 0, sizeof *p);
    p->err = -1;
    return -1;
  }
  if (sim_pcap_open_stream(p, f) != 0) {
    fclose(f);
    p->f = NULL;
    return -1;
  }
  return 0;
}

int sim_pcap_close(sim_pcap *p) {
  int rc = p->err;
  if (p->f) {
    if (fflush(p->f) != 0) rc = -1;
    if (p->f != stdout && fclose(p->f) != 0) rc = -1;
    p->f = NULL;
  }
  return rc ? -1 : 0;
}

int sim_pcap_write(sim_pcap *p, uint64_t t_us, const uint8_t *frame, size_t len) {
  size_t incl = len > SIM_PCAP_SNAPLEN ? SIM_PCAP_SNAPLEN : len;
  uint8_t h[16];
  put32le(h, (uint32_t)(t_us / 1000000u));
  put32le(h + 4, (uint32_t)(t_us % 1000000u));
  put32le(h + 8, (uint32_t)incl);
  put32le(h + 12, (uint32_t)len);
  if (write_all(p, h, sizeof h) != 0 || write_all(p, frame, incl) != 0) return -1;
  p->packets++;
  return 0;
}

void sim_pcap_node_addr(unsigned node, uint8_t mac[6], uint32_t *ipv4) {
  uint8_t n = (uint8_t)node;
  const uint8_t m[6] = {0x02, 0x53, 0x42, 0x00, 0x00, n};
  memcpy(mac, m, 6);
  *ipv4 = (10u << 24) | (83u << 16) | n;
}

/* ---- IPv4 / TCP -------------------------------------------------------------- */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len) {
  for (size_t i = 0; i + 1 < len; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (len & 1) sum += (uint32_t)(p[len - 1] << 8);
  return sum;
}

static uint16_t csum_fold(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)~sum;
}

/* One Ethernet/IPv4/TCP packet from side `from` to the other side. */
static int tcp_packet(sim_pcap_tcp *c, int from, uint8_t flags, const uint8_t *data, size_t len,
                      uint64_t t_us) {
  sim_pcap_peer *s = &c->side[from], *d = &c->side[1 - from];
  size_t total = SIM_PCAP_ETH_IP_TCP_BYTES + len;
  uint8_t stackbuf[SIM_PCAP_ETH_IP_TCP_BYTES + 2048];
  uint8_t *pkt = total <= sizeof stackbuf ? stackbuf : malloc(total);
  if (!pkt) {
    c->pcap->err = -1;
    return -1;
  }
  /* Ethernet */
  memcpy(pkt, d->mac, 6);
  memcpy(pkt + 6, s->mac, 6);
  put16be(pkt + 12, 0x0800);
  /* IPv4 */
  uint8_t *ip = pkt + 14;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  put16be(ip + 2, (uint16_t)(20 + 20 + len));
  put16be(ip + 4, s->ip_id++);
  put16be(ip + 6, 0x4000); /* don't fragment */
  ip[8] = 64;
  ip[9] = 6;
  put32be(ip + 12, s->ip);
  put32be(ip + 16, d->ip);
  put16be(ip + 10, csum_fold(csum_add(0, ip, 20)));
  /* TCP */
  uint8_t *tcp = ip + 20;
  memset(tcp, 0, 20);
  put16be(tcp, s->port);
  put16be(tcp + 2, d->port);
  put32be(tcp + 4, s->next_seq);
  put32be(tcp + 8, (flags & TCP_ACK) ? d->next_seq : 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  put16be(tcp + 14, 65535);
  if (len) memcpy(tcp + 20, data, len);
  uint8_t pseudo[12];
  put32be(pseudo, s->ip);
  put32be(pseudo + 4, d->ip);
  pseudo[8] = 0;
  pseudo[9] = 6;
  put16be(pseudo + 10, (uint16_t)(20 + len));
  uint32_t sum = csum_add(0, pseudo, sizeof pseudo);
  put16be(tcp + 16, csum_fold(csum_add(sum, tcp, 20 + len)));
  int rc = sim_pcap_write(c->pcap, t_us, pkt, total);
  if (pkt != stackbuf) free(pkt);
  s->next_seq += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
  return rc;
}

static uint32_t draw_u32(const sb_rng *rng, uint32_t fallback) {
  uint8_t b[4];
  if (!rng || sb_rng_bytes(rng, b, sizeof b) != 0) return fallback;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int sim_pcap_tcp_connect(sim_pcap_tcp *c, sim_pcap *p, unsigned cli_node, uint16_t cli_port,
                         unsigned srv_node, uint16_t srv_port, uint32_t mss, const sb_rng *rng,
                         uint64_t t_us) {
  memset(c, 0, sizeof *c);
  c->pcap = p;
  c->mss = mss == 0 ? SIM_PCAP_DEFAULT_MSS : (mss > SIM_PCAP_MAX_MSS ? SIM_PCAP_MAX_MSS : mss);
  c->ack_each = true;
  sim_pcap_node_addr(cli_node, c->side[0].mac, &c->side[0].ip);
  sim_pcap_node_addr(srv_node, c->side[1].mac, &c->side[1].ip);
  c->side[0].port = cli_port;
  c->side[1].port = srv_port;
  c->side[0].next_seq = draw_u32(rng, 0x10000000u);
  c->side[1].next_seq = draw_u32(rng, 0x20000000u);
  c->side[0].ip_id = (uint16_t)(cli_port * 7u);
  c->side[1].ip_id = (uint16_t)(srv_port * 11u + cli_port);
  if (tcp_packet(c, 0, TCP_SYN, NULL, 0, t_us) || tcp_packet(c, 1, TCP_SYN | TCP_ACK, NULL, 0, t_us + 1) ||
      tcp_packet(c, 0, TCP_ACK, NULL, 0, t_us + 2))
    return -1;
  c->open = true;
  return 0;
}

uint64_t sim_pcap_tcp_send(sim_pcap_tcp *c, bool from_client, const uint8_t *data, size_t len,
                           uint64_t t_us) {
  int from = from_client ? 0 : 1;
  if (!c->open || c->pcap->err) return 0;
  size_t off = 0;
  uint64_t last = 0;
  do {
    size_t n = len - off > c->mss ? c->mss : len - off;
    uint8_t flags = TCP_ACK | (off + n == len ? TCP_PSH : 0);
    if (tcp_packet(c, from, flags, data + off, n, t_us++) != 0) return 0;
    last = c->pcap->packets;
    off += n;
  } while (off < len);
  if (c->ack_each && tcp_packet(c, 1 - from, TCP_ACK, NULL, 0, t_us) != 0) return 0;
  return last;
}

int sim_pcap_tcp_close(sim_pcap_tcp *c, bool client_first, uint64_t t_us) {
  int a = client_first ? 0 : 1;
  if (!c->open) return -1;
  c->open = false;
  if (tcp_packet(c, a, TCP_FIN | TCP_ACK, NULL, 0, t_us) ||
      tcp_packet(c, 1 - a, TCP_FIN | TCP_ACK, NULL, 0, t_us + 1) ||
      tcp_packet(c, a, TCP_ACK, NULL, 0, t_us + 2))
    return -1;
  return 0;
}

/* ---- WebSocket ----------------------------------------------------------- */

int sim_pcap_ws_accept(const char *key, char out[SIM_WS_ACCEPT_CHARS + 1]) {
  size_t klen = strlen(key);
  size_t glen = sizeof WS_GUID - 1;
  unsigned char buf[256];
  unsigned char digest[SHA_DIGEST_LENGTH];
  if (klen + glen > sizeof buf) return -1;
  memcpy(buf, key, klen);
  memcpy(buf + klen, WS_GUID, glen);
  SHA1(buf, klen + glen, digest);
  return EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH) == SIM_WS_ACCEPT_CHARS
             ? 0
             : -1;
}

size_t sim_pcap_ws_frame(uint8_t *out, size_t cap, bool fin, uint8_t opcode,
                         const uint8_t mask[4], const uint8_t *payload, size_t len) {
  size_t h = 2;
  if (len >= 65536u)
    h += 8;
  else if (len >= 126u)
    h += 2;
  if (mask) h += 4;
  if (cap < h + len) return 0;
  out[0] = (uint8_t)((fin ? 0x80u : 0u) | (opcode & 0x0fu));
  uint8_t mbit = mask ? 0x80u : 0u;
  if (len >= 65536u) {
    out[1] = mbit | 127u;
    for (int i = 0; i < 8; i++) out[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
  } else if (len >= 126u) {
    out[1] = mbit | 126u;
    put16be(out + 2, (uint16_t)len);
  } else {
    out[1] = (uint8_t)(mbit | len);
  }
  if (mask) {
    memcpy(out + h - 4, mask, 4);
    for (size_t i = 0; i < len; i++) out[h + i] = payload[i] ^ mask[i & 3];
  } else if (len) {
    memcpy(out + h, payload, len);
  }
  return h + len;
}

int sim_pcap_ws_open(sim_pcap_ws *ws, sim_pcap *p, unsigned cli_node, uint16_t cli_port,
                     unsigned srv_node, uint16_t srv_port, const sim_pcap_ws_options *o,
                     const sb_rng *rng, uint64_t t_us) {
  sim_pcap_ws_options none = {0};
  if (!o) o = &none;
  memset(ws, 0, sizeof *ws);
  ws->rng = rng;
  ws->fragment = o->fragment;
  if (sim_pcap_tcp_connect(&ws->tcp, p, cli_node, cli_port, srv_node, srv_port, o->mss, rng,
                           t_us) != 0)
    return -1;
  uint8_t nonce[16] = {0};
  if (rng && sb_rng_bytes(rng, nonce, sizeof nonce) != 0) return -1;
  char key[32], accept[SIM_WS_ACCEPT_CHARS + 1];
  EVP_EncodeBlock((unsigned char *)key, nonce, sizeof nonce);
  if (sim_pcap_ws_accept(key, accept) != 0) return -1;
  char host[64];
  uint32_t sip = ws->tcp.side[1].ip;
  snprintf(host, sizeof host, "%u.%u.%u.%u:%u", sip >> 24, (sip >> 16) & 255u, (sip >> 8) & 255u,
           sip & 255u, srv_port);
  char proto[300] = "";
  if (o->subprotocol)
    snprintf(proto, sizeof proto, "Sec-WebSocket-Protocol: %s\r\n", o->subprotocol);
  const char *target = o->target ? o->target : "/";
  const char *extra = o->headers ? o->headers : "";
  size_t cap = strlen(target) + strlen(extra) + 1024;
  char *req = malloc(cap);
  if (!req) return -1;
  int n = snprintf(req, cap,
                   "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s%s"
                   "User-Agent: sbconf-sim/1\r\n\r\n",
                   target, o->host ? o->host : host, key, proto, extra);
  uint64_t ok = n > 0 && (size_t)n < cap
                    ? sim_pcap_tcp_send(&ws->tcp, true, (const uint8_t *)req, (size_t)n, t_us + 10)
                    : 0;
  if (ok) {
    n = snprintf(req, cap,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: %s\r\n%s\r\n",
                 accept, proto);
    ok = n > 0 && (size_t)n < cap
             ? sim_pcap_tcp_send(&ws->tcp, false, (const uint8_t *)req, (size_t)n, t_us + 100)
             : 0;
  }
  free(req);
  return ok ? 0 : -1;
}

static uint64_t ws_frame_out(sim_pcap_ws *ws, bool from_client, bool fin, uint8_t opcode,
                             const uint8_t *payload, size_t len, uint64_t t_us) {
  uint8_t mask[4];
  if (from_client) {
    if (!ws->rng || sb_rng_bytes(ws->rng, mask, sizeof mask) != 0) return 0;
  }
  size_t cap = len + SIM_WS_MAX_HEADER;
  uint8_t stackbuf[2048];
  uint8_t *buf = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
  if (!buf) return 0;
  size_t n = sim_pcap_ws_frame(buf, cap, fin, opcode, from_client ? mask : NULL, payload, len);
  uint64_t last = n ? sim_pcap_tcp_send(&ws->tcp, from_client, buf, n, t_us) : 0;
  if (buf != stackbuf) free(buf);
  return last;
}

uint64_t sim_pcap_ws_send(sim_pcap_ws *ws, bool from_client, uint8_t opcode, const uint8_t *msg,
                          size_t len, uint64_t t_us) {
  bool data = opcode == SIM_WS_BINARY || opcode == SIM_WS_TEXT;
  if (!data || ws->fragment == 0 || len <= ws->fragment)
    return ws_frame_out(ws, from_client, true, opcode, msg, len, t_us);
  uint64_t last = 0;
  for (size_t off = 0; off < len; off += ws->fragment) {
    size_t n = len - off > ws->fragment ? ws->fragment : len - off;
    last = ws_frame_out(ws, from_client, off + n == len, off ? SIM_WS_CONTINUATION : opcode,
                        msg + off, n, t_us);
    if (!last) return 0;
    t_us += 10;
  }
  return last;
}

int sim_pcap_ws_close(sim_pcap_ws *ws, bool client_first, uint16_t code, uint64_t t_us) {
  uint8_t body[2];
  put16be(body, code);
  if (!ws_frame_out(ws, client_first, true, SIM_WS_CLOSE, body, 2, t_us) ||
      !ws_frame_out(ws, !client_first, true, SIM_WS_CLOSE, body, 2, t_us + 50))
    return -1;
  return sim_pcap_tcp_close(&ws->tcp, false, t_us + 100);
}
