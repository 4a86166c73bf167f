/*
 * `sbconf capture fuzz SEED N IN.pcap OUT.pcap [--keylog K]` and
 * `sbconf capture random SEED N OUT.pcap [--max-len L]`.
 *
 * fuzz: reads the WebSocket messages of IN (capture_read.c) and writes OUT
 * with the same connections (same ports, request targets and subprotocols)
 * and every original message in order, each binary message followed by the
 * mutants drawn from it: N in all, deterministic for SEED. Mutations: bit
 * flips, interesting byte values, truncation, extension, insertion and
 * deletion, SBRP header tweaks (type, Length, SessionID), and, for half of
 * them, the SBRP Length made consistent again so the frame still looks like
 * SBRP and the payload parsers are exercised. With a key log, a Data frame
 * whose key is known may instead get its plaintext mutated (SBP and RPC
 * fields, JSON punctuation) and be sealed again with the same key and nonce.
 *
 * random: N binary messages of 1..L uniformly random bytes on four
 * WebSocket connections without subprotocol, half of them starting with a
 * defined SBRP type byte; nothing in them is SBRP or SBP, so a dissector's
 * heuristic must claim none.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "common/bytes.h"
#include "pcap.h"
#include "sbconf.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

#define MAX_KEYS 256

typedef struct mutant {
  size_t src;
  uint8_t *data;
  size_t len;
} mutant;

static uint8_t byte_of(const sb_rng *rng) { return (uint8_t)sim_capture_below(rng, 256); }

static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x7f, 0x80, 0xfe, 0xff,
                                      0x10, 0x11, 0x20, 0x22, 0x7b, 0x7d, 0x5b, 0x3a, 0x2c};

/* One generic byte-level mutation of buf[0..*len) (capacity cap). */
static void mutate_bytes(const sb_rng *rng, uint8_t *buf, size_t *len, size_t cap) {
  size_t n = *len;
  switch (sim_capture_below(rng, 7)) {
    case 0: /* bit flips */
      if (!n) break;
      for (uint64_t k = 1 + sim_capture_below(rng, 4); k > 0; k--)
        buf[sim_capture_below(rng, n)] ^= (uint8_t)(1u << sim_capture_below(rng, 8));
      break;
    case 1: /* an interesting byte */
      if (n) buf[sim_capture_below(rng, n)] = interesting[sim_capture_below(rng, sizeof interesting)];
      break;
    case 2: /* truncate */
      if (n) *len = (size_t)sim_capture_below(rng, n);
      break;
    case 3: /* extend */
      for (uint64_t k = 1 + sim_capture_below(rng, 64); k > 0 && *len < cap; k--) buf[(*len)++] = byte_of(rng);
      break;
    case 4: { /* insert */
      size_t at = (size_t)sim_capture_below(rng, n + 1);
      size_t k = 1 + (size_t)sim_capture_below(rng, 16);
      if (n + k > cap) break;
      memmove(buf + at + k, buf + at, n - at);
      for (size_t i = 0; i < k; i++) buf[at + i] = byte_of(rng);
      *len = n + k;
      break;
    }
    case 5: { /* delete */
      if (!n) break;
      size_t at = (size_t)sim_capture_below(rng, n);
      size_t k = 1 + (size_t)sim_capture_below(rng, n - at);
      memmove(buf + at, buf + at + k, n - at - k);
      *len = n - k;
      break;
    }
    default: /* a field near the start: kind/flags/type, lengths */
      if (n) {
        size_t at = (size_t)sim_capture_below(rng, n < 32 ? n : 32);
        buf[at] = sim_capture_below(rng, 2) ? interesting[sim_capture_below(rng, sizeof interesting)]
                                            : byte_of(rng);
      }
      break;
  }
}

static bool looks_sbrp(const uint8_t *m, size_t n) {
  return n >= SB_SBRP_HEADER_BYTES && sb_sbrp_type_known(m[0]) &&
         sb_load_u32be(m + 1) == n - SB_SBRP_HEADER_BYTES;
}

static const sim_capture_key *find_key(const sim_capture_key *keys, size_t nkeys, uint64_t sid,
                                       unsigned dir) {
  for (size_t i = nkeys; i-- > 0;)
    if (keys[i].session_id == sid && keys[i].direction == dir) return &keys[i];
  return NULL;
}

