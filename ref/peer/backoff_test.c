#include "peer/backoff.h"

#include <math.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

/* Read a policy object of upstream-backoff.json into our struct. */
static bool policy_from_json(const cJSON *j, sb_peer_retry_policy *p) {
  const cJSON *init = sbt_get(j, "initialDelayMs"), *max = sbt_get(j, "maxDelayMs");
  const cJSON *att = sbt_get(j, "maxAttempts"), *jit = sbt_get(j, "jitter");
  if (!cJSON_IsNumber(init) || !cJSON_IsNumber(max) || !cJSON_IsNumber(att) ||
      !cJSON_IsNumber(jit))
    return false;
  *p = (sb_peer_retry_policy){SB_PEER_RETRY_ON_ERROR, init->valuedouble, max->valuedouble,
                              (uint32_t)att->valuedouble, jit->valuedouble};
  return true;
}

static void upstream_backoff_delays_match_every_case(void) {
  /* PEER-RETRY-002, PEER-RETRY-006: every delay of every upstream case. */
  cJSON *doc = sbt_load_json("upstream/upstream-backoff.json");
  if (!doc) return;
  const cJSON *cases = sbt_get(doc, "cases");
  SBT_CHECK(cJSON_GetArraySize(cases) >= 9, "upstream has %d backoff cases",
            cJSON_GetArraySize(cases));
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *name = sbt_str(c, "name");
    sb_peer_retry_policy p;
    const cJSON *r = sbt_get(c, "random");
    bool usable = policy_from_json(sbt_get(c, "policy"), &p) && cJSON_IsNumber(r);
    SBT_CHECK(usable, "case %s has a policy and a random value", name ? name : "?");
    if (!usable) continue;
    const cJSON *d;
    cJSON_ArrayForEach(d, sbt_get(c, "delays")) {
      const cJSON *att = sbt_get(d, "attempt"), *want = sbt_get(d, "delay_ms");
      uint64_t got = UINT64_MAX;
      int rc = sb_peer_backoff_delay(&p, (uint32_t)att->valuedouble, r->valuedouble, &got);
      bool ok = rc == SB_OK && (double)got == want->valuedouble;
      SBT_CHECK(ok, "%s attempt %d: got %llu (rc %d), upstream %.17g", name,
                (int)att->valuedouble, (unsigned long long)got, rc, want->valuedouble);
      if (ok) sbt_count_upstream_value();
    }
  }
  cJSON_Delete(doc);
}

static void upstream_default_policy_matches_our_constant(void) {
  /* PEER-RETRY-006: the defaults upstream runs with are our named constants. */
  cJSON *doc = sbt_load_json("upstream/upstream-backoff.json");
  if (!doc) return;
  sb_peer_retry_policy up;
  sb_peer_retry_policy def = SB_PEER_RETRY_POLICY_DEFAULT;
  bool parsed = policy_from_json(sbt_get(doc, "default_policy"), &up);
  SBT_CHECK(parsed, "default_policy parses");
  if (parsed) {
    bool same = up.initial_delay_ms == def.initial_delay_ms &&
                up.max_delay_ms == def.max_delay_ms && up.max_attempts == def.max_attempts &&
                up.jitter == def.jitter;
    SBT_CHECK(same, "default policy %g/%g/%u/%g", def.initial_delay_ms, def.max_delay_ms,
              def.max_attempts, def.jitter);
    if (same) sbt_count_upstream_value();
  }
  cJSON_Delete(doc);
}

static void backoff_default_mode_is_never(void) {
  /* PEER-RETRY-001: retry is opt-in; the default policy never retries. */
  sb_peer_retry_policy def = SB_PEER_RETRY_POLICY_DEFAULT;
  SBT_CHECK(def.mode == SB_PEER_RETRY_NEVER, "default mode is never");
  SBT_CHECK(!sb_peer_backoff_may_retry(&def, 0), "default policy does not retry");
  def.mode = SB_PEER_RETRY_ON_ERROR;
  SBT_CHECK(sb_peer_backoff_may_retry(&def, 0), "on-error policy retries");
}

