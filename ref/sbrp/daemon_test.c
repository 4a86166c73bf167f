/*
 * The daemon machine driven with hand-built client frames (the handshake
 * and session primitives play the clients), a fake clock, a recording
 * driver and a "disk" for stored records. Frames are checked byte for byte
 * against the derived vectors of sbrp.md section 15 where they apply, and
 * transitions row by row (sbrp.md 13.2).
 */
#include "sbrp/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "common/bytes.h"
#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "test/sbt.h"
#include "test/script_rng.h"

#define DID "d_abc123"
#define DCONN 7
#define MSG_MAX 512
#define SENT_MAX 64
#define DISK_MAX 8

/* sbrp.md section 15 (derived vectors): daemon "d_abc123", SessionID 1,
 * identity seed 00..1f, client ephemeral 11..11, daemon ephemeral 22..22. */
static const char *const v15_accept =
    "0200000080" "0000000000000001"
    "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
    "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
    "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007";
static const char *const v15_data_d2c_world =
    "03000000210000000000000001000000020000000000000000e476c0c9a2"
    "b5959fb9e82e924f98d5d1a6ad8033af";
static const char *const v15_data_c2d_hello =
    "03000000210000000000000001000000010000000000000000b09c3d389b"
    "38f8f283baa0ddde3ea8197e4b7f0418";
static const char *const v15_k_c2d = "ba2c7e00c4e4d5296132f660093c56591fb9da74c807523184a3fe651398f556";
static const char *const v15_k_d2c = "3d2340e0877a00096262833ea8e499d069ad33c65f324a138b9a4e245df37a1b";

/* ---- the recording driver ---------------------------------------------------- */

typedef struct trec {
  char machine[20], from[20], to[20], row[20], event[128];
  uint64_t sid;
} trec;

typedef struct dworld {
  sb_sbrp_daemon d;
  script_rng rng;
  sb_time_us now;
  uint8_t sent[SENT_MAX][MSG_MAX];
  size_t sent_len[SENT_MAX], nsent;
  trec tr[256];
  size_t ntr;
  char notes[256][40];
  int note_codes[256];
  size_t nnotes;
  uint8_t got[MSG_MAX];
  size_t got_len;
  uint64_t got_sid;
  int deliveries;
  struct {
    uint64_t sid;
    uint8_t rec[SB_SBRP_SESSION_STATE_MAX_BYTES];
    size_t len;
  } disk[DISK_MAX];
  int store_calls, deletes;
  uint16_t close_code;
  int closes, opens, nkeys;
  uint8_t keys[64];
  sb_auth_signing_key cp;
  char token[1024];
} dworld;

static void copy_str(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static void io_send(void *ctx, sb_sbrp_conn conn, const uint8_t *f, size_t len) {
  dworld *w = ctx;
  SBT_CHECK(conn == DCONN, "daemon sends on its connection, got %d", (int)conn);
  SBT_CHECK(w->nsent < SENT_MAX && len <= MSG_MAX, "room for a %zu-byte frame", len);
  if (w->nsent >= SENT_MAX || len > MSG_MAX) return;
  memcpy(w->sent[w->nsent], f, len);
  w->sent_len[w->nsent++] = len;
}

static void io_open(void *ctx, const char *token) {
  (void)token;
  ((dworld *)ctx)->opens++;
}

static void io_close(void *ctx, sb_sbrp_conn conn, uint16_t code) {
  dworld *w = ctx;
  (void)conn;
  w->close_code = code;
  w->closes++;
}

static void io_deliver(void *ctx, uint64_t sid, const uint8_t *data, size_t len) {
  dworld *w = ctx;
  if (len > MSG_MAX) return;
  memcpy(w->got, data, len);
  w->got_len = len;
  w->got_sid = sid;
  w->deliveries++;
}

static void io_transition(void *ctx, const sb_sbrp_transition *t) {
  dworld *w = ctx;
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
  dworld *w = ctx;
  if (w->nnotes >= SB_ARRAY_LEN(w->notes)) return;
  copy_str(w->notes[w->nnotes], sizeof w->notes[0], n->what);
  w->note_codes[w->nnotes++] = n->code;
}

static void io_keys(void *ctx, uint64_t sid, const uint8_t c2d[32], const uint8_t d2c[32]) {
  dworld *w = ctx;
  (void)sid;
  memcpy(w->keys, c2d, 32);
  memcpy(w->keys + 32, d2c, 32);
  w->nkeys++;
}

static void io_store(void *ctx, uint64_t sid, const uint8_t *rec, size_t len) {
  dworld *w = ctx;
  w->store_calls++;
  size_t i = 0;
  while (i < DISK_MAX && !(w->disk[i].len && w->disk[i].sid == sid)) i++;
  if (len == 0) {
    w->deletes++;
    if (i < DISK_MAX) w->disk[i].len = 0;
    return;
  }
  if (i == DISK_MAX)
    for (i = 0; i < DISK_MAX && w->disk[i].len; i++) continue;
  if (i == DISK_MAX || len > sizeof w->disk[0].rec) return;
  w->disk[i].sid = sid;
  memcpy(w->disk[i].rec, rec, len);
  w->disk[i].len = len;
}

typedef struct dsetup {
  bool resumable, persist;
  sb_time_us accept_delay;
} dsetup;

static dworld *dworld_new(dsetup su) {
  dworld *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  sb_xoshiro_seed(&w->rng.x, 3);
  memset(w->rng.blocks[0], 0x22, 32); /* the first ephemeral: sbrp.md section 15 */
  w->rng.n = 1;
  sb_rng rng = {script_fill, &w->rng};
  sb_sbrp_io io = {w, io_send, io_open, io_close, io_deliver, io_transition, io_note, io_keys,
                   NULL};
  sb_sbrp_daemon_config dc;
  memset(&dc, 0, sizeof dc);
  dc.daemon_id = (const uint8_t *)DID;
  dc.daemon_id_len = strlen(DID);
  for (int i = 0; i < 32; i++) dc.identity_seed[i] = (uint8_t)i;
  dc.resumable = su.resumable;
  dc.persist_state = su.persist;
  dc.accept_delay = su.accept_delay;
  uint8_t seed[32];
  memset(seed, 0x5c, sizeof seed);
  SBT_OK(sb_auth_signing_key_from_seed(&w->cp, seed));
  SBT_OK(sb_sbrp_daemon_init(&w->d, &dc, &io, &rng));
  sb_sbrp_daemon_set_store(&w->d, io_store, w);
  return w;
}

static const char *const aud_relay[] = {SB_AUTH_AUDIENCE};
static const char *const scp_resume[] = {SB_AUTH_SCOPE_SESSION_RESUME};

static const char *presence_token(dworld *w, const char *did) {
  sb_auth_mint_claims m;
  memset(&m, 0, sizeof m);
  m.iss = "https://cp.test";
  m.aud = aud_relay;
  m.aud_count = 1;
  m.iat = 1700000000;
  m.exp = m.iat + 3600;
  m.role = SB_AUTH_ROLE_DAEMON;
  m.sub = did;
  m.did = did;
  m.scp = scp_resume;
  m.scp_count = 1;
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(&m, "k1", &w->cp, w->token, sizeof w->token, &n));
  return w->token;
}

