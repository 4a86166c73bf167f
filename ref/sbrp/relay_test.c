#include "sbrp/relay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "sbrp/session.h"
#include "test/sbt.h"

/* ---- fixture ----------------------------------------------------------------
 * The control plane's key: the RFC 8032 section 7.1 TEST 1 seed, kid "k1".
 * Unix time of the relay's now == 0 is EPOCH; tokens are issued at EPOCH. */

#define ISSUER "https://api.sideband.cloud"
#define EPOCH INT64_C(1700000000)
#define DID "d_abc123"
#define DID2 "d_other"

/* Connection numbers the test driver gives. */
enum { C1 = 1, C2 = 2, C3 = 3, C4 = 4, D1 = 10, D2 = 11, D3 = 12 };

static sb_auth_signing_key issuer_key, other_key;
static sb_sbrp_relay_config cfg;
static sb_sbrp_relay *relay;
static void *relay_mem;

/* ---- the fake driver: everything the relay does, in order -------------------- */

typedef enum { EV_SEND, EV_CLOSE, EV_TRANS, EV_NOTE } ev_kind;

typedef struct ev {
  ev_kind kind;
  sb_sbrp_conn conn;
  uint8_t bytes[256]; /* frame (first 256 bytes) */
  size_t len;
  uint16_t ws_code;
  uint64_t sid;
  char from[16], to[16], row[24], event[96], what[32];
  int err;
} ev;

#define LOG_MAX 512
static ev evlog[LOG_MAX];
static size_t nev;
static size_t queued[16]; /* io.queued per connection number */

static ev *push(ev_kind k) {
  SBT_CHECK(nev < LOG_MAX, "event log full");
  ev *e = &evlog[nev < LOG_MAX ? nev++ : LOG_MAX - 1];
  memset(e, 0, sizeof *e);
  e->kind = k;
  return e;
}

static void io_send(void *ctx, sb_sbrp_conn conn, const uint8_t *frame, size_t len) {
  (void)ctx;
  ev *e = push(EV_SEND);
  e->conn = conn;
  e->len = len;
  memcpy(e->bytes, frame, len < sizeof e->bytes ? len : sizeof e->bytes);
}

static void io_close(void *ctx, sb_sbrp_conn conn, uint16_t code) {
  (void)ctx;
  ev *e = push(EV_CLOSE);
  e->conn = conn;
  e->ws_code = code;
}

static void copy(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "-");
}

static void io_transition(void *ctx, const sb_sbrp_transition *t) {
  (void)ctx;
  ev *e = push(EV_TRANS);
  SBT_STR_EQ(t->machine, "relay/session");
  e->sid = t->session_id;
  copy(e->from, sizeof e->from, t->from);
  copy(e->to, sizeof e->to, t->to);
  copy(e->row, sizeof e->row, t->row);
  copy(e->event, sizeof e->event, t->event);
}

static void io_note(void *ctx, const sb_sbrp_note *n) {
  (void)ctx;
  ev *e = push(EV_NOTE);
  e->sid = n->session_id;
  e->err = n->code;
  copy(e->what, sizeof e->what, n->what);
  copy(e->event, sizeof e->event, n->text);
}

static size_t io_queued(void *ctx, sb_sbrp_conn conn) {
  (void)ctx;
  return conn >= 0 && (size_t)conn < SB_ARRAY_LEN(queued) ? queued[conn] : 0;
}

static const sb_sbrp_io test_io = {NULL,          io_send, NULL,    io_close, NULL,
                                   io_transition, io_note, NULL,    io_queued};

/* ---- log queries ---------------------------------------------------------- */

static size_t sends_to(sb_sbrp_conn conn) {
  size_t n = 0;
  for (size_t i = 0; i < nev; i++) n += evlog[i].kind == EV_SEND && evlog[i].conn == conn;
  return n;
}

/* The k-th frame sent to `conn` (0-based), or NULL. */
static const ev *sent(sb_sbrp_conn conn, size_t k) {
  for (size_t i = 0; i < nev; i++)
    if (evlog[i].kind == EV_SEND && evlog[i].conn == conn && k-- == 0) return &evlog[i];
  return NULL;
}

/* WebSocket close code the relay gave `conn` (0 = never closed). */
static uint16_t closed(sb_sbrp_conn conn) {
  for (size_t i = 0; i < nev; i++)
    if (evlog[i].kind == EV_CLOSE && evlog[i].conn == conn) return evlog[i].ws_code;
  return 0;
}

static size_t count_kind(ev_kind k) {
  size_t n = 0;
  for (size_t i = 0; i < nev; i++) n += evlog[i].kind == k;
  return n;
}

/* The transition of session `sid` following `row` ("-" = no row), or NULL. */
static const ev *trans(uint64_t sid, const char *row) {
  for (size_t i = 0; i < nev; i++)
    if (evlog[i].kind == EV_TRANS && evlog[i].sid == sid && strcmp(evlog[i].row, row) == 0)
      return &evlog[i];
  return NULL;
}

static const ev *find_note(const char *what) {
  for (size_t i = 0; i < nev; i++)
    if (evlog[i].kind == EV_NOTE && strcmp(evlog[i].what, what) == 0) return &evlog[i];
  return NULL;
}

static void expect_trans(uint64_t sid, const char *from, const char *to, const char *row,
                         int line) {
  const ev *e = trans(sid, row);
  sbt_check(e != NULL, line, __FILE__, "transition %s of session %llu reported", row,
            (unsigned long long)sid);
  if (!e) return;
  sbt_check_str(e->from, from, line, __FILE__, "from");
  sbt_check_str(e->to, to, line, __FILE__, "to");
}
#define EXPECT_TRANS(sid, from, to, row) expect_trans((sid), (from), (to), (row), __LINE__)

static void expect_sent(sb_sbrp_conn conn, size_t k, const char *hex, int line) {
  const ev *e = sent(conn, k);
  sbt_check(e != NULL, line, __FILE__, "frame %zu sent to conn %d", k, (int)conn);
  if (e) sbt_check_hex(e->bytes, e->len, hex, line, __FILE__, "frame");
}
#define EXPECT_SENT(conn, k, hex) expect_sent((conn), (k), (hex), __LINE__)

/* Hex of Control(code) with SessionID `sid`, no text: written out here, not
 * with the library's encoder. */
static const char *ctrl_hex(uint16_t code, uint64_t sid) {
  static char buf[4][64];
  static int k;
  char *b = buf[k++ & 3];
  snprintf(b, 64, "2000000002%016llx%04x", (unsigned long long)sid, code);
  return b;
}

/* ---- tokens ---------------------------------------------------------------- */

static const char *const aud_relay[] = {"sideband-relay"};
static const char *const scp_create[] = {"session:create"};
static const char *const scp_resume[] = {"session:resume"};

static char tokbuf[4][1024];
static int tokk;

static const char *mint(const sb_auth_mint_claims *c, const sb_auth_signing_key *key) {
  char *b = tokbuf[tokk++ & 3];
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(c, "k1", key, b, sizeof tokbuf[0], &n));
  return b;
}

static sb_auth_mint_claims base_claims(void) {
  sb_auth_mint_claims c;
  memset(&c, 0, sizeof c);
  c.iss = ISSUER;
  c.aud = aud_relay;
  c.aud_count = 1;
  c.iat = EPOCH;
  c.jti = "t";
  c.ver = 1;
  return c;
}

static sb_auth_mint_claims client_claims(const char *did, uint64_t sid) {
  sb_auth_mint_claims c = base_claims();
  c.exp = EPOCH + 120;
  c.sub = "u_alice";
  c.role = SB_AUTH_ROLE_CLIENT;
  c.did = did;
  c.sid = sid;
  c.scp = scp_create;
  c.scp_count = 1;
  return c;
}

static sb_auth_mint_claims daemon_claims(const char *did, bool resumable) {
  sb_auth_mint_claims c = base_claims();
  c.exp = EPOCH + 3600;
  c.sub = did;
  c.role = SB_AUTH_ROLE_DAEMON;
  c.did = did;
  if (resumable) c.scp = scp_resume, c.scp_count = 1;
  return c;
}

static const char *client_token(const char *did, uint64_t sid) {
  sb_auth_mint_claims c = client_claims(did, sid);
  return mint(&c, &issuer_key);
}

static const char *daemon_token(const char *did, bool resumable) {
  sb_auth_mint_claims c = daemon_claims(did, resumable);
  return mint(&c, &issuer_key);
}

/* ---- relay setup and driving ------------------------------------------------ */

static void fixture_keys(void) {
  static const uint8_t seed_a[32] = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
                                     0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
                                     0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
                                     0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
  uint8_t seed_b[32];
  memset(seed_b, 0x42, sizeof seed_b);
  SBT_OK(sb_auth_signing_key_from_seed(&issuer_key, seed_a));
  SBT_OK(sb_auth_signing_key_from_seed(&other_key, seed_b));
}

