/*
 * Reading a capture back into WebSocket messages (capture.h): the inverse of
 * pcap.c for the fuzzer and the writer's tests. Handles classic pcap (either
 * byte order, micro- or nanosecond stamps), Ethernet/IPv4/TCP, streams
 * delivered in order (what the writer produces; out-of-order or
 * retransmitted segments are ignored), the HTTP Upgrade, and frames with
 * any length form, masking and fragmentation.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "capture.h"
#include "pcap.h"
#include "sbconf.h"

typedef struct dir_state {
  uint32_t next_seq;
  bool have_seq;
  uint8_t *buf; /* bytes received and not yet consumed */
  size_t len, cap;
  bool http_done;
  /* a fragmented message being reassembled */
  uint8_t *frag;
  size_t frag_len;
  uint8_t frag_opcode;
  bool in_frag;
} dir_state;

typedef struct conn_state {
  dir_state d[2]; /* [0] from the client, [1] from the server */
} conn_state;

typedef struct reader {
  sim_capture *out;
  conn_state *cs;
  size_t cs_cap, conns_cap, msgs_cap;
  char *err;
  size_t errcap;
} reader;

static int fail(reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader *r, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, r->errcap, fmt, ap);
  va_end(ap);
  return code;
}

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int grow(void **buf, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 8;
  while (n < need) n *= 2;
  void *p = realloc(*buf, n * elem);
  if (!p) return -1;
  *buf = p;
  *cap = n;
  return 0;
}

static int append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *src, size_t n) {
  if (grow((void **)buf, cap, *len + n, 1) != 0) return -1;
  if (n) memcpy(*buf + *len, src, n);
  *len += n;
  return 0;
}

/* Index of the connection (ip/port pair, either direction) or SIZE_MAX; `*from_client` set. */
static size_t find_conn(reader *r, uint32_t sip, uint16_t sp, uint32_t dip, uint16_t dp,
                        bool *from_client) {
  for (size_t i = r->out->nconns; i-- > 0;) {
    sim_capture_conn *c = &r->out->conns[i];
    if (c->cli_ip == sip && c->cli_port == sp && c->srv_ip == dip && c->srv_port == dp) {
      *from_client = true;
      return i;
    }
    if (c->srv_ip == sip && c->srv_port == sp && c->cli_ip == dip && c->cli_port == dp) {
      *from_client = false;
      return i;
    }
  }
  return SIZE_MAX;
}

static char *header_value(const char *head, size_t len, const char *name) {
  size_t nl = strlen(name);
  const char *p = head, *end = head + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if ((size_t)(eol - p) > nl + 1 && !strncasecmp(p, name, nl) && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (v < eol && (*v == ' ' || *v == '\t')) v++;
      const char *ve = eol;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) ve--;
      return strndup(v, (size_t)(ve - v));
    }
    p = eol + 1;
  }
  return NULL;
}

static int emit(reader *r, size_t conn, bool from_client, uint8_t opcode, const uint8_t *data,
                size_t len, uint64_t t_us, uint64_t packet) {
  sim_capture *c = r->out;
  if (grow((void **)&c->msgs, &r->msgs_cap, c->nmsgs + 1, sizeof *c->msgs) != 0) return -1;
  sim_capture_msg *m = &c->msgs[c->nmsgs];
  m->data = malloc(len ? len : 1);
  if (!m->data) return -1;
  if (len) memcpy(m->data, data, len);
  m->len = len;
  m->conn = conn;
  m->from_client = from_client;
  m->opcode = opcode;
  m->t_us = t_us;
  m->packet = packet;
  c->nmsgs++;
  return 0;
}

