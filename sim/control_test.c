/*
 * The simulated control plane: good tokens pass the relay's validation with
 * the claims scenarios rely on; each broken token fails at the validation
 * step it names (AUTH-V01..V16), or is refused by the client SDK before it
 * connects (AUTH-060).
 */
#include "control.h"

#include <string.h>

#include "common/base64url.h"
#include "common/error.h"
#include "test/sbt.h"

#define NOW_US SB_TIME_S(100)

static int mint(const sim_control *c, sb_auth_role role, const char *fault, bool resumable, char *tok,
                size_t cap) {
  sim_token_request req = {.role = role, .did = "d_abc", .sub = "u_alice", .sid = 0x0b3a73ce2ff2,
                           .resumable = resumable, .jti = "j1", .fault = fault, .now = NOW_US};
  size_t len = 0;
  int rc = sim_control_mint(c, &req, tok, cap, &len);
  if (rc == 0) SBT_EQ_U64(len, strlen(tok));
  return rc;
}

/* Verify with the control plane's current JWKS, at an endpoint for `endpoint` (NONE: any role). */
static int verify_at(const sim_control *c, sb_auth_role endpoint, const char *tok,
                     sb_auth_claims *claims) {
  sb_auth_jwk jwks[SIM_CONTROL_MAX_KEYS];
  size_t n = 0;
  sim_control_jwks(c, jwks, SIM_CONTROL_MAX_KEYS, &n);
  sb_auth_verify_opts o;
  sb_auth_verify_opts_init(&o, SIM_CONTROL_ISSUER, c->epoch_s + NOW_US / SB_TIME_US_PER_S);
  o.expect_role = endpoint;
  return sb_auth_token_verify(tok, strlen(tok), jwks, n, &o, claims);
}

static int verify(const sim_control *c, const char *tok, sb_auth_claims *claims) {
  return verify_at(c, SB_AUTH_ROLE_NONE, tok, claims);
}

