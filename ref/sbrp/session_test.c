#include "sbrp/session.h"

#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "sbrp/aead.h"
#include "sbrp/payload.h"
#include "test/sbt.h"

static bool is_sequence_error(int rc) {
  const sb_err_info *e = sb_err_lookup(rc);
  return e && e->proto_name && !strcmp(e->proto_name, "sequence_error");
}

/* Keys and SessionID of upstream handshake `i`. */
static bool upstream_keys(const cJSON *doc, int i, sb_sbrp_session_keys *k, uint64_t *sid) {
  const cJSON *h = cJSON_GetArrayItem(sbt_get(doc, "handshakes"), i);
  *sid = sbt_u64(sbt_str(sbt_get(h, "inputs"), "session_id"));
  return sbt_unhex_exact(sbt_str(h, "client_to_daemon_key"), k->c2d, 32) &&
         sbt_unhex_exact(sbt_str(h, "daemon_to_client_key"), k->d2c, 32);
}

/* Fixed keys for tests that need no upstream data. */
static void test_keys(sb_sbrp_session_keys *k) {
  for (int i = 0; i < 32; i++) {
    k->c2d[i] = (uint8_t)(0x10 + i);
    k->d2c[i] = (uint8_t)(0xa0 + i);
  }
}

static void pair(sb_sbrp_session *client, sb_sbrp_session *daemon, uint64_t sid,
                 const sb_sbrp_session_options *opts) {
  sb_sbrp_session_keys k;
  test_keys(&k);
  SBT_OK(sb_sbrp_session_init(client, SB_SBRP_ROLE_CLIENT, sid, &k, opts));
  SBT_OK(sb_sbrp_session_init(daemon, SB_SBRP_ROLE_DAEMON, sid, &k, opts));
}

/* Decode `frame` and open it in `s`. */
static int deliver(sb_sbrp_session *s, const uint8_t *frame, size_t n, uint8_t *pt, size_t cap,
                   size_t *pt_len) {
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(frame, n, &f);
  return rc != SB_OK ? rc : sb_sbrp_session_open(s, &f, pt, cap, pt_len, NULL);
}

static void upstream_session_sends_the_upstream_frames_in_order(void) {
  /* SBRP-CRYPTO-021 (client K_c2d/1, daemon K_d2c/2), SBRP-CRYPTO-030 (seq
   * from 0, +1 per frame, per direction): both upstream handshakes, every
   * Data frame produced by the session counter (2^63+5 after setting the
   * counter, as upstream did), opened by the peer session. Counted in
   * aead_test.c already. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  for (int i = 0; i < 2; i++) {
    sb_sbrp_session_keys k;
    uint64_t sid;
    if (!upstream_keys(doc, i, &k, &sid)) continue;
    const cJSON *h = cJSON_GetArrayItem(sbt_get(doc, "handshakes"), i);
    sb_sbrp_session c, d;
    SBT_OK(sb_sbrp_session_init(&c, SB_SBRP_ROLE_CLIENT, sid, &k, NULL));
    SBT_OK(sb_sbrp_session_init(&d, SB_SBRP_ROLE_DAEMON, sid, &k, NULL));
    static const char *const lists[] = {"data_client_to_daemon", "data_daemon_to_client"};
    for (int l = 0; l < 2; l++) {
      sb_sbrp_session *tx = l == 0 ? &c : &d, *rx = l == 0 ? &d : &c;
      const cJSON *e;
      cJSON_ArrayForEach(e, sbt_get(h, lists[l])) {
        uint64_t seq = sbt_u64(sbt_str(e, "seq"));
        if (seq != tx->send_next) tx->send_next = seq; /* upstream set sendSeq directly */
        size_t pt_len = 0, n = 0, got = 0;
        uint8_t *pt = sbt_unhex(sbt_str(e, "plaintext"), &pt_len);
        uint8_t frame[256], back[256];
        SBT_OK(sb_sbrp_session_seal(tx, pt, pt_len, frame, sizeof frame, &n));
        SBT_HEX_EQ(frame, n, sbt_str(e, "frame"));
        SBT_EQ_U64(tx->send_next, seq + 1);
        SBT_OK(deliver(rx, frame, n, back, sizeof back, &got));
        SBT_HEX_EQ(back, got, sbt_str(e, "decrypted_by_peer"));
        free(pt);
      }
    }
  }
  cJSON_Delete(doc);
}