static void backoff_max_attempts_counts_retries_only(void) {
  /* PEER-RETRY-003: maxAttempts 5 allows retries 1..5 (6 attempts in all). */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_DEFAULT;
  p.mode = SB_PEER_RETRY_ON_ERROR;
  for (uint32_t done = 0; done < 5; done++)
    SBT_CHECK(sb_peer_backoff_may_retry(&p, done), "retry after %u retries", done);
  SBT_CHECK(!sb_peer_backoff_may_retry(&p, 5), "no 6th retry");
  SBT_CHECK(!sb_peer_backoff_may_retry(&p, 6), "no 7th retry");
  p.max_attempts = 1;
  SBT_CHECK(sb_peer_backoff_may_retry(&p, 0), "maxAttempts 1 allows one retry");
  SBT_CHECK(!sb_peer_backoff_may_retry(&p, 1), "maxAttempts 1 allows only one");
}

static void backoff_max_attempts_zero_is_unlimited(void) {
  /* PEER-RETRY-003: 0 = unlimited. */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_DEFAULT;
  p.mode = SB_PEER_RETRY_ON_ERROR;
  p.max_attempts = 0;
  SBT_CHECK(sb_peer_backoff_may_retry(&p, 0), "retry 1");
  SBT_CHECK(sb_peer_backoff_may_retry(&p, UINT32_MAX), "retry after 2^32-1 retries");
  SBT_CHECK(!sb_peer_backoff_may_retry(NULL, 0), "no policy, no retry");
}

static void backoff_without_jitter_doubles_to_the_cap(void) {
  /* PEER-RETRY-002: 1 s, 2 s, 4 s, 8 s, 16 s, 30 s, 30 s (digest section 4). */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_DEFAULT;
  p.jitter = 0;
  const uint64_t want[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
  for (uint32_t k = 0; k < SB_ARRAY_LEN(want); k++) {
    uint64_t d = 0;
    SBT_OK(sb_peer_backoff_delay(&p, k, 0.75, &d));
    SBT_EQ_U64(d, want[k]);
  }
}

static void backoff_jitter_bounds_are_plus_minus_jitter(void) {
  /* PEER-RETRY-002: r = 0 gives B(1 - jitter); r just below 1 gives almost
   * B(1 + jitter), which rounds to it. */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_DEFAULT;
  uint64_t d = 0;
  SBT_OK(sb_peer_backoff_delay(&p, 2, 0.0, &d));
  SBT_EQ_U64(d, 3200);
  SBT_OK(sb_peer_backoff_delay(&p, 2, nextafter(1.0, 0.0), &d));
  SBT_EQ_U64(d, 4800);
  SBT_OK(sb_peer_backoff_delay(&p, 2, 0.5, &d));
  SBT_EQ_U64(d, 4000);
}

static void backoff_rounds_halves_up_like_math_round(void) {
  /* PEER-RETRY-006: 1.5 -> 2, 2.5 -> 3 (JS Math.round), and the classic
   * 0.49999999999999994 that floor(x + 0.5) would get wrong -> 0. */
  sb_peer_retry_policy p = {SB_PEER_RETRY_ON_ERROR, 1.5, 100, 5, 0};
  uint64_t d = 0;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.5, &d));
  SBT_EQ_U64(d, 2);
  p.initial_delay_ms = 2.5;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.5, &d));
  SBT_EQ_U64(d, 3);
  p.initial_delay_ms = 0.49999999999999994;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.5, &d));
  SBT_EQ_U64(d, 0);
  p.initial_delay_ms = 0.5;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.5, &d));
  SBT_EQ_U64(d, 1);
}

