/*
 * `sbconf capture demo`: a realistic capture made with the reference.
 *
 * Nodes (addresses as pcap.h assigns them): 1 relay (port 8080), 2 daemon
 * (also serving plain SBP on port 8787), 3 client A, 4 client B, 5 client C.
 *
 *   daemon connects to the relay (presence token in the URL query), Ping/Pong
 *   client A connects (session token with its sid in the URL query):
 *     SBRP HandshakeInit/Accept through the relay, inner SBP handshake in
 *     Data, RPC calls (success, RpcError, method not found), an event,
 *     SBP Ping/Pong inside the channel
 *   client B connects negotiating the sbrp.v1 subprotocol: handshake, two
 *     calls answered out of order
 *   the relay pings the daemon; the daemon's connection drops: session_paused
 *     to both clients; the daemon reconnects: session_pending; Signal(ready)
 *     for A -> session_resumed; Signal(close, state_lost) for B ->
 *     session_expired (terminal, with text) and the relay closes B
 *   A calls again on the resumed session; then A sends a Data frame whose tag
 *     was corrupted: the daemon cannot open it and sends Signal(close, error),
 *     the relay sends session_expired to A and closes it
 *   client C talks plain SBP (no relay, no encryption) to the daemon:
 *     handshake, call, event, an ErrorFrame for a reserved subject, an Ack,
 *     Close
 * Every session's traffic keys go to the key log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "auth/token.h"
#include "capture.h"
#include "common/error.h"
#include "keylog.h"
#include "pcap.h"
#include "rpc/envelope.h"
#include "sbconf.h"
#include "sbp/frame.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sbrp/session.h"
#include "sbrp/validate.h"

enum { NODE_RELAY = 1, NODE_DAEMON = 2, NODE_A = 3, NODE_B = 4, NODE_C = 5 };

#define DEMO_DID "d_demo01"
#define DEMO_ISSUER "https://cp.sideband.example"
#define BUF_CAP 8192

typedef struct demo {
  sim_pcap pcap;
  sim_capture_rng r;
  uint64_t t; /* virtual time, microseconds since the epoch */
  sim_keylog kl;
  sb_sbrp_identity id;
  sb_auth_signing_key cp; /* the control plane's token key */
  sim_pcap_ws *daemon_ws; /* the daemon's current relay connection */
  const char *fail;       /* first failure, for the message */
} demo;

typedef struct demo_session {
  uint64_t sid;
  sim_pcap_ws ws; /* the client's relay connection */
  sb_sbrp_session client, daemon;
} demo_session;

static void step(demo *d, uint64_t us) { d->t += us; }

static void failed(demo *d, const char *what) {
  if (!d->fail) d->fail = what;
}

static int64_t now_ms(const demo *d) { return (int64_t)(d->t / 1000u); }

/* One WebSocket message on `ws` from its client side or its server side. */
static void ws_out(demo *d, sim_pcap_ws *ws, bool from_client, const uint8_t *m, size_t n) {
  if (d->fail) return;
  if (n == 0) { failed(d, "frame encoding"); return; }
  if (!sim_pcap_ws_send(ws, from_client, SIM_WS_BINARY, m, n, d->t)) failed(d, "write");
  step(d, 40);
}

/* What the relay (the reference's validation) does with a message from `sender`. */
static sb_sbrp_action relay_in(demo *d, const uint8_t *m, size_t n, sb_sbrp_sender sender,
                               sb_sbrp_verdict *v) {
  int rc = sb_sbrp_relay_validate(m, n, sender, v);
  step(d, 120);
  return rc == 0 ? v->action : SB_SBRP_ACTION_REJECT;
}

/* Client -> relay -> daemon. */
static void client_to_daemon(demo *d, demo_session *s, const uint8_t *m, size_t n) {
  sb_sbrp_verdict v;
  ws_out(d, &s->ws, true, m, n);
  if (relay_in(d, m, n, SB_SBRP_FROM_CLIENT, &v) != SB_SBRP_ACTION_FORWARD)
    failed(d, "relay refused a client frame");
  ws_out(d, d->daemon_ws, false, m, n);
}

