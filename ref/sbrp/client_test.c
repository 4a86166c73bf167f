/*
 * The client machine driven against the daemon machine in memory: a tiny
 * world with a fake clock and a trivial forwarder standing in for the relay
 * (client frames to the daemon, daemon frames to the client; Signals and
 * Pongs consumed). Control frames the relay would send are injected by the
 * tests. Transitions are checked row by row (sbrp.md 13.1; the daemon's
 * rows of 13.2 that the end-to-end runs pass through are checked too).
 */
#include "sbrp/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "common/bytes.h"
#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/daemon.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "test/sbt.h"
#include "test/script_rng.h"

#define DID "d_abc123"
#define CCONN 1
#define DCONN 2
#define MSG_MAX 512

/* ---- the world ------------------------------------------------------------ */

typedef struct trec {
  char machine[20], from[20], to[20], row[20], event[128];
  uint64_t sid;
} trec;

typedef struct nrec {
  char machine[20], what[40];
  int code;
} nrec;

typedef struct msg {
  int to_daemon;
  size_t len;
  uint8_t b[MSG_MAX];
} msg;

struct world;
typedef struct side {
  struct world *w;
  bool daemon;
} side;

typedef struct world {
  sb_time_us now;
  sb_sbrp_client c;
  sb_sbrp_daemon d;
  script_rng crng, drng;
  side cs, ds;
  bool relay_up;        /* the forwarder passes frames between the two */
  int flip_accept_at;   /* >= 0: xor 0x01 into this byte of HandshakeAccepts in flight */
  msg q[32];
  size_t qh, qn;
  trec tr[256];
  size_t ntr;
  nrec notes[256];
  size_t nnotes;
  int c_opens, d_opens;
  uint8_t c_got[MSG_MAX], d_got[MSG_MAX];
  size_t c_got_len, d_got_len;
  int c_deliveries, d_deliveries;
  uint8_t c_last[MSG_MAX], d_last[MSG_MAX], accept[MSG_MAX];
  size_t c_last_len, d_last_len, accept_len;
  int c_sends, d_sends;
  uint8_t consumed[MSG_MAX]; /* last Signal or Pong the "relay" took from the daemon */
  size_t consumed_len;
  int signals;
  uint16_t c_close_code, d_close_code;
  int c_closes, d_closes;
  uint8_t c_keys[64], d_keys[64];
  int c_nkeys, d_nkeys;
  sb_auth_signing_key cp;
  char token[1024];
} world;

