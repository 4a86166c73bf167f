#include "sbrp/replay.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/rng.h"
#include "test/sbt.h"

static void expect_bitmap(const sb_sbrp_replay *r, const char *hex) {
  char got[SB_SBRP_REPLAY_HEX_SIZE(SB_CONFIG_REPLAY_MAX_WINDOW)];
  SBT_OK(sb_sbrp_replay_bitmap_hex(r, got, sizeof got));
  SBT_STR_EQ(got, hex);
}

static bool is_sequence_error(int rc) {
  const sb_err_info *e = sb_err_lookup(rc);
  return e && e->proto_name && strcmp(e->proto_name, "sequence_error") == 0;
}

static void upstream_replay_sequences_step_by_step(void) {
  /* SBRP-REPLAY-001, SBRP-REPLAY-004, SBRP-REPLAY-006: every step of every
   * upstream-replay.json sequence: verdict of the pure check before the step
   * (isValidSequence_before), verdict of accept, max_seen and masked bitmap. */
  cJSON *doc = sbt_load_json("upstream/upstream-replay.json");
  const cJSON *seqs = sbt_get(doc, "sequences"), *s;
  int nseq = 0;
  cJSON_ArrayForEach(s, seqs) {
    const char *name = sbt_str(s, "name");
    sb_sbrp_replay r;
    SBT_OK(sb_sbrp_replay_init(&r, (uint32_t)sbt_u64(sbt_str(s, "window_size"))));
    const cJSON *st;
    int i = 0;
    cJSON_ArrayForEach(st, sbt_get(s, "steps")) {
      uint64_t seq = sbt_u64(sbt_str(st, "seq"));
      bool valid_before = cJSON_IsTrue(sbt_get(st, "isValidSequence_before"));
      bool accepted = cJSON_IsTrue(sbt_get(st, "accepted"));
      int chk = sb_sbrp_replay_check(&r, seq);
      SBT_CHECK((chk == 0) == valid_before, "%s step %d: check %s", name, i, sb_err_name(chk));
      if ((chk == 0) == valid_before) sbt_count_upstream_value();
      int rc = sb_sbrp_replay_accept(&r, seq);
      bool ok = accepted ? rc == 0 : is_sequence_error(rc);
      SBT_CHECK(ok, "%s step %d: accept %s", name, i, sb_err_name(rc));
      if (ok) sbt_count_upstream_value();
      uint64_t max;
      SBT_CHECK(sb_sbrp_replay_max_seen(&r, &max), "%s: have max", name);
      if (SBT_EQ_U64(max, sbt_u64(sbt_str(st, "max_seen_after")))) sbt_count_upstream_value();
      char hex[SB_SBRP_REPLAY_HEX_SIZE(SB_CONFIG_REPLAY_MAX_WINDOW)];
      SBT_OK(sb_sbrp_replay_bitmap_hex(&r, hex, sizeof hex));
      if (SBT_STR_EQ(hex, sbt_str(st, "bitmap_after_masked_hex"))) sbt_count_upstream_value();
      i++;
    }
    SBT_CHECK(i > 0, "%s has steps", name);
    nseq++;
  }
  SBT_CHECK(nseq == 8, "8 upstream sequences, got %d", nseq);
  cJSON_Delete(doc);
}

static void upstream_replay_reset_accepts_any_number_as_first(void) {
  /* SBRP-REPLAY-001: upstream-replay.json reset: after a reset any number is
   * accepted as the first one (here 3, below what was seen before). */
  cJSON *doc = sbt_load_json("upstream/upstream-replay.json");
  const cJSON *reset = sbt_get(doc, "reset");
  sb_sbrp_replay r;
  SBT_OK(sb_sbrp_replay_init(&r, 128));
  SBT_OK(sb_sbrp_replay_accept(&r, 500));
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 3), SB_ERR_SBRP_TOO_OLD);
  sb_sbrp_replay_reset(&r);
  SBT_CHECK(!sb_sbrp_replay_max_seen(&r, NULL), "no max after reset");
  expect_bitmap(&r, "0");
  int rc = sb_sbrp_replay_accept(&r, sbt_u64(sbt_str(reset, "seq_after_reset")));
  SBT_CHECK(cJSON_IsTrue(sbt_get(reset, "accepted")), "upstream accepted it");
  if (SBT_OK(rc)) sbt_count_upstream_value();
  expect_bitmap(&r, "1");
  cJSON_Delete(doc);
}