/* The default config: one key, no region, grace and limits at defaults. */
static void config_defaults(void) {
  fixture_keys();
  sb_sbrp_relay_config_init(&cfg, ISSUER);
  strcpy(cfg.keys[0].kid, "k1");
  memcpy(cfg.keys[0].x, issuer_key.pk, 32);
  cfg.keys[0].alg_eddsa = true;
  cfg.nkeys = 1;
  cfg.epoch_s = EPOCH;
}

static void start(void) {
  nev = 0;
  memset(queued, 0, sizeof queued);
  relay_mem = malloc(sb_sbrp_relay_size());
  SBT_CHECK(relay_mem != NULL, "relay storage");
  SBT_OK(sb_sbrp_relay_init(relay_mem, &cfg, &test_io, NULL, &relay));
}

static void stop(void) {
  free(relay_mem);
  relay_mem = NULL;
  relay = NULL;
}

static int upgrade_at(sb_time_us now, sb_sbrp_conn conn, const char *token, int *rc) {
  int status = 0;
  *rc = sb_sbrp_relay_upgrade(relay, now, conn, token, &status);
  return status;
}

static int upgrade(sb_time_us now, sb_sbrp_conn conn, const char *token) {
  int rc;
  int status = upgrade_at(now, conn, token, &rc);
  SBT_CHECK((status == 101) == (rc == 0), "status %d goes with rc %d", status, rc);
  return status;
}

static void recv_hex(sb_time_us now, sb_sbrp_conn conn, const char *hex) {
  size_t n = 0;
  uint8_t *m = sbt_unhex(hex, &n);
  SBT_OK(sb_sbrp_relay_recv(relay, now, conn, m, n));
  free(m);
}

static void recv_bytes(sb_time_us now, sb_sbrp_conn conn, const uint8_t *m, size_t n) {
  SBT_OK(sb_sbrp_relay_recv(relay, now, conn, m, n));
}

/* A HandshakeInit / Data / HandshakeAccept of SessionID `sid` with filler
 * payload bytes (the relay never reads them). */
static size_t frame_of(uint8_t *out, uint8_t type, uint64_t sid, size_t len, uint8_t fill) {
  sb_sbrp_header_write(out, type, (uint32_t)len, sid);
  memset(out + 13, fill, len);
  return 13 + len;
}

static void send_frame(sb_time_us now, sb_sbrp_conn conn, uint8_t type, uint64_t sid,
                       size_t len) {
  uint8_t m[13 + 160];
  recv_bytes(now, conn, m, frame_of(m, type, sid, len, 0xa5));
}

static void signal_from(sb_time_us now, sb_sbrp_conn conn, uint64_t sid, uint8_t code,
                        uint8_t reason) {
  uint8_t m[16];
  size_t n = 0;
  SBT_OK(sb_sbrp_signal_encode(sid, code, reason, m, sizeof m, &n));
  recv_bytes(now, conn, m, n);
}

/* A daemon online and clients paired: D1 for DID, clients C1.. with sids 1.. */
static void pair(bool resumable, int nclients) {
  SBT_EQ_U64(upgrade(0, D1, daemon_token(DID, resumable)), 101);
  for (int i = 0; i < nclients; i++)
    SBT_EQ_U64(upgrade(0, C1 + i, client_token(DID, (uint64_t)(i + 1))), 101);
}

#define S(x) SB_SBRP_RSESSION_##x

/* ---- admission --------------------------------------------------------------- */

static void upgrade_refuses_token_failures_with_401(void) {
  /* SBRP-RELAY-001 AUTH-025 AUTH-040 AUTH-V01 AUTH-V04 AUTH-V06 AUTH-V08 AUTH-V13:
   * every validation failure is HTTP 401 and no upgrade (decisions document). */
  config_defaults();
  cfg.region = "eu";
  start();
  int rc;
  SBT_EQ_U64(upgrade_at(0, C1, NULL, &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_FORMAT);
  SBT_EQ_U64(upgrade_at(0, C1, "a.b", &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_FORMAT);
  sb_auth_mint_claims c = client_claims(DID, 7);
  SBT_EQ_U64(upgrade_at(0, C1, mint(&c, &other_key), &rc), 401); /* wrong signer */
  SBT_ERR_EQ(rc, SB_ERR_AUTH_SIGNATURE);
  c.iss = "https://evil.example";
  SBT_EQ_U64(upgrade_at(0, C1, mint(&c, &issuer_key), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_ISS);
  c = client_claims(DID, 7);
  c.region = "us";
  SBT_EQ_U64(upgrade_at(0, C1, mint(&c, &issuer_key), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_REGION);
  /* exp EPOCH+120, skew 30: still valid at +150 s, refused at +151 s. */
  c = client_claims(DID, 7);
  SBT_EQ_U64(upgrade_at(SB_TIME_S(151), C1, mint(&c, &issuer_key), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_EXPIRED);
  const ev *n = find_note("admission_refused");
  SBT_CHECK(n && n->err == SB_ERR_AUTH_FORMAT, "refusal noted with its step error");
  /* Nothing was upgraded: the connection does not exist for the relay. */
  SBT_ERR_EQ(sb_sbrp_relay_recv(relay, 0, C1, (const uint8_t *)"", 0), SB_ERR_NOT_FOUND);
  SBT_EQ_U64(count_kind(EV_SEND) + count_kind(EV_TRANS), 0);
  /* A daemon token of another region is refused too; its own region passes. */
  sb_auth_mint_claims d = daemon_claims(DID, false);
  d.region = "us";
  SBT_EQ_U64(upgrade_at(SB_TIME_S(150), D1, mint(&d, &issuer_key), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_REGION);
  d.region = "eu";
  SBT_EQ_U64(upgrade(SB_TIME_S(150), D1, mint(&d, &issuer_key)), 101);
  /* The client token is fine at +150 s (its sid was never used). */
  c = client_claims(DID, 7);
  SBT_EQ_U64(upgrade(SB_TIME_S(150), C1, mint(&c, &issuer_key)), 101);
  stop();
}

static void daemon_connect_creates_the_daemon_only_record(void) {
  /* SBRP-SM-R-003 AUTH-V10: a presence token binds the connection to its did. */
  config_defaults();
  start();
  SBT_CHECK(!sb_sbrp_relay_daemon_online(relay, DID), "offline before");
  SBT_EQ_U64(upgrade(0, D1, daemon_token(DID, false)), 101);
  EXPECT_TRANS(0, "None", "DaemonOnly", "SBRP-SM-R-003");
  SBT_CHECK(sb_sbrp_relay_daemon_online(relay, DID), "online");
  SBT_CHECK(!sb_sbrp_relay_daemon_online(relay, DID2), "another did stays offline");
  SBT_CHECK(sb_sbrp_relay_presence_state(relay, DID) == S(DAEMON_ONLY), "presence DaemonOnly");
  SBT_EQ_U64(sends_to(D1), 0);
  stop();
}

static void first_client_pairs_from_daemon_only_later_ones_from_none(void) {
  /* SBRP-SM-R-004 SBRP-SM-R-001 SBRP-RELAY-006 SBRP-RELAY-002: clients bind
   * to (did, sid); several clients share one daemon. */
  config_defaults();
  start();
  pair(false, 2);
  EXPECT_TRANS(1, "DaemonOnly", "Paired", "SBRP-SM-R-004");
  EXPECT_TRANS(2, "None", "Paired", "SBRP-SM-R-001");
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PAIRED), "sid 1 Paired");
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 2) == S(PAIRED), "sid 2 Paired");
  SBT_CHECK(sb_sbrp_relay_presence_state(relay, DID) == S(NONE), "presence taken");
  SBT_EQ_U64(sb_sbrp_relay_session_count(relay, DID), 2);
  /* Admission sends nothing: the client's HandshakeInit comes next. */
  SBT_EQ_U64(count_kind(EV_SEND), 0);
  stop();
}

static void client_of_offline_daemon_gets_daemon_offline_then_close(void) {
  /* SBRP-SM-R-002 SBRP-RELAY-005 SBRP-CTRL-002 SBRP-CTRL-003: Control
   * daemon_offline (T) with SID = the token's sid, close 1013, no pairing. */
  config_defaults();
  start();
  SBT_EQ_U64(upgrade(0, C1, client_token(DID, 0x0B3A73CE2FF2u)), 101);
  EXPECT_TRANS(0x0B3A73CE2FF2u, "None", "Closed", "SBRP-SM-R-002");
  EXPECT_SENT(C1, 0, "200000000200000b3a73ce2ff20202");
  SBT_EQ_U64(sends_to(C1), 1);
  SBT_EQ_U64(closed(C1), 1013);
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 0x0B3A73CE2FF2u) == S(CLOSED), "Closed");
  SBT_EQ_U64(sb_sbrp_relay_session_count(relay, DID), 0);
  /* Frames still in flight on it are dropped; the driver's close is quiet. */
  send_frame(0, C1, SB_SBRP_HANDSHAKE_INIT, 0x0B3A73CE2FF2u, 32);
  SBT_EQ_U64(count_kind(EV_SEND), 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, 0, C1));
  SBT_ERR_EQ(sb_sbrp_relay_ws_close(relay, 0, C1), SB_ERR_NOT_FOUND);
  /* The daemon that comes later never hears of it. */
  SBT_EQ_U64(upgrade(SB_TIME_S(1), D1, daemon_token(DID, false)), 101);
  SBT_EQ_U64(sends_to(D1), 0);
  stop();
}