static void good_tokens_verify_with_the_claims_scenarios_need(void) {
  /* AUTH-053 (sid per attempt), SBRP-RES-002 (session:resume only when resumable) */
  sim_control c;
  SBT_OK(sim_control_init(&c, 1, 1704067200));
  char tok[SIM_CONTROL_TOKEN_MAX];
  sb_auth_claims cl;
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, NULL, false, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  SBT_CHECK(cl.role == SB_AUTH_ROLE_CLIENT && cl.has_sid && cl.sid == 0x0b3a73ce2ff2, "client token with its sid");
  SBT_CHECK(sb_auth_claims_has_scope(&cl, SB_AUTH_SCOPE_SESSION_CREATE), "session:create");
  SBT_EQ_U64((uint64_t)(cl.exp - cl.iat), SIM_CONTROL_SESSION_TTL_S);
  sb_auth_claims_free(&cl);
  SBT_OK(mint(&c, SB_AUTH_ROLE_DAEMON, NULL, true, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  SBT_CHECK(cl.role == SB_AUTH_ROLE_DAEMON && cl.resumable, "resumable presence token");
  SBT_STR_EQ(cl.did, "d_abc");
  SBT_STR_EQ(cl.sub, "d_abc");
  sb_auth_claims_free(&cl);
  SBT_OK(mint(&c, SB_AUTH_ROLE_DAEMON, NULL, false, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  SBT_CHECK(!cl.resumable, "non-resumable presence token has no session:resume");
  sb_auth_claims_free(&cl);
}

static void each_token_fault_fails_at_its_validation_step(void) {
  sim_control c;
  SBT_OK(sim_control_init(&c, 1, 1704067200));
  static const struct {
    const char *step;
    int err[3];
  } steps[] = {
      {"AUTH-V01", {SB_ERR_AUTH_FORMAT}},
      {"AUTH-V02", {SB_ERR_AUTH_HEADER}},
      {"AUTH-V03", {SB_ERR_AUTH_KID}},
      {"AUTH-V04", {SB_ERR_AUTH_ALG, SB_ERR_AUTH_KEY, SB_ERR_AUTH_SIGNATURE}},
      {"AUTH-V05", {SB_ERR_AUTH_AUD}},
      {"AUTH-V06", {SB_ERR_AUTH_ISS}},
      {"AUTH-V07", {SB_ERR_AUTH_TIMES}},
      {"AUTH-V08", {SB_ERR_AUTH_EXPIRED}},
      {"AUTH-V09", {SB_ERR_AUTH_VER}},
      {"AUTH-V10", {SB_ERR_AUTH_ROLE, SB_ERR_AUTH_ROLE_MISMATCH}},
      {"AUTH-V11", {SB_ERR_AUTH_DID}},
      {"AUTH-V12", {SB_ERR_AUTH_SUB, SB_ERR_AUTH_SID}},
      {"AUTH-V13", {SB_ERR_AUTH_REGION}},
      {"AUTH-V14", {SB_ERR_AUTH_TTL}},
      {"AUTH-V15", {SB_ERR_AUTH_SCP}},
      {"AUTH-V16", {SB_ERR_AUTH_LIM}},
  };
  /* old_key fails once the first key is retired; other_role at an endpoint for the requested role. */
  sim_control rotated = c;
  SBT_OK(sim_control_rotate(&rotated, true, NULL));
  size_t n = 0;
  for (const sim_token_fault *f = sim_control_faults(); f->name; f++, n++) {
    const sim_control *cp = !strcmp(f->name, "old_key") ? &rotated : &c;
    sb_auth_role endpoint = !strcmp(f->name, "other_role") ? SB_AUTH_ROLE_CLIENT : SB_AUTH_ROLE_NONE;
    char tok[SIM_CONTROL_TOKEN_MAX];
    SBT_CHECK(mint(cp, SB_AUTH_ROLE_CLIENT, f->name, false, tok, sizeof tok) == 0, "mint %s", f->name);
    uint64_t sid = 0;
    int peek = sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid);
    SBT_CHECK((peek != 0) == f->client_refuses, "%s: the client SDK %s it (AUTH-060)", f->name,
              f->client_refuses ? "refuses" : "accepts");
    sb_auth_claims cl;
    int rc = verify_at(cp, endpoint, tok, &cl);
    sb_auth_claims_free(&cl);
    bool at_step = false;
    for (size_t s = 0; s < SB_ARRAY_LEN(steps); s++)
      if (!strcmp(steps[s].step, f->step))
        for (int k = 0; k < 3; k++) at_step = at_step || (steps[s].err[k] && rc == steps[s].err[k]);
    SBT_CHECK(at_step, "%s fails at %s (got %s)", f->name, f->step, sb_err_name(rc));
  }
  SBT_CHECK(n >= 16, "a fault for each of the 16 steps (%zu faults)", n);
  SBT_CHECK(sim_control_fault("expired") && !sim_control_fault("expird"), "lookup by name");
}

static void rotation_publishes_a_new_kid_and_retires_old_keys(void) {
  /* AUTH-030/033: the JWKS holds every key not retired; new tokens name the newest kid. */
  sim_control c;
  SBT_OK(sim_control_init(&c, 5, 1704067200));
  sb_auth_jwk jwks[SIM_CONTROL_MAX_KEYS];
  size_t n = 0;
  sim_control_jwks(&c, jwks, SIM_CONTROL_MAX_KEYS, &n);
  SBT_EQ_U64(n, 1);
  SBT_STR_EQ(jwks[0].kid, SIM_CONTROL_KID);
  const char *kid = NULL;
  SBT_OK(sim_control_rotate(&c, false, &kid));
  SBT_STR_EQ(kid, "sim-cp-2");
  sim_control_jwks(&c, jwks, SIM_CONTROL_MAX_KEYS, &n);
  SBT_EQ_U64(n, 2);
  SBT_STR_EQ(jwks[1].kid, "sim-cp-2");
  SBT_CHECK(memcmp(jwks[0].x, jwks[1].x, 32) != 0, "a new key");
  char tok[SIM_CONTROL_TOKEN_MAX];
  sb_auth_claims cl;
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, NULL, false, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  sb_auth_claims_free(&cl);
  char header[128] = {0};
  size_t hl = 0;
  SBT_OK(sb_base64url_decode(tok, (size_t)(strchr(tok, '.') - tok), (uint8_t *)header,
                             sizeof header - 1, &hl));
  SBT_CHECK(strstr(header, "\"kid\":\"sim-cp-2\"") != NULL, "header names sim-cp-2: %s", header);
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, "old_key", false, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl)); /* sim-cp-1 is still published */
  sb_auth_claims_free(&cl);
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, "bad_typ", false, tok, sizeof tok));
  SBT_ERR_EQ(verify(&c, tok, &cl), SB_ERR_AUTH_HEADER); /* header faults keep the signing kid */
  sb_auth_claims_free(&cl);
  SBT_OK(sim_control_rotate(&c, true, &kid));
  SBT_STR_EQ(kid, "sim-cp-3");
  sim_control_jwks(&c, jwks, SIM_CONTROL_MAX_KEYS, &n);
  SBT_EQ_U64(n, 1);
  SBT_STR_EQ(jwks[0].kid, "sim-cp-3");
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, "old_key", false, tok, sizeof tok));
  SBT_ERR_EQ(verify(&c, tok, &cl), SB_ERR_AUTH_KEY);
  sb_auth_claims_free(&cl);
  SBT_OK(sim_control_rotate(&c, false, NULL));
  SBT_ERR_EQ(sim_control_rotate(&c, false, NULL), SB_ERR_FULL);
}