static void copy_str(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static void enqueue(world *w, bool to_daemon, const uint8_t *b, size_t len) {
  bool room = w->qn < SB_ARRAY_LEN(w->q) && len <= MSG_MAX;
  SBT_CHECK(room, "queue room for %zu bytes", len);
  if (!room) return;
  msg *m = &w->q[(w->qh + w->qn++) % SB_ARRAY_LEN(w->q)];
  m->to_daemon = to_daemon;
  m->len = len;
  memcpy(m->b, b, len);
}

static void io_send(void *ctx, sb_sbrp_conn conn, const uint8_t *f, size_t len) {
  side *s = ctx;
  world *w = s->w;
  SBT_CHECK(len <= MSG_MAX, "frame of %zu bytes fits the test buffers", len);
  if (len > MSG_MAX) return;
  if (!s->daemon) {
    SBT_CHECK(conn == CCONN, "client sends on its connection");
    memcpy(w->c_last, f, len);
    w->c_last_len = len;
    w->c_sends++;
    if (w->relay_up && sb_sbrp_daemon_state_of(&w->d) == SB_SBRP_DAEMON_CONNECTED)
      enqueue(w, true, f, len);
    return;
  }
  SBT_CHECK(conn == DCONN, "daemon sends on its connection");
  memcpy(w->d_last, f, len);
  w->d_last_len = len;
  w->d_sends++;
  if (f[0] == SB_SBRP_SIGNAL || f[0] == SB_SBRP_PONG) {
    memcpy(w->consumed, f, len);
    w->consumed_len = len;
    w->signals += f[0] == SB_SBRP_SIGNAL;
    return;
  }
  if (f[0] == SB_SBRP_HANDSHAKE_ACCEPT) {
    memcpy(w->accept, f, len);
    w->accept_len = len;
  }
  if (w->relay_up && sb_sbrp_client_connection(&w->c) == CCONN) {
    uint8_t t[MSG_MAX];
    memcpy(t, f, len);
    if (f[0] == SB_SBRP_HANDSHAKE_ACCEPT && w->flip_accept_at >= 0 && (size_t)w->flip_accept_at < len)
      t[w->flip_accept_at] ^= 0x01;
    enqueue(w, false, t, len);
  }
}

static void io_open(void *ctx, const char *token) {
  side *s = ctx;
  (void)token;
  if (s->daemon)
    s->w->d_opens++;
  else
    s->w->c_opens++;
}

static void io_close(void *ctx, sb_sbrp_conn conn, uint16_t code) {
  side *s = ctx;
  (void)conn;
  if (s->daemon) {
    s->w->d_close_code = code;
    s->w->d_closes++;
  } else {
    s->w->c_close_code = code;
    s->w->c_closes++;
  }
}

static void io_deliver(void *ctx, uint64_t sid, const uint8_t *data, size_t len) {
  side *s = ctx;
  (void)sid;
  SBT_CHECK(len <= MSG_MAX, "delivery fits");
  if (len > MSG_MAX) return;
  if (s->daemon) {
    memcpy(s->w->d_got, data, len);
    s->w->d_got_len = len;
    s->w->d_deliveries++;
  } else {
    memcpy(s->w->c_got, data, len);
    s->w->c_got_len = len;
    s->w->c_deliveries++;
  }
}

static void io_transition(void *ctx, const sb_sbrp_transition *t) {
  world *w = ((side *)ctx)->w;
  if (w->ntr >= SB_ARRAY_LEN(w->tr)) return;
  trec *r = &w->tr[w->ntr++];
  copy_str(r->machine, sizeof r->machine, t->machine);
  copy_str(r->from, sizeof r->from, t->from);
  copy_str(r->to, sizeof r->to, t->to);
  copy_str(r->row, sizeof r->row, t->row);
  copy_str(r->event, sizeof r->event, t->event);
  r->sid = t->session_id;
}

static void io_note(void *ctx, const sb_sbrp_note *n) {
  world *w = ((side *)ctx)->w;
  if (w->nnotes >= SB_ARRAY_LEN(w->notes)) return;
  nrec *r = &w->notes[w->nnotes++];
  copy_str(r->machine, sizeof r->machine, n->machine);
  copy_str(r->what, sizeof r->what, n->what);
  r->code = n->code;
}

static void io_keys(void *ctx, uint64_t sid, const uint8_t c2d[32], const uint8_t d2c[32]) {
  side *s = ctx;
  (void)sid;
  uint8_t *k = s->daemon ? s->w->d_keys : s->w->c_keys;
  memcpy(k, c2d, 32);
  memcpy(k + 32, d2c, 32);
  if (s->daemon)
    s->w->d_nkeys++;
  else
    s->w->c_nkeys++;
}

typedef struct setup {
  sb_sbrp_trust trust;
  bool accept_first, accept_change;
  bool resumable;
  const char *did;
  size_t did_len;
  uint8_t identity_seed[32];
} setup;

static setup default_setup(void) {
  setup s;
  memset(&s, 0, sizeof s);
  s.trust = SB_SBRP_TRUST_AUTO;
  s.resumable = true;
  s.did = DID;
  s.did_len = strlen(DID);
  for (int i = 0; i < 32; i++) s.identity_seed[i] = (uint8_t)i;
  return s;
}

static world *world_new(const setup *su) {
  world *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->cs = (side){w, false};
  w->ds = (side){w, true};
  w->relay_up = true;
  w->flip_accept_at = -1;
  sb_xoshiro_seed(&w->crng.x, 1);
  sb_xoshiro_seed(&w->drng.x, 2);
  sb_rng crng = {script_fill, &w->crng}, drng = {script_fill, &w->drng};
  sb_sbrp_io cio = {&w->cs, io_send, io_open, io_close, io_deliver, io_transition, io_note,
                    io_keys, NULL};
  sb_sbrp_io dio = cio;
  dio.ctx = &w->ds;
  sb_sbrp_client_config cc;
  memset(&cc, 0, sizeof cc);
  cc.daemon_id = (const uint8_t *)su->did;
  cc.daemon_id_len = su->did_len;
  cc.trust = su->trust;
  cc.prompt_accept_first = su->accept_first;
  cc.prompt_accept_change = su->accept_change;
  sb_sbrp_daemon_config dc;
  memset(&dc, 0, sizeof dc);
  dc.daemon_id = (const uint8_t *)su->did;
  dc.daemon_id_len = su->did_len;
  memcpy(dc.identity_seed, su->identity_seed, 32);
  dc.resumable = su->resumable;
  uint8_t cp_seed[32];
  memset(cp_seed, 0x5c, sizeof cp_seed);
  SBT_OK(sb_auth_signing_key_from_seed(&w->cp, cp_seed));
  SBT_OK(sb_sbrp_client_init(&w->c, &cc, &cio, &crng));
  SBT_OK(sb_sbrp_daemon_init(&w->d, &dc, &dio, &drng));
  return w;
}

static const char *const aud_relay[] = {SB_AUTH_AUDIENCE};
static const char *const scp_create[] = {SB_AUTH_SCOPE_SESSION_CREATE};
static const char *const scp_resume[] = {SB_AUTH_SCOPE_SESSION_RESUME};

/* A session token for `sid` (or a presence token for `did` when sid is 0),
 * signed by the test control plane, in w->token. */
static const char *mint(world *w, uint64_t sid, const char *did) {
  sb_auth_mint_claims m;
  memset(&m, 0, sizeof m);
  m.iss = "https://cp.test";
  m.aud = aud_relay;
  m.aud_count = 1;
  m.iat = 1700000000;
  m.exp = m.iat + (sid ? 120 : 3600);
  m.role = sid ? SB_AUTH_ROLE_CLIENT : SB_AUTH_ROLE_DAEMON;
  m.sub = sid ? "u_alice" : did;
  m.did = did;
  m.sid = sid;
  m.scp = sid ? scp_create : scp_resume;
  m.scp_count = 1;
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(&m, "k1", &w->cp, w->token, sizeof w->token, &n));
  return w->token;
}

static void pump(world *w) {
  while (w->qn) {
    msg m = w->q[w->qh];
    w->qh = (w->qh + 1) % SB_ARRAY_LEN(w->q);
    w->qn--;
    if (m.to_daemon)
      SBT_OK(sb_sbrp_daemon_recv(&w->d, w->now, m.b, m.len));
    else
      SBT_OK(sb_sbrp_client_recv(&w->c, w->now, m.b, m.len));
  }
}

static void daemon_up(world *w, const char *did) {
  SBT_OK(sb_sbrp_daemon_register(&w->d, w->now));
  SBT_OK(sb_sbrp_daemon_connect(&w->d, w->now, mint(w, 0, did)));
  SBT_OK(sb_sbrp_daemon_ws_open(&w->d, w->now, DCONN));
}

/* Idle -> Connecting -> Handshaking, then the forwarder runs the handshake. */
static void client_connect(world *w, uint64_t sid) {
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, sid, DID)));
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  pump(w);
}

/* Reconnecting -> Handshaking with a new token, then the handshake. */
static void client_reconnect(world *w, uint64_t sid) {
  SBT_OK(sb_sbrp_client_reconnect(&w->c, w->now, mint(w, sid, DID)));
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  pump(w);
}

/* A Control frame from the "relay" to the client. */
static void control_to_client(world *w, uint16_t code, uint64_t sid) {
  uint8_t f[64];
  size_t n = 0;
  SBT_OK(sb_sbrp_control_encode(sid, code, NULL, 0, f, sizeof f, &n));
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, f, n));
}

/* The next transition of `machine` after *cur must be from -> to by `row`
 * ("" for a transition no row lists). */
static void expect_tr(world *w, size_t *cur, const char *machine, const char *from,
                      const char *to, const char *row, int line) {
  while (*cur < w->ntr && strcmp(w->tr[*cur].machine, machine) != 0) (*cur)++;
  sbt_check(*cur < w->ntr, line, __FILE__, "a %s transition %s -> %s (%s) follows", machine, from,
            to, row);
  if (*cur >= w->ntr) return;
  const trec *t = &w->tr[(*cur)++];
  sbt_check(!strcmp(t->from, from) && !strcmp(t->to, to) && !strcmp(t->row, row), line, __FILE__,
            "%s: want %s -> %s [%s], got %s -> %s [%s] (%s)", machine, from, to, row, t->from,
            t->to, t->row, t->event);
}
#define EXPECT_TR(w, cur, m, f, t, r) expect_tr((w), (cur), (m), (f), (t), (r), __LINE__)