static void upstream_replay_sequence_through_sessions(void) {
  /* SBRP-REPLAY-005: upstream-handshake.json replay_sequence (handshake 0
   * keys): m0 accepted, m0 again -> sequence_error, m1 accepted. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  sb_sbrp_session_keys k;
  uint64_t sid;
  if (upstream_keys(doc, 0, &k, &sid)) {
    sb_sbrp_session c, d;
    SBT_OK(sb_sbrp_session_init(&c, SB_SBRP_ROLE_CLIENT, sid, &k, NULL));
    SBT_OK(sb_sbrp_session_init(&d, SB_SBRP_ROLE_DAEMON, sid, &k, NULL));
    const cJSON *steps = sbt_get(doc, "replay_sequence");
    const cJSON *s0 = cJSON_GetArrayItem(steps, 0), *s1 = cJSON_GetArrayItem(steps, 1),
                *s2 = cJSON_GetArrayItem(steps, 2);
    size_t l0, l1, n0, n1, got;
    uint8_t *m0 = sbt_unhex(sbt_str(sbt_get(s0, "outcome"), "result"), &l0);
    uint8_t *m1 = sbt_unhex(sbt_str(sbt_get(s2, "outcome"), "result"), &l1);
    uint8_t f0[128], f1[128], pt[128];
    SBT_OK(sb_sbrp_session_seal(&c, m0, l0, f0, sizeof f0, &n0));
    SBT_OK(sb_sbrp_session_seal(&c, m1, l1, f1, sizeof f1, &n1));
    if (SBT_OK(deliver(&d, f0, n0, pt, sizeof pt, &got)) &&
        SBT_HEX_EQ(pt, got, sbt_str(sbt_get(s0, "outcome"), "result")))
      sbt_count_upstream_value();
    int rc = deliver(&d, f0, n0, pt, sizeof pt, &got);
    SBT_ERR_EQ(rc, SB_ERR_SBRP_REPLAY);
    if (is_sequence_error(rc) &&
        !strcmp(sbt_str(sbt_get(sbt_get(s1, "outcome"), "error"), "code"), "sequence_error"))
      sbt_count_upstream_value();
    if (SBT_OK(deliver(&d, f1, n1, pt, sizeof pt, &got)) &&
        SBT_HEX_EQ(pt, got, sbt_str(sbt_get(s2, "outcome"), "result")))
      sbt_count_upstream_value();
    free(m0);
    free(m1);
  }
  cJSON_Delete(doc);
}

static void upstream_receiver_accepts_uint64_max_then_rejects_the_wrapped_frame(void) {
  /* SBRP-CRYPTO-031, SBRP-REPLAY-006: crypto_edges sequence_exhaustion
   * receiver_accepts_2pow64_minus_1_then_wrapped: upstream's frames at
   * 2^64-1 and at the wrapped 0, received by a daemon session. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *ex = sbt_get(sbt_get(doc, "crypto_edges"), "sequence_exhaustion");
  const cJSON *recv = sbt_get(ex, "receiver_accepts_2pow64_minus_1_then_wrapped");
  sb_sbrp_session_keys k;
  uint64_t sid;
  if (upstream_keys(doc, 0, &k, &sid)) {
    sb_sbrp_session d;
    SBT_OK(sb_sbrp_session_init(&d, SB_SBRP_ROLE_DAEMON, sid, &k, NULL));
    static const char *const sends[] = {"encrypt_at_2pow64_minus_1", "encrypt_next"};
    for (int i = 0; i < 2; i++) {
      size_t plen, n, got;
      uint8_t *payload =
          sbt_unhex(sbt_str(sbt_get(sbt_get(ex, sends[i]), "result"), "payload"), &plen);
      uint8_t frame[128], pt[64];
      SBT_OK(sb_sbrp_data_encode(sid, payload, plen, frame, sizeof frame, &n));
      const cJSON *want = cJSON_GetArrayItem(recv, i);
      int rc = deliver(&d, frame, n, pt, sizeof pt, &got);
      if (cJSON_IsTrue(sbt_get(want, "ok"))) {
        if (SBT_OK(rc) && SBT_HEX_EQ(pt, got, sbt_str(want, "result"))) sbt_count_upstream_value();
      } else {
        SBT_ERR_EQ(rc, SB_ERR_SBRP_TOO_OLD);
        if (is_sequence_error(rc)) sbt_count_upstream_value();
      }
      free(payload);
    }
  }
  cJSON_Delete(doc);
}

static void session_refuses_to_send_uint64_max(void) {
  /* SBRP-CRYPTO-031, SBRP-CRYPTO-032 (sbrp.md O-4): the last number sent is
   * 2^64-2; at 2^64-1 the session stops and stays stopped. Upstream sends
   * 2^64-1 and then wraps (errata E-SBRP-CRYPTO-1). */
  sb_sbrp_session c, d;
  uint8_t frame[64], pt[8];
  size_t n = 0, got;
  pair(&c, &d, 9, NULL);
  c.send_next = SB_SBRP_SEQ_LAST;
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"end", 3, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "00000001fffffffffffffffe");
  SBT_OK(deliver(&d, frame, n, pt, sizeof pt, &got));
  SBT_EQ_U64(c.send_next, UINT64_MAX);
  SBT_ERR_EQ(sb_sbrp_session_seal(&c, (const uint8_t *)"more", 4, frame, sizeof frame, &n),
             SB_ERR_SBRP_SEQ_EXHAUSTED);
  SBT_ERR_EQ(sb_sbrp_session_seal(&c, NULL, 0, frame, sizeof frame, &n), SB_ERR_SBRP_SEQ_EXHAUSTED);
  SBT_EQ_U64(c.send_next, UINT64_MAX);
  /* The other direction counts on its own (SBRP-CRYPTO-030). */
  SBT_OK(sb_sbrp_session_seal(&d, (const uint8_t *)"ok", 2, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "000000020000000000000000");
}

