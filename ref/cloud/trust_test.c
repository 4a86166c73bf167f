#include "cloud/trust.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/handshake.h"
#include "test/sbt.h"

/* What the prompt callbacks saw and answer. */
typedef struct prompt_log {
  bool answer_first, answer_mismatch;
  unsigned first_calls, mismatch_calls;
  char fingerprint[SB_SBRP_FINGERPRINT_SIZE];
  char expected[SB_SBRP_FINGERPRINT_SIZE], received[SB_SBRP_FINGERPRINT_SIZE];
} prompt_log;

static bool on_first(void *ctx, const char *fp) {
  prompt_log *p = ctx;
  p->first_calls++;
  snprintf(p->fingerprint, sizeof p->fingerprint, "%s", fp);
  return p->answer_first;
}

static bool on_mismatch(void *ctx, const char *expected, const char *received) {
  prompt_log *p = ctx;
  p->mismatch_calls++;
  snprintf(p->expected, sizeof p->expected, "%s", expected);
  snprintf(p->received, sizeof p->received, "%s", received);
  return p->answer_mismatch;
}

static sb_cloud_trust_callbacks callbacks(prompt_log *p) {
  sb_cloud_trust_callbacks cb = {p, on_first, on_mismatch};
  return cb;
}

static const uint8_t KEY_A[32] = {0xA1, 0xA2, 0xA3};
static const uint8_t KEY_B[32] = {0xB1, 0xB2, 0xB3};

static sb_cloud_pin g_table[4];

static sb_cloud_pins empty_store(void) {
  sb_cloud_pins s;
  SBT_OK(sb_cloud_pins_init(&s, g_table, SB_ARRAY_LEN(g_table)));
  return s;
}

static void trust_name_defaults_to_auto_and_refuses_strict(void) {
  /* CLOUD-012: auto by default; pinned-only and prompt accepted. CLOUD-030:
   * the default is never pinned-only. CI-1: "strict" is refused as the code
   * refuses it. */
  sb_sbrp_trust t = SB_SBRP_TRUST_PINNED_ONLY;
  SBT_OK(sb_cloud_trust_parse(NULL, &t));
  SBT_CHECK(t == SB_SBRP_TRUST_AUTO, "default is auto (%d)", t);
  SBT_OK(sb_cloud_trust_parse("auto", &t));
  SBT_CHECK(t == SB_SBRP_TRUST_AUTO, "auto");
  SBT_OK(sb_cloud_trust_parse("prompt", &t));
  SBT_CHECK(t == SB_SBRP_TRUST_PROMPT, "prompt");
  SBT_OK(sb_cloud_trust_parse("pinned-only", &t));
  SBT_CHECK(t == SB_SBRP_TRUST_PINNED_ONLY, "pinned-only");
  const char *refused[] = {"strict", "", "Auto", "pinned_only", "pinned-only "};
  for (size_t i = 0; i < SB_ARRAY_LEN(refused); i++)
    SBT_ERR_EQ(sb_cloud_trust_parse(refused[i], &t), SB_ERR_ARG);
}

static void trust_prompt_requires_both_callbacks(void) {
  /* CLOUD-012: prompt needs onFirstConnection and onIdentityMismatch;
   * callbacks are ignored by the other policies. */
  prompt_log p = {0};
  sb_cloud_trust_callbacks both = callbacks(&p), first_only = both, none = {0};
  first_only.on_identity_mismatch = NULL;
  SBT_OK(sb_cloud_trust_check(SB_SBRP_TRUST_PROMPT, &both));
  SBT_ERR_EQ(sb_cloud_trust_check(SB_SBRP_TRUST_PROMPT, &first_only), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_trust_check(SB_SBRP_TRUST_PROMPT, &none), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_trust_check(SB_SBRP_TRUST_PROMPT, NULL), SB_ERR_ARG);
  SBT_OK(sb_cloud_trust_check(SB_SBRP_TRUST_AUTO, NULL));
  SBT_OK(sb_cloud_trust_check(SB_SBRP_TRUST_PINNED_ONLY, &none));
  sb_cloud_pins s = empty_store();
  sb_cloud_trust_decision d;
  SBT_ERR_EQ(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &first_only, &s, "d_abc", KEY_A, &d),
             SB_ERR_ARG);
}