static void reused_sid_is_refused_with_409(void) {
  /* AUTH-053 (a reconnect needs a new sid), auth.md section 6: HTTP 409
   * while the sid is live and after its session closed. */
  config_defaults();
  start();
  pair(false, 1);
  int rc;
  SBT_EQ_U64(upgrade_at(0, C2, client_token(DID, 1), &rc), 409);
  SBT_ERR_EQ(rc, SB_ERR_EXISTS);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), C1));
  SBT_EQ_U64(upgrade_at(SB_TIME_S(2), C2, client_token(DID, 1), &rc), 409);
  /* Also a sid only refused with daemon_offline before. */
  SBT_EQ_U64(upgrade(SB_TIME_S(2), C3, client_token(DID2, 9)), 101);
  SBT_EQ_U64(upgrade_at(SB_TIME_S(2), C4, client_token(DID2, 9), &rc), 409);
  /* A fresh sid is fine. */
  SBT_EQ_U64(upgrade(SB_TIME_S(3), C2, client_token(DID, 3)), 101);
  stop();
}

static void concurrent_session_cap_gives_429(void) {
  /* SBRP-RELAY-042 AUTH-V16 (AO-7): the daemon token's lim.concurrent_sessions,
   * the client's, or the relay's maximum; closed sessions free a place. */
  config_defaults();
  start();
  sb_auth_mint_claims d = daemon_claims(DID, false);
  d.lim_concurrent_sessions = 2;
  SBT_EQ_U64(upgrade(0, D1, mint(&d, &issuer_key)), 101);
  SBT_EQ_U64(upgrade(0, C1, client_token(DID, 1)), 101);
  SBT_EQ_U64(upgrade(0, C2, client_token(DID, 2)), 101);
  int rc;
  SBT_EQ_U64(upgrade_at(0, C3, client_token(DID, 3), &rc), 429);
  SBT_ERR_EQ(rc, SB_ERR_FULL);
  SBT_CHECK(trans(3, "SBRP-SM-R-001") == NULL, "no session for the refused client");
  SBT_OK(sb_sbrp_relay_ws_close(relay, 0, C2));
  SBT_EQ_U64(upgrade(0, C3, client_token(DID, 3)), 101); /* sid 3 was never used */
  stop();

  config_defaults();
  cfg.max_sessions_per_daemon = 1;
  start();
  pair(false, 1);
  SBT_EQ_U64(upgrade_at(0, C2, client_token(DID, 2), &rc), 429);
  stop();

  config_defaults();
  start();
  pair(false, 0);
  sb_auth_mint_claims c = client_claims(DID, 1);
  c.lim_concurrent_sessions = 1;
  SBT_EQ_U64(upgrade(0, C1, mint(&c, &issuer_key)), 101);
  c.sid = 2;
  SBT_EQ_U64(upgrade_at(0, C2, mint(&c, &issuer_key), &rc), 429);
  stop();
}

/* ---- forwarding ---------------------------------------------------------------- */

static void handshake_and_data_are_forwarded_byte_for_byte(void) {
  /* SBRP-RELAY-020 SBRP-RELAY-004 SBRP-WIRE-003 SBRP-RELAY-021: the frames of
   * sbrp.md section 15 (real handshake, real Data) cross the relay unchanged
   * and open at the other end; the relay never holds keys. */
  static const char *const init_hex =
      "01000000200000000000000001"
      "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13";
  static const char *const accept_hex =
      "02000000800000000000000001"
      "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
      "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
      "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
      "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007";
  static const char *const c2d_hex =
      "03000000210000000000000001000000010000000000000000b09c3d389b"
      "38f8f283baa0ddde3ea8197e4b7f0418";
  static const char *const d2c_hex =
      "03000000210000000000000001000000020000000000000000e476c0c9a2"
      "b5959fb9e82e924f98d5d1a6ad8033af";
  config_defaults();
  start();
  pair(false, 1);
  /* Client side: ephemeral 0x11.., HandshakeInit. */
  uint8_t priv[32], m[256];
  size_t n = 0;
  sb_sbrp_ephemeral ce, de;
  memset(priv, 0x11, 32);
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(priv, &ce));
  SBT_OK(sb_sbrp_handshake_init_encode(1, ce.pub, m, sizeof m, &n));
  recv_bytes(0, C1, m, n);
  EXPECT_SENT(D1, 0, init_hex);
  /* Daemon side: identity seed 00..1f, ephemeral 0x22.. */
  uint8_t seed[32];
  for (int i = 0; i < 32; i++) seed[i] = (uint8_t)i;
  sb_sbrp_identity id;
  SBT_OK(sb_sbrp_handshake_identity_from_seed(seed, &id));
  memset(priv, 0x22, 32);
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(priv, &de));
  sb_sbrp_accept acc;
  sb_sbrp_session_keys dk, ck;
  SBT_OK(sb_sbrp_handshake_daemon_accept(&id, (const uint8_t *)DID, 8, ce.pub, de.priv, &acc, &dk));
  SBT_OK(sb_sbrp_handshake_accept_encode(1, &acc, m, sizeof m, &n));
  recv_bytes(0, D1, m, n);
  EXPECT_SENT(C1, 0, accept_hex);
  /* The client finishes from the bytes it received. */
  sb_sbrp_frame f;
  const ev *e = sent(C1, 0);
  SBT_OK(sb_sbrp_frame_decode(e->bytes, e->len, &f));
  sb_sbrp_accept got;
  SBT_OK(sb_sbrp_handshake_accept_decode(&f, &got));
  SBT_OK(sb_sbrp_handshake_client_finish(id.pub, (const uint8_t *)DID, 8, &ce, &got, &ck));
  sb_sbrp_session cs, ds;
  SBT_OK(sb_sbrp_session_init(&cs, SB_SBRP_ROLE_CLIENT, 1, &ck, NULL));
  SBT_OK(sb_sbrp_session_init(&ds, SB_SBRP_ROLE_DAEMON, 1, &dk, NULL));
  SBT_OK(sb_sbrp_session_seal(&cs, (const uint8_t *)"hello", 5, m, sizeof m, &n));
  recv_bytes(SB_TIME_MS(5), C1, m, n);
  EXPECT_SENT(D1, 1, c2d_hex);
  SBT_OK(sb_sbrp_session_seal(&ds, (const uint8_t *)"world", 5, m, sizeof m, &n));
  recv_bytes(SB_TIME_MS(6), D1, m, n);
  EXPECT_SENT(C1, 1, d2c_hex);
  uint8_t pt[16];
  size_t pn = 0;
  e = sent(C1, 1);
  SBT_OK(sb_sbrp_frame_decode(e->bytes, e->len, &f));
  SBT_OK(sb_sbrp_session_open(&cs, &f, pt, sizeof pt, &pn, NULL));
  SBT_CHECK(pn == 5 && memcmp(pt, "world", 5) == 0, "the client reads the daemon's Data");
  e = sent(D1, 1);
  SBT_OK(sb_sbrp_frame_decode(e->bytes, e->len, &f));
  SBT_OK(sb_sbrp_session_open(&ds, &f, pt, sizeof pt, &pn, NULL));
  SBT_CHECK(pn == 5 && memcmp(pt, "hello", 5) == 0, "the daemon reads the client's Data");
  /* A maximal Data frame (65 549 bytes) goes through as well. */
  static uint8_t big[SB_SBRP_MAX_FRAME];
  sb_sbrp_header_write(big, SB_SBRP_DATA, SB_SBRP_MAX_PAYLOAD, 1);
  memset(big + 13, 0x5c, SB_SBRP_MAX_PAYLOAD);
  recv_bytes(SB_TIME_MS(7), C1, big, sizeof big);
  e = sent(D1, 2);
  SBT_CHECK(e && e->len == SB_SBRP_MAX_FRAME, "maximal Data forwarded whole");
  SBT_EQ_U64(closed(C1) + closed(D1), 0);
  sb_sbrp_session_wipe(&cs);
  sb_sbrp_session_wipe(&ds);
  stop();
}