static void up(dworld *w) {
  SBT_OK(sb_sbrp_daemon_register(&w->d, w->now));
  SBT_OK(sb_sbrp_daemon_connect(&w->d, w->now, presence_token(w, DID)));
  SBT_OK(sb_sbrp_daemon_ws_open(&w->d, w->now, DCONN));
}

static void reconnect(dworld *w) {
  SBT_OK(sb_sbrp_daemon_reconnect(&w->d, w->now, presence_token(w, DID)));
  SBT_OK(sb_sbrp_daemon_ws_open(&w->d, w->now, DCONN));
}

static void recv_frame(dworld *w, const uint8_t *f, size_t n) {
  SBT_OK(sb_sbrp_daemon_recv(&w->d, w->now, f, n));
}

static const uint8_t *last_sent(const dworld *w, size_t *len) {
  *len = w->nsent ? w->sent_len[w->nsent - 1] : 0;
  return w->nsent ? w->sent[w->nsent - 1] : NULL;
}

/* ---- a hand-built client ------------------------------------------------------ */

typedef struct fclient {
  uint64_t sid;
  sb_sbrp_ephemeral eph;
  sb_sbrp_session s;
  uint8_t f[MSG_MAX];
  size_t n;
} fclient;

/* Send the HandshakeInit of a client with ephemeral private key fill..fill. */
static void fc_hello(dworld *w, fclient *fc, uint64_t sid, uint8_t fill) {
  uint8_t priv[32];
  memset(priv, fill, sizeof priv);
  memset(fc, 0, sizeof *fc);
  fc->sid = sid;
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(priv, &fc->eph));
  SBT_OK(sb_sbrp_handshake_init_encode(sid, fc->eph.pub, fc->f, sizeof fc->f, &fc->n));
  recv_frame(w, fc->f, fc->n);
}

/* Finish the client side with the daemon's last HandshakeAccept of fc->sid. */
static bool fc_finish(dworld *w, fclient *fc) {
  for (size_t i = w->nsent; i-- > 0;) {
    sb_sbrp_frame f;
    sb_sbrp_accept a;
    sb_sbrp_session_keys k;
    if (w->sent[i][0] != SB_SBRP_HANDSHAKE_ACCEPT ||
        sb_sbrp_frame_decode(w->sent[i], w->sent_len[i], &f) != SB_OK ||
        f.hdr.session_id != fc->sid)
      continue;
    if (!SBT_OK(sb_sbrp_handshake_accept_decode(&f, &a))) return false;
    if (!SBT_OK(sb_sbrp_handshake_client_finish(w->d.identity.pub, (const uint8_t *)DID,
                                                strlen(DID), &fc->eph, &a, &k)))
      return false;
    return SBT_OK(sb_sbrp_session_init(&fc->s, SB_SBRP_ROLE_CLIENT, fc->sid, &k, NULL));
  }
  SBT_CHECK(false, "a HandshakeAccept for SessionID %llu was sent", (unsigned long long)fc->sid);
  return false;
}

static void fc_send(dworld *w, fclient *fc, const char *text) {
  SBT_OK(sb_sbrp_session_seal(&fc->s, (const uint8_t *)text, strlen(text), fc->f, sizeof fc->f,
                              &fc->n));
  recv_frame(w, fc->f, fc->n);
}

/* Open the daemon's last frame as fc's Data; true if it says `text`. */
static bool fc_reads(dworld *w, fclient *fc, const char *text) {
  size_t n = 0, got = 0;
  const uint8_t *f = last_sent(w, &n);
  sb_sbrp_frame fr;
  uint8_t pt[MSG_MAX];
  if (!f || sb_sbrp_frame_decode(f, n, &fr) != SB_OK) return false;
  if (sb_sbrp_session_open(&fc->s, &fr, pt, sizeof pt, &got, NULL) != SB_OK) return false;
  return got == strlen(text) && memcmp(pt, text, got) == 0;
}