/* Decrypt, mutate the plaintext, seal again (same key and nonce). true if done. */
static bool mutate_plaintext(const sb_rng *rng, uint8_t *buf, size_t *len, size_t cap,
                             const sim_capture_key *keys, size_t nkeys) {
  size_t n = *len;
  if (!looks_sbrp(buf, n) || buf[0] != SB_SBRP_DATA || n < SB_SBRP_HEADER_BYTES + 28) return false;
  const uint8_t *nonce = buf + SB_SBRP_HEADER_BYTES;
  const sim_capture_key *k = find_key(keys, nkeys, sb_load_u64be(buf + 5), sb_load_u32be(nonce));
  if (!k) return false;
  size_t ct_len = n - SB_SBRP_HEADER_BYTES - 12;
  uint8_t *pt = malloc(cap);
  unsigned long long pt_len = 0;
  bool ok = false;
  if (pt && crypto_aead_chacha20poly1305_ietf_decrypt(pt, &pt_len, NULL, nonce + 12, ct_len, NULL, 0,
                                                      nonce, k->key) == 0) {
    size_t plen = (size_t)pt_len;
    size_t room = cap - SB_SBRP_HEADER_BYTES - 28;
    if (room > SB_SBRP_DATA_MAX_PLAINTEXT) room = SB_SBRP_DATA_MAX_PLAINTEXT;
    for (uint64_t rounds = 1 + sim_capture_below(rng, 2); rounds > 0; rounds--)
      mutate_bytes(rng, pt, &plen, room);
    unsigned long long clen = 0;
    if (crypto_aead_chacha20poly1305_ietf_encrypt(buf + SB_SBRP_HEADER_BYTES + 12, &clen, pt, plen,
                                                  NULL, 0, NULL, nonce, k->key) == 0) {
      *len = SB_SBRP_HEADER_BYTES + 12 + (size_t)clen;
      sb_store_u32be(buf + 1, (uint32_t)(*len - SB_SBRP_HEADER_BYTES));
      ok = true;
    }
  }
  free(pt);
  return ok;
}

static int mutate(const sb_rng *rng, const sim_capture_msg *m, const sim_capture_key *keys,
                  size_t nkeys, mutant *out) {
  size_t cap = m->len + 256;
  out->data = malloc(cap);
  if (!out->data) return -1;
  memcpy(out->data, m->data, m->len);
  out->len = m->len;
  bool sbrp = looks_sbrp(m->data, m->len);
  if (nkeys && sbrp && sim_capture_below(rng, 2) &&
      mutate_plaintext(rng, out->data, &out->len, cap, keys, nkeys))
    return 0;
  if (sbrp && sim_capture_below(rng, 4) == 0) { /* an SBRP header field */
    static const uint8_t types[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0f, 0x10,
                                    0x11, 0x12, 0x1f, 0x20, 0x21, 0x80, 0xff};
    switch (sim_capture_below(rng, 3)) {
      case 0: out->data[0] = types[sim_capture_below(rng, sizeof types)]; break;
      case 1:
        sb_store_u32be(out->data + 1, (uint32_t)(out->len - 13 + sim_capture_below(rng, 5)) - 2u);
        break;
      default:
        sb_store_u64be(out->data + 5, sim_capture_below(rng, 2) ? 0 : sim_capture_below(rng, 4));
        break;
    }
    return 0;
  }
  for (uint64_t rounds = 1 + sim_capture_below(rng, 3); rounds > 0; rounds--)
    mutate_bytes(rng, out->data, &out->len, cap);
  /* Keep the header consistent half the time, so the payload parsers run. */
  if (sbrp && out->len >= SB_SBRP_HEADER_BYTES && sim_capture_below(rng, 2))
    sb_store_u32be(out->data + 1, (uint32_t)(out->len - SB_SBRP_HEADER_BYTES));
  return 0;
}

static int read_keys(const char *path, sim_capture_key *keys, size_t *nkeys) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[512];
  while (fgets(line, sizeof line, f) && *nkeys < MAX_KEYS) {
    size_t l = strcspn(line, "\n");
    if (sim_capture_keylog_line(line, l, &keys[*nkeys]) == 1) (*nkeys)++;
  }
  fclose(f);
  return 0;
}