static void forged_frame_does_not_burn_the_genuine_sequence_number(void) {
  /* SBRP-REPLAY-005, SBRP-CRYPTO-024: window check, AEAD open, then window
   * update. A forged frame with seq 0 fails to open and leaves 0 unseen, so
   * the genuine seq-0 frame that follows is accepted (upstream updates the
   * window first and would reject it: errata E-SBRP-CRYPTO-2). */
  sb_sbrp_session c, d;
  uint8_t genuine[64], forged[64], pt[16];
  size_t n = 0, got;
  pair(&c, &d, 3, NULL);
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"genuine", 7, genuine, sizeof genuine, &n));
  memcpy(forged, genuine, n);
  forged[25] ^= 0x55; /* ciphertext byte: same seq, no valid tag */
  SBT_ERR_EQ(deliver(&d, forged, n, pt, sizeof pt, &got), SB_ERR_SBRP_DECRYPT);
  SBT_CHECK(!sb_sbrp_replay_max_seen(&d.recv, NULL), "window untouched by the forgery");
  SBT_OK(deliver(&d, genuine, n, pt, sizeof pt, &got));
  SBT_HEX_EQ(pt, got, "67656e75696e65");
  SBT_ERR_EQ(deliver(&d, genuine, n, pt, sizeof pt, &got), SB_ERR_SBRP_REPLAY);
  SBT_ERR_EQ(deliver(&d, forged, n, pt, sizeof pt, &got), SB_ERR_SBRP_REPLAY);
}

