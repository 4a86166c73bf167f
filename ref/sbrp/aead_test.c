#include "sbrp/aead.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "test/sbt.h"

/* Upstream writes "seq" in decimal, once as "0x..." hex. */
static uint64_t seq_value(const char *s) {
  if (s && s[0] == '0' && s[1] == 'x') return strtoull(s + 2, NULL, 16);
  return sbt_u64(s);
}

static uint32_t direction_value(const char *s) {
  if (s && !strcmp(s, "client_to_daemon")) return SB_SBRP_C2D;
  if (s && !strcmp(s, "daemon_to_client")) return SB_SBRP_D2C;
  SBT_CHECK(false, "unknown direction %s", s ? s : "(null)");
  return 0;
}

/* Decode a whole Data frame and open it. */
static int open_frame(const uint8_t key[32], const uint8_t *frame, size_t len, uint32_t expect_dir,
                      uint8_t *pt, size_t cap, size_t *pt_len) {
  sb_sbrp_frame f;
  sb_sbrp_data_view d;
  int rc = sb_sbrp_frame_decode(frame, len, &f);
  if (rc == SB_OK) rc = sb_sbrp_data_decode(&f, &d);
  if (rc == SB_OK) rc = sb_sbrp_aead_open(key, &d, expect_dir, pt, cap, pt_len);
  return rc;
}

static void upstream_data_frames_sealed_and_opened_in_both_directions(void) {
  /* SBRP-CRYPTO-020 (nonce), SBRP-CRYPTO-021 (key and direction per
   * sender), SBRP-CRYPTO-022 (empty AAD: any AAD would change the tags),
   * SBRP-CRYPTO-023 (payload layout), SBRP-CRYPTO-024 (receiver opens with
   * the nonce as received): every Data frame of both upstream handshakes,
   * seq 0, 1, 2 and 2^63+5, and the decryption by the peer. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *h;
  int frames = 0;
  cJSON_ArrayForEach(h, sbt_get(doc, "handshakes")) {
    uint8_t c2d[32], d2c[32];
    if (!sbt_unhex_exact(sbt_str(h, "client_to_daemon_key"), c2d, 32) ||
        !sbt_unhex_exact(sbt_str(h, "daemon_to_client_key"), d2c, 32))
      continue;
    uint64_t sid = sbt_u64(sbt_str(sbt_get(h, "inputs"), "session_id"));
    static const char *const lists[] = {"data_client_to_daemon", "data_daemon_to_client"};
    for (size_t l = 0; l < 2; l++) {
      const cJSON *e;
      cJSON_ArrayForEach(e, sbt_get(h, lists[l])) {
        uint32_t dir = direction_value(sbt_str(e, "direction"));
        SBT_EQ_U64(dir, l == 0 ? SB_SBRP_C2D : SB_SBRP_D2C);
        const uint8_t *key = dir == SB_SBRP_C2D ? c2d : d2c;
        uint64_t seq = seq_value(sbt_str(e, "seq"));
        size_t pt_len = 0;
        uint8_t *pt = sbt_unhex(sbt_str(e, "plaintext"), &pt_len);
        uint8_t frame[512], back[512];
        size_t n = 0, back_len = 0;
        SBT_OK(sb_sbrp_aead_seal(key, dir, seq, sid, pt, pt_len, frame, sizeof frame, &n));
        sbt_expect_upstream_hex(frame, n, e, "frame");
        sbt_expect_upstream_hex(frame + 13, n - 13, e, "payload");
        sbt_expect_upstream_hex(frame + 13, 12, e, "nonce");
        sbt_expect_upstream_hex(frame + 25, pt_len, e, "ciphertext");
        sbt_expect_upstream_hex(frame + 25 + pt_len, 16, e, "tag");
        /* The peer opens with its inbound key (the same directional key). */
        SBT_OK(open_frame(key, frame, n, 0, back, sizeof back, &back_len));
        sbt_expect_upstream_hex(back, back_len, e, "decrypted_by_peer");
        free(pt);
        frames++;
      }
    }
  }
  SBT_CHECK(frames == 16, "16 upstream Data frames, got %d", frames);
  cJSON_Delete(doc);
}