static void trust_auto_pins_first_contact_and_repins_silently(void) {
  /* CLOUD-012 section 3.3 (auto row), SBRP-TOFU-001: pins per daemon ID. */
  prompt_log p = {0};
  sb_cloud_trust_callbacks cb = callbacks(&p);
  sb_cloud_pins s = empty_store();
  sb_cloud_trust_decision d;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, &cb, &s, "d_abc", KEY_A, &d));
  SBT_ERR_EQ(d.refusal, SB_OK);
  SBT_CHECK(d.action == SB_CLOUD_PIN_FIRST && !d.asked, "first contact pins silently");
  SBT_OK(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_A));
  uint8_t got[32];
  SBT_OK(sb_cloud_pins_get(&s, "d_abc", got));
  SBT_CHECK(memcmp(got, KEY_A, 32) == 0, "KEY_A pinned");
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, &cb, &s, "d_abc", KEY_A, &d));
  SBT_CHECK(d.action == SB_CLOUD_PIN_KEEP && d.refusal == 0, "same key: continue");
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, &cb, &s, "d_abc", KEY_B, &d));
  SBT_CHECK(d.action == SB_CLOUD_PIN_REPIN && d.refusal == 0 && !d.asked, "change: re-pin silently");
  SBT_OK(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_B));
  SBT_OK(sb_cloud_pins_get(&s, "d_abc", got));
  SBT_CHECK(memcmp(got, KEY_B, 32) == 0, "KEY_B pinned");
  /* another daemon has its own pin */
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, &cb, &s, "d_other", KEY_B, &d));
  SBT_CHECK(d.action == SB_CLOUD_PIN_FIRST, "pins are per daemon ID");
  SBT_EQ_U64(p.first_calls + p.mismatch_calls, 0);
}

static void trust_pinned_only_refuses_first_contact_and_key_change(void) {
  /* CLOUD-030 (pinned-only fails every first connection), SBRP-TOFU-004
   * (a key change aborts with identity_key_changed). */
  prompt_log p = {0};
  sb_cloud_trust_callbacks cb = callbacks(&p);
  sb_cloud_pins s = empty_store();
  sb_cloud_trust_decision d;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PINNED_ONLY, &cb, &s, "d_abc", KEY_A, &d));
  SBT_ERR_EQ(d.refusal, SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_ERR_EQ(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_A), SB_ERR_STATE);
  SBT_EQ_U64(sb_cloud_pins_count(&s), 0);
  SBT_OK(sb_cloud_pins_set(&s, "d_abc", KEY_A));
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PINNED_ONLY, &cb, &s, "d_abc", KEY_A, &d));
  SBT_CHECK(d.refusal == 0 && d.action == SB_CLOUD_PIN_KEEP, "pinned key: continue");
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PINNED_ONLY, &cb, &s, "d_abc", KEY_B, &d));
  SBT_ERR_EQ(d.refusal, SB_ERR_SBRP_IDENTITY_CHANGED);
  SBT_ERR_EQ(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_B), SB_ERR_STATE);
  uint8_t got[32];
  SBT_OK(sb_cloud_pins_get(&s, "d_abc", got));
  SBT_CHECK(memcmp(got, KEY_A, 32) == 0, "the pin is unchanged");
  SBT_EQ_U64(p.first_calls + p.mismatch_calls, 0);
}

static void trust_prompt_asks_and_honours_the_answers(void) {
  /* Section 3.3 prompt row; SBRP-TOFU-004: refusing a change is
   * identity_key_changed, accepting re-pins permanently. */
  prompt_log p = {0};
  sb_cloud_trust_callbacks cb = callbacks(&p);
  sb_cloud_pins s = empty_store();
  sb_cloud_trust_decision d;
  p.answer_first = false;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_A, &d));
  SBT_ERR_EQ(d.refusal, SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_CHECK(d.asked && p.first_calls == 1, "asked once");
  p.answer_first = true;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_A, &d));
  SBT_CHECK(d.refusal == 0 && d.action == SB_CLOUD_PIN_FIRST, "accepted first contact pins");
  SBT_OK(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_A));
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_A, &d));
  SBT_CHECK(!d.asked && d.action == SB_CLOUD_PIN_KEEP, "matching pin: no question");
  p.answer_mismatch = false;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_B, &d));
  SBT_ERR_EQ(d.refusal, SB_ERR_SBRP_IDENTITY_CHANGED);
  SBT_EQ_U64(p.mismatch_calls, 1);
  char fa[SB_SBRP_FINGERPRINT_SIZE], fb[SB_SBRP_FINGERPRINT_SIZE];
  SBT_OK(sb_sbrp_handshake_fingerprint(KEY_A, fa, sizeof fa));
  SBT_OK(sb_sbrp_handshake_fingerprint(KEY_B, fb, sizeof fb));
  SBT_STR_EQ(p.expected, fa);
  SBT_STR_EQ(p.received, fb);
  p.answer_mismatch = true;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_B, &d));
  SBT_CHECK(d.refusal == 0 && d.action == SB_CLOUD_PIN_REPIN, "accepted change re-pins");
  SBT_OK(sb_cloud_trust_commit(&d, &s, "d_abc", KEY_B));
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, "d_abc", KEY_B, &d));
  SBT_CHECK(d.action == SB_CLOUD_PIN_KEEP && p.mismatch_calls == 2, "the new pin is kept");
}