static void counters_start_at_zero_and_count_per_direction(void) {
  /* SBRP-CRYPTO-030, SBRP-CRYPTO-021: client frames carry direction 1 and
   * K_c2d, daemon frames direction 2 and K_d2c; each side counts from 0. */
  sb_sbrp_session c, d;
  sb_sbrp_session_keys k;
  uint8_t frame[64], pt[8];
  size_t n = 0, got;
  test_keys(&k);
  pair(&c, &d, 5, NULL);
  for (uint64_t i = 0; i < 3; i++) {
    SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"c", 1, frame, sizeof frame, &n));
    SBT_EQ_U64(sb_load_u32be(frame + 13), SB_SBRP_C2D);
    SBT_EQ_U64(sb_load_u64be(frame + 17), i);
    sb_sbrp_frame f;
    sb_sbrp_data_view v;
    SBT_OK(sb_sbrp_frame_decode(frame, n, &f));
    SBT_OK(sb_sbrp_data_decode(&f, &v));
    SBT_OK(sb_sbrp_aead_open(k.c2d, &v, 0, pt, sizeof pt, &got));
    SBT_ERR_EQ(sb_sbrp_aead_open(k.d2c, &v, 0, pt, sizeof pt, &got), SB_ERR_SBRP_DECRYPT);
  }
  SBT_OK(sb_sbrp_session_seal(&d, (const uint8_t *)"d", 1, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "000000020000000000000000");
  SBT_OK(deliver(&c, frame, n, pt, sizeof pt, &got));
  /* A session does not open its own frames: its inbound key is the other one. */
  SBT_ERR_EQ(deliver(&d, frame, n, pt, sizeof pt, &got), SB_ERR_SBRP_DECRYPT);
}

static void init_enforces_window_of_at_least_64_default_128(void) {
  /* SBRP-REPLAY-001 (W >= 64), SBRP-REPLAY-002 (default 128), SBRP-REPLAY-003 (larger allowed). */
  sb_sbrp_session s;
  sb_sbrp_session_keys k;
  test_keys(&k);
  sb_sbrp_session_options o = {63, false};
  SBT_ERR_EQ(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, &o), SB_ERR_SBRP_WINDOW_SIZE);
  o.window = 1;
  SBT_ERR_EQ(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, &o), SB_ERR_SBRP_WINDOW_SIZE);
  o.window = SB_CONFIG_REPLAY_MAX_WINDOW + 1;
  SBT_ERR_EQ(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, &o), SB_ERR_RANGE);
  o.window = 64;
  SBT_OK(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, &o));
  SBT_EQ_U64(s.recv.window, 64);
  o.window = 256;
  SBT_OK(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, &o));
  SBT_EQ_U64(s.recv.window, 256);
  SBT_OK(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 1, &k, NULL));
  SBT_EQ_U64(s.recv.window, 128);
  SBT_EQ_U64(s.send_next, 0);
  SBT_ERR_EQ(sb_sbrp_session_init(&s, SB_SBRP_ROLE_DAEMON, 0, &k, NULL), SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_session_init(&s, (sb_sbrp_role)3, 1, &k, NULL), SB_ERR_ARG);
}

static void window_rejects_replays_and_old_frames_in_a_session(void) {
  /* SBRP-REPLAY-001, SBRP-REPLAY-005: with W = 64, a frame 64 behind the
   * newest is too old, 63 behind is still accepted once. */
  sb_sbrp_session c, d;
  sb_sbrp_session_options o = {64, false};
  uint8_t frames[70][48], pt[8];
  size_t n[70], got;
  pair(&c, &d, 11, &o);
  for (int i = 0; i < 70; i++)
    SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"x", 1, frames[i], sizeof frames[i], &n[i]));
  SBT_OK(deliver(&d, frames[69], n[69], pt, sizeof pt, &got));
  SBT_ERR_EQ(deliver(&d, frames[5], n[5], pt, sizeof pt, &got), SB_ERR_SBRP_TOO_OLD);
  SBT_OK(deliver(&d, frames[6], n[6], pt, sizeof pt, &got));
  SBT_ERR_EQ(deliver(&d, frames[6], n[6], pt, sizeof pt, &got), SB_ERR_SBRP_REPLAY);
  SBT_ERR_EQ(deliver(&d, frames[69], n[69], pt, sizeof pt, &got), SB_ERR_SBRP_REPLAY);
}