static void replay_follows_the_spec_table_for_w128(void) {
  /* SBRP-REPLAY-002 (W = 128), SBRP-REPLAY-004, SBRP-REPLAY-005,
   * SBRP-REPLAY-006: the sbrp.md section 6 vector, fed in order. */
  static const struct {
    uint64_t seq;
    int want;
  } steps[] = {
      {0, 0},
      {0, SB_ERR_SBRP_REPLAY},
      {2, 0},
      {1, 0},
      {1, SB_ERR_SBRP_REPLAY},
      {129, 0},
      {1, SB_ERR_SBRP_TOO_OLD}, /* diff 128 */
      {2, SB_ERR_SBRP_REPLAY},  /* seen, diff 127 */
      {3, 0},                   /* diff 126 */
      {130, 0},
      {2, SB_ERR_SBRP_TOO_OLD},
      {1000000, 0}, /* O(1) reset */
      {999873, 0},  /* diff 127 */
      {999872, SB_ERR_SBRP_TOO_OLD},
      {1000000, SB_ERR_SBRP_REPLAY},
      {UINT64_MAX, 0},
      {1000001, SB_ERR_SBRP_TOO_OLD},
  };
  sb_sbrp_replay r;
  SBT_OK(sb_sbrp_replay_init(&r, 128));
  for (size_t i = 0; i < SB_ARRAY_LEN(steps); i++) {
    int chk = sb_sbrp_replay_check(&r, steps[i].seq);
    int rc = sb_sbrp_replay_accept(&r, steps[i].seq);
    SBT_CHECK(chk == steps[i].want && rc == steps[i].want,
              "step %zu seq %llu: want %s, check %s, accept %s", i,
              (unsigned long long)steps[i].seq, sb_err_name(steps[i].want), sb_err_name(chk),
              sb_err_name(rc));
  }
}

/* Window boundaries around max_seen = M for one W: M-(W-1) is the oldest
 * acceptable number, M-W and M-(W+1) are too old. */
static void check_backward_boundaries(uint32_t w) {
  const uint64_t m = 1000000;
  sb_sbrp_replay r;
  SBT_OK(sb_sbrp_replay_init(&r, w));
  SBT_OK(sb_sbrp_replay_accept(&r, m));
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, m - (w + 1)), SB_ERR_SBRP_TOO_OLD);
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, m - w), SB_ERR_SBRP_TOO_OLD);
  SBT_OK(sb_sbrp_replay_accept(&r, m - (w - 1)));
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, m - (w - 1)), SB_ERR_SBRP_REPLAY);
  SBT_EQ_U64(sb_sbrp_replay_bitmap_word(&r, (w - 1) / 64),
             (UINT64_C(1) << ((w - 1) % 64)) | (w <= 64 ? 1u : 0u));
  SBT_ERR_EQ(sb_sbrp_replay_accept(&r, m - w), SB_ERR_SBRP_TOO_OLD);
}

/* Forward jumps of W-1, W and W+1 from max_seen = M. After W-1 the old M is
 * still remembered at bit W-1; after W or more it is outside the window. */