static void upstream_nonce_examples(void) {
  /* SBRP-CRYPTO-020: u32be(direction) | u64be(seq). upstream crypto_edges
   * nonce_examples. (constructNonce_seq_2pow64 and _seq_negative have no
   * C meaning: a u64 holds neither 2^64 nor -1; see the session's
   * exhaustion rule instead.) */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *e;
  int n = 0;
  cJSON_ArrayForEach(e, sbt_get(sbt_get(doc, "crypto_edges"), "nonce_examples")) {
    uint8_t nonce[12];
    sb_sbrp_aead_nonce(direction_value(sbt_str(e, "direction")), seq_value(sbt_str(e, "seq")),
                       nonce);
    sbt_expect_upstream_hex(nonce, 12, e, "nonce");
    n++;
  }
  SBT_CHECK(n == 4, "4 nonce examples, got %d", n);
  cJSON_Delete(doc);
}

static void upstream_fixed_key_vector(void) {
  /* SBRP-CRYPTO-022, SBRP-CRYPTO-023: crypto_edges encrypt_fixed_key_vector. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *v = sbt_get(sbt_get(doc, "crypto_edges"), "encrypt_fixed_key_vector");
  uint8_t key[32], frame[128];
  size_t n;
  const char *pt = sbt_str(v, "plaintext_utf8");
  if (sbt_unhex_exact(sbt_str(v, "key"), key, 32) && pt) {
    SBT_OK(sb_sbrp_aead_seal(key, direction_value(sbt_str(v, "direction")),
                             seq_value(sbt_str(v, "seq")), 1, (const uint8_t *)pt, strlen(pt),
                             frame, sizeof frame, &n));
    sbt_expect_upstream_hex(frame + 13, n - 13, v, "output");
  }
  cJSON_Delete(doc);
}

static void upstream_raw_seal_at_uint64_max_and_wrapped_nonce(void) {
  /* SBRP-CRYPTO-031: crypto_edges sequence_exhaustion, key K_c2d of
   * handshake 0. The raw seal reproduces upstream's frame at 2^64-1 and the
   * frame upstream sends next, whose nonce repeats seq 0's: that is why
   * sbrp/session.h refuses to send 2^64-1 (session_test.c). */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *h0 = cJSON_GetArrayItem(sbt_get(doc, "handshakes"), 0);
  const cJSON *ex = sbt_get(sbt_get(doc, "crypto_edges"), "sequence_exhaustion");
  const cJSON *at = sbt_get(sbt_get(ex, "encrypt_at_2pow64_minus_1"), "result");
  const cJSON *next = sbt_get(sbt_get(ex, "encrypt_next"), "result");
  uint8_t key[32], frame[128];
  size_t n;
  if (sbt_unhex_exact(sbt_str(h0, "client_to_daemon_key"), key, 32)) {
    SBT_EQ_U64(seq_value(sbt_str(at, "seq")), UINT64_MAX);
    SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, UINT64_MAX, 1, (const uint8_t *)"last", 4, frame,
                             sizeof frame, &n));
    sbt_expect_upstream_hex(frame + 13, 12, at, "nonce");
    sbt_expect_upstream_hex(frame + 13, n - 13, at, "payload");
    /* upstream's seq "2^64" is written as 0 */
    SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 0, 1, (const uint8_t *)"wrapped", 7, frame,
                             sizeof frame, &n));
    sbt_expect_upstream_hex(frame + 13, 12, next, "nonce");
    sbt_expect_upstream_hex(frame + 13, n - 13, next, "payload");
  }
  cJSON_Delete(doc);
}

/* A sealed frame to tamper with: K, direction 1, seq 9, "attack at dawn". */
static size_t sample_frame(uint8_t key[32], uint8_t *frame, size_t cap) {
  size_t n = 0;
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)(0x80 + i);
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 9, 77, (const uint8_t *)"attack at dawn", 14, frame,
                           cap, &n));
  return n;
}