/* Daemon -> relay -> client. */
static void daemon_to_client(demo *d, demo_session *s, const uint8_t *m, size_t n) {
  sb_sbrp_verdict v;
  ws_out(d, d->daemon_ws, true, m, n);
  if (relay_in(d, m, n, SB_SBRP_FROM_DAEMON, &v) != SB_SBRP_ACTION_FORWARD)
    failed(d, "relay refused a daemon frame");
  ws_out(d, &s->ws, false, m, n);
}

/* Open a Data frame with `rx` as the receiving endpoint does: 0 or the sb_err. */
static int endpoint_open(sb_sbrp_session *rx, const uint8_t *frame, size_t n) {
  sb_sbrp_frame f;
  uint8_t pt[BUF_CAP];
  size_t pt_len = 0;
  int rc = sb_sbrp_frame_decode(frame, n, &f);
  if (rc == 0) rc = sb_sbrp_session_open(rx, &f, pt, sizeof pt, &pt_len, NULL);
  if (rc == 0) {
    sb_sbp_frame sf;
    rc = sb_sbp_frame_decode(pt, pt_len, &sf);
  }
  return rc;
}

/* One SBP frame, encrypted by the client, through the relay, opened by the daemon. */
static void client_data(demo *d, demo_session *s, const uint8_t *pt, size_t n) {
  uint8_t frame[BUF_CAP + 64];
  size_t len = 0;
  if (d->fail) return;
  if (n == 0 || sb_sbrp_session_seal(&s->client, pt, n, frame, sizeof frame, &len) != 0)
    { failed(d, "client seal"); return; }
  client_to_daemon(d, s, frame, len);
  if (endpoint_open(&s->daemon, frame, len) != 0) failed(d, "daemon open");
}

static void daemon_data(demo *d, demo_session *s, const uint8_t *pt, size_t n) {
  uint8_t frame[BUF_CAP + 64];
  size_t len = 0;
  if (d->fail) return;
  if (n == 0 || sb_sbrp_session_seal(&s->daemon, pt, n, frame, sizeof frame, &len) != 0)
    { failed(d, "daemon seal"); return; }
  daemon_to_client(d, s, frame, len);
  if (endpoint_open(&s->client, frame, len) != 0) failed(d, "client open");
}

/* A relay token for the URL query. */
static void mint(demo *d, sb_auth_role role, uint64_t sid, bool resume, char *out, size_t cap) {
  static const char *const aud[] = {SB_AUTH_AUDIENCE};
  static const char *const scp_client[] = {SB_AUTH_SCOPE_SESSION_CREATE};
  static const char *const scp_daemon[] = {SB_AUTH_SCOPE_SESSION_RESUME};
  int64_t now = (int64_t)(d->t / 1000000u);
  sb_auth_mint_claims c = {.iss = DEMO_ISSUER, .aud = aud, .aud_count = 1, .iat = now,
                           .exp = now + (role == SB_AUTH_ROLE_CLIENT ? 120 : 3600),
                           .ver = 1, .sub = "u_demo", .role = role, .did = DEMO_DID, .sid = sid};
  if (role == SB_AUTH_ROLE_CLIENT) {
    c.scp = scp_client;
    c.scp_count = 1;
  } else if (resume) {
    c.scp = scp_daemon;
    c.scp_count = 1;
  }
  size_t n = 0;
  if (sb_auth_token_mint(&c, "cp-2024-01", &d->cp, out, cap, &n) != 0) failed(d, "mint");
}

static void open_ws(demo *d, sim_pcap_ws *ws, unsigned node, uint16_t port, unsigned srv_node,
                    uint16_t srv_port, const char *target, const char *subprotocol) {
  sim_pcap_ws_options o = {.target = target, .subprotocol = subprotocol};
  if (d->fail) return;
  if (sim_pcap_ws_open(ws, &d->pcap, node, port, srv_node, srv_port, &o, &d->r.rng, d->t) != 0)
    failed(d, "open");
  step(d, 1000);
}

static void daemon_connect(demo *d, sim_pcap_ws *ws, uint16_t port, bool resume) {
  char token[2048], target[2200];
  mint(d, SB_AUTH_ROLE_DAEMON, 0, resume, token, sizeof token);
  snprintf(target, sizeof target, "/v1/daemon/listen?token=%s", token);
  open_ws(d, ws, NODE_DAEMON, port, NODE_RELAY, SIM_CAPTURE_RELAY_PORT, target, NULL);
  d->daemon_ws = ws;
}

