/*
 * `sbconf capture bulk N OUT.pcap [--keylog K]`: one client session over the
 * relay with N SBRP frames, for the dissector benchmark: HandshakeInit and
 * HandshakeAccept, the inner SBP handshakes, then RPC requests and responses
 * in Data frames (every 50th exchange an event), a Ping/Pong pair every 1000
 * frames. Seen on the client's connection to the relay.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "keylog.h"
#include "pcap.h"
#include "sbconf.h"
#include "sbrp/payload.h"

#define BULK_BUF 4096

typedef struct bulk {
  sim_pcap pcap;
  sim_pcap_ws ws;
  sim_capture_rng r;
  uint64_t t;
  size_t frames, want;
  int err;
} bulk;

static void out(bulk *b, bool from_client, const uint8_t *m, size_t n) {
  if (b->err || b->frames >= b->want) return;
  if (n == 0 || !sim_pcap_ws_send(&b->ws, from_client, SIM_WS_BINARY, m, n, b->t)) b->err = 1;
  b->frames++;
  b->t += 150;
}

static void data(bulk *b, sb_sbrp_session *s, bool from_client, const uint8_t *pt, size_t n) {
  uint8_t frame[BULK_BUF + 64];
  size_t len = 0;
  if (n == 0 || sb_sbrp_session_seal(s, pt, n, frame, sizeof frame, &len) != 0) {
    b->err = 1;
    return;
  }
  out(b, from_client, frame, len);
}

int sim_capture_bulk(uint64_t seed, size_t n, const char *pcap_path, const char *keylog_path) {
  static bulk b;
  memset(&b, 0, sizeof b);
  sim_capture_rng_init(&b.r, seed);
  b.t = SIM_CAPTURE_EPOCH_US;
  b.want = n;
  sb_sbrp_identity id;
  sb_sbrp_session client, daemon;
  sb_sbrp_session_keys keys;
  uint8_t init[256], accept[256], buf[BULK_BUF], cid[16];
  size_t ilen = 0, alen = 0;
  const uint64_t sid = 0xb0b0000000000001ull;
  if (sb_sbrp_handshake_identity_generate(&b.r.rng, &id) != 0 ||
      sim_capture_handshake(&b.r.rng, &id, "d_bulk", sid, init, &ilen, accept, &alen, &client,
                            &daemon, &keys) != 0) {
    fprintf(stderr, "sbconf capture bulk: handshake failed\n");
    return SBCONF_EXIT_INTERNAL;
  }
  if (keylog_path) {
    sim_keylog kl;
    if (sim_keylog_open(&kl, keylog_path) != 0 || sim_keylog_add_session(&kl, sid, &keys) != 0 ||
        sim_keylog_close(&kl) != 0) {
      fprintf(stderr, "sbconf capture bulk: %s: cannot write: %s\n", keylog_path, strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
  }
  if (sim_pcap_open(&b.pcap, pcap_path) != 0) {
    fprintf(stderr, "sbconf capture bulk: %s: cannot create: %s\n", pcap_path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  sim_pcap_ws_options o = {.target = "/v1/connect?token=bulk"};
  if (sim_pcap_ws_open(&b.ws, &b.pcap, 3, 50001, 1, SIM_CAPTURE_RELAY_PORT, &o, &b.r.rng, b.t) != 0)
    b.err = 1;
  b.t += 1000;
  out(&b, true, init, ilen);
  out(&b, false, accept, alen);
  data(&b, &client, true, buf, sim_capture_sbp_handshake(&b.r.rng, "bulk-client", -1, buf, sizeof buf));
  data(&b, &daemon, false, buf, sim_capture_sbp_handshake(&b.r.rng, "bulk-daemon", -1, buf, sizeof buf));
  for (uint64_t i = 0; b.frames < b.want && !b.err; i++) {
    char params[64], result[64];
    snprintf(params, sizeof params, "{\"a\":%llu,\"b\":%llu}", (unsigned long long)i,
             (unsigned long long)(i * 3 + 1));
    snprintf(result, sizeof result, "%llu", (unsigned long long)(i * 4 + 1));
    data(&b, &client, true, buf,
         sim_capture_rpc_request(&b.r.rng, "math.add", params, buf, sizeof buf, cid));
    b.t += 400;
    data(&b, &daemon, false, buf, sim_capture_rpc_success(&b.r.rng, cid, result, buf, sizeof buf));
    if (i % 50 == 49)
      data(&b, &daemon, false, buf,
           sim_capture_rpc_event(&b.r.rng, "progress", "{\"pct\":50}", buf, sizeof buf));
    if (b.frames % 1000 >= 997) { /* keepalive */
      uint8_t ping[32];
      size_t pl = 0;
      if (sb_sbrp_ping_encode(SB_SBRP_PING, cid, 8, ping, sizeof ping, &pl) == 0) out(&b, true, ping, pl);
      if (sb_sbrp_ping_encode(SB_SBRP_PONG, cid, 8, ping, sizeof ping, &pl) == 0) out(&b, false, ping, pl);
    }
  }
  if (!b.err && sim_pcap_ws_close(&b.ws, true, 1000, b.t) != 0) b.err = 1;
  sb_sbrp_session_wipe(&client);
  sb_sbrp_session_wipe(&daemon);
  sb_sbrp_handshake_wipe(&keys, sizeof keys);
  if (sim_pcap_close(&b.pcap) != 0 || b.err) {
    fprintf(stderr, "sbconf capture bulk: write error\n");
    return SBCONF_EXIT_INTERNAL;
  }
  return SBCONF_EXIT_PASS;
}