static void daemon_frames_reach_the_client_of_their_sid_only(void) {
  /* SBRP-RELAY-004 SBRP-RELAY-006 AUTH-051: one daemon connection carries
   * several SessionIDs; each frame reaches only the client of its sid. */
  config_defaults();
  start();
  pair(false, 3);
  send_frame(0, D1, SB_SBRP_DATA, 2, 40);
  send_frame(0, D1, SB_SBRP_HANDSHAKE_ACCEPT, 3, 128);
  send_frame(0, D1, SB_SBRP_DATA, 2, 28);
  SBT_EQ_U64(sends_to(C1), 0);
  SBT_EQ_U64(sends_to(C2), 2);
  SBT_EQ_U64(sends_to(C3), 1);
  SBT_CHECK(sent(C2, 0)->len == 53 && sent(C2, 1)->len == 41, "in order, whole");
  SBT_CHECK(sent(C3, 0)->bytes[0] == SB_SBRP_HANDSHAKE_ACCEPT, "Accept to sid 3's client");
  /* Clients' frames all go to the one daemon connection. */
  send_frame(0, C3, SB_SBRP_DATA, 3, 28);
  send_frame(0, C1, SB_SBRP_HANDSHAKE_INIT, 1, 32);
  SBT_EQ_U64(sends_to(D1), 2);
  SBT_EQ_U64(sent(D1, 1)->bytes[12], 1);
  stop();
}

static void client_frame_with_another_sid_is_invalid_session_id(void) {
  /* SBRP-RELAY-003 AUTH-050 AUTH-052: a client's HandshakeInit/Data must carry
   * its token's sid; else Control(invalid_session_id, SID 0), close 1008 (O-1,
   * decisions). Ping and Pong (SID 0) are not sid-matched. */
  config_defaults();
  start();
  pair(false, 2);
  recv_hex(0, C1, "10000000020000000000000000abcd");
  EXPECT_SENT(C1, 0, "11000000020000000000000000abcd");
  send_frame(0, C1, SB_SBRP_DATA, 2, 28); /* sid 2 belongs to C2 */
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_INVALID_SESSION_ID, 0));
  SBT_EQ_U64(closed(C1), 1008);
  SBT_EQ_U64(sends_to(D1), 1); /* nothing forwarded, but the daemon hears session_ended */
  EXPECT_SENT(D1, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 1));
  SBT_EQ_U64(sends_to(C2), 0);
  const ev *n = find_note("frame_rejected");
  SBT_CHECK(n && n->err == SB_ERR_SBRP_SID_MISMATCH, "noted as SB_ERR_SBRP_SID_MISMATCH");
  EXPECT_TRANS(1, "Paired", "Closed", "SBRP-SM-R-015");
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 2) == S(PAIRED), "sid 2 untouched");
  stop();
}

/* ---- validation, keepalive ---------------------------------------------------------- */

static void ping_is_answered_with_the_same_payload_never_forwarded(void) {
  /* SBRP-KA-001 SBRP-KA-002 SBRP-WIRE-022: Pong with the Ping's payload and
   * SID 0, to clients and daemons; Pongs consumed; 9 bytes is
   * payload_too_large (O-8), terminal. */
  config_defaults();
  start();
  pair(false, 1);
  recv_hex(0, C1, "10000000080000000000000000" "0102030405060708");
  EXPECT_SENT(C1, 0, "11000000080000000000000000" "0102030405060708");
  recv_hex(0, D1, "10000000000000000000000000");
  EXPECT_SENT(D1, 0, "11000000000000000000000000");
  recv_hex(0, D1, "11000000010000000000000000" "ff");
  recv_hex(0, C1, "11000000010000000000000000" "ff");
  SBT_EQ_U64(sends_to(C1), 1);
  SBT_EQ_U64(sends_to(D1), 1);
  recv_hex(0, C1, "10000000090000000000000000" "010203040506070809");
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_PAYLOAD_TOO_LARGE, 0));
  SBT_EQ_U64(closed(C1), 1008);
  SBT_CHECK(closed(D1) == 0, "the daemon stays");
  stop();
}

static void validation_rejections_send_their_control_then_close(void) {
  /* SBRP-RELAY-010 SBRP-RELAY-011 SBRP-RELAY-012 SBRP-RELAY-023 SBRP-SIG-005
   * SBRP-CTRL-001 SBRP-CTRL-002 SBRP-CTRL-003: the verdict of
   * sb_sbrp_relay_validate goes on the wire, then close 1008; the lost
   * connection has its table consequences. */
  config_defaults();
  start();
  pair(false, 3);
  recv_hex(0, C1, "0100000020000000000000"); /* 11 bytes: header truncated */
  EXPECT_SENT(C1, 0, ctrl_hex(SB_SBRP_CTRL_MALFORMED_FRAME, 0));
  SBT_EQ_U64(closed(C1), 1008);
  signal_from(0, C2, 2, SB_SBRP_SIGNAL_READY, 0); /* a client sending Signal */
  EXPECT_SENT(C2, 0, ctrl_hex(SB_SBRP_CTRL_DISALLOWED_SENDER, 2));
  SBT_EQ_U64(closed(C2), 1008);
  recv_hex(0, C3, "20000000020000000000000003" "1001"); /* Control from a client */
  EXPECT_SENT(C3, 0, ctrl_hex(SB_SBRP_CTRL_DISALLOWED_SENDER, 3));
  /* Each client loss is R-015: session_ended to the daemon. */
  EXPECT_SENT(D1, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 1));
  EXPECT_SENT(D1, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 2));
  EXPECT_SENT(D1, 2, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 3));
  /* A daemon sending HandshakeInit: disallowed, its connection closes, and
   * that is a daemon drop (R-005 for nobody: no live session left). */
  send_frame(0, D1, SB_SBRP_HANDSHAKE_INIT, 5, 32);
  EXPECT_SENT(D1, 3, ctrl_hex(SB_SBRP_CTRL_DISALLOWED_SENDER, 5));
  SBT_EQ_U64(closed(D1), 1008);
  SBT_CHECK(!sb_sbrp_relay_daemon_online(relay, DID), "daemon offline");
  /* Type unknown and Length too large: step 2 wins (document order). */
  SBT_EQ_U64(upgrade(0, D2, daemon_token(DID, false)), 101);
  recv_hex(0, D2, "7f000100010000000000000000");
  EXPECT_SENT(D2, 0, ctrl_hex(SB_SBRP_CTRL_PAYLOAD_TOO_LARGE, 0));
  const ev *n = find_note("frame_rejected");
  SBT_CHECK(n && n->err == SB_ERR_SBRP_HEADER_SHORT, "first rejection noted with its error");
  stop();
}

/* ---- pause, resume, expiry ---------------------------------------------------------- */

static void daemon_drop_pauses_every_paired_session(void) {
  /* SBRP-SM-R-005 SBRP-RELAY-024 SBRP-RELAY-029: session_paused (N) to each
   * client; their frames are dropped, nothing buffered (O-2). */
  config_defaults();
  start();
  pair(true, 2);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  EXPECT_TRANS(1, "Paired", "Paused", "SBRP-SM-R-005");
  EXPECT_TRANS(2, "Paired", "Paused", "SBRP-SM-R-005");
  EXPECT_SENT(C1, 0, "200000000200000000000000011001");
  EXPECT_SENT(C2, 0, "200000000200000000000000021001");
  SBT_EQ_U64(closed(C1) + closed(C2), 0);
  SBT_CHECK(!sb_sbrp_relay_daemon_online(relay, DID), "offline");
  send_frame(SB_TIME_S(2), C1, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(C1), 1);
  SBT_CHECK(find_note("frame_dropped") != NULL, "drop noted");
  /* Keepalive goes on while paused (SBRP-KA-001). */
  recv_hex(SB_TIME_S(2), C2, "100000000100000000000000007e");
  EXPECT_SENT(C2, 1, "110000000100000000000000007e");
  /* A new client while the daemon is away: daemon_offline, even
   * though the daemon has sessions in grace. */
  SBT_EQ_U64(upgrade(SB_TIME_S(2), C3, client_token(DID, 3)), 101);
  EXPECT_TRANS(3, "None", "Closed", "SBRP-SM-R-002");
  EXPECT_SENT(C3, 0, ctrl_hex(SB_SBRP_CTRL_DAEMON_OFFLINE, 3));
  SBT_EQ_U64(closed(C3), 1013);
  /* Transitions are reported in session-table order: sid 1, then sid 2. */
  SBT_CHECK(trans(1, "SBRP-SM-R-005") < trans(2, "SBRP-SM-R-005"), "index order");
  /* Grace: 30 s from the drop. */
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(31));
  /* The daemon back: the Data sent while paused never arrives. */
  SBT_EQ_U64(upgrade(SB_TIME_S(3), D2, daemon_token(DID, true)), 101);
  SBT_EQ_U64(sends_to(D2), 0);
  stop();
}