static void check_forward_boundaries(uint32_t w) {
  const uint64_t m = 5000;
  sb_sbrp_replay r;
  char hex[SB_SBRP_REPLAY_HEX_SIZE(SB_CONFIG_REPLAY_MAX_WINDOW)];
  for (uint32_t jump = w - 1; jump <= w + 1; jump++) {
    SBT_OK(sb_sbrp_replay_init(&r, w));
    SBT_OK(sb_sbrp_replay_accept(&r, m));
    SBT_OK(sb_sbrp_replay_accept(&r, m + jump));
    uint64_t max;
    SBT_CHECK(sb_sbrp_replay_max_seen(&r, &max) && max == m + jump, "W %u jump %u: max", w, jump);
    if (jump == w - 1) {
      SBT_ERR_EQ(sb_sbrp_replay_check(&r, m), SB_ERR_SBRP_REPLAY);
      SBT_EQ_U64(sb_sbrp_replay_bitmap_word(&r, (w - 1) / 64),
                 (UINT64_C(1) << ((w - 1) % 64)) | (w <= 64 ? 1u : 0u));
      SBT_OK(sb_sbrp_replay_check(&r, m + 1));
    } else {
      SBT_ERR_EQ(sb_sbrp_replay_check(&r, m), SB_ERR_SBRP_TOO_OLD);
      SBT_OK(sb_sbrp_replay_bitmap_hex(&r, hex, sizeof hex));
      SBT_STR_EQ(hex, "1");
    }
  }
}

static void replay_window_boundaries_for_w64_w128_w2048(void) {
  /* SBRP-REPLAY-001 (W >= 64), SBRP-REPLAY-002 (128), SBRP-REPLAY-003 (larger W). */
  static const uint32_t ws[] = {64, 128, 2048};
  for (size_t i = 0; i < SB_ARRAY_LEN(ws); i++) {
    check_backward_boundaries(ws[i]);
    check_forward_boundaries(ws[i]);
  }
}

static void replay_jumps_of_1_w_2pow63_and_to_uint64_max(void) {
  /* SBRP-REPLAY-004: jumps of W or more reset the bitmap in one step;
   * SBRP-REPLAY-006: exact u64, 2^64-1 is a number like any other and
   * nothing wraps after it. */
  sb_sbrp_replay r;
  SBT_OK(sb_sbrp_replay_init(&r, 128));
  SBT_OK(sb_sbrp_replay_accept(&r, 0));
  SBT_OK(sb_sbrp_replay_accept(&r, 1)); /* jump 1 */
  expect_bitmap(&r, "3");
  SBT_OK(sb_sbrp_replay_accept(&r, 1 + 128)); /* jump W */
  expect_bitmap(&r, "1");
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 1), SB_ERR_SBRP_TOO_OLD);
  SBT_OK(sb_sbrp_replay_check(&r, 2));
  SBT_OK(sb_sbrp_replay_accept(&r, 129 + (UINT64_C(1) << 63))); /* jump 2^63 */
  expect_bitmap(&r, "1");
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 129), SB_ERR_SBRP_TOO_OLD);
  SBT_OK(sb_sbrp_replay_accept(&r, UINT64_MAX)); /* to 2^64-1 */
  expect_bitmap(&r, "1");
  SBT_OK(sb_sbrp_replay_accept(&r, UINT64_MAX - 127));
  expect_bitmap(&r, "80000000000000000000000000000001");
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, UINT64_MAX - 128), SB_ERR_SBRP_TOO_OLD);
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, UINT64_MAX), SB_ERR_SBRP_REPLAY);
  /* A sender that wrapped would come back at 0, 1, ...: all far too old. */
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 0), SB_ERR_SBRP_TOO_OLD);
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 1), SB_ERR_SBRP_TOO_OLD);
}