static void strict_direction_option_rejects_the_wrong_nonce_direction(void) {
  /* sbrp.md O-5: a buggy client seals with its key but direction 2. By
   * default (upstream) the daemon opens it; strictly it is refused, without
   * moving the window. */
  sb_sbrp_session c, d, ds;
  sb_sbrp_session_keys k;
  sb_sbrp_session_options strict = {0, true};
  uint8_t frame[64], pt[8];
  size_t n = 0, got;
  test_keys(&k);
  pair(&c, &d, 2, NULL);
  SBT_OK(sb_sbrp_session_init(&ds, SB_SBRP_ROLE_DAEMON, 2, &k, &strict));
  SBT_OK(sb_sbrp_aead_seal(k.c2d, SB_SBRP_D2C, 0, 2, (const uint8_t *)"bug", 3, frame, sizeof frame,
                           &n));
  SBT_OK(deliver(&d, frame, n, pt, sizeof pt, &got));
  SBT_ERR_EQ(deliver(&ds, frame, n, pt, sizeof pt, &got), SB_ERR_SBRP_DIRECTION);
  SBT_CHECK(!sb_sbrp_replay_max_seen(&ds.recv, NULL), "window untouched");
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"ok", 2, frame, sizeof frame, &n));
  SBT_OK(deliver(&ds, frame, n, pt, sizeof pt, &got));
}

static void open_refuses_other_frames_and_small_buffers(void) {
  /* The caller dispatches by type and SessionID; SBRP-WIRE-021 via the Data
   * decoder. Nothing changes on these errors. */
  sb_sbrp_session c, d;
  uint8_t frame[64], pt[8];
  size_t n = 0, got;
  pair(&c, &d, 4, NULL);
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"abcd", 4, frame, sizeof frame, &n));
  sb_sbrp_frame f;
  SBT_OK(sb_sbrp_frame_decode(frame, n, &f));
  f.hdr.session_id = 5;
  SBT_ERR_EQ(sb_sbrp_session_open(&d, &f, pt, sizeof pt, &got, NULL), SB_ERR_ARG);
  f.hdr.session_id = 4;
  SBT_ERR_EQ(sb_sbrp_session_open(&d, &f, pt, 3, &got, NULL), SB_ERR_BUF);
  SBT_EQ_U64(got, 4);
  f.payload_len = 27;
  SBT_ERR_EQ(sb_sbrp_session_open(&d, &f, pt, sizeof pt, &got, NULL), SB_ERR_SBRP_DATA_SHORT);
  f.payload_len = 32;
  f.hdr.type = SB_SBRP_SIGNAL;
  SBT_ERR_EQ(sb_sbrp_session_open(&d, &f, pt, sizeof pt, &got, NULL), SB_ERR_ARG);
  f.hdr.type = SB_SBRP_DATA;
  uint64_t seq = 99;
  SBT_OK(sb_sbrp_session_open(&d, &f, pt, sizeof pt, &got, &seq));
  SBT_EQ_U64(seq, 0);
}