/* No further transition of `machine` after *cur. */
static void expect_no_tr(world *w, size_t cur, const char *machine, int line) {
  for (; cur < w->ntr; cur++)
    if (!strcmp(w->tr[cur].machine, machine)) {
      sbt_check(false, line, __FILE__, "no more %s transitions, got %s -> %s [%s]", machine,
                w->tr[cur].from, w->tr[cur].to, w->tr[cur].row);
      return;
    }
}
#define EXPECT_NO_TR(w, cur, m) expect_no_tr((w), (cur), (m), __LINE__)

/* Code of the last note `what` of the client, or 1 if there is none. */
static int note_code(const world *w, const char *what) {
  for (size_t i = w->nnotes; i-- > 0;)
    if (!strcmp(w->notes[i].what, what)) return w->notes[i].code;
  return 1;
}

static bool all_zero(const void *p, size_t n) { return sbt_all_zero(p, n); }

/* Client connected and Active with the daemon (transitions left in the log). */
static world *active_world(const setup *su, uint64_t sid) {
  world *w = world_new(su);
  if (!w) return NULL;
  daemon_up(w, su->did);
  client_connect(w, sid);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "client Active");
  return w;
}

/* ---- tests ------------------------------------------------------------------ */

static void client_and_daemon_complete_a_handshake_and_exchange_data(void) {
  /* SBRP-SM-C-001, SBRP-SM-C-002, SBRP-SM-C-004 with SBRP-SM-D-001,
   * SBRP-SM-D-002, SBRP-SM-D-003, SBRP-SM-D-004. SBRP-WIRE-016: the
   * HandshakeInit carries the token's sid; SBRP-WIRE-017: the daemon keys
   * the session by it; SBRP-CRYPTO-001: the client's ephemeral is the first
   * 32 bytes of its rng; SBRP-CRYPTO-021/030: nonces carry the direction
   * and count from 0 per direction. */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  size_t cur = 0;
  daemon_up(w, DID);
  SBT_CHECK(w->d_opens == 1, "daemon asked to open the relay connection");
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, 0x1122334455667788u, DID)));
  SBT_CHECK(w->c_opens == 1, "client asked to open its WebSocket");
  SBT_EQ_U64(sb_sbrp_client_session_id(&w->c), 0x1122334455667788u);
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  /* HandshakeInit: 01 00000020 <sid> <X25519 public of the first 32 rng bytes> */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 1);
  sb_rng r = sb_xoshiro_rng(&x);
  sb_sbrp_ephemeral e;
  SBT_OK(sb_sbrp_handshake_ephemeral_generate(&r, &e));
  SBT_EQ_U64(w->c_last_len, 45);
  SBT_HEX_EQ(w->c_last, 13, "01000000201122334455667788");
  SBT_CHECK(memcmp(w->c_last + 13, e.pub, 32) == 0, "HandshakeInit carries the ephemeral");
  pump(w);
  EXPECT_TR(w, &cur, "daemon", "Idle", "Registered", "SBRP-SM-D-001");
  EXPECT_TR(w, &cur, "daemon", "Registered", "Connected", "SBRP-SM-D-002");
  size_t cc = 0;
  EXPECT_TR(w, &cc, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cc, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cc, "client", "Handshaking", "Active", "SBRP-SM-C-004");
  EXPECT_NO_TR(w, cc, "client");
  size_t sc = 0;
  EXPECT_TR(w, &sc, "daemon/session", "Connected", "Handshaking", "SBRP-SM-D-003");
  EXPECT_TR(w, &sc, "daemon/session", "Handshaking", "Active", "SBRP-SM-D-004");
  SBT_EQ_U64(w->tr[sc - 1].sid, 0x1122334455667788u);
  /* HandshakeAccept: 02 00000080 <sid> <identity public> ... */
  SBT_HEX_EQ(w->accept, 13, "02000000801122334455667788");
  SBT_CHECK(memcmp(w->accept + 13, w->d.identity.pub, 32) == 0, "accept carries the identity");
  SBT_CHECK(w->c_nkeys == 1 && w->d_nkeys == 1 && memcmp(w->c_keys, w->d_keys, 64) == 0,
            "both sides derived the same two keys");
  SBT_CHECK(all_zero(w->c.eph.priv, 32), "client ephemeral private key wiped (SBRP-CRYPTO-007)");
  /* Data both ways. */
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"hello", 5));
  SBT_HEX_EQ(w->c_last, 25, "03000000211122334455667788000000010000000000000000");
  pump(w);
  SBT_HEX_EQ(w->d_got, w->d_got_len, "68656c6c6f");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 0x1122334455667788u, (const uint8_t *)"world", 5));
  SBT_HEX_EQ(w->d_last, 25, "03000000211122334455667788000000020000000000000000");
  pump(w);
  SBT_HEX_EQ(w->c_got, w->c_got_len, "776f726c64");
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"", 0));
  SBT_HEX_EQ(w->c_last + 13, 12, "000000010000000000000001");
  pump(w);
  SBT_CHECK(w->d_deliveries == 2 && w->d_got_len == 0, "empty plaintext delivered");
  free(w);
}