static void backoff_large_jitter_clamps_at_zero(void) {
  /* PEER-RETRY-006: jitter 2 with r = 0 gives B - 2B < 0 -> 0. */
  sb_peer_retry_policy p = {SB_PEER_RETRY_ON_ERROR, 1000, 30000, 5, 2};
  uint64_t d = 1;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.0, &d));
  SBT_EQ_U64(d, 0);
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.25, &d)); /* B - B = 0 */
  SBT_EQ_U64(d, 0);
}

static void backoff_huge_attempts_saturate_without_nan(void) {
  /* PEER-RETRY-002: 2^attempt overflows to infinity and min() caps it; an
   * initial delay of 0 stays 0 instead of 0 * inf = NaN. */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_DEFAULT;
  const uint32_t attempts[] = {1023, 1024, 1100, 5000, UINT32_MAX};
  for (size_t i = 0; i < SB_ARRAY_LEN(attempts); i++) {
    uint64_t d = 0;
    SBT_OK(sb_peer_backoff_delay(&p, attempts[i], 0.5, &d));
    SBT_EQ_U64(d, 30000);
  }
  p.initial_delay_ms = 0;
  uint64_t d = 1;
  SBT_OK(sb_peer_backoff_delay(&p, UINT32_MAX, 0.9, &d));
  SBT_EQ_U64(d, 0);
}

static void backoff_rejects_bad_policy_and_random(void) {
  /* Policy fields must be finite and non-negative; r must be in [0, 1). */
  sb_peer_retry_policy good = SB_PEER_RETRY_POLICY_DEFAULT, p;
  uint64_t d = 0;
  const double bad_r[] = {-0.1, 1.0, 1.5, NAN, INFINITY};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_r); i++)
    SBT_ERR_EQ(sb_peer_backoff_delay(&good, 0, bad_r[i], &d), SB_ERR_ARG);
  const struct {
    double initial, max, jitter;
  } bad_policy[] = {{-1, 30000, 0.2}, {1000, INFINITY, 0.2}, {1000, 30000, NAN},
                    {1000, 30000, -0.2}, {NAN, 30000, 0.2}, {1000, -1, 0.2}};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_policy); i++) {
    p = good;
    p.initial_delay_ms = bad_policy[i].initial;
    p.max_delay_ms = bad_policy[i].max;
    p.jitter = bad_policy[i].jitter;
    SBT_ERR_EQ(sb_peer_backoff_delay(&p, 0, 0.5, &d), SB_ERR_ARG);
  }
  SBT_ERR_EQ(sb_peer_backoff_delay(NULL, 0, 0.5, &d), SB_ERR_ARG);
  SBT_ERR_EQ(sb_peer_backoff_delay(&good, 0, 0.5, NULL), SB_ERR_ARG);
}

static void backoff_reports_delays_beyond_2_pow_53(void) {
  /* A delay that no longer fits an exact integer is an error, not a wrap. */
  sb_peer_retry_policy p = {SB_PEER_RETRY_ON_ERROR, 1e300, 1e300, 0, 0};
  uint64_t d = 1;
  SBT_ERR_EQ(sb_peer_backoff_delay(&p, 0, 0.5, &d), SB_ERR_RANGE);
  SBT_EQ_U64(d, 0);
  p.initial_delay_ms = p.max_delay_ms = 9007199254740992.0; /* exactly 2^53: fits */
  SBT_OK(sb_peer_backoff_delay(&p, 3, 0.5, &d));
  SBT_EQ_U64(d, SB_PEER_BACKOFF_MAX_RESULT_MS);
}