static void resumable_daemon_back_within_grace_goes_pending_then_paired(void) {
  /* SBRP-SM-R-008 SBRP-SM-R-011 SBRP-RELAY-026 SBRP-RELAY-022 SBRP-RES-002
   * SBRP-SIG-006: session_pending to each paused client, session_resumed
   * only after that session's Signal(ready); Signals never forwarded. */
  config_defaults();
  start();
  pair(true, 2);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  SBT_EQ_U64(upgrade(SB_TIME_S(10), D2, daemon_token(DID, true)), 101);
  EXPECT_TRANS(0, "None", "DaemonOnly", "SBRP-SM-R-003");
  EXPECT_TRANS(1, "Paused", "Pending", "SBRP-SM-R-008");
  EXPECT_TRANS(2, "Paused", "Pending", "SBRP-SM-R-008");
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_PENDING, 1));
  EXPECT_SENT(C2, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_PENDING, 2));
  /* Pending: frames both ways are held back (dropped). */
  send_frame(SB_TIME_S(11), C1, SB_SBRP_DATA, 1, 28);
  send_frame(SB_TIME_S(11), D2, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(D2), 0);
  SBT_EQ_U64(sends_to(C1), 2);
  signal_from(SB_TIME_S(12), D2, 1, SB_SBRP_SIGNAL_READY, SB_SBRP_REASON_NONE);
  EXPECT_TRANS(1, "Pending", "Paired", "SBRP-SM-R-011");
  EXPECT_SENT(C1, 2, ctrl_hex(SB_SBRP_CTRL_SESSION_RESUMED, 1));
  SBT_EQ_U64(sends_to(C1), 3);
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 2) == S(PENDING), "sid 2 still Pending");
  /* Routing resumed for sid 1 only. */
  send_frame(SB_TIME_S(13), C1, SB_SBRP_DATA, 1, 28);
  send_frame(SB_TIME_S(13), D2, SB_SBRP_DATA, 1, 30);
  SBT_EQ_U64(sends_to(D2), 1);
  SBT_CHECK(sent(C1, 3) && sent(C1, 3)->len == 43, "daemon Data reaches the client");
  /* A new client takes the DaemonOnly record the reconnect created. */
  SBT_EQ_U64(upgrade(SB_TIME_S(13), C3, client_token(DID, 3)), 101);
  EXPECT_TRANS(3, "DaemonOnly", "Paired", "SBRP-SM-R-004");
  stop();
}

static void non_resumable_daemon_back_expires_sessions_at_once(void) {
  /* SBRP-SM-R-007 SBRP-RELAY-027 AUTH-044 SBRP-RES-009: session_expired (T)
   * to every paused client at reconnect, close 1000, no Signals awaited. */
  config_defaults();
  start();
  pair(true, 2);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  /* The reconnect token lacks session:resume: that is what counts. */
  SBT_EQ_U64(upgrade(SB_TIME_S(5), D2, daemon_token(DID, false)), 101);
  EXPECT_TRANS(1, "Paused", "Closed", "SBRP-SM-R-007");
  EXPECT_TRANS(2, "Paused", "Closed", "SBRP-SM-R-007");
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 1));
  EXPECT_SENT(C2, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 2));
  SBT_EQ_U64(closed(C1), 1000);
  SBT_EQ_U64(closed(C2), 1000);
  SBT_EQ_U64(sends_to(D2), 0); /* no session_ended: the daemon never resumes them */
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_SBRP_NO_DEADLINE);
  stop();
}

static void signal_close_while_paired_expires_the_client(void) {
  /* SBRP-SM-R-006 SBRP-RELAY-022 SBRP-SIG-004: session_expired (T) to the
   * client; an unknown reason reads as none. */
  config_defaults();
  start();
  pair(false, 2);
  signal_from(0, D1, 2, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_SHUTDOWN);
  EXPECT_TRANS(2, "Paired", "Closed", "SBRP-SM-R-006");
  SBT_STR_EQ(trans(2, "SBRP-SM-R-006")->event, "Signal(close, shutdown)");
  EXPECT_SENT(C2, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 2));
  SBT_EQ_U64(closed(C2), 1000);
  SBT_EQ_U64(sends_to(D1), 0);
  uint8_t m[] = {0x04, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 0x77};
  recv_bytes(0, D1, m, sizeof m);
  EXPECT_TRANS(1, "Paired", "Closed", "SBRP-SM-R-006");
  SBT_STR_EQ(trans(1, "SBRP-SM-R-006")->event, "Signal(close, none)");
  SBT_EQ_U64(closed(D1), 0);
  stop();
}

static void signal_close_while_pending_expires_the_client(void) {
  /* SBRP-SM-R-012 SBRP-SIG-003: the daemon lost the state (state_lost). */
  config_defaults();
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  SBT_EQ_U64(upgrade(SB_TIME_S(2), D2, daemon_token(DID, true)), 101);
  signal_from(SB_TIME_S(2), D2, 1, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_STATE_LOST);
  EXPECT_TRANS(1, "Pending", "Closed", "SBRP-SM-R-012");
  EXPECT_SENT(C1, 2, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 1));
  SBT_EQ_U64(closed(C1), 1000);
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_SBRP_NO_DEADLINE);
  stop();
}

static void client_drop_while_paused_tears_down_silently(void) {
  /* SBRP-SM-R-009 SBRP-RELAY-025: the daemon is offline, nobody to tell. */
  config_defaults();
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(2), C1));
  EXPECT_TRANS(1, "Paused", "Closed", "SBRP-SM-R-009");
  SBT_EQ_U64(count_kind(EV_SEND), 1); /* only the session_paused */
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_SBRP_NO_DEADLINE);
  /* The daemon back within grace finds nothing to resume. */
  SBT_EQ_U64(upgrade(SB_TIME_S(3), D2, daemon_token(DID, true)), 101);
  SBT_CHECK(trans(1, "SBRP-SM-R-008") == NULL, "no Pending for a closed session");
  stop();
}

static void grace_expiry_while_paused_expires_the_client(void) {
  /* SBRP-SM-R-010 SBRP-RELAY-028 SBRP-RES-003: 30 s by default, from the drop. */
  config_defaults();
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(4), D1));
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(34));
  SBT_OK(sb_sbrp_relay_timeout(relay, SB_TIME_S(34) - 1));
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PAUSED), "still Paused 1 us before");
  SBT_OK(sb_sbrp_relay_timeout(relay, SB_TIME_S(34)));
  EXPECT_TRANS(1, "Paused", "Closed", "SBRP-SM-R-010");
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 1));
  SBT_EQ_U64(closed(C1), 1000);
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_SBRP_NO_DEADLINE);
  stop();

  /* A configured grace; a daemon back exactly at its end is too late, even
   * when the driver did not call timeout first. */
  config_defaults();
  cfg.grace = SB_TIME_S(5);
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, 0, D1));
  SBT_EQ_U64(upgrade(SB_TIME_S(5), D2, daemon_token(DID, true)), 101);
  EXPECT_TRANS(1, "Paused", "Closed", "SBRP-SM-R-010");
  SBT_CHECK(trans(1, "SBRP-SM-R-008") == NULL, "not Pending");
  stop();
}

static void client_drop_while_pending_sends_session_ended(void) {
  /* SBRP-SM-R-013 SBRP-RELAY-025 */
  config_defaults();
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1));
  SBT_EQ_U64(upgrade(SB_TIME_S(2), D2, daemon_token(DID, true)), 101);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(3), C1));
  EXPECT_TRANS(1, "Pending", "Closed", "SBRP-SM-R-013");
  EXPECT_SENT(D2, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 1));
  SBT_EQ_U64(closed(D2), 0); /* N */
  /* The daemon's ready arriving late is answered with session_ended again
   * (N: nothing closes), so the daemon drops the session (E-SCEN-DAEMON-2). */
  signal_from(SB_TIME_S(4), D2, 1, SB_SBRP_SIGNAL_READY, 0);
  SBT_CHECK(find_note("signal_stale") != NULL, "late ready noted");
  EXPECT_SENT(D2, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 1));
  SBT_EQ_U64(closed(D2), 0);
  stop();
}

static void grace_expiry_while_pending_counts_from_the_first_drop(void) {
  /* SBRP-SM-R-014 SBRP-RES-003: the timer keeps running while Pending; a
   * second drop goes back to Paused (O-2) with the same deadline. */
  config_defaults();
  start();
  pair(true, 1);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(10), D1));
  SBT_EQ_U64(upgrade(SB_TIME_S(20), D2, daemon_token(DID, true)), 101);
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(40));
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(25), D2));
  const ev *e = trans(1, "-");
  SBT_CHECK(e && strcmp(e->from, "Pending") == 0 && strcmp(e->to, "Paused") == 0 &&
                strstr(e->event, "O-2") != NULL,
            "Pending -> Paused with no row, the event naming O-2");
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(40));
  SBT_EQ_U64(upgrade(SB_TIME_S(30), D3, daemon_token(DID, true)), 101);
  SBT_OK(sb_sbrp_relay_timeout(relay, SB_TIME_S(40)));
  EXPECT_TRANS(1, "Pending", "Closed", "SBRP-SM-R-014");
  SBT_EQ_U64(closed(C1), 1000);
  /* paused, pending, (back to Paused: no Control), pending, expired */
  SBT_EQ_U64(sends_to(C1), 4);
  EXPECT_SENT(C1, 2, ctrl_hex(SB_SBRP_CTRL_SESSION_PENDING, 1));
  EXPECT_SENT(C1, 3, ctrl_hex(SB_SBRP_CTRL_SESSION_EXPIRED, 1));
  stop();
}