/* An Active session `sid` with fc as its client. */
static void fc_connect(dworld *w, fclient *fc, uint64_t sid, uint8_t fill) {
  fc_hello(w, fc, sid, fill);
  fc_finish(w, fc);
}

static void control_to_daemon(dworld *w, uint16_t code, uint64_t sid) {
  uint8_t f[64];
  size_t n = 0;
  SBT_OK(sb_sbrp_control_encode(sid, code, NULL, 0, f, sizeof f, &n));
  recv_frame(w, f, n);
}

static void expect_tr(dworld *w, size_t *cur, const char *machine, const char *from,
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

static int note_code(const dworld *w, const char *what) {
  for (size_t i = w->nnotes; i-- > 0;)
    if (!strcmp(w->notes[i], what)) return w->note_codes[i];
  return 1;
}

static sb_sbrp_daemon_session *session_of(dworld *w, uint64_t sid) {
  return (sb_sbrp_daemon_session *)sb_sbrp_daemon_session_get(&w->d, sid);
}

static const dsetup resumable = {true, false, 0};

/* ---- tests ------------------------------------------------------------------ */

static void daemon_registers_connects_and_answers_a_handshake(void) {
  /* SBRP-SM-D-001, SBRP-SM-D-002, SBRP-SM-D-003, SBRP-SM-D-004; the
   * HandshakeAccept and the keys are those of sbrp.md section 15
   * (SBRP-CRYPTO-002, SBRP-CRYPTO-005, SBRP-CRYPTO-006); SBRP-WIRE-017: the
   * session is keyed by the HandshakeInit's SessionID; SBRP-CRYPTO-021,
   * SBRP-CRYPTO-030: Data both ways from seq 0. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  size_t cur = 0;
  SBT_ERR_EQ(sb_sbrp_daemon_connect(&w->d, w->now, presence_token(w, DID)), SB_ERR_STATE);
  up(w);
  SBT_CHECK(w->opens == 1, "io.open called once");
  EXPECT_TR(w, &cur, "daemon", "Idle", "Registered", "SBRP-SM-D-001");
  EXPECT_TR(w, &cur, "daemon", "Registered", "Connected", "SBRP-SM-D-002");
  fclient fc;
  fc_hello(w, &fc, 1, 0x11);
  size_t sc = 0;
  EXPECT_TR(w, &sc, "daemon/session", "Connected", "Handshaking", "SBRP-SM-D-003");
  EXPECT_TR(w, &sc, "daemon/session", "Handshaking", "Active", "SBRP-SM-D-004");
  SBT_EQ_U64(w->tr[sc - 1].sid, 1);
  size_t n = 0;
  const uint8_t *f = last_sent(w, &n);
  SBT_HEX_EQ(f, n, v15_accept);
  SBT_HEX_EQ(w->keys, 32, v15_k_c2d);
  SBT_HEX_EQ(w->keys + 32, 32, v15_k_d2c);
  const sb_sbrp_daemon_session *s = sb_sbrp_daemon_session_get(&w->d, 1);
  SBT_CHECK(s && s->state == SB_SBRP_DSESSION_ACTIVE && s->traffic.send_next == 0,
            "Active, counter at 0");
  SBT_CHECK(s && sbt_all_zero((const uint8_t *)&s->pending_keys, sizeof s->pending_keys),
            "handshake keys wiped once installed (SBRP-CRYPTO-007)");
  SBT_STR_EQ(sb_sbrp_daemon_session_state_name(s ? s->state : SB_SBRP_DSESSION_NONE), "Active");
  if (!fc_finish(w, &fc)) return;
  fc_send(w, &fc, "hello");
  SBT_HEX_EQ(fc.f, fc.n, v15_data_c2d_hello);
  SBT_HEX_EQ(w->got, w->got_len, "68656c6c6f");
  SBT_EQ_U64(w->got_sid, 1);
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"world", 5));
  f = last_sent(w, &n);
  SBT_HEX_EQ(f, n, v15_data_d2c_world);
  SBT_CHECK(fc_reads(w, &fc, "world"), "client reads the reply");
  SBT_ERR_EQ(sb_sbrp_daemon_send(&w->d, w->now, 2, (const uint8_t *)"x", 1), SB_ERR_NOT_FOUND);
  SBT_EQ_U64(sb_sbrp_daemon_session_count(&w->d), 1);
  free(w);
}

static void accept_delay_keeps_the_session_handshaking(void) {
  /* SBRP-SM-D-003 then SBRP-SM-D-004 only when the accept goes out (after
   * accept_delay); Data before that is dropped (SBRP-CRYPTO-009). */
  dworld *w = dworld_new((dsetup){true, false, SB_TIME_S(2)});
  if (!w) return;
  up(w);
  w->now = SB_TIME_S(1);
  fclient fc;
  fc_hello(w, &fc, 5, 0x31);
  SBT_CHECK(w->nsent == 0, "nothing sent yet");
  SBT_EQ_U64(sb_sbrp_daemon_deadline(&w->d), SB_TIME_S(3));
  const sb_sbrp_daemon_session *s = sb_sbrp_daemon_session_get(&w->d, 5);
  SBT_CHECK(s && s->state == SB_SBRP_DSESSION_HANDSHAKING, "Handshaking");
  uint8_t data[64];
  size_t n = 0;
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_DATA, 5, (const uint8_t[28]){0}, 28, data, sizeof data, &n));
  recv_frame(w, data, n);
  SBT_EQ_U64(note_code(w, "frame_dropped"), 0);
  SBT_ERR_EQ(sb_sbrp_daemon_send(&w->d, w->now, 5, (const uint8_t *)"x", 1), SB_ERR_STATE);
  SBT_OK(sb_sbrp_daemon_timeout(&w->d, SB_TIME_S(3) - 1));
  SBT_CHECK(w->nsent == 0, "not yet");
  size_t sc = w->ntr;
  SBT_OK(sb_sbrp_daemon_timeout(&w->d, SB_TIME_S(3)));
  EXPECT_TR(w, &sc, "daemon/session", "Handshaking", "Active", "SBRP-SM-D-004");
  SBT_CHECK(w->nsent == 1 && w->sent[0][0] == SB_SBRP_HANDSHAKE_ACCEPT, "accept sent");
  SBT_EQ_U64(sb_sbrp_daemon_deadline(&w->d), SB_SBRP_NO_DEADLINE);
  SBT_CHECK(fc_finish(w, &fc), "the client finishes");
  free(w);
}