static void export_import_keeps_keys_counters_and_window(void) {
  /* SBRP-RES-006, SBRP-CRYPTO-033: a resumed session keeps its keys, both
   * counters and its window; counters continue, seen numbers stay seen. */
  sb_sbrp_session c, d, back;
  uint8_t f0[48], f1[48], f2[48], pt[8], state[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n0, n1, n2, got, slen = 0;
  pair(&c, &d, 77, NULL);
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"a", 1, f0, sizeof f0, &n0));
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"b", 1, f1, sizeof f1, &n1));
  SBT_OK(deliver(&d, f1, n1, pt, sizeof pt, &got));
  SBT_OK(sb_sbrp_session_seal(&d, (const uint8_t *)"r", 1, f2, sizeof f2, &n2));
  SBT_ERR_EQ(sb_sbrp_session_export(&d, state, 10, &slen), SB_ERR_BUF);
  SBT_EQ_U64(slen, SB_SBRP_SESSION_STATE_BYTES(128));
  SBT_OK(sb_sbrp_session_export(&d, state, sizeof state, &slen));
  SBT_EQ_U64(slen, 112);
  SBT_OK(sb_sbrp_session_check_state(state, slen));
  sb_sbrp_session_wipe(&d);
  SBT_OK(sb_sbrp_session_import(state, slen, &back));
  SBT_EQ_U64(back.send_next, 1);
  SBT_ERR_EQ(deliver(&back, f1, n1, pt, sizeof pt, &got), SB_ERR_SBRP_REPLAY);
  SBT_OK(deliver(&back, f0, n0, pt, sizeof pt, &got));
  SBT_HEX_EQ(pt, got, "61");
  SBT_OK(sb_sbrp_session_seal(&back, (const uint8_t *)"s", 1, f2, sizeof f2, &n2));
  SBT_HEX_EQ(f2 + 13, 12, "000000020000000000000001");
  SBT_OK(deliver(&c, f2, n2, pt, sizeof pt, &got));
}

/* Export a daemon session with some traffic (window `w`, max_seen 4, bits
 * 0 and 2, send counter 1000). */
static size_t valid_state(uint32_t w, uint8_t *state, size_t cap) {
  sb_sbrp_session c, d;
  sb_sbrp_session_options o = {w, false};
  uint8_t f[48], pt[8];
  size_t n, got, slen = 0;
  pair(&c, &d, 0x0102030405060708, &o);
  for (int i = 0; i < 5; i++) {
    SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"z", 1, f, sizeof f, &n));
    if (i == 2 || i == 4) SBT_OK(deliver(&d, f, n, pt, sizeof pt, &got));
  }
  d.send_next = 1000;
  SBT_OK(sb_sbrp_session_export(&d, state, cap, &slen));
  return slen;
}