static void client_drop_while_paired_sends_session_ended(void) {
  /* SBRP-SM-R-015 SBRP-RELAY-025: Control(session_ended, S) (N) to the daemon. */
  config_defaults();
  start();
  pair(false, 2);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), C2));
  EXPECT_TRANS(2, "Paired", "Closed", "SBRP-SM-R-015");
  EXPECT_SENT(D1, 0, "200000000200000000000000021003");
  SBT_EQ_U64(closed(D1), 0);
  SBT_EQ_U64(sb_sbrp_relay_session_count(relay, DID), 1);
  stop();
}

static void daemon_only_record_goes_back_to_none_on_daemon_drop(void) {
  /* O-2: DaemonOnly + daemon_ws_close -> None, no row. */
  config_defaults();
  start();
  pair(false, 0);
  SBT_OK(sb_sbrp_relay_ws_close(relay, 0, D1));
  const ev *e = trans(0, "-");
  SBT_CHECK(e && strcmp(e->from, "DaemonOnly") == 0 && strcmp(e->to, "None") == 0 &&
                strstr(e->event, "O-2") != NULL,
            "DaemonOnly -> None, event naming O-2");
  SBT_CHECK(sb_sbrp_relay_presence_state(relay, DID) == S(NONE), "presence gone");
  SBT_EQ_U64(upgrade(0, C1, client_token(DID, 1)), 101);
  EXPECT_TRANS(1, "None", "Closed", "SBRP-SM-R-002");
  stop();
}

/* ---- O-1 decisions: Signals and unknown sessions --------------------------------- */

static void signal_ready_outside_pending_is_ignored(void) {
  /* SBRP-RELAY-022 (decisions): ready in Paired is consumed with a note;
   * nothing sent, nothing closed. */
  config_defaults();
  start();
  pair(false, 1);
  signal_from(0, D1, 1, SB_SBRP_SIGNAL_READY, 0);
  SBT_EQ_U64(count_kind(EV_SEND), 0);
  SBT_EQ_U64(count_kind(EV_CLOSE), 0);
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PAIRED), "still Paired");
  const ev *n = find_note("signal_ignored");
  SBT_CHECK(n && n->sid == 1, "noted");
  stop();
}

static void signal_ready_for_a_session_the_relay_lost_gets_session_ended(void) {
  /* SBRP-RELAY-022 SBRP-CTRL-003 (E-SCEN-DAEMON-2): a ready for a SessionID
   * the relay does not hold (expired, or never seen) is answered with the
   * non-terminal session_ended for that SessionID; the connection stays,
   * and the daemon's other sessions are untouched. */
  config_defaults();
  start();
  pair(false, 1);
  signal_from(0, D1, 99, SB_SBRP_SIGNAL_READY, 0);
  EXPECT_SENT(D1, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 99));
  SBT_EQ_U64(count_kind(EV_CLOSE), 0);
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PAIRED), "the other session is still Paired");
  const ev *n = find_note("signal_stale");
  SBT_CHECK(n && n->sid == 99, "noted with its SessionID");
  stop();
}

static void daemon_frame_for_an_unknown_session_is_session_not_found(void) {
  /* SBRP-RELAY-004 SBRP-CTRL-003 (O-1 decisions): session_not_found (T) with
   * the frame's SessionID, close 1000 (the daemon's sessions pause); a
   * session that ended less than a grace period ago is a race: dropped. */
  config_defaults();
  start();
  pair(false, 2);
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), C1)); /* */
  send_frame(SB_TIME_S(2), D1, SB_SBRP_DATA, 1, 28);
  signal_from(SB_TIME_S(2), D1, 1, SB_SBRP_SIGNAL_CLOSE, 0);
  SBT_EQ_U64(sends_to(D1), 1); /* only the session_ended */
  SBT_EQ_U64(closed(D1), 0);
  SBT_CHECK(find_note("frame_dropped") != NULL, "race noted");
  /* After the grace period it is unknown, like a SessionID never seen. */
  send_frame(SB_TIME_S(31), D1, SB_SBRP_DATA, 1, 28);
  EXPECT_SENT(D1, 1, ctrl_hex(SB_SBRP_CTRL_SESSION_NOT_FOUND, 1));
  SBT_EQ_U64(closed(D1), 1000);
  EXPECT_TRANS(2, "Paired", "Paused", "SBRP-SM-R-005");
  stop();

  config_defaults();
  start();
  pair(false, 1);
  signal_from(0, D1, 77, SB_SBRP_SIGNAL_CLOSE, 0);
  EXPECT_SENT(D1, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_NOT_FOUND, 77));
  SBT_EQ_U64(closed(D1), 1000);
  stop();
}

static void a_daemon_cannot_reach_another_daemons_session(void) {
  /* AUTH-045 SBRP-RELAY-002: routing follows the validated did; daemon B
   * naming daemon A's SessionID gets session_not_found, A's client nothing. */
  config_defaults();
  start();
  pair(false, 1);
  SBT_EQ_U64(upgrade(0, D2, daemon_token(DID2, false)), 101);
  send_frame(0, D2, SB_SBRP_DATA, 1, 28);
  signal_from(0, D2, 1, SB_SBRP_SIGNAL_CLOSE, 0);
  EXPECT_SENT(D2, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_NOT_FOUND, 1));
  SBT_EQ_U64(sends_to(D2), 1); /* closed after the first */
  SBT_EQ_U64(sends_to(C1), 0);
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PAIRED), "A's session untouched");
  stop();
}

static void second_handshake_init_for_a_live_session_is_forwarded(void) {
  /* SBRP-RELAY-021 (decisions): the relay does not parse payloads; the
   * daemon decides. */
  config_defaults();
  start();
  pair(false, 1);
  send_frame(0, C1, SB_SBRP_HANDSHAKE_INIT, 1, 32);
  send_frame(0, C1, SB_SBRP_HANDSHAKE_INIT, 1, 32);
  SBT_EQ_U64(sends_to(D1), 2);
  stop();
}

/* ---- tokens, limits, liveness ------------------------------------------------------ */

static void token_expiring_later_never_closes_a_connection(void) {
  /* SBRP-RELAY-030 AUTH-042: tokens are checked at the upgrade only. */
  config_defaults();
  start();
  pair(false, 1);
  sb_time_us later = SB_TIME_S(7200); /* both tokens long expired */
  send_frame(later, C1, SB_SBRP_DATA, 1, 28);
  send_frame(later, D1, SB_SBRP_DATA, 1, 28);
  SBT_OK(sb_sbrp_relay_timeout(relay, later));
  SBT_EQ_U64(sends_to(D1), 1);
  SBT_EQ_U64(sends_to(C1), 1);
  SBT_EQ_U64(count_kind(EV_CLOSE), 0);
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_SBRP_NO_DEADLINE);
  stop();
}

static void rate_limit_drops_and_says_rate_limited_once_per_window(void) {
  /* SBRP-RELAY-040 SBRP-RELAY-043: 3 messages per second; the 4th and later
   * are dropped, one rate_limited (N, SID 0) per window; the next window
   * starts afresh. */
  config_defaults();
  cfg.rate_limit = 3;
  start();
  pair(false, 1);
  for (int i = 0; i < 6; i++) send_frame(SB_TIME_MS(100 * i), C1, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(D1), 3);
  SBT_EQ_U64(sends_to(C1), 1);
  EXPECT_SENT(C1, 0, ctrl_hex(SB_SBRP_CTRL_RATE_LIMITED, 0));
  SBT_EQ_U64(closed(C1), 0);
  /* Pings count as messages too, and are not answered when over. */
  recv_hex(SB_TIME_MS(700), C1, "10000000000000000000000000");
  SBT_EQ_U64(sends_to(C1), 1);
  for (int i = 0; i < 4; i++) send_frame(SB_TIME_MS(1000 + i), C1, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(D1), 6);
  SBT_EQ_U64(sends_to(C1), 2);
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_RATE_LIMITED, 0));
  /* Per connection: the daemon has its own budget. */
  for (int i = 0; i < 3; i++) send_frame(SB_TIME_MS(1000), D1, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(C1), 5);
  stop();
}