static void handshake_still_unaccepted_after_30_s_is_dropped(void) {
  /* SBRP-SM-D-012, SBRP-CRYPTO-008: measured from the HandshakeInit; the
   * accept (due at 31 s) never goes out; handshake_timeout. */
  dworld *w = dworld_new((dsetup){true, false, SB_TIME_S(31)});
  if (!w) return;
  up(w);
  w->now = SB_TIME_S(4);
  fclient fc;
  fc_hello(w, &fc, 6, 0x32);
  SBT_EQ_U64(sb_sbrp_daemon_deadline(&w->d), SB_TIME_S(34));
  size_t sc = w->ntr;
  SBT_OK(sb_sbrp_daemon_timeout(&w->d, SB_TIME_S(34)));
  EXPECT_TR(w, &sc, "daemon/session", "Handshaking", "Idle (session)", "SBRP-SM-D-012");
  SBT_ERR_EQ(note_code(w, "handshake_timeout"), SB_ERR_SBRP_HANDSHAKE_TIMEOUT);
  SBT_CHECK(w->nsent == 0 && sb_sbrp_daemon_session_get(&w->d, 6) == NULL, "dropped, nothing sent");
  free(w);
}

static void session_ended_wipes_the_session(void) {
  /* SBRP-SM-D-005: Control(session_ended, S) -> per-session cleanup; the
   * stored record is deleted. session_ended for an unknown SID is noted. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient a, b;
  fc_connect(w, &a, 10, 0x41);
  fc_connect(w, &b, 11, 0x42);
  SBT_CHECK(w->disk[0].len == 8 && w->disk[0].sid == 10, "SessionID record stored");
  size_t sc = w->ntr;
  control_to_daemon(w, SB_SBRP_CTRL_SESSION_ENDED, 10);
  EXPECT_TR(w, &sc, "daemon/session", "Active", "Idle (session)", "SBRP-SM-D-005");
  SBT_CHECK(sb_sbrp_daemon_session_get(&w->d, 10) == NULL, "gone");
  SBT_CHECK(w->deletes == 1, "record deleted");
  fc_send(w, &b, "still here");
  SBT_HEX_EQ(w->got, w->got_len, "7374696c6c2068657265");
  fc_send(w, &a, "late");
  SBT_EQ_U64(note_code(w, "frame_dropped"), 0);
  control_to_daemon(w, SB_SBRP_CTRL_SESSION_ENDED, 99);
  SBT_EQ_U64(note_code(w, "control_ignored"), 0);
  free(w);
}

static void resumable_daemon_signals_ready_within_grace_and_continues(void) {
  /* SBRP-SM-D-006 (connection and session), SBRP-SM-D-007, SBRP-SM-D-009:
   * Signal(ready, none) is the first frame on the new connection
   * (SBRP-RES-004, SBRP-SIG-002: 04 00000002 <sid> 00 00); keys, counters
   * and the replay window continue (SBRP-RES-006, SBRP-CRYPTO-033). */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 1, 0x11);
  fc_send(w, &fc, "hello");
  uint8_t old[MSG_MAX];
  size_t old_n = fc.n;
  memcpy(old, fc.f, old_n);
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"world", 5));
  SBT_CHECK(fc_reads(w, &fc, "world"), "read");
  w->now = SB_TIME_S(100);
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  EXPECT_TR(w, &cur, "daemon", "Connected", "Reconnecting", "SBRP-SM-D-006");
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Reconnecting", "SBRP-SM-D-006");
  SBT_STR_EQ(sb_sbrp_daemon_session_state_name(SB_SBRP_DSESSION_SUSPENDED), "Reconnecting");
  SBT_EQ_U64(sb_sbrp_daemon_connection(&w->d), SB_SBRP_NO_CONN);
  SBT_ERR_EQ(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"x", 1), SB_ERR_STATE);
  w->now = SB_TIME_S(129);
  size_t before = w->nsent;
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-007");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Active", "SBRP-SM-D-009");
  SBT_CHECK(w->nsent == before + 1, "one frame: the Signal");
  SBT_HEX_EQ(w->sent[before], w->sent_len[before], "04000000020000000000000001" "0000");
  /* The window kept the old frame: a replay is a sequence_error. */
  recv_frame(w, old, old_n);
  SBT_ERR_EQ(note_code(w, "sequence_error"), SB_ERR_SBRP_REPLAY);
  fc_send(w, &fc, "again");
  SBT_HEX_EQ(fc.f + 13, 12, "000000010000000000000001");
  SBT_HEX_EQ(w->got, w->got_len, "616761696e");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"ok", 2));
  size_t n = 0;
  SBT_HEX_EQ(last_sent(w, &n) + 13, 12, "000000020000000000000001");
  SBT_CHECK(fc_reads(w, &fc, "ok"), "the client still reads with the same keys");
  SBT_CHECK(w->nkeys == 1, "no new keys");
  free(w);
}

