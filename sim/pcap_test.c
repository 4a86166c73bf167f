#define _POSIX_C_SOURCE 200809L
#include "pcap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "keylog.h"
#include "sbconf.h"
#include "test/sbt.h"

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) s += be16(p + i);
  if (n & 1) s += (uint32_t)p[n - 1] << 8;
  return s;
}

static uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)s;
}

static void temp_path(char *path, size_t cap, const char *stem) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, cap, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp", stem);
  int fd = mkstemp(path);
  SBT_CHECK(fd >= 0, "temp file %s", path);
  if (fd >= 0) close(fd);
}

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  *len = 0;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  if (n > 0 && (buf = malloc((size_t)n)) != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n)
    *len = (size_t)n;
  fclose(f);
  return buf;
}

static void ws_accept_matches_the_rfc6455_example(void) {
  /* RFC 6455 section 1.3: the sample key and its accept value. */
  char out[SIM_WS_ACCEPT_CHARS + 1];
  SBT_CHECK(sim_pcap_ws_accept("dGhlIHNhbXBsZSBub25jZQ==", out) == 0, "accept computed");
  SBT_STR_EQ(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void ws_frame_picks_the_shortest_length_form_and_masks(void) {
  static uint8_t payload[70000], out[70000 + SIM_WS_MAX_HEADER];
  const uint8_t mask[4] = {1, 2, 3, 4};
  static const struct {
    size_t len, header;
  } cases[] = {{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}, {70000, 10}};
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)i;
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    size_t n = sim_pcap_ws_frame(out, sizeof out, true, SIM_WS_BINARY, NULL, payload, cases[i].len);
    SBT_EQ_U64(n, cases[i].header + cases[i].len);
    SBT_EQ_U64(out[0], 0x82);
    n = sim_pcap_ws_frame(out, sizeof out, false, SIM_WS_CONTINUATION, mask, payload, cases[i].len);
    SBT_EQ_U64(n, cases[i].header + 4 + cases[i].len);
    SBT_CHECK((out[1] & 0x80) && out[0] == 0x00, "mask bit set, FIN clear, opcode 0");
    if (cases[i].len > 5) SBT_EQ_U64(out[cases[i].header + 4 + 5], payload[5] ^ mask[1]);
  }
  SBT_EQ_U64(sim_pcap_ws_frame(out, 10, true, SIM_WS_BINARY, NULL, payload, 9), 0);
}

/* Every packet: IPv4 and TCP checksums verify, and each ACK acknowledges exactly the bytes
 * (and SYN/FIN) the other side sent before it. */
static void check_packets(const uint8_t *file, size_t len, size_t *npackets) {
  size_t off = 24;
  uint32_t next[2] = {0, 0}; /* next sequence number per side (0: client, by port order) */
  bool have[2] = {false, false};
  uint16_t client_port = 0;
  *npackets = 0;
  SBT_EQ_U64(le32(file), 0xa1b2c3d4u);
  SBT_EQ_U64(le32(file + 20), 1);
  while (off + 16 <= len) {
    uint32_t incl = le32(file + off + 8);
    const uint8_t *ip = file + off + 16 + 14;
    const uint8_t *tcp = ip + 20;
    size_t tlen = be16(ip + 2) - 20u;
    (*npackets)++;
    SBT_CHECK(fold(sum16(0, ip, 20)) == 0xffff, "IPv4 checksum of packet %zu", *npackets);
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    pseudo[10] = (uint8_t)(tlen >> 8);
    pseudo[11] = (uint8_t)tlen;
    SBT_CHECK(fold(sum16(sum16(0, pseudo, 12), tcp, tlen)) == 0xffff, "TCP checksum of packet %zu",
              *npackets);
    uint8_t flags = tcp[13];
    if ((flags & 0x02) && !(flags & 0x10)) client_port = be16(tcp);
    int side = be16(tcp) == client_port ? 0 : 1;
    uint32_t seq = be32(tcp + 4);
    size_t dlen = tlen - 20;
    if (have[side]) SBT_CHECK(seq == next[side], "packet %zu: seq continues the stream", *npackets);
    if ((flags & 0x10) && have[1 - side])
      SBT_CHECK(be32(tcp + 8) == next[1 - side], "packet %zu: ack = peer's next seq", *npackets);
    next[side] = seq + (uint32_t)dlen + ((flags & 0x03) ? 1u : 0u);
    have[side] = true;
    off += 16 + incl;
  }
  SBT_EQ_U64(off, len);
}

