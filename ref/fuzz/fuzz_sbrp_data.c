/*
 * Fuzz target sbrp_data: opening SBRP Data frames (sbrp/aead.h) and a
 * session's receive path (sbrp/session.h) with a fixed key (FUZZ_DATA_KEY
 * in both directions), input = one WebSocket message. The seed maker seals
 * frames with that key, so the fuzzer starts from authentic frames.
 *
 * Invariants: a frame that opens was sealed by a conformant sender: sealing
 * the plaintext again with its direction, sequence number and SessionID
 * gives the same bytes; a frame that does not open leaves the plaintext
 * zeroed; the direction check fails exactly when the direction differs; a
 * fresh session (either role, with and without the strict direction check)
 * opens what the raw open opens, refuses the same frame a second time as a
 * replay, and its exported state imports back to the same bytes.
 */
#include "fuzz.h"

#include "common/error.h"
#include "sbrp/aead.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sbrp/session.h"

static const uint8_t *key(void) { return (const uint8_t *)FUZZ_DATA_KEY; }

static bool all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

/* An authentic frame is what seal writes for its fields. */
static void check_reseal(const sb_sbrp_frame *f, const sb_sbrp_data_view *d, const uint8_t *pt,
                         const uint8_t *data, size_t size) {
  FUZZ_ASSERT(d->direction == SB_SBRP_C2D || d->direction == SB_SBRP_D2C);
  uint8_t *frame = malloc(size);
  FUZZ_ASSERT(frame != NULL);
  size_t n = 0;
  int rc = sb_sbrp_aead_seal(key(), d->direction, d->seq, f->hdr.session_id, pt, d->ciphertext_len,
                             frame, size, &n);
  FUZZ_ASSERT(rc == SB_OK && n == size && memcmp(frame, data, size) == 0);
  free(frame);
}

/* A fresh session of `role` receiving `f`; `opened` says whether the raw open succeeded. */
static void check_session(const sb_sbrp_frame *f, const sb_sbrp_data_view *d, sb_sbrp_role role,
                          bool strict, bool opened, const uint8_t *pt_ref) {
  sb_sbrp_session_keys keys;
  memcpy(keys.c2d, key(), SB_SBRP_KEY_BYTES);
  memcpy(keys.d2c, key(), SB_SBRP_KEY_BYTES);
  sb_sbrp_session_options opts = {0, strict};
  sb_sbrp_session s;
  FUZZ_ASSERT(sb_sbrp_session_init(&s, role, f->hdr.session_id, &keys, &opts) == SB_OK);
  uint32_t want_dir = role == SB_SBRP_ROLE_CLIENT ? SB_SBRP_D2C : SB_SBRP_C2D;
  uint8_t *pt = malloc(d->ciphertext_len ? d->ciphertext_len : 1);
  FUZZ_ASSERT(pt != NULL);
  size_t pt_len = 0;
  uint64_t seq = 0;
  int rc = sb_sbrp_session_open(&s, f, pt, d->ciphertext_len, &pt_len, &seq);
  if (strict && d->direction != want_dir) {
    FUZZ_ASSERT(rc == SB_ERR_SBRP_DIRECTION);
  } else if (!opened) {
    FUZZ_ASSERT(rc == SB_ERR_SBRP_DECRYPT);
  } else {
    FUZZ_ASSERT(rc == SB_OK && seq == d->seq && pt_len == d->ciphertext_len);
    FUZZ_ASSERT(memcmp(pt, pt_ref, pt_len) == 0);
    rc = sb_sbrp_session_open(&s, f, pt, d->ciphertext_len, &pt_len, &seq);
    FUZZ_ASSERT(rc == SB_ERR_SBRP_REPLAY);
  }
  uint8_t state[SB_SBRP_SESSION_STATE_MAX_BYTES], again[SB_SBRP_SESSION_STATE_MAX_BYTES];
  size_t n = 0, m = 0;
  FUZZ_ASSERT(sb_sbrp_session_export(&s, state, sizeof state, &n) == SB_OK);
  sb_sbrp_session t;
  FUZZ_ASSERT(sb_sbrp_session_import(state, n, &t) == SB_OK);
  FUZZ_ASSERT(sb_sbrp_session_export(&t, again, sizeof again, &m) == SB_OK);
  FUZZ_ASSERT(m == n && memcmp(state, again, n) == 0);
  sb_sbrp_session_wipe(&t);
  sb_sbrp_session_wipe(&s);
  free(pt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_sbrp_frame f;
  sb_sbrp_data_view d;
  if (sb_sbrp_frame_decode(data, size, &f) != SB_OK || f.hdr.type != SB_SBRP_DATA) return 0;
  int rc = sb_sbrp_data_decode(&f, &d);
  if (rc != SB_OK) {
    FUZZ_ASSERT(rc == SB_ERR_SBRP_DATA_SHORT);
    return 0;
  }
  size_t cap = d.ciphertext_len ? d.ciphertext_len : 1;
  uint8_t *pt = malloc(cap);
  FUZZ_ASSERT(pt != NULL);
  memset(pt, 0xA5, cap);
  size_t pt_len = 0;
  rc = sb_sbrp_aead_open(key(), &d, 0, pt, d.ciphertext_len, &pt_len);
  bool opened = rc == SB_OK;
  if (opened) {
    FUZZ_ASSERT(pt_len == d.ciphertext_len);
    check_reseal(&f, &d, pt, data, size);
  } else {
    FUZZ_ASSERT(rc == SB_ERR_SBRP_DECRYPT && all_zero(pt, d.ciphertext_len));
  }
  for (uint32_t dir = SB_SBRP_C2D; dir <= SB_SBRP_D2C; dir++) {
    uint8_t *pt2 = malloc(cap);
    FUZZ_ASSERT(pt2 != NULL);
    size_t len2 = 0;
    int rc2 = sb_sbrp_aead_open(key(), &d, dir, pt2, d.ciphertext_len, &len2);
    if (d.direction != dir) FUZZ_ASSERT(rc2 == SB_ERR_SBRP_DIRECTION);
    else FUZZ_ASSERT(rc2 == rc && (!opened || memcmp(pt2, pt, pt_len) == 0));
    free(pt2);
  }
  /* A short buffer is refused before any work, with the size needed. */
  if (d.ciphertext_len) {
    size_t need = 0;
    FUZZ_ASSERT(sb_sbrp_aead_open(key(), &d, 0, pt, d.ciphertext_len - 1, &need) == SB_ERR_BUF);
    FUZZ_ASSERT(need == d.ciphertext_len);
  }
  for (int strict = 0; strict <= 1; strict++) {
    check_session(&f, &d, SB_SBRP_ROLE_CLIENT, strict, opened, pt);
    check_session(&f, &d, SB_SBRP_ROLE_DAEMON, strict, opened, pt);
  }
  fuzz_keep_bytes(pt, pt_len);
  free(pt);
  return 0;
}