/* Node numbers for the IPv4 addresses of the input, in order of appearance. */
static unsigned node_of(uint32_t ip, uint32_t *ips, unsigned *nips) {
  for (unsigned i = 0; i < *nips; i++)
    if (ips[i] == ip) return i + 1;
  if (*nips < 250) ips[(*nips)++] = ip;
  return *nips;
}

int sim_capture_fuzz(uint64_t seed, size_t n, const char *in_path, const char *out_path,
                     const char *keylog_path) {
  static sim_capture_key keys[MAX_KEYS];
  size_t nkeys = 0;
  sim_capture cap;
  char err[512];
  int rc = sim_capture_read(in_path, &cap, err, sizeof err);
  if (rc) {
    fprintf(stderr, "sbconf capture fuzz: %s\n", err);
    return rc;
  }
  if (keylog_path && read_keys(keylog_path, keys, &nkeys) != 0) {
    fprintf(stderr, "sbconf capture fuzz: %s: %s\n", keylog_path, strerror(errno));
    sim_capture_free(&cap);
    return SBCONF_EXIT_NOT_FOUND;
  }
  size_t *binary = malloc((cap.nmsgs + 1) * sizeof *binary);
  size_t nbin = 0;
  for (size_t i = 0; binary && i < cap.nmsgs; i++)
    if (cap.msgs[i].opcode == SIM_WS_BINARY) binary[nbin++] = i;
  mutant *mut = calloc(n + 1, sizeof *mut);
  sim_pcap_ws *ws = calloc(cap.nconns + 1, sizeof *ws);
  if (!binary || !mut || !ws) {
    free(binary);
    free(mut);
    free(ws);
    sim_capture_free(&cap);
    return SBCONF_EXIT_INTERNAL;
  }
  if (nbin == 0) {
    fprintf(stderr, "sbconf capture fuzz: %s: no binary WebSocket messages\n", in_path);
    rc = SBCONF_EXIT_MALFORMED;
    n = 0;
  }
  sim_capture_rng r;
  sim_capture_rng_init(&r, seed);
  for (size_t j = 0; j < n; j++) {
    mut[j].src = binary[sim_capture_below(&r.rng, nbin)];
    if (mutate(&r.rng, &cap.msgs[mut[j].src], keys, nkeys, &mut[j]) != 0) {
      rc = SBCONF_EXIT_INTERNAL;
      n = j;
      break;
    }
  }
  /* Order the mutants by source message (stable: counting by index). */
  size_t *order = malloc((n + 1) * sizeof *order), *start = calloc(cap.nmsgs + 2, sizeof *start);
  sim_pcap pcap;
  bool wrote = false;
  if (order && start && rc == 0 && sim_pcap_open(&pcap, out_path) == 0) {
    wrote = true;
    for (size_t j = 0; j < n; j++) start[mut[j].src + 1]++;
    for (size_t i = 0; i < cap.nmsgs; i++) start[i + 1] += start[i];
    size_t *fill = calloc(cap.nmsgs + 1, sizeof *fill);
    for (size_t j = 0; fill && j < n; j++) order[start[mut[j].src] + fill[mut[j].src]++] = j;
    free(fill);
    uint32_t ips[256];
    unsigned nips = 0;
    uint64_t t = cap.nmsgs ? cap.msgs[0].t_us : SIM_CAPTURE_EPOCH_US;
    for (size_t c = 0; c < cap.nconns; c++) {
      const sim_capture_conn *cc = &cap.conns[c];
      sim_pcap_ws_options o = {.target = cc->target, .subprotocol = cc->subprotocol};
      unsigned cn = node_of(cc->cli_ip, ips, &nips), sn = node_of(cc->srv_ip, ips, &nips);
      if (sim_pcap_ws_open(&ws[c], &pcap, cn, cc->cli_port, sn, cc->srv_port, &o, &r.rng, t) != 0)
        rc = SBCONF_EXIT_INTERNAL;
      t += 1000;
    }
    for (size_t i = 0; i < cap.nmsgs && rc == 0; i++) {
      const sim_capture_msg *m = &cap.msgs[i];
      if (m->opcode == SIM_WS_CLOSE) continue; /* every connection is closed at the end */
      if (m->t_us > t) t = m->t_us;
      if (!sim_pcap_ws_send(&ws[m->conn], m->from_client, m->opcode, m->data, m->len, t))
        rc = SBCONF_EXIT_INTERNAL;
      t += 20;
      for (size_t k = start[i]; k < start[i + 1] && rc == 0; k++) {
        const mutant *mu = &mut[order[k]];
        if (!sim_pcap_ws_send(&ws[m->conn], m->from_client, SIM_WS_BINARY, mu->data, mu->len, t))
          rc = SBCONF_EXIT_INTERNAL;
        t += 20;
      }
    }
    for (size_t c = 0; c < cap.nconns && rc == 0; c++) {
      if (sim_pcap_ws_close(&ws[c], true, 1000, t) != 0) rc = SBCONF_EXIT_INTERNAL;
      t += 200;
    }
    if (sim_pcap_close(&pcap) != 0 && rc == 0) rc = SBCONF_EXIT_INTERNAL;
  } else if (rc == 0) {
    fprintf(stderr, "sbconf capture fuzz: %s: cannot create: %s\n", out_path, strerror(errno));
    rc = SBCONF_EXIT_NOT_FOUND;
  }
  if (wrote && rc == 0)
    fprintf(stderr, "sbconf capture fuzz: %zu messages, %zu mutants (%zu keys)\n", cap.nmsgs, n, nkeys);
  for (size_t j = 0; j < n; j++) free(mut[j].data);
  free(mut);
  free(order);
  free(start);
  free(ws);
  free(binary);
  sim_capture_free(&cap);
  return rc;
}