static void replay_check_never_changes_the_window(void) {
  /* SBRP-REPLAY-005: a rejected number changes nothing; the pure check
   * changes nothing even for an acceptable number. */
  sb_sbrp_replay r, before;
  SBT_OK(sb_sbrp_replay_init(&r, 64));
  SBT_OK(sb_sbrp_replay_check(&r, 7));
  SBT_CHECK(!sb_sbrp_replay_max_seen(&r, NULL), "check did not record 7");
  SBT_OK(sb_sbrp_replay_accept(&r, 100));
  SBT_OK(sb_sbrp_replay_accept(&r, 90));
  before = r;
  SBT_OK(sb_sbrp_replay_check(&r, 200));
  SBT_OK(sb_sbrp_replay_check(&r, 95));
  SBT_ERR_EQ(sb_sbrp_replay_update(&r, 90), SB_ERR_SBRP_REPLAY);
  SBT_ERR_EQ(sb_sbrp_replay_update(&r, 36), SB_ERR_SBRP_TOO_OLD);
  SBT_ERR_EQ(sb_sbrp_replay_accept(&r, 100), SB_ERR_SBRP_REPLAY);
  SBT_CHECK(memcmp(&before, &r, sizeof r) == 0, "window unchanged");
  SBT_OK(sb_sbrp_replay_update(&r, 95));
  expect_bitmap(&r, "421");
}

static void replay_first_number_may_be_anything(void) {
  /* SBRP-REPLAY-001: the first accepted number is free; the window is then
   * relative to it (older numbers within W still accepted). */
  sb_sbrp_replay r;
  SBT_OK(sb_sbrp_replay_init(&r, 128));
  SBT_OK(sb_sbrp_replay_accept(&r, UINT64_MAX));
  SBT_OK(sb_sbrp_replay_accept(&r, UINT64_MAX - 1));
  expect_bitmap(&r, "3");
  SBT_OK(sb_sbrp_replay_init(&r, 128));
  SBT_OK(sb_sbrp_replay_accept(&r, 0));
  expect_bitmap(&r, "1");
}

static void replay_init_accepts_1_to_max_window_only(void) {
  /* W is bounded by the inline storage (SB_CONFIG_REPLAY_MAX_WINDOW). */
  sb_sbrp_replay r;
  SBT_ERR_EQ(sb_sbrp_replay_init(&r, 0), SB_ERR_RANGE);
  SBT_ERR_EQ(sb_sbrp_replay_init(&r, SB_CONFIG_REPLAY_MAX_WINDOW + 1), SB_ERR_RANGE);
  SBT_OK(sb_sbrp_replay_init(&r, 1));
  SBT_OK(sb_sbrp_replay_init(&r, SB_CONFIG_REPLAY_MAX_WINDOW));
  char small[SB_SBRP_REPLAY_HEX_SIZE(SB_CONFIG_REPLAY_MAX_WINDOW) - 1];
  SBT_ERR_EQ(sb_sbrp_replay_bitmap_hex(&r, small, sizeof small), SB_ERR_BUF);
}

/* Reference model for the differential test: the set of every accepted
 * number (no bitmap, no shifting), judged by the section 6 rules. */
enum { MODEL_SPAN = 6000 };
typedef struct model {
  bool seen[MODEL_SPAN];
  bool have_max;
  uint64_t max;
} model;

static int model_accept(model *m, uint32_t w, uint64_t seq) {
  if (m->have_max && seq <= m->max) {
    if (m->max - seq >= w) return SB_ERR_SBRP_TOO_OLD;
    if (m->seen[seq]) return SB_ERR_SBRP_REPLAY;
  }
  if (!m->have_max || seq > m->max) m->max = seq;
  m->have_max = true;
  m->seen[seq] = true;
  return SB_OK;
}