static void writer_round_trips_through_the_reader(void) {
  /* Masked client messages, unmasked server messages, a 70000-byte message over several
   * segments, a fragmented one, the Upgrade with a subprotocol, close and FIN. */
  char path[256];
  temp_path(path, sizeof path, "sbconf-pcap");
  sim_capture_rng r;
  sim_capture_rng_init(&r, 42);
  sim_pcap p;
  sim_pcap_ws ws;
  static uint8_t big[70000];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7);
  sim_pcap_ws_options o = {.target = "/v1/connect?token=abc", .subprotocol = "sbrp.v1"};
  SBT_OK(sim_pcap_open(&p, path));
  SBT_OK(sim_pcap_ws_open(&ws, &p, 3, 50001, 1, 8080, &o, &r.rng, 1000000));
  SBT_CHECK(sim_pcap_ws_send(&ws, true, SIM_WS_BINARY, (const uint8_t *)"hello", 5, 2000000) > 0, "send");
  uint64_t big_pkt = sim_pcap_ws_send(&ws, false, SIM_WS_BINARY, big, sizeof big, 3000000);
  ws.fragment = 100;
  SBT_CHECK(sim_pcap_ws_send(&ws, true, SIM_WS_BINARY, big, 250, 4000000) > 0, "fragmented");
  SBT_OK(sim_pcap_ws_close(&ws, true, 1000, 5000000));
  SBT_OK(sim_pcap_close(&p));
  /* 9 packets before it (handshake, Upgrade, 101, "hello", ACKs); 48 segments of at most
   * 1460 bytes carry the 70010-byte frame. */
  SBT_EQ_U64(big_pkt, 9 + 48);

  size_t len = 0, npackets = 0;
  uint8_t *file = slurp(path, &len);
  SBT_CHECK(file != NULL, "read back %s", path);
  if (file) check_packets(file, len, &npackets);
  free(file);

  sim_capture c;
  char err[256];
  SBT_OK(sim_capture_read(path, &c, err, sizeof err));
  SBT_EQ_U64(c.packets, npackets);
  SBT_EQ_U64(c.nconns, 1);
  SBT_EQ_U64(c.nmsgs, 5);
  if (c.nconns == 1 && c.nmsgs == 5) {
    SBT_STR_EQ(c.conns[0].target, "/v1/connect?token=abc");
    SBT_STR_EQ(c.conns[0].subprotocol, "sbrp.v1");
    SBT_CHECK(c.conns[0].upgraded && c.conns[0].srv_port == 8080, "upgraded, server port");
    SBT_CHECK(c.msgs[0].from_client && c.msgs[0].len == 5 && !memcmp(c.msgs[0].data, "hello", 5),
              "client message unmasked");
    SBT_CHECK(!c.msgs[1].from_client && c.msgs[1].len == sizeof big &&
                  !memcmp(c.msgs[1].data, big, sizeof big),
              "large server message reassembled");
    SBT_EQ_U64(c.msgs[1].packet, big_pkt);
    SBT_CHECK(c.msgs[2].len == 250 && !memcmp(c.msgs[2].data, big, 250), "fragments reassembled");
    SBT_CHECK(c.msgs[3].opcode == SIM_WS_CLOSE && c.msgs[4].opcode == SIM_WS_CLOSE, "close both ways");
  }
  sim_capture_free(&c);
  unlink(path);
}

static void keylog_line_has_the_documented_format(void) {
  /* dissector/README.md: SBRP_TRAFFIC_KEY <16 hex sid> <c2d|d2c> <64 hex key>. */
  uint8_t key[SB_SBRP_KEY_BYTES];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(0xa0 + i);
  char line[SIM_KEYLOG_LINE_CHARS + 1];
  SBT_EQ_U64(sim_keylog_format(line, sizeof line, 0x5a17c0de00000001ull, 2, key),
             SIM_KEYLOG_LINE_CHARS);
  SBT_STR_EQ(line, "SBRP_TRAFFIC_KEY 5a17c0de00000001 d2c "
                   "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n");
  SBT_EQ_U64(sim_keylog_format(line, sizeof line, 1, 3, key), 0);
  sim_capture_key k;
  SBT_EQ_U64(sim_capture_keylog_line(line, strlen(line) - 1, &k), 1);
  SBT_CHECK(k.session_id == 0x5a17c0de00000001ull && k.direction == 2 && !memcmp(k.key, key, 32),
            "parsed back");
  SBT_EQ_U64(sim_capture_keylog_line("# comment", 9, &k), 0);
  const char *bad = "SBRP_TRAFFIC_KEY 1 c2d 00";
  SBT_CHECK(sim_capture_keylog_line(bad, strlen(bad), &k) == -1, "short line refused");
}

static void demo_capture_is_deterministic_and_complete(void) {
  char a[256], b[256], ka[256], kb[256];
  temp_path(a, sizeof a, "sbconf-demo");
  temp_path(b, sizeof b, "sbconf-demo");
  temp_path(ka, sizeof ka, "sbconf-keys");
  temp_path(kb, sizeof kb, "sbconf-keys");
  SBT_EQ_U64(sim_capture_demo(a, ka, 1), SBCONF_EXIT_PASS);
  SBT_EQ_U64(sim_capture_demo(b, kb, 1), SBCONF_EXIT_PASS);
  size_t la = 0, lb = 0, lka = 0, lkb = 0;
  uint8_t *fa = slurp(a, &la), *fb = slurp(b, &lb), *xa = slurp(ka, &lka), *xb = slurp(kb, &lkb);
  SBT_CHECK(fa && fb && la == lb && !memcmp(fa, fb, la), "same seed, same capture (%zu bytes)", la);
  SBT_CHECK(xa && xb && lka == lkb && !memcmp(xa, xb, lka), "same key log");
  /* Two sessions, both directions: four key lines after the header comment. */
  size_t lines = 0;
  for (size_t i = 0; xa && i < lka; i++) lines += xa[i] == '\n';
  SBT_EQ_U64(lines, 5);
  sim_capture c;
  char err[256];
  SBT_OK(sim_capture_read(a, &c, err, sizeof err));
  SBT_EQ_U64(c.nconns, 5); /* the daemon twice, clients A and B, client C (plain SBP) */
  SBT_CHECK(c.nmsgs > 80, "%zu messages", c.nmsgs);
  sim_capture_free(&c);
  free(fa);
  free(fb);
  free(xa);
  free(xb);
  unlink(a);
  unlink(b);
  unlink(ka);
  unlink(kb);
}

SBT_SUITE(sim_pcap, "sim/pcap", SBT_CASE(ws_accept_matches_the_rfc6455_example),
          SBT_CASE(ws_frame_picks_the_shortest_length_form_and_masks),
          SBT_CASE(writer_round_trips_through_the_reader),
          SBT_CASE(keylog_line_has_the_documented_format),
          SBT_CASE(demo_capture_is_deterministic_and_complete));