static void tampered_frames_fail_with_decrypt_failed(void) {
  /* SBRP-CRYPTO-024: nonce (direction and sequence bytes), ciphertext, tag,
   * wrong key, other direction's key: each -> decrypt_failed, output zeroed. */
  uint8_t key[32], frame[128], t[128], pt[64];
  size_t n = sample_frame(key, frame, sizeof frame), got = 0;
  SBT_OK(open_frame(key, frame, n, 0, pt, sizeof pt, &got));
  SBT_HEX_EQ(pt, got, "61747461636b206174206461776e");
  static const size_t flips[] = {13 + 3, 13 + 4, 13 + 11, 25, 25 + 13, 25 + 14, 25 + 14 + 15};
  for (size_t i = 0; i < SB_ARRAY_LEN(flips); i++) {
    memcpy(t, frame, n);
    t[flips[i]] ^= 0x01;
    memset(pt, 0xee, sizeof pt);
    int rc = open_frame(key, t, n, 0, pt, sizeof pt, &got);
    SBT_CHECK(rc == SB_ERR_SBRP_DECRYPT, "flip at %zu: %s", flips[i], sb_err_name(rc));
    SBT_CHECK(sbt_all_zero(pt, 14), "flip at %zu: no plaintext released", flips[i]);
  }
  uint8_t wrong[32];
  memcpy(wrong, key, 32);
  wrong[0] ^= 1;
  SBT_ERR_EQ(open_frame(wrong, frame, n, 0, pt, sizeof pt, &got), SB_ERR_SBRP_DECRYPT);
  /* The daemon->client key of the same handshake is just another key. */
  uint8_t d2c[32];
  for (int i = 0; i < 32; i++) d2c[i] = (uint8_t)(0x40 + i);
  SBT_ERR_EQ(open_frame(d2c, frame, n, 0, pt, sizeof pt, &got), SB_ERR_SBRP_DECRYPT);
  SBT_STR_EQ(sb_err_lookup(SB_ERR_SBRP_DECRYPT)->proto_name, "decrypt_failed");
}

static void empty_plaintext_seals_to_a_28_byte_payload(void) {
  /* SBRP-CRYPTO-023, SBRP-WIRE-021: N = 0 is a valid Data frame. */
  uint8_t key[32] = {1}, frame[64], pt[1];
  size_t n = 0, got = 99;
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_D2C, 0, 5, NULL, 0, frame, sizeof frame, &n));
  SBT_EQ_U64(n, 41);
  SBT_HEX_EQ(frame, 25, "030000001c0000000000000005000000020000000000000000");
  SBT_OK(open_frame(key, frame, n, 0, pt, 0, &got));
  SBT_EQ_U64(got, 0);
  frame[40] ^= 0x80;
  SBT_ERR_EQ(open_frame(key, frame, n, 0, pt, 0, &got), SB_ERR_SBRP_DECRYPT);
}

static void max_plaintext_65508_fits_and_65509_is_refused(void) {
  /* SBRP-WIRE-011, sbrp.md 4.3: 65536 - 28 = 65508 plaintext bytes. */
  uint8_t key[32] = {2};
  size_t cap = SB_SBRP_MAX_FRAME + 1, n = 0, got = 0;
  uint8_t *frame = malloc(cap), *pt = malloc(cap), *back = malloc(cap);
  for (size_t i = 0; i < cap; i++) pt[i] = (uint8_t)(i * 7);
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 1, 1, pt, SB_SBRP_DATA_MAX_PLAINTEXT, frame, cap, &n));
  SBT_EQ_U64(n, 65549);
  SBT_HEX_EQ(frame, 5, "0300010000");
  SBT_OK(open_frame(key, frame, n, 0, back, cap, &got));
  SBT_CHECK(got == 65508 && memcmp(back, pt, got) == 0, "round trip of 65508 bytes");
  SBT_ERR_EQ(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 1, 1, pt, 65509, frame, cap, &n),
             SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  free(frame);
  free(pt);
  free(back);
}