static void backoff_sidecar_preset_caps_at_60_s_and_never_gives_up(void) {
  /* PEER-RETRY-002, PEER-RETRY-003 with the sidecar preset. */
  sb_peer_retry_policy p = SB_PEER_RETRY_POLICY_SIDECAR;
  uint64_t d = 0;
  SBT_OK(sb_peer_backoff_delay(&p, 0, 0.5, &d));
  SBT_EQ_U64(d, 1000);
  SBT_OK(sb_peer_backoff_delay(&p, 5, 0.5, &d)); /* 32 s */
  SBT_EQ_U64(d, 32000);
  SBT_OK(sb_peer_backoff_delay(&p, 6, 0.5, &d)); /* 64 s -> 60 s */
  SBT_EQ_U64(d, 60000);
  SBT_OK(sb_peer_backoff_delay(&p, 6, 0.0, &d)); /* -10 % */
  SBT_EQ_U64(d, 54000);
  SBT_CHECK(sb_peer_backoff_may_retry(&p, 1000000), "sidecar preset retries forever");
}

/* An sb_rng returning a fixed byte pattern. */
static int fixed_fill(void *state, uint8_t *out, size_t len) {
  const uint8_t *src = state;
  memcpy(out, src, len);
  return SB_OK;
}

static void backoff_draw_maps_rng_bytes_into_unit_interval(void) {
  /* The simulator's jitter source: top 53 bits of a little-endian u64. */
  uint8_t ones[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint8_t half[8] = {0, 0, 0, 0, 0, 0, 0, 0x80};
  uint8_t zero[8] = {0};
  sb_rng rng = {fixed_fill, ones};
  double r = -1;
  SBT_OK(sb_peer_backoff_draw(&rng, &r));
  SBT_CHECK(r == nextafter(1.0, 0.0), "all ones -> largest double below 1 (%.17g)", r);
  rng.state = half;
  SBT_OK(sb_peer_backoff_draw(&rng, &r));
  SBT_CHECK(r == 0.5, "0x80 top byte -> 0.5 (%.17g)", r);
  rng.state = zero;
  SBT_OK(sb_peer_backoff_draw(&rng, &r));
  SBT_CHECK(r == 0.0, "zero -> 0 (%.17g)", r);
  sb_rng none = {NULL, NULL};
  SBT_ERR_EQ(sb_peer_backoff_draw(&none, &r), SB_ERR_RNG);
}

static void backoff_draw_is_deterministic_per_seed(void) {
  /* Same seed, same r sequence; every r is in [0, 1). */
  sb_xoshiro a, b;
  sb_xoshiro_seed(&a, 42);
  sb_xoshiro_seed(&b, 42);
  sb_rng ra = sb_xoshiro_rng(&a), rb = sb_xoshiro_rng(&b);
  for (int i = 0; i < 100; i++) {
    double x = -1, y = -2;
    SBT_OK(sb_peer_backoff_draw(&ra, &x));
    SBT_OK(sb_peer_backoff_draw(&rb, &y));
    SBT_CHECK(x == y && x >= 0.0 && x < 1.0, "draw %d: %.17g vs %.17g", i, x, y);
  }
}

SBT_SUITE(peer_backoff, "peer/backoff", SBT_CASE(upstream_backoff_delays_match_every_case),
          SBT_CASE(upstream_default_policy_matches_our_constant),
          SBT_CASE(backoff_default_mode_is_never),
          SBT_CASE(backoff_max_attempts_counts_retries_only),
          SBT_CASE(backoff_max_attempts_zero_is_unlimited),
          SBT_CASE(backoff_without_jitter_doubles_to_the_cap),
          SBT_CASE(backoff_jitter_bounds_are_plus_minus_jitter),
          SBT_CASE(backoff_rounds_halves_up_like_math_round),
          SBT_CASE(backoff_large_jitter_clamps_at_zero),
          SBT_CASE(backoff_huge_attempts_saturate_without_nan),
          SBT_CASE(backoff_rejects_bad_policy_and_random),
          SBT_CASE(backoff_reports_delays_beyond_2_pow_53),
          SBT_CASE(backoff_sidecar_preset_caps_at_60_s_and_never_gives_up),
          SBT_CASE(backoff_draw_maps_rng_bytes_into_unit_interval),
          SBT_CASE(backoff_draw_is_deterministic_per_seed))