static void replay_agrees_with_a_set_model_on_random_traffic(void) {
  /* SBRP-REPLAY-001, SBRP-REPLAY-004: multi-word shifts (W not a multiple of
   * 64, jumps across word boundaries) decide exactly like the set model. */
  static const uint32_t ws[] = {1, 63, 64, 65, 100, 128, 129, 1000, 2048};
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 20240607);
  model *m = malloc(sizeof *m);
  for (size_t k = 0; k < SB_ARRAY_LEN(ws); k++) {
    uint32_t w = ws[k];
    sb_sbrp_replay r;
    SBT_OK(sb_sbrp_replay_init(&r, w));
    memset(m, 0, sizeof *m);
    uint64_t base = 0;
    int mismatches = 0, n_ok = 0, n_replay = 0, n_old = 0;
    for (int i = 0; i < 4000 && base < MODEL_SPAN - 300; i++) {
      uint64_t v = sb_xoshiro_next(&x);
      /* Mostly near the front, sometimes far back, sometimes a leap. */
      uint64_t seq = base + v % 97;
      if (v % 11 == 0 && base > 2 * w) seq = base - (v >> 20) % (2 * w);
      if (v % 53 == 0) base += 64 + (v >> 40) % 200;
      base += (v >> 8) % 3;
      if (seq >= MODEL_SPAN) continue;
      int want = model_accept(m, w, seq);
      int got = sb_sbrp_replay_accept(&r, seq);
      if (want != got) mismatches++;
      if (!sb_sbrp_replay_consistent(&r)) mismatches++;
      n_ok += got == SB_OK;
      n_replay += got == SB_ERR_SBRP_REPLAY;
      n_old += got == SB_ERR_SBRP_TOO_OLD;
    }
    SBT_CHECK(mismatches == 0, "W %u: %d disagreements with the model", w, mismatches);
    /* The traffic must exercise all three verdicts, or the test proves little. */
    SBT_CHECK(n_ok > 100 && n_replay > 10 && n_old > 10,
              "W %u: %d accepted, %d replays, %d too old", w, n_ok, n_replay, n_old);
  }
  free(m);
}

static void replay_restore_rejects_inconsistent_bitmaps(void) {
  /* SBRP-RES-007 item 4: the bitmap must be one the algorithm can reach. */
  sb_sbrp_replay r, back;
  uint64_t words[2] = {0x5, 0};
  SBT_OK(sb_sbrp_replay_restore(&r, 128, true, 1000, words, 2));
  SBT_OK(sb_sbrp_replay_check(&r, 999));
  SBT_ERR_EQ(sb_sbrp_replay_check(&r, 998), SB_ERR_SBRP_REPLAY);
  /* bit 0 (max_seen itself) missing */
  words[0] = 0x4;
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 128, true, 1000, words, 2), SB_ERR_STATE);
  /* a bit at W or above */
  words[0] = 0x1;
  uint64_t w100[2] = {1, UINT64_C(1) << 36}; /* bit 100 for W = 100 */
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 100, true, 1000, w100, 2), SB_ERR_STATE);
  w100[1] = UINT64_C(1) << 35; /* bit 99: the oldest slot, fine */
  SBT_OK(sb_sbrp_replay_restore(&back, 100, true, 1000, w100, 2));
  /* a bit for a number below 0: max_seen 3, bit 5 */
  words[0] = 0x21;
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 128, true, 3, words, 2), SB_ERR_STATE);
  words[0] = 0x9;
  SBT_OK(sb_sbrp_replay_restore(&back, 128, true, 3, words, 2));
  /* nothing seen yet but bits set, or a max_seen */
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 128, false, 0, words, 2), SB_ERR_STATE);
  words[0] = 0;
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 128, false, 7, words, 2), SB_ERR_STATE);
  SBT_OK(sb_sbrp_replay_restore(&back, 128, false, 0, words, 2));
  /* shape errors */
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 128, false, 0, words, 1), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_replay_restore(&back, 0, false, 0, words, 0), SB_ERR_RANGE);
}

SBT_SUITE(sbrp_replay, "sbrp/replay", SBT_CASE(upstream_replay_sequences_step_by_step),
          SBT_CASE(upstream_replay_reset_accepts_any_number_as_first),
          SBT_CASE(replay_follows_the_spec_table_for_w128),
          SBT_CASE(replay_window_boundaries_for_w64_w128_w2048),
          SBT_CASE(replay_jumps_of_1_w_2pow63_and_to_uint64_max),
          SBT_CASE(replay_check_never_changes_the_window),
          SBT_CASE(replay_first_number_may_be_anything),
          SBT_CASE(replay_init_accepts_1_to_max_window_only),
          SBT_CASE(replay_agrees_with_a_set_model_on_random_traffic),
          SBT_CASE(replay_restore_rejects_inconsistent_bitmaps))