/* Parse what is buffered in one direction: the HTTP head, then whole frames. */
static int drain(reader *r, size_t conn, int side, uint64_t t_us, uint64_t packet) {
  dir_state *d = &r->cs[conn].d[side];
  sim_capture_conn *c = &r->out->conns[conn];
  size_t pos = 0;
  if (!d->http_done) {
    const char *head = (const char *)d->buf;
    size_t end = 0;
    for (size_t i = 0; i + 3 < d->len; i++)
      if (!memcmp(d->buf + i, "\r\n\r\n", 4)) {
        end = i + 4;
        break;
      }
    if (!end) return 0;
    if (side == 0) {
      const char *sp1 = memchr(head, ' ', end);
      const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', end - (size_t)(sp1 + 1 - head)) : NULL;
      if (sp1 && sp2) c->target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
    } else {
      c->upgraded = end > 12 && !memcmp(head, "HTTP/1.1 101", 12);
      c->subprotocol = header_value(head, end, "Sec-WebSocket-Protocol");
    }
    d->http_done = true;
    pos = end;
  }
  while (c->upgraded) { /* client frames are parsed once the 101 was seen */
    size_t avail = d->len - pos;
    const uint8_t *p = d->buf + pos;
    if (avail < 2) break;
    bool fin = p[0] & 0x80u;
    uint8_t opcode = p[0] & 0x0fu;
    bool masked = p[1] & 0x80u;
    uint64_t plen = p[1] & 0x7fu;
    size_t h = 2;
    if (plen == 126) {
      if (avail < 4) break;
      plen = be16(p + 2);
      h = 4;
    } else if (plen == 127) {
      if (avail < 10) break;
      plen = 0;
      for (int i = 0; i < 8; i++) plen = plen << 8 | p[2 + i];
      h = 10;
    }
    if (plen > (uint64_t)1 << 31) return fail(r, SBCONF_EXIT_MALFORMED, "frame of %llu bytes", (unsigned long long)plen);
    const uint8_t *mask = NULL;
    if (masked) {
      if (avail < h + 4) break;
      mask = p + h;
      h += 4;
    }
    if (avail < h + plen) break;
    uint8_t *payload = malloc(plen ? (size_t)plen : 1);
    if (!payload) return -1;
    for (size_t i = 0; i < plen; i++) payload[i] = mask ? p[h + i] ^ mask[i & 3] : p[h + i];
    int rc = 0;
    if (opcode >= 0x8) {
      rc = emit(r, conn, side == 0, opcode, payload, (size_t)plen, t_us, packet);
    } else if (opcode == SIM_WS_CONTINUATION) {
      if (d->in_frag) {
        size_t fcap = d->frag_len;
        rc = append(&d->frag, &d->frag_len, &fcap, payload, (size_t)plen);
        if (rc == 0 && fin) {
          rc = emit(r, conn, side == 0, d->frag_opcode, d->frag, d->frag_len, t_us, packet);
          free(d->frag);
          d->frag = NULL;
          d->frag_len = 0;
          d->in_frag = false;
        }
      }
    } else if (fin) {
      rc = emit(r, conn, side == 0, opcode, payload, (size_t)plen, t_us, packet);
    } else {
      free(d->frag);
      d->frag = NULL;
      d->frag_len = 0;
      size_t fcap = 0;
      rc = append(&d->frag, &d->frag_len, &fcap, payload, (size_t)plen);
      d->frag_opcode = opcode;
      d->in_frag = true;
    }
    free(payload);
    if (rc) return rc;
    pos += h + (size_t)plen;
  }
  memmove(d->buf, d->buf + pos, d->len - pos);
  d->len -= pos;
  return 0;
}

static int on_tcp(reader *r, const uint8_t *ip, size_t iplen, uint64_t t_us, uint64_t packet) {
  if (iplen < 20 || (ip[0] >> 4) != 4 || ip[9] != 6) return 0;
  size_t ihl = (size_t)(ip[0] & 15u) * 4u;
  size_t total = be16(ip + 2);
  if (ihl < 20 || total < ihl + 20 || total > iplen) return 0;
  const uint8_t *tcp = ip + ihl;
  size_t doff = (size_t)(tcp[12] >> 4) * 4u;
  if (doff < 20 || ihl + doff > total) return 0;
  uint32_t sip = be32(ip + 12), dip = be32(ip + 16);
  uint16_t sp = be16(tcp), dp = be16(tcp + 2);
  uint32_t seq = be32(tcp + 4);
  uint8_t flags = tcp[13];
  const uint8_t *data = tcp + doff;
  size_t dlen = total - ihl - doff;
  bool from_client = false;
  size_t ci = find_conn(r, sip, sp, dip, dp, &from_client);
  if ((flags & 0x02u) && !(flags & 0x10u)) { /* SYN: a new connection */
    sim_capture *c = r->out;
    if (grow((void **)&c->conns, &r->conns_cap, c->nconns + 1, sizeof *c->conns) != 0 ||
        grow((void **)&r->cs, &r->cs_cap, c->nconns + 1, sizeof *r->cs) != 0)
      return -1;
    memset(&c->conns[c->nconns], 0, sizeof c->conns[0]);
    memset(&r->cs[c->nconns], 0, sizeof r->cs[0]);
    c->conns[c->nconns] = (sim_capture_conn){.cli_ip = sip, .srv_ip = dip, .cli_port = sp, .srv_port = dp};
    r->cs[c->nconns].d[0].next_seq = seq + 1;
    r->cs[c->nconns].d[0].have_seq = true;
    c->nconns++;
    return 0;
  }
  if (ci == SIZE_MAX) return 0;
  dir_state *d = &r->cs[ci].d[from_client ? 0 : 1];
  if (flags & 0x02u) { /* SYN-ACK */
    d->next_seq = seq + 1;
    d->have_seq = true;
    return 0;
  }
  if (!d->have_seq) {
    d->next_seq = seq;
    d->have_seq = true;
  }
  if (dlen && seq == d->next_seq) {
    if (append(&d->buf, &d->len, &d->cap, data, dlen) != 0) return -1;
    d->next_seq += (uint32_t)dlen;
    int rc = drain(r, ci, from_client ? 0 : 1, t_us, packet);
    if (rc) return rc;
  }
  if (flags & 0x01u) d->next_seq++; /* FIN */
  return 0;
}