static void backpressure_closes_the_slow_receiver(void) {
  /* SBRP-RELAY-041: the frame is not silently dropped: the slow receiver gets
   * backpressure (T, SID 0, close 1013); a slow client ends its session
   * a slow daemon pauses its sessions. */
  config_defaults();
  cfg.backpressure_bytes = 1000;
  start();
  pair(true, 2);
  queued[C1] = 1000; /* at the threshold: still fine */
  send_frame(0, D1, SB_SBRP_DATA, 1, 28);
  SBT_EQ_U64(sends_to(C1), 1);
  queued[C1] = 1001;
  send_frame(0, D1, SB_SBRP_DATA, 1, 28);
  EXPECT_SENT(C1, 1, ctrl_hex(SB_SBRP_CTRL_BACKPRESSURE, 0));
  SBT_EQ_U64(sends_to(C1), 2);
  SBT_EQ_U64(closed(C1), 1013);
  EXPECT_TRANS(1, "Paired", "Closed", "SBRP-SM-R-015");
  EXPECT_SENT(D1, 0, ctrl_hex(SB_SBRP_CTRL_SESSION_ENDED, 1));
  SBT_CHECK(find_note("backpressure") != NULL, "noted");
  queued[D1] = 5000;
  send_frame(0, C2, SB_SBRP_DATA, 2, 28);
  EXPECT_SENT(D1, 1, ctrl_hex(SB_SBRP_CTRL_BACKPRESSURE, 0));
  SBT_EQ_U64(closed(D1), 1013);
  EXPECT_TRANS(2, "Paired", "Paused", "SBRP-SM-R-005");
  stop();
}

static void idle_connection_is_closed_without_control(void) {
  /* SBRP-KA-005 (decisions): silent for idle_timeout -> closed, no Control. */
  config_defaults();
  cfg.idle_timeout = SB_TIME_S(90);
  start();
  pair(false, 1);
  recv_hex(SB_TIME_S(60), D1, "10000000000000000000000000");
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(90));
  SBT_OK(sb_sbrp_relay_timeout(relay, SB_TIME_S(90)));
  SBT_EQ_U64(closed(C1), 1000);
  SBT_EQ_U64(sends_to(C1), 0);
  SBT_EQ_U64(closed(D1), 0);
  EXPECT_TRANS(1, "Paired", "Closed", "SBRP-SM-R-015");
  SBT_EQ_U64(sb_sbrp_relay_deadline(relay), SB_TIME_S(150));
  stop();
}

static void daemon_reconnect_replaces_its_old_connection(void) {
  /* A daemon back before its old connection was seen to close: the new one
   * wins; the old one is closed and counts as a drop (R-005, then R-008). */
  config_defaults();
  start();
  pair(true, 1);
  SBT_EQ_U64(upgrade(SB_TIME_S(1), D2, daemon_token(DID, true)), 101);
  SBT_EQ_U64(closed(D1), 1000);
  EXPECT_TRANS(1, "Paired", "Paused", "SBRP-SM-R-005");
  EXPECT_TRANS(1, "Paused", "Pending", "SBRP-SM-R-008");
  SBT_OK(sb_sbrp_relay_ws_close(relay, SB_TIME_S(1), D1)); /* quiet */
  SBT_CHECK(sb_sbrp_relay_session_state_of(relay, 1) == S(PENDING), "Pending");
  signal_from(SB_TIME_S(2), D2, 1, SB_SBRP_SIGNAL_READY, 0);
  EXPECT_TRANS(1, "Pending", "Paired", "SBRP-SM-R-011");
  stop();
}

/* ---- API ------------------------------------------------------------------------------ */

static void close_codes_follow_the_decisions(void) {
  /* SBRP-CTRL-002 (O-10 decisions): T codes close with a WebSocket code, N
   * codes do not close. */
  static const struct {
    uint16_t code, ws;
  } rows[] = {
      {SB_SBRP_CTRL_UNAUTHORIZED, 1008},      {SB_SBRP_CTRL_FORBIDDEN, 1008},
      {SB_SBRP_CTRL_DAEMON_NOT_FOUND, 1008},  {SB_SBRP_CTRL_DAEMON_OFFLINE, 1013},
      {SB_SBRP_CTRL_SESSION_NOT_FOUND, 1000}, {SB_SBRP_CTRL_SESSION_EXPIRED, 1000},
      {SB_SBRP_CTRL_MALFORMED_FRAME, 1008},   {SB_SBRP_CTRL_PAYLOAD_TOO_LARGE, 1008},
      {SB_SBRP_CTRL_INVALID_FRAME_TYPE, 1008}, {SB_SBRP_CTRL_INVALID_SESSION_ID, 1008},
      {SB_SBRP_CTRL_DISALLOWED_SENDER, 1008}, {SB_SBRP_CTRL_INTERNAL_ERROR, 1011},
      {SB_SBRP_CTRL_RATE_LIMITED, 0},         {SB_SBRP_CTRL_BACKPRESSURE, 1013},
      {SB_SBRP_CTRL_SESSION_PAUSED, 0},       {SB_SBRP_CTRL_SESSION_RESUMED, 0},
      {SB_SBRP_CTRL_SESSION_ENDED, 0},        {SB_SBRP_CTRL_SESSION_PENDING, 0},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(rows); i++)
    SBT_CHECK(sb_sbrp_relay_close_code(rows[i].code) == rows[i].ws, "0x%04x closes with %u",
              rows[i].code, rows[i].ws);
}

static void init_checks_its_arguments_and_names_states(void) {
  config_defaults();
  sb_sbrp_relay *r = NULL;
  void *mem = malloc(sb_sbrp_relay_size());
  SBT_ERR_EQ(sb_sbrp_relay_init(NULL, &cfg, &test_io, NULL, &r), SB_ERR_ARG);
  sb_sbrp_io noio = test_io;
  noio.send = NULL;
  SBT_ERR_EQ(sb_sbrp_relay_init(mem, &cfg, &noio, NULL, &r), SB_ERR_ARG);
  cfg.skew_s = 31;
  SBT_ERR_EQ(sb_sbrp_relay_init(mem, &cfg, &test_io, NULL, &r), SB_ERR_ARG);
  cfg.skew_s = 30;
  cfg.issuer = NULL;
  SBT_ERR_EQ(sb_sbrp_relay_init(mem, &cfg, &test_io, NULL, &r), SB_ERR_ARG);
  static char longs[SB_SBRP_RELAY_STR_MAX + 2];
  memset(longs, 'a', sizeof longs - 1);
  cfg.issuer = longs;
  SBT_ERR_EQ(sb_sbrp_relay_init(mem, &cfg, &test_io, NULL, &r), SB_ERR_RANGE);
  cfg.issuer = ISSUER;
  SBT_OK(sb_sbrp_relay_init(mem, &cfg, &test_io, NULL, &r));
  int status = -1;
  SBT_ERR_EQ(sb_sbrp_relay_upgrade(r, 0, C1, "x", NULL), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_relay_recv(r, 0, C1, NULL, 3), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_relay_recv(r, 0, C1, (const uint8_t *)"x", 1), SB_ERR_NOT_FOUND);
  SBT_ERR_EQ(sb_sbrp_relay_ws_close(r, 0, C1), SB_ERR_NOT_FOUND);
  relay = r;
  nev = 0;
  SBT_EQ_U64(upgrade(0, D1, daemon_token(DID, false)), 101);
  SBT_ERR_EQ(sb_sbrp_relay_upgrade(r, 0, D1, daemon_token(DID, false), &status), SB_ERR_STATE);
  SBT_EQ_U64(status, 0);
  static const char *const names[] = {"None", "DaemonOnly", "Paired", "Paused", "Pending", "Closed"};
  for (int i = 0; i < 6; i++)
    SBT_STR_EQ(sb_sbrp_relay_session_state_name((sb_sbrp_relay_session_state)i), names[i]);
  SBT_CHECK(sb_sbrp_relay_session_state_name((sb_sbrp_relay_session_state)6) == NULL, "past end");
  SBT_CHECK(sb_sbrp_relay_session_state_of(r, 0) == S(NONE), "sid 0 is nobody");
  free(mem);
  relay = NULL;
}

static void tables_full_give_503(void) {
  /* The relay's own limits are not the client's fault: 503, not 401/429. */
  config_defaults();
  start();
  SBT_EQ_U64(upgrade(0, 100, daemon_token(DID, false)), 101);
  int i = 0;
  for (; i < SB_SBRP_RELAY_MAX_CONNS - 1; i++)
    SBT_EQ_U64(upgrade(0, 200 + i, client_token(DID, (uint64_t)(1000 + i))), 101);
  int rc;
  SBT_EQ_U64(upgrade_at(0, 999, client_token(DID, 5000), &rc), 503);
  SBT_ERR_EQ(rc, SB_ERR_FULL);
  /* One closes; its sid stays refused, a new one gets the place. */
  SBT_OK(sb_sbrp_relay_ws_close(relay, 0, 200));
  SBT_EQ_U64(upgrade(0, 999, client_token(DID, 5000)), 101);
  stop();
}