static void trust_decision_does_not_pin_before_the_handshake_succeeds(void) {
  /* SBRP-TOFU-002: the store changes only through commit, after the
   * signature was verified; an abandoned handshake leaves no pin. */
  sb_cloud_pins s = empty_store();
  sb_cloud_trust_decision d;
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, NULL, &s, "d_abc", KEY_A, &d));
  SBT_EQ_U64(sb_cloud_pins_count(&s), 0);
  SBT_OK(sb_cloud_pins_set(&s, "d_abc", KEY_A));
  SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, NULL, &s, "d_abc", KEY_B, &d));
  uint8_t got[32];
  SBT_OK(sb_cloud_pins_get(&s, "d_abc", got));
  SBT_CHECK(memcmp(got, KEY_A, 32) == 0, "decide alone never re-pins");
  SBT_ERR_EQ(sb_cloud_trust_decide(SB_SBRP_TRUST_AUTO, NULL, NULL, "d_abc", KEY_A, &d), SB_ERR_ARG);
}

static void upstream_prompt_fingerprints_match_upstream(void) {
  /* SBRP-TOFU-007: the callbacks get upstream's computeFingerprint text
   * for the identity keys of upstream-handshake.json. */
  cJSON *root = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *h;
  uint8_t prev[32];
  char prev_fp[SB_SBRP_FINGERPRINT_SIZE] = "";
  bool have_prev = false;
  cJSON_ArrayForEach(h, sbt_get(root, "handshakes")) {
    uint8_t pub[32];
    const char *want = sbt_str(h, "fingerprint");
    const char *did = sbt_str(sbt_get(h, "inputs"), "daemon_id");
    if (!sbt_unhex_exact(sbt_str(h, "identity_public_key"), pub, sizeof pub) || !want || !did) {
      SBT_CHECK(false, "handshake case unreadable");
      continue;
    }
    prompt_log p = {.answer_first = true, .answer_mismatch = false};
    sb_cloud_trust_callbacks cb = callbacks(&p);
    sb_cloud_pins s = empty_store();
    sb_cloud_trust_decision d;
    SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, did, pub, &d));
    if (SBT_STR_EQ(p.fingerprint, want)) sbt_count_upstream_value();
    if (have_prev) {
      /* the previous case's key pinned for this daemon: a key change */
      SBT_OK(sb_cloud_pins_set(&s, did, prev));
      SBT_OK(sb_cloud_trust_decide(SB_SBRP_TRUST_PROMPT, &cb, &s, did, pub, &d));
      SBT_STR_EQ(p.expected, prev_fp);
      SBT_STR_EQ(p.received, want);
      SBT_ERR_EQ(d.refusal, SB_ERR_SBRP_IDENTITY_CHANGED);
    }
    memcpy(prev, pub, sizeof prev);
    snprintf(prev_fp, sizeof prev_fp, "%s", want);
    have_prev = true;
  }
  SBT_CHECK(have_prev, "upstream handshakes present");
  cJSON_Delete(root);
}

SBT_SUITE(cloud_trust, "cloud/trust", SBT_CASE(trust_name_defaults_to_auto_and_refuses_strict),
          SBT_CASE(trust_prompt_requires_both_callbacks),
          SBT_CASE(trust_auto_pins_first_contact_and_repins_silently),
          SBT_CASE(trust_pinned_only_refuses_first_contact_and_key_change),
          SBT_CASE(trust_prompt_asks_and_honours_the_answers),
          SBT_CASE(trust_decision_does_not_pin_before_the_handshake_succeeds),
          SBT_CASE(upstream_prompt_fingerprints_match_upstream))