static void upstream_machines_reproduce_the_upstream_handshake_and_data_frames(void) {
  /* SBRP-CRYPTO-002, SBRP-CRYPTO-005, SBRP-CRYPTO-006, SBRP-CRYPTO-021,
   * SBRP-CRYPTO-030: upstream-handshake.json handshakes, run through the two
   * machines with the upstream ephemerals: the HandshakeInit, the
   * HandshakeAccept, both keys and every Data frame byte for byte. The
   * values are counted where the primitives reproduce them
   * (handshake_test.c, aead_test.c), not again here. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *h;
  cJSON_ArrayForEach(h, sbt_get(doc, "handshakes")) {
    const cJSON *in = sbt_get(h, "inputs");
    const char *did = sbt_str(in, "daemon_id");
    if (!did) continue;
    setup su = default_setup();
    su.did = did;
    su.did_len = strlen(did);
    if (!sbt_unhex_exact(sbt_str(in, "identity_seed"), su.identity_seed, 32)) continue;
    world *w = world_new(&su);
    if (!w) break;
    w->crng.n = w->drng.n = 1;
    sbt_unhex_exact(sbt_str(in, "client_ephemeral_private"), w->crng.blocks[0], 32);
    sbt_unhex_exact(sbt_str(in, "daemon_ephemeral_private"), w->drng.blocks[0], 32);
    uint64_t sid = sbt_u64(sbt_str(in, "session_id"));
    daemon_up(w, did);
    SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, sid, did)));
    SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
    SBT_HEX_EQ(w->c_last, w->c_last_len, sbt_str(h, "handshake_init_frame"));
    pump(w);
    SBT_HEX_EQ(w->accept, w->accept_len, sbt_str(h, "handshake_accept_frame"));
    SBT_HEX_EQ(w->c_keys, 32, sbt_str(h, "client_to_daemon_key"));
    SBT_HEX_EQ(w->c_keys + 32, 32, sbt_str(h, "daemon_to_client_key"));
    SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "Active");
    static const char *const lists[] = {"data_client_to_daemon", "data_daemon_to_client"};
    for (int l = 0; l < 2; l++) {
      const cJSON *e;
      cJSON_ArrayForEach(e, sbt_get(h, lists[l])) {
        size_t n = 0;
        uint8_t *pt = sbt_unhex(sbt_str(e, "plaintext"), &n);
        /* Upstream set its send counter directly for the later frames. */
        uint64_t seq = sbt_u64(sbt_str(e, "seq"));
        sb_sbrp_session *tx = l == 0 ? &w->c.session
                                     : &((sb_sbrp_daemon_session *)sb_sbrp_daemon_session_get(
                                             &w->d, sid))->traffic;
        tx->send_next = seq;
        if (l == 0) {
          SBT_OK(sb_sbrp_client_send(&w->c, w->now, pt, n));
          SBT_HEX_EQ(w->c_last, w->c_last_len, sbt_str(e, "frame"));
          pump(w);
          SBT_HEX_EQ(w->d_got, w->d_got_len, sbt_str(e, "decrypted_by_peer"));
        } else {
          SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, sid, pt, n));
          SBT_HEX_EQ(w->d_last, w->d_last_len, sbt_str(e, "frame"));
          pump(w);
          SBT_HEX_EQ(w->c_got, w->c_got_len, sbt_str(e, "decrypted_by_peer"));
        }
        free(pt);
      }
    }
    free(w);
  }
  cJSON_Delete(doc);
}

static void tofu_auto_pins_after_success_and_repins_silently(void) {
  /* SBRP-SM-C-004 under `auto`: first use pins silently, but only after
   * the handshake succeeded (SBRP-TOFU-002): a bad signature leaves no pin
   * (SBRP-SM-C-007). A changed key is re-pinned silently (TOFR, errata I-12). */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  daemon_up(w, DID);
  w->flip_accept_at = 13 + 64 + 5; /* a signature byte */
  client_connect(w, 7);
  size_t cur = 0;
  EXPECT_TR(w, &cur, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cur, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-007");
  SBT_ERR_EQ(note_code(w, "handshake_failed"), SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_CHECK(!sb_sbrp_client_get_pin(&w->c, NULL), "nothing pinned after a failed handshake");
  SBT_CHECK(w->c_close_code == 1002, "closed with 1002, got %u", w->c_close_code);
  free(w);

  w = active_world(&su, 8);
  if (!w) return;
  uint8_t pin[32];
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, pin) && memcmp(pin, w->d.identity.pub, 32) == 0,
            "auto pinned the daemon's key");
  SBT_EQ_U64(note_code(w, "tofu_first_use"), 0);
  SBT_OK(sb_sbrp_client_close(&w->c, w->now));
  free(w);

  /* Key change under auto: re-pinned. */
  w = world_new(&su);
  if (!w) return;
  uint8_t other[32];
  memset(other, 0xab, sizeof other);
  sb_sbrp_client_set_pin(&w->c, other);
  daemon_up(w, DID);
  client_connect(w, 9);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "auto accepts a new key");
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, pin) && memcmp(pin, w->d.identity.pub, 32) == 0,
            "re-pinned");
  SBT_EQ_U64(note_code(w, "tofu_repin_auto"), 0);
  free(w);
}

static void tofu_prompt_follows_the_users_answers(void) {
  /* SBRP-TOFU-004, SBRP-SM-C-006, SBRP-SM-C-007 under `prompt`: first use
   * refused -> handshake_failed; accepted -> pinned. Key change refused ->
   * identity_key_changed with both fingerprints, pin kept; approved ->
   * re-pinned after the handshake. */
  setup su = default_setup();
  su.trust = SB_SBRP_TRUST_PROMPT;
  world *w = world_new(&su);
  if (!w) return;
  daemon_up(w, DID);
  size_t cur = w->ntr;
  client_connect(w, 11);
  EXPECT_TR(w, &cur, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cur, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-007");
  SBT_ERR_EQ(note_code(w, "handshake_failed"), SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_CHECK(w->c_close_code == 1008, "refused identity: 1008");
  SBT_CHECK(!sb_sbrp_client_get_pin(&w->c, NULL), "no pin");
  free(w);

  su.accept_first = true;
  w = active_world(&su, 12);
  if (!w) return;
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, NULL), "pinned after the approved first use");
  free(w);

  /* Changed key, refused. */
  su.accept_first = false;
  w = world_new(&su);
  if (!w) return;
  uint8_t other[32], pin[32];
  memset(other, 0xcd, sizeof other);
  sb_sbrp_client_set_pin(&w->c, other);
  daemon_up(w, DID);
  client_connect(w, 13);
  cur = 0;
  EXPECT_TR(w, &cur, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cur, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-006");
  SBT_ERR_EQ(note_code(w, "identity_key_changed"), SB_ERR_SBRP_IDENTITY_CHANGED);
  SBT_CHECK(strncmp(w->c.text, "pinned SHA256:", 14) == 0 && strstr(w->c.text, "received SHA256:"),
            "both fingerprints shown: %s", w->c.text);
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, pin) && memcmp(pin, other, 32) == 0, "pin kept");
  SBT_CHECK(all_zero(w->c.eph.priv, 32), "ephemerals discarded");
  free(w);

  /* Changed key, approved. */
  su.accept_change = true;
  w = world_new(&su);
  if (!w) return;
  sb_sbrp_client_set_pin(&w->c, other);
  daemon_up(w, DID);
  client_connect(w, 14);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "approved change");
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, pin) && memcmp(pin, w->d.identity.pub, 32) == 0,
            "re-pinned");
  SBT_EQ_U64(note_code(w, "tofu_repin_approved"), 0);
  free(w);
}