static void direction_check_is_optional_as_upstream_does_not_check(void) {
  /* sbrp.md O-5, SBRP-CRYPTO-020: a frame sealed under the right key but
   * with the other direction's nonce (a buggy sender) opens when the
   * receiver follows upstream (0) and fails with the strict check. */
  uint8_t key[32] = {3}, frame[64], pt[8];
  size_t n = 0, got = 0;
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_D2C, 4, 1, (const uint8_t *)"odd", 3, frame, sizeof frame,
                           &n));
  SBT_OK(open_frame(key, frame, n, 0, pt, sizeof pt, &got));
  SBT_HEX_EQ(pt, got, "6f6464");
  SBT_ERR_EQ(open_frame(key, frame, n, SB_SBRP_C2D, pt, sizeof pt, &got), SB_ERR_SBRP_DIRECTION);
  SBT_OK(open_frame(key, frame, n, SB_SBRP_D2C, pt, sizeof pt, &got));
}

static void seal_in_place_equals_seal_from_elsewhere(void) {
  /* Zero-copy: plaintext already at the ciphertext offset is sealed in place. */
  uint8_t key[32] = {4}, a[128], b[128];
  size_t na = 0, nb = 0;
  const char *msg = "in place please";
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 3, 8, (const uint8_t *)msg, 15, a, sizeof a, &na));
  memcpy(b + SB_SBRP_AEAD_CIPHERTEXT_OFFSET, msg, 15);
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 3, 8, b + SB_SBRP_AEAD_CIPHERTEXT_OFFSET, 15, b,
                           sizeof b, &nb));
  SBT_CHECK(na == nb && memcmp(a, b, na) == 0, "same frame");
}

static void seal_and_open_report_sizes_and_refuse_bad_arguments(void) {
  /* SBRP-WIRE-013 (Data needs a SessionID), SBRP-CRYPTO-020 (direction 1 or 2). */
  uint8_t key[32] = {5}, frame[64], pt[4];
  size_t n = 0, got = 0;
  SBT_ERR_EQ(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 0, 1, (const uint8_t *)"abcd", 4, frame, 44, &n),
             SB_ERR_BUF);
  SBT_EQ_U64(n, 45);
  SBT_ERR_EQ(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 0, 0, (const uint8_t *)"abcd", 4, frame, 64, &n),
             SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_aead_seal(key, 3, 0, 1, (const uint8_t *)"abcd", 4, frame, 64, &n),
             SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_aead_seal(key, 0, 0, 1, (const uint8_t *)"abcd", 4, frame, 64, &n),
             SB_ERR_ARG);
  SBT_OK(sb_sbrp_aead_seal(key, SB_SBRP_C2D, 0, 1, (const uint8_t *)"abcd", 4, frame, 64, &n));
  SBT_ERR_EQ(open_frame(key, frame, n, 0, pt, 3, &got), SB_ERR_BUF);
  SBT_EQ_U64(got, 4);
  SBT_OK(open_frame(key, frame, n, 0, pt, 4, &got));
}

SBT_SUITE(sbrp_aead, "sbrp/aead",
          SBT_CASE(upstream_data_frames_sealed_and_opened_in_both_directions),
          SBT_CASE(upstream_nonce_examples), SBT_CASE(upstream_fixed_key_vector),
          SBT_CASE(upstream_raw_seal_at_uint64_max_and_wrapped_nonce),
          SBT_CASE(tampered_frames_fail_with_decrypt_failed),
          SBT_CASE(empty_plaintext_seals_to_a_28_byte_payload),
          SBT_CASE(max_plaintext_65508_fits_and_65509_is_refused),
          SBT_CASE(direction_check_is_optional_as_upstream_does_not_check),
          SBT_CASE(seal_in_place_equals_seal_from_elsewhere),
          SBT_CASE(seal_and_open_report_sizes_and_refuse_bad_arguments))