int sim_capture_random(uint64_t seed, size_t n, size_t max_len, const char *pcap_path) {
  static const uint8_t types[] = {0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x20};
  sim_capture_rng r;
  sim_pcap pcap;
  sim_pcap_ws ws[4];
  int rc = SBCONF_EXIT_PASS;
  if (max_len == 0) max_len = 1;
  uint8_t *buf = malloc(max_len);
  if (!buf) return SBCONF_EXIT_INTERNAL;
  sim_capture_rng_init(&r, seed);
  if (sim_pcap_open(&pcap, pcap_path) != 0) {
    fprintf(stderr, "sbconf capture random: %s: cannot create: %s\n", pcap_path, strerror(errno));
    free(buf);
    return SBCONF_EXIT_NOT_FOUND;
  }
  uint64_t t = SIM_CAPTURE_EPOCH_US;
  for (unsigned c = 0; c < 4; c++) {
    sim_pcap_ws_options o = {.target = "/random"};
    uint16_t port = c < 2 ? SIM_CAPTURE_RELAY_PORT : (uint16_t)(SIM_CAPTURE_DIRECT_PORT + c);
    if (sim_pcap_ws_open(&ws[c], &pcap, 20 + c, (uint16_t)(52000 + c), 1, port, &o, &r.rng, t) != 0)
      rc = SBCONF_EXIT_INTERNAL;
    t += 1000;
  }
  for (size_t i = 0; i < n && rc == 0; i++) {
    size_t len = 1 + (size_t)sim_capture_below(&r.rng, max_len);
    if (sb_rng_bytes(&r.rng, buf, len) != 0) rc = SBCONF_EXIT_INTERNAL;
    if (i % 2) buf[0] = types[sim_capture_below(&r.rng, sizeof types)];
    unsigned c = (unsigned)sim_capture_below(&r.rng, 4);
    bool from_client = sim_capture_below(&r.rng, 2);
    if (rc == 0 && !sim_pcap_ws_send(&ws[c], from_client, SIM_WS_BINARY, buf, len, t))
      rc = SBCONF_EXIT_INTERNAL;
    t += 100;
  }
  for (unsigned c = 0; c < 4 && rc == 0; c++)
    if (sim_pcap_ws_close(&ws[c], true, 1000, t) != 0) rc = SBCONF_EXIT_INTERNAL;
  if (sim_pcap_close(&pcap) != 0 && rc == 0) rc = SBCONF_EXIT_INTERNAL;
  free(buf);
  if (rc) fprintf(stderr, "sbconf capture random: write error\n");
  return rc;
}