static void tofu_pinned_only_refuses_unknown_and_changed_keys(void) {
  /* SBRP-TOFU-004, SBRP-SM-C-006, SBRP-SM-C-007, SBRP-CRYPTO-004 under
   * `pinned-only`: no pin -> handshake_failed; pin equal -> Active, the
   * signature verified with the pin; pin different -> identity_key_changed. */
  setup su = default_setup();
  su.trust = SB_SBRP_TRUST_PINNED_ONLY;
  world *w = world_new(&su);
  if (!w) return;
  daemon_up(w, DID);
  size_t cur = w->ntr;
  client_connect(w, 21);
  EXPECT_TR(w, &cur, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cur, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-007");
  free(w);

  w = world_new(&su);
  if (!w) return;
  sb_sbrp_client_set_pin(&w->c, w->d.identity.pub);
  daemon_up(w, DID);
  client_connect(w, 22);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "matching pin");
  free(w);

  w = world_new(&su);
  if (!w) return;
  uint8_t other[32], pin[32];
  memset(other, 0x42, sizeof other);
  sb_sbrp_client_set_pin(&w->c, other);
  daemon_up(w, DID);
  cur = w->ntr;
  client_connect(w, 23);
  EXPECT_TR(w, &cur, "client", "Idle", "Connecting", "SBRP-SM-C-001");
  EXPECT_TR(w, &cur, "client", "Connecting", "Handshaking", "SBRP-SM-C-002");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-006");
  SBT_CHECK(sb_sbrp_client_get_pin(&w->c, pin) && memcmp(pin, other, 32) == 0, "pin kept");
  SBT_CHECK(!strcmp(sb_sbrp_trust_name(SB_SBRP_TRUST_PINNED_ONLY), "pinned-only") &&
                !strcmp(sb_sbrp_trust_name(SB_SBRP_TRUST_PROMPT), "prompt") &&
                !strcmp(sb_sbrp_trust_name(SB_SBRP_TRUST_AUTO), "auto") &&
                sb_sbrp_trust_name((sb_sbrp_trust)7) == NULL,
            "policy names");
  free(w);
}

static void handshake_deadline_closes_the_client_after_30_s(void) {
  /* SBRP-SM-C-018, SBRP-CRYPTO-008: no HandshakeAccept (the daemon is not
   * reachable): the deadline is ws_open + 30 s; nothing happens a
   * microsecond before it; at it the client closes with handshake_timeout. */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  w->relay_up = false;
  w->now = SB_TIME_S(5);
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, 31, DID)));
  SBT_EQ_U64(sb_sbrp_client_deadline(&w->c), SB_SBRP_NO_DEADLINE);
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  SBT_EQ_U64(sb_sbrp_client_deadline(&w->c), SB_TIME_S(35));
  SBT_OK(sb_sbrp_client_timeout(&w->c, SB_TIME_S(35) - 1));
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_HANDSHAKING, "still Handshaking");
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_client_timeout(&w->c, SB_TIME_S(35)));
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-018");
  SBT_ERR_EQ(note_code(w, "handshake_timeout"), SB_ERR_SBRP_HANDSHAKE_TIMEOUT);
  SBT_CHECK(w->c_closes == 1 && w->c_close_code == 1000, "client closed its WebSocket");
  SBT_EQ_U64(sb_sbrp_client_deadline(&w->c), SB_SBRP_NO_DEADLINE);
  SBT_CHECK(all_zero(&w->c.eph, sizeof w->c.eph), "ephemerals wiped");
  free(w);
}

static void daemon_offline_then_reconnect_with_a_new_sid_and_new_ephemerals(void) {
  /* SBRP-SM-C-005: Control(daemon_offline, S) before the handshake ->
   * Reconnecting; SBRP-SM-C-015 with SBRP-RES-001 and AUTH-053: the new
   * token's sid, fresh ephemerals, counters from 0; then SBRP-SM-C-004. */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, 41, DID)));
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  uint8_t first_init[45];
  memcpy(first_init, w->c_last, sizeof first_init);
  size_t cur = w->ntr;
  control_to_client(w, SB_SBRP_CTRL_DAEMON_OFFLINE, 41);
  EXPECT_TR(w, &cur, "client", "Handshaking", "Reconnecting", "SBRP-SM-C-005");
  SBT_CHECK(w->c_closes == 0, "the relay closes after a terminal code, not the client");
  SBT_EQ_U64(sb_sbrp_client_connection(&w->c), SB_SBRP_NO_CONN);
  SBT_OK(sb_sbrp_client_ws_close(&w->c, w->now)); /* the relay's close arrives late: ignored */
  SBT_EQ_U64(note_code(w, "ws_close_ignored"), 0);
  SBT_ERR_EQ(sb_sbrp_client_ws_open(&w->c, w->now, CCONN), SB_ERR_STATE); /* nothing opened */
  daemon_up(w, DID);
  client_reconnect(w, 42);
  EXPECT_TR(w, &cur, "client", "Reconnecting", "Handshaking", "SBRP-SM-C-015");
  EXPECT_TR(w, &cur, "client", "Handshaking", "Active", "SBRP-SM-C-004");
  SBT_EQ_U64(sb_sbrp_client_session_id(&w->c), 42);
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"x", 1));
  SBT_HEX_EQ(w->c_last, 25, "030000001d000000000000002a000000010000000000000000");
  /* The second HandshakeInit (in the daemon's session table) used another ephemeral. */
  const sb_sbrp_daemon_session *s = sb_sbrp_daemon_session_get(&w->d, 42);
  SBT_CHECK(s && memcmp(s->client_eph_pub, first_init + 13, 32) != 0, "fresh ephemeral");
  SBT_HEX_EQ(first_init, 13, "0100000020" "0000000000000029");
  free(w);
}