int sim_capture_read(const char *path, sim_capture *out, char *err, size_t errcap) {
  reader r = {.out = out, .err = err, .errcap = errcap};
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) return fail(&r, SBCONF_EXIT_NOT_FOUND, "%s: %s", path, strerror(errno));
  uint8_t gh[24];
  int rc = 0;
  if (fread(gh, 1, sizeof gh, f) != sizeof gh) {
    rc = fail(&r, SBCONF_EXIT_MALFORMED, "%s: not a pcap file (short header)", path);
    goto done;
  }
  uint32_t magic = (uint32_t)gh[0] | (uint32_t)gh[1] << 8 | (uint32_t)gh[2] << 16 | (uint32_t)gh[3] << 24;
  bool swap, nanos;
  if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
    swap = false;
    nanos = magic == 0xa1b23c4du;
  } else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
    swap = true;
    nanos = magic == 0x4d3cb2a1u;
  } else {
    rc = fail(&r, SBCONF_EXIT_MALFORMED, "%s: not a classic pcap file (magic %08x)", path, magic);
    goto done;
  }
#define RD32(p) (swap ? be32(p) : ((uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24))
  if (RD32(gh + 20) != SIM_PCAP_LINKTYPE_ETHERNET) {
    rc = fail(&r, SBCONF_EXIT_MALFORMED, "%s: link type %u, only Ethernet (1) is read", path, RD32(gh + 20));
    goto done;
  }
  uint8_t *pkt = malloc(SIM_PCAP_SNAPLEN);
  if (!pkt) {
    rc = fail(&r, SBCONF_EXIT_INTERNAL, "out of memory");
    goto done;
  }
  for (;;) {
    uint8_t rh[16];
    size_t got = fread(rh, 1, sizeof rh, f);
    if (got == 0) break;
    if (got != sizeof rh) {
      rc = fail(&r, SBCONF_EXIT_MALFORMED, "%s: packet %llu: truncated record header", path,
                (unsigned long long)out->packets + 1);
      break;
    }
    uint32_t incl = RD32(rh + 8);
    if (incl > SIM_PCAP_SNAPLEN || fread(pkt, 1, incl, f) != incl) {
      rc = fail(&r, SBCONF_EXIT_MALFORMED, "%s: packet %llu: truncated or oversized record", path,
                (unsigned long long)out->packets + 1);
      break;
    }
    out->packets++;
    uint64_t t_us = (uint64_t)RD32(rh) * 1000000u + (nanos ? RD32(rh + 4) / 1000u : RD32(rh + 4));
    if (incl >= 14 && be16(pkt + 12) == 0x0800) {
      int trc = on_tcp(&r, pkt + 14, incl - 14, t_us, out->packets);
      if (trc) {
        rc = trc < 0 ? fail(&r, SBCONF_EXIT_INTERNAL, "out of memory") : trc;
        break;
      }
    }
  }
#undef RD32
  free(pkt);
done:
  fclose(f);
  for (size_t i = 0; i < out->nconns && r.cs; i++)
    for (int s = 0; s < 2; s++) {
      free(r.cs[i].d[s].buf);
      free(r.cs[i].d[s].frag);
    }
  free(r.cs);
  if (rc) sim_capture_free(out);
  return rc;
}

void sim_capture_free(sim_capture *c) {
  for (size_t i = 0; i < c->nconns; i++) {
    free(c->conns[i].target);
    free(c->conns[i].subprotocol);
  }
  for (size_t i = 0; i < c->nmsgs; i++) free(c->msgs[i].data);
  free(c->conns);
  free(c->msgs);
  memset(c, 0, sizeof *c);
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

int sim_capture_keylog_line(const char *line, size_t len, sim_capture_key *out) {
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  while (len > i && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
  if (i == len || line[i] == '#') return 0;
  static const char tag[] = "SBRP_TRAFFIC_KEY";
  const size_t tl = sizeof tag - 1;
  if (len - i != tl + 1 + 16 + 1 + 3 + 1 + 64 || memcmp(line + i, tag, tl) || line[i + tl] != ' ')
    return -1;
  const char *p = line + i + tl + 1;
  uint64_t sid = 0;
  for (int k = 0; k < 16; k++) {
    int v = hexval(p[k]);
    if (v < 0) return -1;
    sid = sid << 4 | (uint64_t)v;
  }
  p += 16;
  if (*p++ != ' ') return -1;
  unsigned dir = !memcmp(p, "c2d", 3) ? 1u : !memcmp(p, "d2c", 3) ? 2u : 0u;
  if (!dir || p[3] != ' ') return -1;
  p += 4;
  for (size_t k = 0; k < SB_SBRP_KEY_BYTES; k++) {
    int hi = hexval(p[2 * k]), lo = hexval(p[2 * k + 1]);
    if (hi < 0 || lo < 0) return -1;
    out->key[k] = (uint8_t)(hi << 4 | lo);
  }
  out->session_id = sid;
  out->direction = dir;
  return 1;
}