/* Endpoint Ping to the relay and its Pong (SBRP-KA-001). */
static void keepalive(demo *d, sim_pcap_ws *ws, bool endpoint_pings) {
  uint8_t ping[32], pong[32], payload[8];
  size_t n = 0, m = 0;
  sb_sbrp_verdict v;
  for (int i = 0; i < 8; i++) payload[i] = (uint8_t)(d->t >> (56 - 8 * i));
  if (sb_sbrp_ping_encode(SB_SBRP_PING, payload, sizeof payload, ping, sizeof ping, &n) != 0)
    { failed(d, "ping"); return; }
  if (endpoint_pings) {
    ws_out(d, ws, true, ping, n);
    if (relay_in(d, ping, n, SB_SBRP_FROM_DAEMON, &v) != SB_SBRP_ACTION_PONG ||
        sb_sbrp_relay_pong(&v, pong, sizeof pong, &m) != 0)
      { failed(d, "pong"); return; }
    ws_out(d, ws, false, pong, m);
  } else { /* relay pings, the daemon answers (SBRP-KA-003/004) */
    ws_out(d, ws, false, ping, n);
    if (sb_sbrp_ping_encode(SB_SBRP_PONG, payload, sizeof payload, pong, sizeof pong, &m) != 0)
      { failed(d, "pong"); return; }
    step(d, 200);
    ws_out(d, ws, true, pong, m);
  }
}

static void relay_control(demo *d, sim_pcap_ws *ws, uint16_t code, uint64_t sid, const char *text) {
  uint8_t frame[256];
  size_t n = 0;
  if (sb_sbrp_control_build(code, sid, (const uint8_t *)text, text ? strlen(text) : 0, frame,
                            sizeof frame, &n) != 0)
    { failed(d, "control"); return; }
  ws_out(d, ws, false, frame, n);
}

/* A daemon Signal for `s`, consumed by the relay; returns the code it notifies the client with. */
static uint16_t daemon_signal(demo *d, demo_session *s, uint8_t code, uint8_t reason) {
  uint8_t frame[32];
  size_t n = 0;
  sb_sbrp_verdict v;
  if (sb_sbrp_signal_encode(s->sid, code, reason, frame, sizeof frame, &n) != 0) {
    failed(d, "signal");
    return 0;
  }
  ws_out(d, d->daemon_ws, true, frame, n);
  if (relay_in(d, frame, n, SB_SBRP_FROM_DAEMON, &v) != SB_SBRP_ACTION_CONSUME) failed(d, "signal");
  return v.notify_code;
}

static void client_connect(demo *d, demo_session *s, unsigned node, uint16_t port, uint64_t sid,
                           const char *subprotocol, const char *peer_id) {
  char token[2048], target[2200];
  uint8_t init[256], accept[256], buf[BUF_CAP];
  size_t ilen = 0, alen = 0, n;
  sb_sbrp_session_keys keys;
  s->sid = sid;
  mint(d, SB_AUTH_ROLE_CLIENT, sid, false, token, sizeof token);
  snprintf(target, sizeof target, "/v1/connect?token=%s", token);
  open_ws(d, &s->ws, node, port, NODE_RELAY, SIM_CAPTURE_RELAY_PORT, target, subprotocol);
  if (d->fail) return;
  if (sim_capture_handshake(&d->r.rng, &d->id, DEMO_DID, sid, init, &ilen, accept, &alen,
                            &s->client, &s->daemon, &keys) != 0)
    { failed(d, "handshake"); return; }
  if (sim_keylog_add_session(&d->kl, sid, &keys) != 0 && d->kl.f) failed(d, "key log");
  sb_sbrp_handshake_wipe(&keys, sizeof keys);
  client_to_daemon(d, s, init, ilen);
  step(d, 900); /* the daemon signs and derives */
  daemon_to_client(d, s, accept, alen);
  step(d, 300);
  /* SBRP-CRYPTO-026: the SBP handshake inside Data, both directions. */
  n = sim_capture_sbp_handshake(&d->r.rng, peer_id, now_ms(d), buf, sizeof buf);
  if (!n) { failed(d, "sbp handshake"); return; }
  client_data(d, s, buf, n);
  step(d, 200);
  n = sim_capture_sbp_handshake(&d->r.rng, "daemon-" DEMO_DID, now_ms(d), buf, sizeof buf);
  if (!n) { failed(d, "sbp handshake"); return; }
  daemon_data(d, s, buf, n);
  step(d, 500);
}