static void reconnect_after_grace_drops_the_old_sessions(void) {
  /* SBRP-SM-D-008, SBRP-RES-003: 30 s after the drop the kept state is
   * dropped without Signals; new sessions are accepted. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 3, 0x51);
  w->now = SB_TIME_S(1);
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  w->now = SB_TIME_S(31);
  size_t cur = w->ntr, before = w->nsent;
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-008");
  EXPECT_TR(w, &cur, "daemon/session", "Reconnecting", "Idle (session)", "SBRP-SM-D-008");
  SBT_CHECK(w->nsent == before, "no Signal");
  SBT_EQ_U64(sb_sbrp_daemon_session_count(&w->d), 0);
  SBT_CHECK(w->deletes == 1, "record deleted");
  fclient again;
  fc_connect(w, &again, 3, 0x52);
  SBT_CHECK(sb_sbrp_daemon_session_get(&w->d, 3) != NULL, "a new session under a new handshake");
  free(w);
}

static void failed_integrity_check_answers_state_lost(void) {
  /* SBRP-SM-D-010, SBRP-RES-007: a kept session whose counter is used up
   * fails check (3): Signal(close, state_lost) (04 00000002 <sid> 01 01),
   * the session is removed. A session still waiting for its accept when the
   * connection dropped is answered state_lost too (SBRP-SIG-003). */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient a;
  fc_connect(w, &a, 1, 0x11);
  session_of(w, 1)->traffic.send_next = UINT64_MAX;
  w->d.cfg.accept_delay = SB_TIME_S(5);
  fclient b;
  fc_hello(w, &b, 2, 0x12);
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  EXPECT_TR(w, &cur, "daemon", "Connected", "Reconnecting", "SBRP-SM-D-006");
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Reconnecting", "SBRP-SM-D-006");
  EXPECT_TR(w, &cur, "daemon/session", "Handshaking", "Reconnecting", "");
  size_t before = w->nsent;
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-007");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Connected", "SBRP-SM-D-010");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Connected", "SBRP-SM-D-010");
  SBT_CHECK(w->nsent == before + 2, "two Signals");
  SBT_HEX_EQ(w->sent[before], w->sent_len[before], "04000000020000000000000001" "0101");
  SBT_HEX_EQ(w->sent[before + 1], w->sent_len[before + 1], "04000000020000000000000002" "0101");
  SBT_ERR_EQ(note_code(w, "state_lost"), SB_ERR_SBRP_STATE_LOST);
  SBT_EQ_U64(sb_sbrp_daemon_session_count(&w->d), 0);
  free(w);
}

static void non_resumable_daemon_drops_sessions_and_never_signals(void) {
  /* SBRP-RES-009, SBRP-RES-002: without session:resume the daemon drops its
   * sessions on ws_close, stores nothing and sends no Signal on reconnect. */
  dworld *w = dworld_new((dsetup){false, false, 0});
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 4, 0x61);
  SBT_CHECK(w->store_calls == 0, "no records");
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  EXPECT_TR(w, &cur, "daemon", "Connected", "Reconnecting", "SBRP-SM-D-006");
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
  size_t before = w->nsent;
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "");
  SBT_CHECK(w->nsent == before, "no Signal");
  SBT_ERR_EQ(sb_sbrp_daemon_restart(&w->d, w->now), SB_OK);
  SBT_ERR_EQ(sb_sbrp_daemon_restore(&w->d, (const uint8_t *)"\0\0\0\0\0\0\0\4", 8), SB_ERR_STATE);
  free(w);
}

static void restart_with_persisted_state_resumes_the_session(void) {
  /* SBRP-RES-004..007 after a process restart: the persisted record (the
   * session export, rewritten after every change) passes the check ->
   * Signal(ready); counters continue, so no nonce is reused
   * (SBRP-CRYPTO-033). */
  dworld *w = dworld_new((dsetup){true, true, 0});
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 1, 0x11);
  fc_send(w, &fc, "a");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"b", 1));
  SBT_CHECK(fc_reads(w, &fc, "b"), "read");
  SBT_CHECK(w->disk[0].len == SB_SBRP_SESSION_STATE_BYTES(128), "full state stored (%zu bytes)",
            w->disk[0].len);
  w->now = SB_TIME_S(7);
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_daemon_restart(&w->d, w->now));
  EXPECT_TR(w, &cur, "daemon", "Connected", "Reconnecting", "");
  SBT_EQ_U64(sb_sbrp_daemon_session_count(&w->d), 0);
  SBT_OK(sb_sbrp_daemon_restore(&w->d, w->disk[0].rec, w->disk[0].len));
  SBT_ERR_EQ(sb_sbrp_daemon_restore(&w->d, w->disk[0].rec, w->disk[0].len), SB_ERR_EXISTS);
  size_t before = w->nsent;
  w->now = SB_TIME_S(8);
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-007");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Active", "SBRP-SM-D-009");
  SBT_HEX_EQ(w->sent[before], w->sent_len[before], "04000000020000000000000001" "0000");
  SBT_OK(sb_sbrp_daemon_send(&w->d, w->now, 1, (const uint8_t *)"c", 1));
  size_t n = 0;
  SBT_HEX_EQ(last_sent(w, &n) + 13, 12, "000000020000000000000001");
  SBT_CHECK(fc_reads(w, &fc, "c"), "same keys after the restart");
  fc_send(w, &fc, "d");
  SBT_HEX_EQ(w->got, w->got_len, "64");
  free(w);
}