static void transport_errors_close_the_client(void) {
  /* SBRP-SM-C-003 (ws_error while Connecting), SBRP-SM-C-016 (ws_error
   * while Reconnecting), SBRP-SM-C-010 (ws_close while Active). */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  SBT_ERR_EQ(sb_sbrp_client_ws_error(&w->c, w->now), SB_ERR_STATE);
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, 51, DID)));
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_client_ws_error(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Connecting", "Closed", "SBRP-SM-C-003");
  SBT_ERR_EQ(sb_sbrp_client_connect(&w->c, w->now, w->token), SB_ERR_STATE);
  free(w);

  w = active_world(&su, 52);
  if (!w) return;
  cur = w->ntr;
  SBT_OK(sb_sbrp_client_ws_close(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Active", "Reconnecting", "SBRP-SM-C-010");
  SBT_CHECK(!w->c.have_session && all_zero(&w->c.session, sizeof w->c.session),
            "keys wiped (SBRP-CRYPTO-007)");
  SBT_OK(sb_sbrp_client_reconnect(&w->c, w->now, mint(w, 53, DID)));
  SBT_ERR_EQ(sb_sbrp_client_reconnect(&w->c, w->now, w->token), SB_ERR_STATE);
  SBT_OK(sb_sbrp_client_ws_error(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Reconnecting", "Closed", "SBRP-SM-C-016");
  free(w);
}

static void pause_pending_resume_keeps_keys_and_counters(void) {
  /* SBRP-SM-C-008, SBRP-SM-C-011, SBRP-SM-C-013 on the client with
   * SBRP-SM-D-006, SBRP-SM-D-007, SBRP-SM-D-009 on the daemon: the daemon
   * drops and comes back within grace; Signal(ready, none) (SBRP-SIG-002,
   * SBRP-RES-004); sends are refused while suspended (SBRP-CRYPTO-009);
   * afterwards both directions continue their counters and windows
   * (SBRP-RES-006, SBRP-CRYPTO-033). */
  setup su = default_setup();
  world *w = active_world(&su, 61);
  if (!w) return;
  size_t cc = w->ntr, dc = w->ntr, sc = w->ntr;
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"a", 1));
  pump(w);
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 61, (const uint8_t *)"b", 1));
  pump(w);
  /* The daemon's connection drops; the relay pauses the session. */
  w->now = SB_TIME_S(10);
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  EXPECT_TR(w, &dc, "daemon", "Connected", "Reconnecting", "SBRP-SM-D-006");
  EXPECT_TR(w, &sc, "daemon/session", "Active", "Reconnecting", "SBRP-SM-D-006");
  control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 61);
  EXPECT_TR(w, &cc, "client", "Active", "Paused", "SBRP-SM-C-008");
  SBT_ERR_EQ(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"c", 1), SB_ERR_STATE);
  /* It reconnects within grace: the relay says pending, the daemon signals. */
  w->now = SB_TIME_S(20);
  SBT_OK(sb_sbrp_daemon_reconnect(&w->d, w->now, mint(w, 0, DID)));
  SBT_OK(sb_sbrp_daemon_ws_open(&w->d, w->now, DCONN));
  EXPECT_TR(w, &dc, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-007");
  EXPECT_TR(w, &sc, "daemon/session", "Connected", "Active", "SBRP-SM-D-009");
  SBT_HEX_EQ(w->consumed, w->consumed_len, "0400000002000000000000003d0000");
  control_to_client(w, SB_SBRP_CTRL_SESSION_PENDING, 61);
  EXPECT_TR(w, &cc, "client", "Paused", "Pending", "SBRP-SM-C-011");
  SBT_ERR_EQ(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"c", 1), SB_ERR_STATE);
  control_to_client(w, SB_SBRP_CTRL_SESSION_RESUMED, 61);
  EXPECT_TR(w, &cc, "client", "Pending", "Active", "SBRP-SM-C-013");
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"c", 1));
  SBT_HEX_EQ(w->c_last + 13, 12, "000000010000000000000001");
  pump(w);
  SBT_HEX_EQ(w->d_got, w->d_got_len, "63");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 61, (const uint8_t *)"d", 1));
  SBT_HEX_EQ(w->d_last + 13, 12, "000000020000000000000001");
  pump(w);
  SBT_HEX_EQ(w->c_got, w->c_got_len, "64");
  SBT_CHECK(w->c_nkeys == 1 && w->d_nkeys == 1, "no new keys: the same session continues");
  EXPECT_NO_TR(w, cc, "client");
  free(w);
}

static void session_expired_reconnects_from_every_state(void) {
  /* SBRP-SM-C-009 (Active), SBRP-SM-C-012 (Paused), SBRP-SM-C-014
   * (Pending): session_expired -> Reconnecting for a full new handshake
   * (documents; upstream treats it as fatal: errata I-9); keys wiped. */
  static const struct {
    int steps; /* 0 Active, 1 Paused, 2 Pending */
    const char *from, *row;
  } cases[] = {{0, "Active", "SBRP-SM-C-009"},
               {1, "Paused", "SBRP-SM-C-012"},
               {2, "Pending", "SBRP-SM-C-014"}};
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    setup su = default_setup();
    world *w = active_world(&su, 70 + i);
    if (!w) return;
    if (cases[i].steps >= 1) control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 70 + i);
    if (cases[i].steps >= 2) control_to_client(w, SB_SBRP_CTRL_SESSION_PENDING, 70 + i);
    size_t cur = w->ntr;
    control_to_client(w, SB_SBRP_CTRL_SESSION_EXPIRED, 70 + i);
    EXPECT_TR(w, &cur, "client", cases[i].from, "Reconnecting", cases[i].row);
    SBT_CHECK(all_zero(&w->c.session, sizeof w->c.session), "keys wiped");
    SBT_CHECK(w->c_closes == 0, "the relay closes the connection (T)");
    free(w);
  }
}