static void request(demo *d, demo_session *s, const char *method, const char *params,
                    uint8_t cid[16]) {
  uint8_t buf[BUF_CAP];
  size_t n = sim_capture_rpc_request(&d->r.rng, method, params, buf, sizeof buf, cid);
  if (!n) { failed(d, "request"); return; }
  client_data(d, s, buf, n);
}

static void success(demo *d, demo_session *s, const uint8_t cid[16], const char *result) {
  uint8_t buf[BUF_CAP];
  size_t n = sim_capture_rpc_success(&d->r.rng, cid, result, buf, sizeof buf);
  if (!n) { failed(d, "success"); return; }
  daemon_data(d, s, buf, n);
}

static void rpc_error(demo *d, demo_session *s, const uint8_t cid[16], double code,
                      const char *message, const char *data) {
  uint8_t buf[BUF_CAP];
  size_t n = sim_capture_rpc_error(&d->r.rng, cid, code, message, data, buf, sizeof buf);
  if (!n) { failed(d, "rpc error"); return; }
  daemon_data(d, s, buf, n);
}

static void event(demo *d, demo_session *s, const char *name, const char *data) {
  uint8_t buf[BUF_CAP];
  size_t n = sim_capture_rpc_event(&d->r.rng, name, data, buf, sizeof buf);
  if (!n) { failed(d, "event"); return; }
  daemon_data(d, s, buf, n);
}

/* A call answered after `handler_us`. */
static void call(demo *d, demo_session *s, const char *method, const char *params,
                 uint64_t handler_us, const char *result) {
  uint8_t cid[16];
  request(d, s, method, params, cid);
  step(d, handler_us);
  success(d, s, cid, result);
  step(d, 2000);
}

static void scene_client_a(demo *d, demo_session *a) {
  uint8_t cid[16], buf[BUF_CAP];
  client_connect(d, a, NODE_A, 50001, 0x5a17c0de00000001ull, NULL, "client-a");
  call(d, a, "system.info", NULL, 1800,
       "{\"name\":\"sbconf-demo-daemon\",\"version\":\"1.4.2\",\"uptimeMs\":86400000,"
       "\"capabilities\":[\"rpc\",\"events\"]}");
  call(d, a, "math.add", "{\"a\":2,\"b\":40}", 650, "42");
  request(d, a, "fs.read", "{\"path\":\"/etc/shadow\"}", cid);
  step(d, 3100);
  rpc_error(d, a, cid, 2001, "permission denied", "{\"path\":\"/etc/shadow\",\"errno\":13}");
  step(d, 2000);
  request(d, a, "debug.crash", NULL, cid);
  step(d, 400);
  rpc_error(d, a, cid, 1101, "Method not found: debug.crash", NULL);
  step(d, 5000);
  event(d, a, "task.completed", "{\"taskId\":\"t-1042\",\"durationMs\":342,\"ok\":true}");
  step(d, 3000);
  /* SBP keepalive inside the encrypted channel (SBP-CTL-006), with timestamps. */
  size_t n = sim_capture_sbp_control(&d->r.rng, SB_SBP_OP_PING, NULL, now_ms(d), buf, sizeof buf);
  if (!n) { failed(d, "sbp ping"); return; }
  client_data(d, a, buf, n);
  step(d, 300);
  n = sim_capture_sbp_control(&d->r.rng, SB_SBP_OP_PONG, NULL, now_ms(d), buf, sizeof buf);
  if (!n) { failed(d, "sbp pong"); return; }
  daemon_data(d, a, buf, n);
  step(d, 50000);
}

static void scene_client_b(demo *d, demo_session *b) {
  uint8_t slow[16], fast[16];
  client_connect(d, b, NODE_B, 50002, 0x5a17c0de00000002ull, SIM_CAPTURE_SBRP_SUBPROTOCOL,
                 "client-b");
  call(d, b, "math.add", "{\"a\":1,\"b\":2}", 500, "3");
  /* Two calls in flight, answered out of order (RPC-CID-005). */
  request(d, b, "slow.echo", "{\"text\":\"hello\",\"delayMs\":25}", slow);
  step(d, 700);
  request(d, b, "math.mul", "{\"a\":6,\"b\":7}", fast);
  step(d, 900);
  success(d, b, fast, "42");
  step(d, 24000);
  success(d, b, slow, "{\"text\":\"hello\"}");
  step(d, 60000);
}