static void restart_without_persisted_state_answers_state_lost(void) {
  /* SBRP-RES-005, SBRP-SIG-003: only the SessionID survived (8-byte
   * record) -> Signal(close, state_lost); a record that fails the
   * integrity check -> the same; a record naming no SessionID is refused. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 9, 0x71);
  SBT_HEX_EQ(w->disk[0].rec, w->disk[0].len, "0000000000000009");
  SBT_OK(sb_sbrp_daemon_restart(&w->d, w->now));
  SBT_OK(sb_sbrp_daemon_restore(&w->d, w->disk[0].rec, w->disk[0].len));
  SBT_CHECK(session_of(w, 9) && session_of(w, 9)->state_lost, "marked state_lost");
  /* A stored full state with a broken key length (check 2). */
  sb_sbrp_session t;
  sb_sbrp_session_keys k;
  memset(&k, 7, sizeof k);
  uint8_t rec[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n = 0;
  SBT_OK(sb_sbrp_session_init(&t, SB_SBRP_ROLE_DAEMON, 12, &k, NULL));
  SBT_OK(sb_sbrp_session_export(&t, rec, sizeof rec, &n));
  rec[10] = 31;
  SBT_OK(sb_sbrp_daemon_restore(&w->d, rec, n));
  SBT_CHECK(session_of(w, 12) && session_of(w, 12)->state_lost, "corrupt record: state_lost");
  SBT_ERR_EQ(note_code(w, "state_lost"), SB_ERR_SBRP_STATE_LOST);
  SBT_ERR_EQ(sb_sbrp_daemon_restore(&w->d, (const uint8_t *)"\1\2\3", 3), SB_ERR_SBRP_STATE_LOST);
  size_t cur = w->ntr, before = w->nsent;
  reconnect(w);
  EXPECT_TR(w, &cur, "daemon", "Reconnecting", "Connected", "SBRP-SM-D-007");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Connected", "SBRP-SM-D-010");
  EXPECT_TR(w, &cur, "daemon/session", "Connected", "Connected", "SBRP-SM-D-010");
  SBT_CHECK(w->nsent == before + 2, "two Signals");
  SBT_HEX_EQ(w->sent[before], w->sent_len[before], "04000000020000000000000009" "0101");
  SBT_HEX_EQ(w->sent[before + 1], w->sent_len[before + 1], "0400000002000000000000000c" "0101");
  SBT_ERR_EQ(sb_sbrp_daemon_restore(&w->d, rec, n), SB_ERR_STATE); /* connected again */
  free(w);
}

static void daemon_answers_pings_with_the_same_payload(void) {
  /* SBRP-KA-004: Pong echoing the Ping's payload, SessionID 0
   * (sbrp.md section 15 Ping bytes). */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  size_t n = 0;
  uint8_t *ping = sbt_unhex("10000000080000000000000000" "0102030405060708", &n);
  if (ping) recv_frame(w, ping, n);
  free(ping);
  const uint8_t *f = last_sent(w, &n);
  SBT_HEX_EQ(f, n, "11000000080000000000000000" "0102030405060708");
  uint8_t empty[13];
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PING, NULL, 0, empty, sizeof empty, &n));
  recv_frame(w, empty, n);
  f = last_sent(w, &n);
  SBT_HEX_EQ(f, n, "11000000000000000000000000");
  free(w);
}