static void decrypt_failure_closes_and_replays_are_dropped(void) {
  /* SBRP-CRYPTO-024: a Data frame that does not open closes the connection
   * (decrypt_failed, WebSocket 1002), handled as ws_close (SBRP-SM-C-010).
   * SBRP-REPLAY-005: a replayed frame is dropped with sequence_error and the
   * client stays Active (MAY close: it does not). */
  setup su = default_setup();
  world *w = active_world(&su, 81);
  if (!w) return;
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 81, (const uint8_t *)"one", 3));
  uint8_t frame[64];
  size_t n = w->d_last_len;
  memcpy(frame, w->d_last, n);
  pump(w);
  SBT_CHECK(w->c_deliveries == 1, "delivered once");
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, frame, n));
  SBT_CHECK(w->c_deliveries == 1, "replay not delivered");
  SBT_ERR_EQ(note_code(w, "sequence_error"), SB_ERR_SBRP_REPLAY);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "still Active");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 81, (const uint8_t *)"two", 3));
  memcpy(frame, w->d_last, w->d_last_len);
  frame[w->d_last_len - 1] ^= 0x80; /* the tag */
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, frame, w->d_last_len));
  EXPECT_TR(w, &cur, "client", "Active", "Reconnecting", "SBRP-SM-C-010");
  SBT_ERR_EQ(note_code(w, "decrypt_failed"), SB_ERR_SBRP_DECRYPT);
  SBT_CHECK(w->c_closes == 1 && w->c_close_code == 1002, "client closed with 1002");
  SBT_CHECK(w->c_deliveries == 1, "nothing delivered");
  free(w);
}

static void user_close_closes_and_wipes(void) {
  /* SBRP-SM-C-017, SBRP-CRYPTO-007: Active -> Closed, the client closes its
   * WebSocket with 1000, keys wiped; afterwards every input is refused. */
  setup su = default_setup();
  world *w = active_world(&su, 91);
  if (!w) return;
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_client_close(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Active", "Closed", "SBRP-SM-C-017");
  SBT_CHECK(w->c_closes == 1 && w->c_close_code == 1000, "closed with 1000");
  SBT_CHECK(all_zero(&w->c.session, sizeof w->c.session), "keys wiped");
  SBT_ERR_EQ(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"x", 1), SB_ERR_STATE);
  SBT_ERR_EQ(sb_sbrp_client_close(&w->c, w->now), SB_ERR_STATE);
  SBT_ERR_EQ(sb_sbrp_client_reconnect(&w->c, w->now, w->token), SB_ERR_STATE);
  SBT_STR_EQ(sb_sbrp_client_state_name(SB_SBRP_CLIENT_RECONNECTING), "Reconnecting");
  SBT_CHECK(sb_sbrp_client_state_name((sb_sbrp_client_state)99) == NULL, "unknown state");
  free(w);
}

static void controls_without_a_row_follow_the_decisions(void) {
  /* SBRP-CTRL-005: an unknown code is terminal -> Closed (1002). Terminal
   * codes without a row: retryable (backpressure) -> Reconnecting, fatal
   * (malformed_frame) -> Closed (upstream classify.ts). rate_limited is N:
   * nothing changes. Paused + session_resumed -> Active (O-2). A
   * non-terminal code for another SessionID is ignored (SBRP-CTRL-003). */
  setup su = default_setup();
  static const struct {
    uint16_t code;
    sb_sbrp_client_state want;
  } cases[] = {{0x0999, SB_SBRP_CLIENT_CLOSED},
               {SB_SBRP_CTRL_BACKPRESSURE, SB_SBRP_CLIENT_RECONNECTING},
               {SB_SBRP_CTRL_MALFORMED_FRAME, SB_SBRP_CLIENT_CLOSED},
               {SB_SBRP_CTRL_RATE_LIMITED, SB_SBRP_CLIENT_ACTIVE}};
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    world *w = active_world(&su, 100 + i);
    if (!w) return;
    uint8_t f[32];
    size_t n = 0;
    SBT_OK(sb_sbrp_frame_encode(SB_SBRP_CONTROL, 0, (const uint8_t[]){cases[i].code >> 8,
                                                                     cases[i].code & 0xff},
                                2, f, sizeof f, &n));
    SBT_OK(sb_sbrp_client_recv(&w->c, w->now, f, n));
    SBT_CHECK(sb_sbrp_client_state_of(&w->c) == cases[i].want, "code 0x%04x -> %s, got %s",
              cases[i].code, sb_sbrp_client_state_name(cases[i].want),
              sb_sbrp_client_state_name(sb_sbrp_client_state_of(&w->c)));
    if (i == 0) {
      SBT_ERR_EQ(note_code(w, "control_received"), SB_ERR_SBRP_CONTROL_UNKNOWN);
      SBT_CHECK(w->c_close_code == 1002, "fail-safe close 1002");
    }
    if (i < 3) SBT_CHECK(!strcmp(w->tr[w->ntr - 1].row, ""), "no row lists it");
    free(w);
  }
  world *w = active_world(&su, 110);
  if (!w) return;
  size_t cur = w->ntr;
  control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 999); /* another session */
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "ignored");
  SBT_EQ_U64(note_code(w, "control_scope"), 0);
  control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 110);
  control_to_client(w, SB_SBRP_CTRL_SESSION_RESUMED, 110);
  EXPECT_TR(w, &cur, "client", "Active", "Paused", "SBRP-SM-C-008");
  EXPECT_TR(w, &cur, "client", "Paused", "Active", "");
  control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 110);
  control_to_client(w, SB_SBRP_CTRL_SESSION_PENDING, 110);
  control_to_client(w, SB_SBRP_CTRL_SESSION_PAUSED, 110); /* the daemon dropped again (O-2) */
  EXPECT_TR(w, &cur, "client", "Active", "Paused", "SBRP-SM-C-008");
  EXPECT_TR(w, &cur, "client", "Paused", "Pending", "SBRP-SM-C-011");
  EXPECT_TR(w, &cur, "client", "Pending", "Paused", "");
  SBT_OK(sb_sbrp_client_ws_close(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Paused", "Reconnecting", "");
  free(w);
}

static void relay_pings_are_not_answered_by_the_client(void) {
  /* SBRP-KA-006 (sbrp.md O-11): the client skips relay Pings and Pongs. */
  setup su = default_setup();
  world *w = active_world(&su, 120);
  if (!w) return;
  int sends = w->c_sends;
  uint8_t f[32];
  size_t n = 0;
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PING, (const uint8_t *)"\x01\x02", 2, f, sizeof f, &n));
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, f, n));
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PONG, NULL, 0, f, sizeof f, &n));
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, f, n));
  SBT_CHECK(w->c_sends == sends, "nothing sent");
  SBT_EQ_U64(note_code(w, "ping_ignored"), 0);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_ACTIVE, "Active");
  free(w);
}