/* The daemon's connection drops and comes back; A resumes, B's state is lost. */
static void scene_daemon_restart(demo *d, demo_session *a, demo_session *b, sim_pcap_ws *d2) {
  keepalive(d, d->daemon_ws, false);
  step(d, 100000);
  if (sim_pcap_ws_close(d->daemon_ws, true, 1001, d->t) != 0) failed(d, "close");
  step(d, 2000);
  relay_control(d, &a->ws, SB_SBRP_CTRL_SESSION_PAUSED, a->sid, NULL);
  relay_control(d, &b->ws, SB_SBRP_CTRL_SESSION_PAUSED, b->sid, NULL);
  step(d, 400000);
  daemon_connect(d, d2, 50010, true);
  relay_control(d, &a->ws, SB_SBRP_CTRL_SESSION_PENDING, a->sid, NULL);
  relay_control(d, &b->ws, SB_SBRP_CTRL_SESSION_PENDING, b->sid, NULL);
  step(d, 5000);
  uint16_t code = daemon_signal(d, a, SB_SBRP_SIGNAL_READY, SB_SBRP_REASON_NONE);
  relay_control(d, &a->ws, code, a->sid, NULL);
  step(d, 1000);
  code = daemon_signal(d, b, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_STATE_LOST);
  relay_control(d, &b->ws, code, b->sid, "Session closed by the daemon");
  if (sim_pcap_ws_close(&b->ws, false, 1000, d->t) != 0) failed(d, "close");
  step(d, 20000);
}

/* A calls on the resumed session, then sends a frame whose tag is corrupted. */
static void scene_bad_tag(demo *d, demo_session *a) {
  uint8_t buf[BUF_CAP], frame[BUF_CAP + 64], cid[16];
  size_t len = 0;
  call(d, a, "math.add", "{\"a\":20,\"b\":22}", 700, "42");
  size_t n = sim_capture_rpc_request(&d->r.rng, "fs.list", "{\"path\":\"/tmp\"}", buf,
                                     sizeof buf, cid);
  if (!n || sb_sbrp_session_seal(&a->client, buf, n, frame, sizeof frame, &len) != 0)
    { failed(d, "seal"); return; }
  frame[len - 5] ^= 0x40; /* a bit of the Poly1305 tag */
  client_to_daemon(d, a, frame, len);
  if (endpoint_open(&a->daemon, frame, len) != SB_ERR_SBRP_DECRYPT)
    failed(d, "corrupted frame opened");
  step(d, 300);
  /* decrypt_failed ends the session (SBRP-CRYPTO-024): the daemon closes it. */
  uint16_t code = daemon_signal(d, a, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_ERROR);
  relay_control(d, &a->ws, code, a->sid, NULL);
  if (sim_pcap_ws_close(&a->ws, false, 1000, d->t) != 0) failed(d, "close");
  step(d, 30000);
}