static void end_session_sends_close_with_each_reason(void) {
  /* SBRP-SIG-003, SBRP-SIG-001: Signal(close, reason) for every defined
   * reason, the session removed; an undefined reason is refused. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  static const char *const want[] = {"0100", "0101", "0102", "0103", "0104"};
  for (uint8_t r = 0; r < 5; r++) {
    fclient fc;
    fc_connect(w, &fc, 20 + r, (uint8_t)(0x80 + r));
    size_t cur = w->ntr;
    SBT_OK(sb_sbrp_daemon_end_session(&w->d, w->now, 20 + r, r));
    EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
    size_t n = 0;
    const uint8_t *f = last_sent(w, &n);
    SBT_EQ_U64(n, 15);
    SBT_HEX_EQ(f + 13, 2, want[r]);
    SBT_EQ_U64(sb_load_u64be(f + 5), 20 + r);
  }
  SBT_ERR_EQ(sb_sbrp_daemon_end_session(&w->d, w->now, 20, 1), SB_ERR_NOT_FOUND);
  SBT_ERR_EQ(sb_sbrp_daemon_end_session(&w->d, w->now, 20, 9), SB_ERR_SBRP_SIGNAL_REASON);
  free(w);
}

static void drop_session_sends_nothing_and_forgets_the_session(void) {
  /* CLOUD-085, CLOUD-086: a slow consumer is terminated by the layer above
   * (upstream's terminate(false)): no frame goes to the relay, the keys are
   * wiped, the record deleted, later frames meet an unknown SessionID; the
   * other session goes on. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient a, b;
  fc_connect(w, &a, 30, 0x51);
  fc_connect(w, &b, 31, 0x52);
  sb_sbrp_daemon_session *slot = session_of(w, 30);
  SBT_CHECK(slot != NULL, "session 30 held");
  if (!slot) {
    free(w);
    return;
  }
  size_t sent = w->nsent, cur = w->ntr;
  int deletes = w->deletes;
  SBT_OK(sb_sbrp_daemon_drop_session(&w->d, w->now, 30, "slow consumer"));
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
  SBT_CHECK(strstr(w->tr[cur - 1].event, "slow consumer") != NULL, "event names the cause: %s",
            w->tr[cur - 1].event);
  SBT_EQ_U64(w->nsent, sent);
  SBT_CHECK(sb_sbrp_daemon_session_get(&w->d, 30) == NULL, "forgotten");
  SBT_CHECK(sb_sbrp_daemon_debug_session(&w->d, 30) == NULL, "no traffic state");
  static const uint8_t zero[sizeof *slot];
  SBT_CHECK(memcmp(slot, zero, sizeof *slot) == 0, "slot wiped, keys included");
  SBT_EQ_U64((uint64_t)(w->deletes - deletes), 1);
  size_t notes = w->nnotes;
  fc_send(w, &a, "late");
  SBT_CHECK(w->nnotes == notes + 1 && !strcmp(w->notes[notes], "frame_dropped"),
            "a later frame is an unknown SessionID");
  SBT_EQ_U64(w->nsent, sent);
  fc_send(w, &b, "still here");
  SBT_HEX_EQ(w->got, w->got_len, "7374696c6c2068657265");
  SBT_EQ_U64(w->got_sid, 31);
  SBT_ERR_EQ(sb_sbrp_daemon_drop_session(&w->d, w->now, 30, NULL), SB_ERR_NOT_FOUND);
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now));
  SBT_ERR_EQ(sb_sbrp_daemon_drop_session(&w->d, w->now, 31, NULL), SB_ERR_STATE);
  free(w);
}

static void close_signals_shutdown_and_wipes_everything(void) {
  /* SBRP-SM-D-011, SBRP-CRYPTO-007: Signal(close, shutdown) per session,
   * then the relay connection closes; keys and identity wiped. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient fc;
  fc_connect(w, &fc, 30, 0x91);
  size_t cur = w->ntr;
  SBT_OK(sb_sbrp_daemon_close(&w->d, w->now));
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
  EXPECT_TR(w, &cur, "daemon", "Connected", "Closed", "SBRP-SM-D-011");
  size_t n = 0;
  {
    const uint8_t *lf = last_sent(w, &n);
    SBT_HEX_EQ(lf, n, "0400000002000000000000001e" "0102");
  }
  SBT_CHECK(w->closes == 1 && w->close_code == 1000, "closed with 1000");
  SBT_CHECK(sbt_all_zero((const uint8_t *)&w->d.identity, sizeof w->d.identity) &&
                sbt_all_zero((const uint8_t *)w->d.sessions, sizeof w->d.sessions),
            "all key material wiped");
  SBT_ERR_EQ(sb_sbrp_daemon_close(&w->d, w->now), SB_ERR_STATE);
  SBT_ERR_EQ(sb_sbrp_daemon_restart(&w->d, w->now), SB_ERR_STATE);
  SBT_STR_EQ(sb_sbrp_daemon_state_name(sb_sbrp_daemon_state_of(&w->d)), "Closed");
  free(w);
}

static void decrypt_failure_ends_only_that_session(void) {
  /* SBRP-CRYPTO-024 on a multiplexed connection: the failing session ends
   * with Signal(close, error) (the relay expires it for its client); the
   * other sessions and the connection go on. SBRP-RELAY-006: sessions keep
   * independent keys and counters. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient a, b;
  fc_connect(w, &a, 40, 0xa1);
  fc_connect(w, &b, 41, 0xa2);
  fc_send(w, &a, "a0");
  fc_send(w, &b, "b0");
  fc_send(w, &b, "b1");
  SBT_HEX_EQ(b.f + 13, 12, "000000010000000000000001");
  SBT_OK(sb_sbrp_session_seal(&a.s, (const uint8_t *)"bad", 3, a.f, sizeof a.f, &a.n));
  a.f[a.n - 1] ^= 1;
  size_t cur = w->ntr;
  recv_frame(w, a.f, a.n);
  SBT_ERR_EQ(note_code(w, "decrypt_failed"), SB_ERR_SBRP_DECRYPT);
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
  size_t n = 0;
  {
    const uint8_t *lf = last_sent(w, &n);
    SBT_HEX_EQ(lf, n, "04000000020000000000000028" "0104");
  }
  SBT_CHECK(w->closes == 0 && sb_sbrp_daemon_state_of(&w->d) == SB_SBRP_DAEMON_CONNECTED,
            "the relay connection stays");
  fc_send(w, &b, "b2");
  SBT_HEX_EQ(w->got, w->got_len, "6232");
  SBT_EQ_U64(w->got_sid, 41);
  free(w);
}

static void second_handshake_init_for_a_live_session_is_ignored(void) {
  /* The relay forwards a second HandshakeInit for a live SessionID; the
   * daemon never replaces the live session (decision; SBRP-WIRE-017). */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient fc, dup;
  fc_connect(w, &fc, 50, 0xb1);
  size_t before = w->nsent, cur = w->ntr;
  fc_hello(w, &dup, 50, 0xb2);
  SBT_CHECK(w->nsent == before && w->ntr == cur, "nothing sent, no transition");
  SBT_EQ_U64(note_code(w, "frame_dropped"), 0);
  fc_send(w, &fc, "ok");
  SBT_HEX_EQ(w->got, w->got_len, "6f6b");
  free(w);
}