static void endpoint_of_one_role_refuses_the_other_role(void) {
  /* AUTH-V10, errata E-AUTH-10: on an endpoint for one role a valid token of
   * the other role is 401 SB_ERR_AUTH_ROLE_MISMATCH; NONE is the single fixed
   * endpoint of AUTH-023, where the token's role decides. */
  config_defaults();
  start();
  int rc = 0, status = 0;
  rc = sb_sbrp_relay_upgrade_at(relay, 0, D1, SB_AUTH_ROLE_CLIENT, daemon_token(DID, false), &status);
  SBT_EQ_U64(status, 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_ROLE_MISMATCH);
  SBT_CHECK(!sb_sbrp_relay_daemon_online(relay, DID), "the daemon token admitted nothing");
  SBT_OK(sb_sbrp_relay_upgrade_at(relay, 0, D1, SB_AUTH_ROLE_DAEMON, daemon_token(DID, false), &status));
  SBT_EQ_U64(status, 101);
  rc = sb_sbrp_relay_upgrade_at(relay, 0, C1, SB_AUTH_ROLE_DAEMON, client_token(DID, 7), &status);
  SBT_EQ_U64(status, 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_ROLE_MISMATCH);
  const ev *n = find_note("admission_refused");
  SBT_CHECK(n && n->err == SB_ERR_AUTH_ROLE_MISMATCH && strstr(n->event, "(AUTH-V10)"),
            "refusal noted with its step");
  /* The refused client's sid was never used: admitted at the client endpoint. */
  SBT_OK(sb_sbrp_relay_upgrade_at(relay, 0, C1, SB_AUTH_ROLE_CLIENT, client_token(DID, 7), &status));
  SBT_EQ_U64(status, 101);
  stop();
}

/* A JWKS endpoint the test controls: keys[0..jwks_n), fetch count. */
static sb_auth_jwk jwks_keys[2];
static size_t jwks_n, jwks_fetches;

static int jwks_fetch(void *ctx, sb_time_us now, sb_auth_jwk *keys, size_t cap, size_t *n) {
  (void)ctx;
  (void)now;
  jwks_fetches++;
  if (jwks_n > cap) return SB_ERR_RANGE;
  memcpy(keys, jwks_keys, jwks_n * sizeof keys[0]);
  *n = jwks_n;
  return SB_OK;
}

/* A client token issued at EPOCH + `at_s` (valid 120 s), signed by `key` under `kid`. */
static const char *token_with_kid(const char *kid, const sb_auth_signing_key *key, uint64_t sid,
                                  int64_t at_s) {
  sb_auth_mint_claims c = client_claims(DID, sid);
  c.iat = EPOCH + at_s;
  c.exp = c.iat + 120;
  char *b = tokbuf[tokk++ & 3];
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(&c, kid, key, b, sizeof tokbuf[0], &n));
  return b;
}

static void jwks_cache_refetches_for_age_and_unknown_kid(void) {
  /* AUTH-031 (cache at most 5 min), AUTH-032 (refetch on an unknown kid, here
   * at most every 10 s), AUTH-033 (two keys at once). The initial keys hold
   * k1; the control plane then publishes k1 and k2. */
  config_defaults();
  cfg.jwks_fetch = jwks_fetch;
  jwks_keys[0] = cfg.keys[0];
  strcpy(jwks_keys[1].kid, "k2");
  memcpy(jwks_keys[1].x, other_key.pk, 32);
  jwks_keys[1].alg_eddsa = true;
  jwks_n = 2;
  jwks_fetches = 0;
  start();
  int rc = 0;
  /* k1 is cached: no fetch. */
  SBT_EQ_U64(upgrade(SB_TIME_S(5), C1, token_with_kid("k1", &issuer_key, 1, 5)), 101);
  SBT_EQ_U64(jwks_fetches, 0);
  /* k2 is not cached yet: one refetch (the last fetch, at 0, is 20 s old), then admitted. */
  SBT_EQ_U64(upgrade(SB_TIME_S(20), C1 + 1, token_with_kid("k2", &other_key, 2, 20)), 101);
  SBT_EQ_U64(jwks_fetches, 1);
  const ev *n = find_note("jwks_fetched");
  SBT_CHECK(n && strstr(n->event, "AUTH-032"), "noted as an unknown-kid refetch");
  /* An unknown k3 5 s later: no refetch yet (10 s gap), 401; 10 s after the fetch, one more. */
  SBT_EQ_U64(upgrade_at(SB_TIME_S(25), C1 + 2, token_with_kid("k3", &other_key, 3, 25), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_KEY);
  SBT_EQ_U64(jwks_fetches, 1);
  SBT_EQ_U64(upgrade_at(SB_TIME_S(30), C1 + 2, token_with_kid("k3", &other_key, 4, 30), &rc), 401);
  SBT_EQ_U64(jwks_fetches, 2);
  /* k1 retired: still accepted from the cache until it is 5 min old (fetched at 30 s). */
  jwks_keys[0] = jwks_keys[1];
  jwks_n = 1;
  SBT_EQ_U64(upgrade(SB_TIME_S(329), C1 + 3, token_with_kid("k1", &issuer_key, 5, 329)), 101);
  SBT_EQ_U64(jwks_fetches, 2);
  SBT_EQ_U64(upgrade_at(SB_TIME_S(330), C1 + 4, token_with_kid("k1", &issuer_key, 6, 330), &rc), 401);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_KEY);
  SBT_EQ_U64(jwks_fetches, 3); /* the age refetch; no second one for the unknown kid */
  SBT_EQ_U64(upgrade(SB_TIME_S(331), C1 + 5, token_with_kid("k2", &other_key, 7, 331)), 101);
  SBT_EQ_U64(jwks_fetches, 3);
  /* A failing fetch keeps the cached keys. */
  jwks_n = 9;
  SBT_EQ_U64(upgrade_at(SB_TIME_S(700), C1 + 6, token_with_kid("k2", &other_key, 8, 700), &rc), 101);
  SBT_ERR_EQ(rc, SB_OK);
  SBT_CHECK(find_note("jwks_fetch_failed") != NULL, "fetch failure noted");
  stop();
}

SBT_SUITE(sbrp_relay, "sbrp/relay", SBT_CASE(upgrade_refuses_token_failures_with_401),
          SBT_CASE(daemon_connect_creates_the_daemon_only_record),
          SBT_CASE(first_client_pairs_from_daemon_only_later_ones_from_none),
          SBT_CASE(client_of_offline_daemon_gets_daemon_offline_then_close),
          SBT_CASE(reused_sid_is_refused_with_409), SBT_CASE(concurrent_session_cap_gives_429),
          SBT_CASE(handshake_and_data_are_forwarded_byte_for_byte),
          SBT_CASE(daemon_frames_reach_the_client_of_their_sid_only),
          SBT_CASE(client_frame_with_another_sid_is_invalid_session_id),
          SBT_CASE(ping_is_answered_with_the_same_payload_never_forwarded),
          SBT_CASE(validation_rejections_send_their_control_then_close),
          SBT_CASE(daemon_drop_pauses_every_paired_session),
          SBT_CASE(resumable_daemon_back_within_grace_goes_pending_then_paired),
          SBT_CASE(non_resumable_daemon_back_expires_sessions_at_once),
          SBT_CASE(signal_close_while_paired_expires_the_client),
          SBT_CASE(signal_close_while_pending_expires_the_client),
          SBT_CASE(client_drop_while_paused_tears_down_silently),
          SBT_CASE(grace_expiry_while_paused_expires_the_client),
          SBT_CASE(client_drop_while_pending_sends_session_ended),
          SBT_CASE(grace_expiry_while_pending_counts_from_the_first_drop),
          SBT_CASE(client_drop_while_paired_sends_session_ended),
          SBT_CASE(daemon_only_record_goes_back_to_none_on_daemon_drop),
          SBT_CASE(signal_ready_outside_pending_is_ignored),
          SBT_CASE(signal_ready_for_a_session_the_relay_lost_gets_session_ended),
          SBT_CASE(daemon_frame_for_an_unknown_session_is_session_not_found),
          SBT_CASE(a_daemon_cannot_reach_another_daemons_session),
          SBT_CASE(second_handshake_init_for_a_live_session_is_forwarded),
          SBT_CASE(token_expiring_later_never_closes_a_connection),
          SBT_CASE(rate_limit_drops_and_says_rate_limited_once_per_window),
          SBT_CASE(backpressure_closes_the_slow_receiver),
          SBT_CASE(idle_connection_is_closed_without_control),
          SBT_CASE(daemon_reconnect_replaces_its_old_connection),
          SBT_CASE(close_codes_follow_the_decisions),
          SBT_CASE(init_checks_its_arguments_and_names_states), SBT_CASE(tables_full_give_503),
          SBT_CASE(endpoint_of_one_role_refuses_the_other_role),
          SBT_CASE(jwks_cache_refetches_for_age_and_unknown_kid))