static void import_applies_the_state_integrity_check(void) {
  /* SBRP-RES-007: each item of the integrity check on its own, starting
   * from a valid state; any failure is state_lost. */
  uint8_t good[SB_SBRP_SESSION_STATE_MAX_BYTES + 1], t[sizeof good];
  size_t n = valid_state(128, good, sizeof good);
  SBT_EQ_U64(n, 112);
  SBT_HEX_EQ(good, 12,
             "01020102030405060708"
             "20a0");
  SBT_HEX_EQ(good + 76, 36,
             "00000000000003e8"
             "00"
             "0080"
             "01"
             "0000000000000004"
             "0000000000000005"
             "0000000000000000");
  SBT_OK(sb_sbrp_session_check_state(good, n));
  SBT_STR_EQ(sb_err_lookup(SB_ERR_SBRP_STATE_LOST)->proto_name, "state_lost");
  static const struct {
    size_t at;
    uint8_t val;
    const char *what;
  } cases[] = {
      {0, 2, "unknown format version"},
      {1, 0, "no role"},
      {1, 3, "unknown role"},
      {10, 0, "send key missing"},
      {10, 31, "send key 31 bytes"},
      {10, 33, "send key 33 bytes"},
      {43, 0, "receive key missing"},
      {43, 16, "receive key 16 bytes"},
      {84, 2, "direction flag not 0/1"},
      {86, 63, "window 63 (W >= 64)"},
      {87, 2, "have_max not 0/1"},
      {87, 0, "bits set but nothing seen"},
      {103, 0x04, "bit 0 (max_seen) clear"},
      {103, 0x25, "bit 5: seq -1"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    memcpy(t, good, n);
    t[cases[i].at] = cases[i].val;
    int rc = sb_sbrp_session_check_state(t, n);
    SBT_CHECK(rc == SB_ERR_SBRP_STATE_LOST, "%s: %s", cases[i].what, sb_err_name(rc));
  }
  /* SessionID 0 */
  memcpy(t, good, n);
  memset(t + 2, 0, 8);
  SBT_ERR_EQ(sb_sbrp_session_check_state(t, n), SB_ERR_SBRP_STATE_LOST);
  /* exhausted send counter (2^64-1); 2^64-2 is still valid */
  memcpy(t, good, n);
  memset(t + 76, 0xff, 8);
  SBT_ERR_EQ(sb_sbrp_session_check_state(t, n), SB_ERR_SBRP_STATE_LOST);
  t[83] = 0xfe;
  SBT_OK(sb_sbrp_session_check_state(t, n));
  /* bit 63 stands for seq 4 - 63 < 0; with a larger max_seen it is fine */
  memcpy(t, good, n);
  t[96] = 0x80;
  SBT_ERR_EQ(sb_sbrp_session_check_state(t, n), SB_ERR_SBRP_STATE_LOST);
  memset(t + 88, 0x10, 8);
  SBT_OK(sb_sbrp_session_check_state(t, n));
  /* W = 100: bit 99 is the oldest slot, bit 100 lies outside the window
   * (word 1 bits 35 and 36, in byte 107) */
  uint8_t w100[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n100 = valid_state(100, w100, sizeof w100);
  SBT_EQ_U64(n100, 112);
  SBT_HEX_EQ(w100 + 85, 2, "0064");
  memset(w100 + 88, 0x10, 8);
  w100[107] = 0x08;
  SBT_OK(sb_sbrp_session_check_state(w100, n100));
  w100[107] = 0x10;
  SBT_ERR_EQ(sb_sbrp_session_check_state(w100, n100), SB_ERR_SBRP_STATE_LOST);
  /* truncated, trailing, empty */
  SBT_ERR_EQ(sb_sbrp_session_check_state(good, n - 1), SB_ERR_SBRP_STATE_LOST);
  memcpy(t, good, n);
  t[n] = 0;
  SBT_ERR_EQ(sb_sbrp_session_check_state(t, n + 1), SB_ERR_SBRP_STATE_LOST);
  SBT_ERR_EQ(sb_sbrp_session_check_state(good, 0), SB_ERR_SBRP_STATE_LOST);
  /* a failed import leaves the target untouched */
  sb_sbrp_session s, before;
  memset(&s, 0x3c, sizeof s);
  before = s;
  SBT_ERR_EQ(sb_sbrp_session_import(good, n - 1, &s), SB_ERR_SBRP_STATE_LOST);
  SBT_CHECK(memcmp(&s, &before, sizeof s) == 0, "target untouched");
}

static void wipe_clears_keys_and_stops_the_session(void) {
  /* SBRP-CRYPTO-007: all key material is wiped on close. */
  sb_sbrp_session c, d;
  uint8_t frame[48], state[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n;
  pair(&c, &d, 6, NULL);
  sb_sbrp_session_wipe(&c);
  uint8_t acc = 0;
  for (size_t i = 0; i < sizeof c; i++) acc |= ((const uint8_t *)&c)[i];
  SBT_CHECK(acc == 0, "every byte zero");
  SBT_ERR_EQ(sb_sbrp_session_seal(&c, (const uint8_t *)"x", 1, frame, sizeof frame, &n),
             SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_session_export(&c, state, sizeof state, &n), SB_ERR_STATE);
}

static void debug_hooks_reach_the_last_sequence_number_and_forge(void) {
  /* Test hooks for the scenarios (SBRP-CRYPTO-032, sbrp.md O-4/O-5): the send
   * counter only moves forward, 2^64-2 is still sent, then the session stops;
   * debug_seal seals any direction and number with the send key and leaves
   * the counter alone. */
  sb_sbrp_session c, d, ds;
  sb_sbrp_session_keys k;
  sb_sbrp_session_options strict = {0, true};
  uint8_t frame[64], pt[8];
  size_t n = 0, got;
  test_keys(&k);
  pair(&c, &d, 4, NULL);
  SBT_OK(sb_sbrp_session_init(&ds, SB_SBRP_ROLE_DAEMON, 4, &k, &strict));
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"a", 1, frame, sizeof frame, &n));
  SBT_ERR_EQ(sb_sbrp_session_debug_set_send_seq(&c, 0), SB_ERR_RANGE); /* 0 was used */
  SBT_OK(sb_sbrp_session_debug_set_send_seq(&c, 1));
  SBT_OK(sb_sbrp_session_debug_set_send_seq(&c, SB_SBRP_SEQ_LAST));
  SBT_OK(sb_sbrp_session_seal(&c, (const uint8_t *)"end", 3, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "00000001fffffffffffffffe");
  SBT_ERR_EQ(sb_sbrp_session_seal(&c, (const uint8_t *)"x", 1, frame, sizeof frame, &n),
             SB_ERR_SBRP_SEQ_EXHAUSTED);
  SBT_OK(sb_sbrp_session_debug_set_send_seq(&c, UINT64_MAX)); /* already there: allowed */
  SBT_ERR_EQ(sb_sbrp_session_debug_set_send_seq(&c, SB_SBRP_SEQ_LAST), SB_ERR_RANGE);
  /* A frame with the wrong direction, sealed with the right key. */
  SBT_OK(sb_sbrp_session_debug_seal(&c, SB_SBRP_D2C, 7, (const uint8_t *)"bug", 3, frame,
                                    sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "000000020000000000000007");
  SBT_EQ_U64(c.send_next, UINT64_MAX);
  SBT_OK(deliver(&d, frame, n, pt, sizeof pt, &got));
  SBT_HEX_EQ(pt, got, "627567");
  SBT_ERR_EQ(deliver(&ds, frame, n, pt, sizeof pt, &got), SB_ERR_SBRP_DIRECTION);
  /* A number the sender may never use is sealed too (receiver-side scenarios). */
  SBT_OK(sb_sbrp_session_debug_seal(&c, SB_SBRP_C2D, UINT64_MAX, NULL, 0, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame + 13, 12, "00000001ffffffffffffffff");
  SBT_OK(deliver(&d, frame, n, pt, sizeof pt, &got));
  sb_sbrp_session_wipe(&c);
  SBT_ERR_EQ(sb_sbrp_session_debug_set_send_seq(&c, 5), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_session_debug_seal(&c, 1, 0, NULL, 0, frame, sizeof frame, &n), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_session_debug_set_send_seq(NULL, 5), SB_ERR_ARG);
}

SBT_SUITE(sbrp_session, "sbrp/session",
          SBT_CASE(upstream_session_sends_the_upstream_frames_in_order),
          SBT_CASE(upstream_replay_sequence_through_sessions),
          SBT_CASE(upstream_receiver_accepts_uint64_max_then_rejects_the_wrapped_frame),
          SBT_CASE(session_refuses_to_send_uint64_max),
          SBT_CASE(forged_frame_does_not_burn_the_genuine_sequence_number),
          SBT_CASE(counters_start_at_zero_and_count_per_direction),
          SBT_CASE(init_enforces_window_of_at_least_64_default_128),
          SBT_CASE(window_rejects_replays_and_old_frames_in_a_session),
          SBT_CASE(strict_direction_option_rejects_the_wrong_nonce_direction),
          SBT_CASE(open_refuses_other_frames_and_small_buffers),
          SBT_CASE(export_import_keeps_keys_counters_and_window),
          SBT_CASE(import_applies_the_state_integrity_check),
          SBT_CASE(wipe_clears_keys_and_stops_the_session),
          SBT_CASE(debug_hooks_reach_the_last_sequence_number_and_forge))