static void presence_token_of_another_daemon_is_refused(void) {
  /* AUTH-061: the presence token's did must be this daemon's ID; otherwise
   * the SDK fails (CloudApiError 400) and the daemon closes. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  SBT_OK(sb_sbrp_daemon_register(&w->d, w->now));
  SBT_ERR_EQ(sb_sbrp_daemon_connect(&w->d, w->now, presence_token(w, "d_other")),
             SB_ERR_AUTH_DID_MISMATCH);
  SBT_CHECK(w->opens == 0 && sb_sbrp_daemon_state_of(&w->d) == SB_SBRP_DAEMON_CLOSED,
            "nothing opened, Closed");
  free(w);
}

static void controls_to_the_daemon(void) {
  /* SBRP-CTRL-005: an unknown code is terminal: the daemon closes (1002)
   * and goes Reconnecting as after a drop (SBRP-SM-D-006), keeping its
   * sessions. rate_limited changes nothing; session_not_found removes the
   * session the relay does not know. A failed connect is not a transition. */
  dworld *w = dworld_new(resumable);
  if (!w) return;
  up(w);
  fclient a, b;
  fc_connect(w, &a, 60, 0xc1);
  fc_connect(w, &b, 61, 0xc2);
  control_to_daemon(w, SB_SBRP_CTRL_RATE_LIMITED, 0);
  SBT_EQ_U64(note_code(w, "control_received"), 0);
  size_t cur = w->ntr;
  control_to_daemon(w, SB_SBRP_CTRL_SESSION_NOT_FOUND, 61);
  EXPECT_TR(w, &cur, "daemon/session", "Active", "Idle (session)", "");
  control_to_daemon(w, SB_SBRP_CTRL_SESSION_PAUSED, 60); /* a client code: ignored */
  SBT_EQ_U64(note_code(w, "control_ignored"), 0);
  uint8_t f[32];
  size_t n = 0;
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_CONTROL, 0, (const uint8_t *)"\x0e\x01", 2, f, sizeof f, &n));
  recv_frame(w, f, n);
  EXPECT_TR(w, &cur, "daemon", "Connected", "Reconnecting", "SBRP-SM-D-006");
  SBT_CHECK(w->closes == 1 && w->close_code == 1002, "closed with 1002");
  SBT_ERR_EQ(note_code(w, "control_received"), SB_ERR_SBRP_CONTROL_UNKNOWN);
  SBT_CHECK(session_of(w, 60) && session_of(w, 60)->state == SB_SBRP_DSESSION_SUSPENDED,
            "session kept");
  recv_frame(w, f, n); /* late frame on the old connection */
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now)); /* the relay's close, late */
  SBT_EQ_U64(note_code(w, "ws_close_ignored"), 0);
  SBT_OK(sb_sbrp_daemon_reconnect(&w->d, w->now, presence_token(w, DID)));
  size_t t = w->ntr;
  SBT_OK(sb_sbrp_daemon_ws_close(&w->d, w->now)); /* the open failed */
  SBT_CHECK(w->ntr == t && sb_sbrp_daemon_state_of(&w->d) == SB_SBRP_DAEMON_RECONNECTING,
            "still Reconnecting");
  SBT_EQ_U64(note_code(w, "connect_failed"), 0);
  free(w);
}

static void init_checks_its_arguments(void) {
  /* Configuration errors: daemon ID length, replay window W >= 64
   * (SBRP-REPLAY-001). */
  sb_sbrp_daemon *d = calloc(1, sizeof *d);
  if (!d) return;
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 1);
  sb_rng rng = sb_xoshiro_rng(&x);
  sb_sbrp_io io = {NULL, io_send, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  sb_sbrp_daemon_config c;
  memset(&c, 0, sizeof c);
  c.daemon_id = (const uint8_t *)DID;
  SBT_ERR_EQ(sb_sbrp_daemon_init(d, &c, &io, &rng), SB_ERR_ARG);
  c.daemon_id_len = 256;
  SBT_ERR_EQ(sb_sbrp_daemon_init(d, &c, &io, &rng), SB_ERR_ARG);
  c.daemon_id_len = 3;
  c.replay_window = 32;
  SBT_ERR_EQ(sb_sbrp_daemon_init(d, &c, &io, &rng), SB_ERR_SBRP_WINDOW_SIZE);
  c.replay_window = 64;
  SBT_OK(sb_sbrp_daemon_init(d, &c, &io, &rng));
  SBT_ERR_EQ(sb_sbrp_daemon_ws_open(d, 0, 1), SB_ERR_STATE);
  SBT_ERR_EQ(sb_sbrp_daemon_recv(d, 0, (const uint8_t *)"x", 1), SB_ERR_STATE);
  SBT_EQ_U64(sb_sbrp_daemon_deadline(d), SB_SBRP_NO_DEADLINE);
  free(d);
}

SBT_SUITE(sbrp_daemon, "sbrp/daemon",
          SBT_CASE(daemon_registers_connects_and_answers_a_handshake),
          SBT_CASE(accept_delay_keeps_the_session_handshaking),
          SBT_CASE(handshake_still_unaccepted_after_30_s_is_dropped),
          SBT_CASE(session_ended_wipes_the_session),
          SBT_CASE(resumable_daemon_signals_ready_within_grace_and_continues),
          SBT_CASE(reconnect_after_grace_drops_the_old_sessions),
          SBT_CASE(failed_integrity_check_answers_state_lost),
          SBT_CASE(non_resumable_daemon_drops_sessions_and_never_signals),
          SBT_CASE(restart_with_persisted_state_resumes_the_session),
          SBT_CASE(restart_without_persisted_state_answers_state_lost),
          SBT_CASE(daemon_answers_pings_with_the_same_payload),
          SBT_CASE(end_session_sends_close_with_each_reason),
          SBT_CASE(drop_session_sends_nothing_and_forgets_the_session),
          SBT_CASE(close_signals_shutdown_and_wipes_everything),
          SBT_CASE(decrypt_failure_ends_only_that_session),
          SBT_CASE(second_handshake_init_for_a_live_session_is_ignored),
          SBT_CASE(presence_token_of_another_daemon_is_refused),
          SBT_CASE(controls_to_the_daemon),
          SBT_CASE(init_checks_its_arguments))