static void token_without_a_usable_sid_is_handshake_failed(void) {
  /* AUTH-060: the sid is read without verification; no usable sid ->
   * handshake_failed, Closed, nothing opened. SBRP-WIRE-016. */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  SBT_ERR_EQ(sb_sbrp_client_connect(&w->c, w->now, mint(w, 0, DID)), SB_ERR_AUTH_PEEK_SID);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_CLOSED && w->c_opens == 0,
            "Closed without opening");
  SBT_ERR_EQ(note_code(w, "handshake_failed"), SB_ERR_AUTH_PEEK_SID);
  free(w);
}

static void sends_need_active_and_stop_at_the_last_sequence_number(void) {
  /* SBRP-CRYPTO-009: no Data before Active; SBRP-CRYPTO-032: once the
   * counter is used up the client stops and ends the session for a new
   * handshake (the connection closes with 1000). */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  SBT_ERR_EQ(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"x", 1), SB_ERR_STATE);
  free(w);
  w = active_world(&su, 130);
  if (!w) return;
  w->c.session.send_next = SB_SBRP_SEQ_LAST;
  SBT_OK(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"x", 1));
  SBT_HEX_EQ(w->c_last + 13, 12, "00000001fffffffffffffffe");
  size_t cur = w->ntr;
  SBT_ERR_EQ(sb_sbrp_client_send(&w->c, w->now, (const uint8_t *)"y", 1),
             SB_ERR_SBRP_SEQ_EXHAUSTED);
  EXPECT_TR(w, &cur, "client", "Active", "Reconnecting", "");
  SBT_CHECK(w->c_close_code == 1000, "closed with 1000");
  free(w);
}

static void data_before_active_and_stray_frames_are_dropped(void) {
  /* SBRP-CRYPTO-009: Data while Handshaking is dropped; a HandshakeAccept
   * for another SessionID is dropped; recv before any connection is a
   * state error. */
  setup su = default_setup();
  world *w = world_new(&su);
  if (!w) return;
  uint8_t f[64];
  size_t n = 0;
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_DATA, 140, (const uint8_t[28]){0}, 28, f, sizeof f, &n));
  SBT_ERR_EQ(sb_sbrp_client_recv(&w->c, w->now, f, n), SB_ERR_STATE);
  w->relay_up = false;
  SBT_OK(sb_sbrp_client_connect(&w->c, w->now, mint(w, 140, DID)));
  SBT_OK(sb_sbrp_client_ws_open(&w->c, w->now, CCONN));
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, f, n));
  SBT_EQ_U64(note_code(w, "frame_dropped"), 0);
  uint8_t acc[SB_SBRP_HEADER_BYTES + 128];
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_HANDSHAKE_ACCEPT, 141, (const uint8_t[128]){0}, 128, acc,
                              sizeof acc, &n));
  w->nnotes = 0;
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, acc, n)); /* another SessionID */
  SBT_EQ_U64(note_code(w, "frame_dropped"), 0);
  SBT_OK(sb_sbrp_client_recv(&w->c, w->now, (const uint8_t *)"\x20", 1)); /* undecodable */
  SBT_ERR_EQ(note_code(w, "frame_dropped"), SB_ERR_SBRP_HEADER_SHORT);
  SBT_CHECK(sb_sbrp_client_state_of(&w->c) == SB_SBRP_CLIENT_HANDSHAKING, "still Handshaking");
  /* A closed connection before the accept is handshake_failed (C-007). */
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_client_ws_close(&w->c, w->now));
  EXPECT_TR(w, &cur, "client", "Handshaking", "Closed", "SBRP-SM-C-007");
  free(w);
}

static void session_ended_removes_the_daemon_side_of_the_session(void) {
  /* SBRP-SM-D-005 end to end: the client closes (SBRP-SM-C-017), the relay
   * tells the daemon session_ended; the daemon wipes the session. */
  setup su = default_setup();
  world *w = active_world(&su, 150);
  if (!w) return;
  SBT_OK(sb_sbrp_client_close(&w->c, w->now));
  uint8_t f[32];
  size_t n = 0, sc = w->ntr;
  SBT_OK(sb_sbrp_control_build(SB_SBRP_CTRL_SESSION_ENDED, 150, NULL, 0, f, sizeof f, &n));
  SBT_OK(sb_sbrp_daemon_recv(&w->d, w->now, f, n));
  EXPECT_TR(w, &sc, "daemon/session", "Active", "Idle (session)", "SBRP-SM-D-005");
  SBT_CHECK(sb_sbrp_daemon_session_get(&w->d, 150) == NULL, "session removed");
  free(w);
}

SBT_SUITE(sbrp_client, "sbrp/client",
          SBT_CASE(client_and_daemon_complete_a_handshake_and_exchange_data),
          SBT_CASE(upstream_machines_reproduce_the_upstream_handshake_and_data_frames),
          SBT_CASE(tofu_auto_pins_after_success_and_repins_silently),
          SBT_CASE(tofu_prompt_follows_the_users_answers),
          SBT_CASE(tofu_pinned_only_refuses_unknown_and_changed_keys),
          SBT_CASE(handshake_deadline_closes_the_client_after_30_s),
          SBT_CASE(daemon_offline_then_reconnect_with_a_new_sid_and_new_ephemerals),
          SBT_CASE(transport_errors_close_the_client),
          SBT_CASE(pause_pending_resume_keeps_keys_and_counters),
          SBT_CASE(session_expired_reconnects_from_every_state),
          SBT_CASE(decrypt_failure_closes_and_replays_are_dropped),
          SBT_CASE(user_close_closes_and_wipes),
          SBT_CASE(controls_without_a_row_follow_the_decisions),
          SBT_CASE(relay_pings_are_not_answered_by_the_client),
          SBT_CASE(token_without_a_usable_sid_is_handshake_failed),
          SBT_CASE(sends_need_active_and_stop_at_the_last_sequence_number),
          SBT_CASE(data_before_active_and_stray_frames_are_dropped),
          SBT_CASE(session_ended_removes_the_daemon_side_of_the_session))