/* Plain SBP over WebSocket, client C to the daemon's own port (no relay, no SBRP). */
static void scene_plain_sbp(demo *d) {
  sim_pcap_ws c;
  uint8_t buf[BUF_CAP], cid[16], id[16];
  size_t n;
  open_ws(d, &c, NODE_C, 50020, NODE_DAEMON, SIM_CAPTURE_DIRECT_PORT, "/sbp", NULL);
  if (d->fail) return;
  n = sim_capture_sbp_handshake(&d->r.rng, "client-c", now_ms(d), buf, sizeof buf);
  ws_out(d, &c, true, buf, n);
  step(d, 300);
  n = sim_capture_sbp_handshake(&d->r.rng, "daemon-" DEMO_DID, now_ms(d), buf, sizeof buf);
  ws_out(d, &c, false, buf, n);
  step(d, 500);
  n = sim_capture_rpc_request(&d->r.rng, "system.info", NULL, buf, sizeof buf, cid);
  ws_out(d, &c, true, buf, n);
  step(d, 1200);
  n = sim_capture_rpc_success(&d->r.rng, cid, "{\"name\":\"sbconf-demo-daemon\",\"direct\":true}",
                              buf, sizeof buf);
  ws_out(d, &c, false, buf, n);
  step(d, 4000);
  n = sim_capture_rpc_event(&d->r.rng, "sensor.temperature", "{\"celsius\":21.5}", buf, sizeof buf);
  ws_out(d, &c, false, buf, n);
  step(d, 2000);
  /* A Message on the reserved subject `stream`: ErrorFrame 1003 with its id (SBP-SUBJ-006). */
  n = sim_capture_sbp_message(&d->r.rng, "stream", (const uint8_t *)"x", 1, -1, buf, sizeof buf, id);
  ws_out(d, &c, true, buf, n);
  step(d, 300);
  n = sim_capture_sbp_error(&d->r.rng, id, 1003, "Unsupported feature: stream", buf, sizeof buf);
  ws_out(d, &c, false, buf, n);
  step(d, 300);
  n = sim_capture_sbp_message(&d->r.rng, "app/telemetry", (const uint8_t *)"\x01\x02\x03", 3,
                              now_ms(d), buf, sizeof buf, id);
  ws_out(d, &c, true, buf, n);
  step(d, 200);
  n = sim_capture_sbp_ack(&d->r.rng, id, buf, sizeof buf);
  ws_out(d, &c, false, buf, n);
  step(d, 3000);
  n = sim_capture_sbp_control(&d->r.rng, SB_SBP_OP_CLOSE, "disconnect", -1, buf, sizeof buf);
  ws_out(d, &c, true, buf, n);
  if (sim_pcap_ws_close(&c, true, 1000, d->t) != 0) failed(d, "close");
  step(d, 10000);
}

int sim_capture_demo(const char *pcap_path, const char *keylog_path, uint64_t seed) {
  static demo d; /* large; not on the stack */
  static demo_session a, b;
  static sim_pcap_ws d1, d2;
  memset(&d, 0, sizeof d);
  sim_capture_rng_init(&d.r, seed);
  d.t = SIM_CAPTURE_EPOCH_US;
  uint8_t seed_bytes[32];
  if (sb_rng_bytes(&d.r.rng, seed_bytes, sizeof seed_bytes) != 0 ||
      sb_sbrp_handshake_identity_from_seed(seed_bytes, &d.id) != 0 ||
      sb_rng_bytes(&d.r.rng, seed_bytes, sizeof seed_bytes) != 0 ||
      sb_auth_signing_key_from_seed(&d.cp, seed_bytes) != 0) {
    fprintf(stderr, "sbconf capture demo: key generation failed\n");
    return SBCONF_EXIT_INTERNAL;
  }
  if (sim_pcap_open(&d.pcap, pcap_path) != 0) {
    fprintf(stderr, "sbconf capture demo: %s: cannot create: %s\n", pcap_path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  if (keylog_path && sim_keylog_open(&d.kl, keylog_path) != 0) {
    fprintf(stderr, "sbconf capture demo: %s: cannot create: %s\n", keylog_path, strerror(errno));
    sim_pcap_close(&d.pcap);
    return SBCONF_EXIT_NOT_FOUND;
  }
  daemon_connect(&d, &d1, 50000, false);
  keepalive(&d, &d1, true);
  step(&d, 100000);
  scene_client_a(&d, &a);
  scene_client_b(&d, &b);
  scene_daemon_restart(&d, &a, &b, &d2);
  scene_bad_tag(&d, &a);
  scene_plain_sbp(&d);
  if (!d.fail && sim_pcap_ws_close(d.daemon_ws, true, 1000, d.t) != 0) failed(&d, "close");
  sb_sbrp_session_wipe(&a.client);
  sb_sbrp_session_wipe(&a.daemon);
  sb_sbrp_session_wipe(&b.client);
  sb_sbrp_session_wipe(&b.daemon);
  int wrc = sim_pcap_close(&d.pcap);
  int krc = sim_keylog_close(&d.kl);
  if (d.fail) {
    fprintf(stderr, "sbconf capture demo: internal error: %s\n", d.fail);
    return SBCONF_EXIT_INTERNAL;
  }
  if (wrc || krc) {
    fprintf(stderr, "sbconf capture demo: write error\n");
    return SBCONF_EXIT_INTERNAL;
  }
  return SBCONF_EXIT_PASS;
}