static void other_role_swaps_the_role_for_the_same_did(void) {
  /* AUTH-V10 with endpoints per role (errata E-AUTH-10): a client gets a
   * presence token carrying its sid (its SDK can read it), a daemon a session token. */
  sim_control c;
  SBT_OK(sim_control_init(&c, 6, 1704067200));
  char tok[SIM_CONTROL_TOKEN_MAX];
  sb_auth_claims cl;
  SBT_OK(mint(&c, SB_AUTH_ROLE_CLIENT, "other_role", false, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  SBT_CHECK(cl.role == SB_AUTH_ROLE_DAEMON, "a presence token");
  SBT_STR_EQ(cl.did, "d_abc");
  sb_auth_claims_free(&cl);
  uint64_t sid = 0;
  SBT_OK(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid));
  SBT_EQ_U64(sid, 0x0b3a73ce2ff2);
  SBT_ERR_EQ(verify_at(&c, SB_AUTH_ROLE_CLIENT, tok, &cl), SB_ERR_AUTH_ROLE_MISMATCH);
  sb_auth_claims_free(&cl);
  SBT_OK(mint(&c, SB_AUTH_ROLE_DAEMON, "other_role", true, tok, sizeof tok));
  SBT_OK(verify(&c, tok, &cl));
  SBT_CHECK(cl.role == SB_AUTH_ROLE_CLIENT && cl.has_sid && !cl.resumable, "a session token");
  sb_auth_claims_free(&cl);
  SBT_ERR_EQ(verify_at(&c, SB_AUTH_ROLE_DAEMON, tok, &cl), SB_ERR_AUTH_ROLE_MISMATCH);
  sb_auth_claims_free(&cl);
}

static void unknown_fault_and_duplicate_daemon_are_refused(void) {
  sim_control c;
  SBT_OK(sim_control_init(&c, 2, 1704067200));
  char tok[SIM_CONTROL_TOKEN_MAX];
  SBT_ERR_EQ(mint(&c, SB_AUTH_ROLE_CLIENT, "no-such-fault", false, tok, sizeof tok), SB_ERR_NOT_FOUND);
  uint8_t pub[32] = {1};
  SBT_OK(sim_control_register(&c, "d_abc", pub));
  SBT_ERR_EQ(sim_control_register(&c, "d_abc", pub), SB_ERR_EXISTS);
  SBT_CHECK(sim_control_identity(&c, "d_abc") != NULL && sim_control_identity(&c, "d_x") == NULL,
            "identities by daemon ID");
}

static void keys_follow_the_world_seed(void) {
  sim_control a, b, other;
  SBT_OK(sim_control_init(&a, 3, 0));
  SBT_OK(sim_control_init(&b, 3, 0));
  SBT_OK(sim_control_init(&other, 4, 0));
  SBT_CHECK(!memcmp(a.key.pk, b.key.pk, 32), "same seed, same signing key");
  SBT_CHECK(memcmp(a.key.pk, other.key.pk, 32) != 0, "another seed, another key");
  SBT_CHECK(memcmp(a.key.pk, a.rogue.pk, 32) != 0, "the rogue key is not the JWKS key");
}

SBT_SUITE(sim_control, "sim/control", SBT_CASE(good_tokens_verify_with_the_claims_scenarios_need),
          SBT_CASE(each_token_fault_fails_at_its_validation_step),
          SBT_CASE(rotation_publishes_a_new_kid_and_retires_old_keys),
          SBT_CASE(other_role_swaps_the_role_for_the_same_did),
          SBT_CASE(unknown_fault_and_duplicate_daemon_are_refused), SBT_CASE(keys_follow_the_world_seed));
