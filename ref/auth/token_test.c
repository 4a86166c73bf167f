#include "auth/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/sid.h"
#include "common/base64url.h"
#include "common/error.h"
#include "common/hex.h"
#include "test/sbt.h"

/* ---- fixture ----------------------------------------------------------------
 * Issuer key A: the RFC 8032 section 7.1 TEST 1 seed, whose public key and
 * RFC 8037 appendix A.4 signature are public known answers. Key B: a second
 * key for rotation (AUTH-033). Tokens below were cross-checked with an
 * independent Ed25519/JWS implementation (Python `cryptography`). */

#define ISSUER "https://api.sideband.cloud"
#define NOW INT64_C(1700000060)
#define IAT 1700000000
#define TOKEN_CAP 8192

static const char *const seed_a_hex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

static sb_auth_signing_key key_a, key_b;
static sb_auth_jwk jwks[2];

static void fixture(void) {
  uint8_t seed[32];
  size_t n = 0;
  SBT_OK(sb_hex_decode(seed_a_hex, 64, seed, sizeof seed, &n));
  SBT_OK(sb_auth_signing_key_from_seed(&key_a, seed));
  memset(seed, 0x42, sizeof seed);
  SBT_OK(sb_auth_signing_key_from_seed(&key_b, seed));
  memset(jwks, 0, sizeof jwks);
  strcpy(jwks[0].kid, "k1");
  memcpy(jwks[0].x, key_a.pk, 32);
  jwks[0].alg_eddsa = true;
  strcpy(jwks[1].kid, "k2");
  memcpy(jwks[1].x, key_b.pk, 32);
  jwks[1].alg_eddsa = true;
}

/* Relay options for the fixture: configured issuer, region "eu", now. */
static sb_auth_verify_opts relay_opts(void) {
  sb_auth_verify_opts o;
  sb_auth_verify_opts_init(&o, ISSUER, NOW);
  o.region = "eu";
  return o;
}

static const char *const aud_relay[] = {"sideband-relay"};
static const char *const scp_create[] = {"session:create"};

/* A valid client session token's claims (TTL 120 s). */
static sb_auth_mint_claims client_claims(void) {
  sb_auth_mint_claims c;
  memset(&c, 0, sizeof c);
  c.iss = ISSUER;
  c.aud = aud_relay;
  c.aud_count = 1;
  c.aud_as_string = true;
  c.exp = IAT + 120;
  c.iat = IAT;
  c.jti = "t_0001";
  c.ver = 1;
  c.sub = "u_alice";
  c.role = SB_AUTH_ROLE_CLIENT;
  c.did = "d_xyz";
  c.sid = UINT64_C(0x00000B3A73CE2FF2);
  c.scp = scp_create;
  c.scp_count = 1;
  return c;
}

/* The same valid client claims as JSON text, plus region "eu" and lim 1,
 * so that every optional check runs on the passing path. */
static const char *const valid_payload =
    "{\"iss\":\"https://api.sideband.cloud\",\"aud\":\"sideband-relay\",\"exp\":1700000120,"
    "\"iat\":1700000000,\"jti\":\"t_0001\",\"ver\":1,\"sub\":\"u_alice\",\"role\":\"client\","
    "\"did\":\"d_xyz\",\"sid\":\"AAALOnPOL_I\",\"scp\":[\"session:create\"],\"region\":\"eu\","
    "\"lim\":{\"concurrent_sessions\":1}}";

static const char *const valid_header = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}";

/* Pinned outputs (see the fixture comment). */
static const char *const pinned_client_token =
    "eyJhbGciOiJFZERTQSIsInR5cCI6InNicnAtcmVsYXkrand0Iiwia2lkIjoiazEifQ."
    "eyJpc3MiOiJodHRwczovL2FwaS5zaWRlYmFuZC5jbG91ZCIsImF1ZCI6InNpZGViYW5kLXJlbGF5IiwiZXhwIjox"
    "NzAwMDAwMTIwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6InRfMDAwMSIsInZlciI6MSwic3ViIjoidV9hbGljZSIs"
    "InJvbGUiOiJjbGllbnQiLCJkaWQiOiJkX3h5eiIsInNpZCI6IkFBQUxPblBPTF9JIiwic2NwIjpbInNlc3Npb246"
    "Y3JlYXRlIl19."
    "DZni6_SpPXgVkBVhMP3_EAv_GD9Y9yTmf78YmSZyBI7kzEgqpylfJ6DGJtEKC-Fnhf30ipeV9sI4SZ8TQmL8DQ";

static const char *const pinned_daemon_token =
    "eyJhbGciOiJFZERTQSIsInR5cCI6InNicnAtcmVsYXkrand0Iiwia2lkIjoiazEifQ."
    "eyJpc3MiOiJodHRwczovL2FwaS5zaWRlYmFuZC5jbG91ZCIsImF1ZCI6WyJzaWRlYmFuZC1yZWxheSIsIm90aGVy"
    "Il0sImV4cCI6MTcwMDAwMzYwMCwiaWF0IjoxNzAwMDAwMDAwLCJqdGkiOiJ0XzAwMDIiLCJzdWIiOiJkX3h5eiIs"
    "InJvbGUiOiJkYWVtb24iLCJkaWQiOiJkX3h5eiIsInNjcCI6WyJzZXNzaW9uOnJlc3VtZSIsImZ1dHVyZTp0aGlu"
    "ZyJdLCJyZWdpb24iOiJldSIsImxpbSI6eyJjb25jdXJyZW50X3Nlc3Npb25zIjozfX0."
    "yIqVfJBN2x7cMGrZwiby-0iCV3tj3v-u4G253RXosPCeQIeewZC2-kmWm5InTFwxpERMGpPYagg1tm3m74v2AA";

static const char *const aud_two[] = {"sideband-relay", "other"};
static const char *const scp_resume_and_unknown[] = {"session:resume", "future:thing"};

static sb_auth_mint_claims daemon_claims(void) {
  sb_auth_mint_claims c;
  memset(&c, 0, sizeof c);
  c.iss = ISSUER;
  c.aud = aud_two;
  c.aud_count = 2;
  c.exp = IAT + 3600;
  c.iat = IAT;
  c.jti = "t_0002";
  c.sub = "d_xyz";
  c.role = SB_AUTH_ROLE_DAEMON;
  c.did = "d_xyz";
  c.scp = scp_resume_and_unknown;
  c.scp_count = 2;
  c.region = "eu";
  c.lim_concurrent_sessions = 3;
  return c;
}

/* ---- helpers ------------------------------------------------------------- */

/* Verify `token` with the fixture JWKS; free the claims; return the result. */
static int verify_text(const char *token, const sb_auth_verify_opts *o) {
  sb_auth_claims c;
  int rc = sb_auth_token_verify(token, token ? strlen(token) : 0, jwks, 2, o, &c);
  sb_auth_claims_free(&c);
  return rc;
}

/* Mint header/payload texts with `key`, then verify, keeping the claims
 * (zeroed when minting fails). */
static int verify_raw_keep(const char *header, const char *payload,
                           const sb_auth_signing_key *key, const sb_auth_verify_opts *o,
                           sb_auth_claims *c) {
  static char tok[TOKEN_CAP];
  size_t n = 0;
  memset(c, 0, sizeof *c);
  int rc = sb_auth_token_mint_raw((const uint8_t *)header, strlen(header),
                                  (const uint8_t *)payload, strlen(payload), key, tok,
                                  sizeof tok, &n);
  if (rc != SB_OK) return rc;
  return sb_auth_token_verify(tok, n, jwks, 2, o, c);
}

static int verify_raw_with(const char *header, const char *payload, const sb_auth_signing_key *key,
                           const sb_auth_verify_opts *o) {
  sb_auth_claims c;
  int rc = verify_raw_keep(header, payload, key, o, &c);
  sb_auth_claims_free(&c);
  return rc;
}

static int verify_raw(const char *header, const char *payload, const sb_auth_verify_opts *o) {
  return verify_raw_with(header, payload, &key_a, o);
}

static int verify_claims(const sb_auth_mint_claims *c, const sb_auth_verify_opts *o) {
  char tok[TOKEN_CAP];
  size_t n = 0;
  int rc = sb_auth_token_mint(c, "k1", &key_a, tok, sizeof tok, &n);
  if (rc != SB_OK) return rc;
  return verify_text(tok, o);
}

/* One change to the valid payload: set `key` to the JSON text `value`, or
 * delete it when `value` is NULL. */
typedef struct edit {
  const char *key;
  const char *value;
} edit;

/* The valid payload with `edits` applied (heap string, free with free()). */
static char *payload_with(const edit *edits, size_t n) {
  cJSON *p = cJSON_Parse(valid_payload);
  for (size_t i = 0; i < n; i++) {
    cJSON_DeleteItemFromObjectCaseSensitive(p, edits[i].key);
    if (edits[i].value) cJSON_AddItemToObject(p, edits[i].key, cJSON_Parse(edits[i].value));
  }
  char *s = cJSON_PrintUnformatted(p);
  cJSON_Delete(p);
  return s;
}

/* Verify the valid payload with `edits` applied, keeping the claims. */
static int verify_edits_keep(const edit *edits, size_t n, const sb_auth_verify_opts *o,
                             sb_auth_claims *c) {
  char *payload = payload_with(edits, n);
  int rc = verify_raw_keep(valid_header, payload, &key_a, o, c);
  free(payload);
  return rc;
}

static int verify_edits(const edit *edits, size_t n, const sb_auth_verify_opts *o) {
  sb_auth_claims c;
  int rc = verify_edits_keep(edits, n, o, &c);
  sb_auth_claims_free(&c);
  return rc;
}

static int verify_edit(const char *key, const char *value, const sb_auth_verify_opts *o) {
  edit e = {key, value};
  return verify_edits(&e, 1, o);
}

/* ---- known answers --------------------------------------------------------- */

static void token_signing_key_matches_rfc8032_test_1(void) {
  /* AUTH-004: Ed25519 as RFC 8032 defines it. */
  fixture();
  SBT_HEX_EQ(key_a.pk, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
}

static void token_sign_reproduces_rfc8037_jws_example(void) {
  /* AUTH-001, AUTH-004: compact JWS with EdDSA, RFC 8037 appendix A.4. */
  fixture();
  const char *input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
  char out[256];
  size_t n = 0;
  SBT_OK(sb_auth_token_sign(input, strlen(input), &key_a, out, sizeof out, &n));
  SBT_STR_EQ(out,
             "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
             "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_"
             "MuM0KAg");
  SBT_EQ_U64(n, strlen(out));
}

static void token_mint_reproduces_pinned_tokens(void) {
  /* AUTH-001, AUTH-002, AUTH-003, AUTH-004, AUTH-010: header exactly
   * {"alg":"EdDSA","typ":"sbrp-relay+jwt","kid":"k1"}, claims in order; the
   * client token has aud as a string, the daemon token an aud array, an
   * unknown scope, region and lim. */
  fixture();
  const struct {
    sb_auth_mint_claims claims;
    const char *token;
  } pinned[] = {{client_claims(), pinned_client_token}, {daemon_claims(), pinned_daemon_token}};
  for (size_t i = 0; i < SB_ARRAY_LEN(pinned); i++) {
    char tok[TOKEN_CAP];
    size_t n = 0;
    SBT_OK(sb_auth_token_mint(&pinned[i].claims, "k1", &key_a, tok, sizeof tok, &n));
    SBT_STR_EQ(tok, pinned[i].token);
    SBT_EQ_U64(n, strlen(pinned[i].token));
  }
}

static void token_mint_reports_size_needed(void) {
  /* The output convention: SB_ERR_BUF with the length needed. */
  fixture();
  sb_auth_mint_claims c = client_claims();
  char small[100];
  size_t n = 0;
  SBT_ERR_EQ(sb_auth_token_mint(&c, "k1", &key_a, small, sizeof small, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen(pinned_client_token));
  char exact[512];
  SBT_OK(sb_auth_token_mint(&c, "k1", &key_a, exact, strlen(pinned_client_token) + 1, &n));
  SBT_STR_EQ(exact, pinned_client_token);
  SBT_ERR_EQ(sb_auth_token_mint(&c, "k1", &key_a, exact, strlen(pinned_client_token), &n),
             SB_ERR_BUF);
  c.aud_count = 0; /* aud_as_string needs exactly one audience */
  SBT_ERR_EQ(sb_auth_token_mint(&c, "k1", &key_a, exact, sizeof exact, &n), SB_ERR_ARG);
}

static void token_mint_escapes_json_strings(void) {
  /* AUTH-003: a kid with a quote and a control character still yields a
   * header whose kid selects the key. */
  fixture();
  sb_auth_jwk k = jwks[0];
  strcpy(k.kid, "a\"b\\c\n");
  sb_auth_mint_claims c = client_claims();
  c.sub = "\x01tab\there";
  char tok[TOKEN_CAP];
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(&c, k.kid, &key_a, tok, sizeof tok, &n));
  char hdr[128];
  size_t hn = 0;
  SBT_OK(sb_base64url_decode(tok, (size_t)(strchr(tok, '.') - tok), (uint8_t *)hdr,
                             sizeof hdr - 1, &hn));
  hdr[hn] = 0;
  SBT_STR_EQ(hdr, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"a\\\"b\\\\c\\n\"}");
  sb_auth_verify_opts o = relay_opts();
  sb_auth_claims cl;
  SBT_OK(sb_auth_token_verify(tok, n, &k, 1, &o, &cl));
  SBT_STR_EQ(cl.sub, "\x01tab\there");
  sb_auth_claims_free(&cl);
}

/* ---- successful verification ----------------------------------------------- */

static void token_verify_accepts_pinned_client_token(void) {
  /* AUTH-030, AUTH-V01..V16 all pass; the sid decodes to the SessionID
   * (AUTH-010); AUTH-V05: aud normalised to an array. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  o.expect_role = SB_AUTH_ROLE_CLIENT;
  sb_auth_claims c;
  SBT_OK(sb_auth_token_verify(pinned_client_token, strlen(pinned_client_token), jwks, 2, &o, &c));
  SBT_STR_EQ(c.iss, ISSUER);
  SBT_EQ_U64(c.aud_count, 1);
  if (c.aud_count == 1) SBT_STR_EQ(c.aud[0], "sideband-relay");
  SBT_CHECK(c.exp == IAT + 120 && c.iat == IAT, "exp %.0f iat %.0f", c.exp, c.iat);
  SBT_STR_EQ(c.jti, "t_0001");
  SBT_CHECK(c.has_ver, "ver present");
  SBT_STR_EQ(c.sub, "u_alice");
  SBT_CHECK(c.role == SB_AUTH_ROLE_CLIENT, "role client");
  SBT_STR_EQ(c.did, "d_xyz");
  SBT_CHECK(c.has_sid, "client has sid");
  SBT_EQ_U64(c.sid, UINT64_C(0x00000B3A73CE2FF2));
  SBT_CHECK(c.has_scp && c.scp_count == 1, "one scope");
  SBT_CHECK(sb_auth_claims_has_scope(&c, "session:create"), "session:create");
  SBT_CHECK(!c.resumable, "client tokens are not resumable");
  SBT_CHECK(c.region == NULL && !c.has_lim, "no region, no lim");
  SBT_CHECK(!c.ttl_warning, "TTL 120 s is not over 120");
  sb_auth_claims_free(&c);
  SBT_CHECK(c.tree_ == NULL && c.iss == NULL, "free zeroes the claims");
  sb_auth_claims_free(&c); /* idempotent */
}

static void token_verify_accepts_pinned_daemon_token(void) {
  /* AUTH-043: unknown scopes ignored; session:resume makes the daemon
   * resumable (the flag behind AUTH-044 and SBRP-RES-002); AUTH-V13 region
   * match; AUTH-V16 lim. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  o.expect_role = SB_AUTH_ROLE_DAEMON;
  sb_auth_claims c;
  SBT_OK(sb_auth_token_verify(pinned_daemon_token, strlen(pinned_daemon_token), jwks, 2, &o, &c));
  SBT_EQ_U64(c.aud_count, 2);
  if (c.aud_count == 2) SBT_STR_EQ(c.aud[1], "other");
  SBT_CHECK(c.role == SB_AUTH_ROLE_DAEMON && !c.has_sid && !c.has_ver, "daemon, no sid, no ver");
  SBT_EQ_U64(c.scp_count, 2);
  SBT_CHECK(sb_auth_claims_has_scope(&c, "future:thing"), "unknown scope kept");
  SBT_CHECK(c.resumable, "session:resume -> resumable");
  SBT_STR_EQ(c.region, "eu");
  SBT_CHECK(c.has_lim && c.lim_concurrent_sessions == 3, "lim 3");
  SBT_CHECK(!c.ttl_warning, "daemon TTL 1 h gives no warning");
  sb_auth_claims_free(&c);
}

static void token_verify_daemon_without_resume_scope_is_not_resumable(void) {
  /* The flag behind AUTH-044 and SBRP-RES-002: deny by default (absent scp,
   * or no session:resume). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  sb_auth_mint_claims d = daemon_claims();
  d.scp = NULL;
  d.scp_count = 0;
  char tok[TOKEN_CAP];
  size_t n = 0;
  SBT_OK(sb_auth_token_mint(&d, "k1", &key_a, tok, sizeof tok, &n));
  sb_auth_claims c;
  SBT_OK(sb_auth_token_verify(tok, n, jwks, 2, &o, &c));
  SBT_CHECK(!c.has_scp && c.scp_count == 0 && !c.resumable, "absent scp = [] = non-resumable");
  sb_auth_claims_free(&c);
  d.scp = scp_create;
  d.scp_count = 1;
  SBT_OK(sb_auth_token_mint(&d, "k1", &key_a, tok, sizeof tok, &n));
  SBT_OK(sb_auth_token_verify(tok, n, jwks, 2, &o, &c));
  SBT_CHECK(c.has_scp && !c.resumable, "session:create only = non-resumable");
  sb_auth_claims_free(&c);
}

static void token_verify_ignores_jti(void) {
  /* AUTH-041: jti is never validated (absent, a number, reused). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_edit("jti", NULL, &o));
  SBT_OK(verify_edit("jti", "42", &o));
  SBT_OK(verify_text(pinned_client_token, &o));
  SBT_OK(verify_text(pinned_client_token, &o)); /* the same jti twice */
}

static void token_verify_ignores_unknown_scopes(void) {
  /* AUTH-043: unknown strings in scp never fail validation. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_edit("scp", "[\"session:create\",\"x:y\",\"\",\"session:resume\"]", &o));
  SBT_OK(verify_edit("scp", "[]", &o));
  SBT_OK(verify_edit("scp", NULL, &o));
}

/* ---- one failure per step ---------------------------------------------------- */

/* Payload edits that fail exactly one of steps 5-16, in step order. */
static const struct {
  edit e;
  int err;
  const char *step;
} payload_fail[] = {
    {{"aud", "\"other\""}, SB_ERR_AUTH_AUD, "5 aud"},
    {{"iss", "\"https://evil.example\""}, SB_ERR_AUTH_ISS, "6 iss"},
    {{"iat", NULL}, SB_ERR_AUTH_TIMES, "7 iat missing"},
    {{"exp", "1700000029"}, SB_ERR_AUTH_EXPIRED, "8 exp before now - skew"},
    {{"ver", "2"}, SB_ERR_AUTH_VER, "9 ver 2"},
    {{"role", "\"admin\""}, SB_ERR_AUTH_ROLE, "10 role"},
    {{"did", "\"\""}, SB_ERR_AUTH_DID, "11 did empty"},
    {{"sub", NULL}, SB_ERR_AUTH_SUB, "12 sub missing"},
    {{"sid", "\"AAAAAAAAAAA\""}, SB_ERR_AUTH_SID, "12 sid zero"},
    {{"region", "\"us\""}, SB_ERR_AUTH_REGION, "13 region"},
    {{"exp", "1700000301"}, SB_ERR_AUTH_TTL, "14 ttl 301"},
    {{"scp", "\"session:create\""}, SB_ERR_AUTH_SCP, "15 scp string"},
    {{"lim", "{\"concurrent_sessions\":0}"}, SB_ERR_AUTH_LIM, "16 lim 0"},
};

static void token_verify_fails_at_each_step_exactly_once(void) {
  /* AUTH-V01 .. AUTH-V16: one token per step, every other field valid. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_raw(valid_header, valid_payload, &o)); /* the base passes */

  /* 1 */
  SBT_ERR_EQ(verify_text("a.b", &o), SB_ERR_AUTH_FORMAT);
  /* 2 */
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"k1\"}", valid_payload, &o),
             SB_ERR_AUTH_HEADER);
  /* 3 */
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\"}", valid_payload, &o),
             SB_ERR_AUTH_KID);
  /* 4: alg, then key, then signature, then the claims segment */
  SBT_ERR_EQ(verify_raw("{\"alg\":\"HS256\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}",
                        valid_payload, &o),
             SB_ERR_AUTH_ALG);
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k9\"}",
                        valid_payload, &o),
             SB_ERR_AUTH_KEY);
  SBT_ERR_EQ(verify_raw_with(valid_header, valid_payload, &key_b, &o), SB_ERR_AUTH_SIGNATURE);
  SBT_ERR_EQ(verify_raw(valid_header, "not json", &o), SB_ERR_AUTH_PAYLOAD);
  /* 5 .. 16 */
  for (size_t i = 0; i < SB_ARRAY_LEN(payload_fail); i++) {
    int rc = verify_edit(payload_fail[i].e.key, payload_fail[i].e.value, &o);
    SBT_CHECK(rc == payload_fail[i].err, "step %s: got %s, want %s", payload_fail[i].step,
              sb_err_name(rc), sb_err_name(payload_fail[i].err));
  }
}

static void token_verify_reports_the_first_failing_step(void) {
  /* AUTH-V01..V16 order: for every pair of payload failures the earlier
   * step is reported (e.g. wrong at steps 5 and 9 -> step 5). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  edit two[2] = {{"aud", "\"other\""}, {"ver", "2"}};
  SBT_ERR_EQ(verify_edits(two, 2, &o), SB_ERR_AUTH_AUD);
  for (size_t i = 0; i < SB_ARRAY_LEN(payload_fail); i++) {
    for (size_t j = i + 1; j < SB_ARRAY_LEN(payload_fail); j++) {
      if (strcmp(payload_fail[i].e.key, payload_fail[j].e.key) == 0) continue;
      edit both[2] = {payload_fail[j].e, payload_fail[i].e};
      int rc = verify_edits(both, 2, &o);
      SBT_CHECK(rc == payload_fail[i].err, "steps %s + %s: got %s", payload_fail[i].step,
                payload_fail[j].step, sb_err_name(rc));
    }
  }
}

static void token_verify_checks_header_and_signature_before_claims(void) {
  /* AUTH-V01..V04 before V05..: a bad header, kid, alg, key or signature
   * wins over bad claims; claims are decoded only after the signature. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad_claims = "{\"aud\":\"other\"}";
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"k1\"}", bad_claims, &o),
             SB_ERR_AUTH_HEADER);
  SBT_ERR_EQ(verify_raw("{\"alg\":\"none\",\"typ\":\"sbrp-relay+jwt\"}", bad_claims, &o),
             SB_ERR_AUTH_KID);
  SBT_ERR_EQ(verify_raw("{\"alg\":\"none\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k9\"}", bad_claims,
                        &o),
             SB_ERR_AUTH_ALG);
  SBT_ERR_EQ(verify_raw_with(valid_header, bad_claims, &key_b, &o), SB_ERR_AUTH_SIGNATURE);
  SBT_ERR_EQ(verify_raw_with(valid_header, "not json", &key_b, &o), SB_ERR_AUTH_SIGNATURE);
  SBT_ERR_EQ(verify_raw(valid_header, bad_claims, &o), SB_ERR_AUTH_AUD);
}

/* ---- step 1 ------------------------------------------------------------------ */

/* A token of exactly `target` characters, valid apart from its length:
 * the jti claim and header whitespace are grown until it fits. */
static bool token_of_length(size_t target, char *tok) {
  for (int spaces = 0; spaces < 3; spaces++) {
    char header[80];
    snprintf(header, sizeof header, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"%*s}",
             spaces, "");
    for (size_t l = 0; l < 3200; l++) {
      char *jti = malloc(l + 3);
      jti[0] = '"';
      memset(jti + 1, 'j', l);
      jti[l + 1] = '"';
      jti[l + 2] = 0;
      edit e = {"jti", jti};
      char *payload = payload_with(&e, 1);
      size_t n = 0;
      int rc = sb_auth_token_mint_raw((const uint8_t *)header, strlen(header),
                                      (const uint8_t *)payload, strlen(payload), &key_a, tok,
                                      TOKEN_CAP, &n);
      free(payload);
      free(jti);
      if (rc == SB_OK && n == target) return true;
      if (n > target) break;
    }
  }
  return false;
}

static void token_verify_length_limit_is_4096(void) {
  /* AUTH-001, AUTH-V01: 4096 characters pass, 4097 fail at step 1. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  static char tok[TOKEN_CAP];
  SBT_CHECK(token_of_length(4096, tok), "built a 4096-character token");
  SBT_EQ_U64(strlen(tok), 4096);
  SBT_OK(verify_text(tok, &o));
  SBT_CHECK(token_of_length(4097, tok), "built a 4097-character token");
  SBT_EQ_U64(strlen(tok), 4097);
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_FORMAT);
}

static void token_verify_rejects_missing_token_and_wrong_part_counts(void) {
  /* AUTH-V01: no token, or not exactly 3 dot-separated parts. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  sb_auth_claims c;
  SBT_ERR_EQ(sb_auth_token_verify(NULL, 0, jwks, 2, &o, &c), SB_ERR_AUTH_FORMAT);
  SBT_ERR_EQ(sb_auth_token_verify("", 0, jwks, 2, &o, &c), SB_ERR_AUTH_FORMAT);
  const char *bad[] = {"abc", "a.b", "a.b.c.d", "....", "."};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_text(bad[i], &o), SB_ERR_AUTH_FORMAT);
  char four[TOKEN_CAP];
  snprintf(four, sizeof four, "%s.", pinned_client_token);
  SBT_ERR_EQ(verify_text(four, &o), SB_ERR_AUTH_FORMAT);
  /* Three parts, all empty: passes step 1, fails decoding the header. */
  SBT_ERR_EQ(verify_text("..", &o), SB_ERR_AUTH_HEADER);
}

/* ---- steps 2 - 4 ------------------------------------------------------------------ */

static void token_verify_header_cases(void) {
  /* AUTH-002, AUTH-V02: header must decode to a JSON object whose typ is
   * exactly sbrp-relay+jwt. AUTH-003, AUTH-V03: kid must be a string. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad_typ[] = {
      "{\"alg\":\"EdDSA\",\"kid\":\"k1\"}",
      "{\"alg\":\"EdDSA\",\"typ\":\"SBRP-RELAY+JWT\",\"kid\":\"k1\"}",
      "{\"alg\":\"EdDSA\",\"typ\":null,\"kid\":\"k1\"}",
      "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
      "[\"sbrp-relay+jwt\"]",
      "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"",
      "",
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_typ); i++)
    SBT_ERR_EQ(verify_raw(bad_typ[i], valid_payload, &o), SB_ERR_AUTH_HEADER);
  /* Duplicate members: the last one counts, as with JSON.parse. */
  SBT_OK(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}",
                    valid_payload, &o));
  /* Header that is not base64url at all. */
  char tok[TOKEN_CAP];
  snprintf(tok, sizeof tok, "e30=%s", strchr(pinned_client_token, '.'));
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_HEADER);
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":1}", valid_payload, &o),
             SB_ERR_AUTH_KID);
  SBT_ERR_EQ(verify_raw("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":null}", valid_payload,
                        &o),
             SB_ERR_AUTH_KID);
}

static void token_verify_accepts_only_eddsa(void) {
  /* AUTH-004, AUTH-V04: alg missing or anything but "EdDSA" is refused. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *algs[] = {"\"none\"", "\"HS256\"", "\"ES256\"", "\"eddsa\"", "\"Ed25519\"", "1"};
  for (size_t i = 0; i < SB_ARRAY_LEN(algs); i++) {
    char header[128];
    snprintf(header, sizeof header, "{\"alg\":%s,\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}",
             algs[i]);
    SBT_ERR_EQ(verify_raw(header, valid_payload, &o), SB_ERR_AUTH_ALG);
  }
  SBT_ERR_EQ(verify_raw("{\"typ\":\"sbrp-relay+jwt\",\"kid\":\"k1\"}", valid_payload, &o),
             SB_ERR_AUTH_ALG);
}

static void token_verify_rejects_bad_signatures(void) {
  /* AUTH-V04: only the issuer's key signs; any change to the
   * signed text or the signature fails. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  char tok[TOKEN_CAP];
  size_t len = strlen(pinned_client_token);
  strcpy(tok, pinned_client_token);
  tok[len - 10] = tok[len - 10] == 'A' ? 'B' : 'A'; /* signature byte */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
  strcpy(tok, pinned_client_token);
  char *payload = strchr(tok, '.') + 1;
  payload[5] = payload[5] == 'A' ? 'B' : 'A'; /* claims byte */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
  strcpy(tok, pinned_client_token);
  tok[len - 1] = 0; /* 85 characters: not 64 bytes */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
  strcpy(tok, pinned_client_token);
  tok[len - 1] = 'R'; /* non-canonical last character */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
  strcpy(tok, pinned_client_token);
  char *sig = strrchr(tok, '.') + 1;
  SBT_CHECK(sig[5] == '_', "signature character 5 is '_'");
  sig[5] = '\xff'; /* libsodium alone would read 0xff as '_' */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
  strcpy(tok, pinned_client_token);
  *(strrchr(tok, '.') + 1) = 0; /* empty signature */
  SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_SIGNATURE);
}

static void token_verify_claims_segment_fails_after_signature(void) {
  /* AUTH-V04: a signed claims segment that is not base64url, not UTF-8, not
   * JSON or not an object fails as SB_ERR_AUTH_PAYLOAD (errata E-AUTH-1). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  char hdr[128], input[256], tok[TOKEN_CAP];
  size_t n = 0;
  SBT_OK(sb_base64url_encode((const uint8_t *)valid_header, strlen(valid_header), hdr, sizeof hdr));
  const char *segments[] = {"!!!!", "e30=", "A", ""};
  for (size_t i = 0; i < SB_ARRAY_LEN(segments); i++) {
    snprintf(input, sizeof input, "%s.%s", hdr, segments[i]);
    SBT_OK(sb_auth_token_sign(input, strlen(input), &key_a, tok, sizeof tok, &n));
    SBT_ERR_EQ(verify_text(tok, &o), SB_ERR_AUTH_PAYLOAD);
  }
  const char *texts[] = {"[1]", "\"x\"", "null", "{", "{\"did\":\"\xff\"}", "{} x"};
  for (size_t i = 0; i < SB_ARRAY_LEN(texts); i++)
    SBT_ERR_EQ(verify_raw(valid_header, texts[i], &o), SB_ERR_AUTH_PAYLOAD);
}

/* ---- JWKS ---------------------------------------------------------------------- */

static void token_jwks_two_keys_select_by_kid(void) {
  /* AUTH-030, AUTH-033: two keys at once, each token verified with the key
   * its kid names; a token with the wrong kid for its key fails. */
  fixture();
  char text[1024];
  size_t n = 0;
  SBT_OK(sb_auth_jwks_format(jwks, 2, text, sizeof text, &n));
  sb_auth_jwk parsed[4];
  size_t count = 0;
  SBT_OK(sb_auth_jwks_parse((const uint8_t *)text, n, parsed, 4, &count));
  SBT_EQ_U64(count, 2);
  SBT_STR_EQ(parsed[1].kid, "k2");
  SBT_CHECK(memcmp(parsed[1].x, key_b.pk, 32) == 0 && parsed[1].alg_eddsa, "k2 is key B");

  sb_auth_verify_opts o = relay_opts();
  sb_auth_mint_claims c = client_claims();
  char tok[TOKEN_CAP];
  sb_auth_claims cl;
  SBT_OK(sb_auth_token_mint(&c, "k2", &key_b, tok, sizeof tok, &n));
  SBT_OK(sb_auth_token_verify(tok, n, parsed, count, &o, &cl));
  sb_auth_claims_free(&cl);
  SBT_OK(sb_auth_token_mint(&c, "k1", &key_a, tok, sizeof tok, &n));
  SBT_OK(sb_auth_token_verify(tok, n, parsed, count, &o, &cl));
  sb_auth_claims_free(&cl);
  SBT_OK(sb_auth_token_mint(&c, "k1", &key_b, tok, sizeof tok, &n));
  SBT_ERR_EQ(sb_auth_token_verify(tok, n, parsed, count, &o, &cl), SB_ERR_AUTH_SIGNATURE);
  SBT_ERR_EQ(sb_auth_token_verify(tok, n, parsed, 0, &o, &cl), SB_ERR_AUTH_KEY);
}

static void token_jwks_format_is_exact(void) {
  /* AUTH-030: the JWK members of an Ed25519 key (RFC 8037). */
  fixture();
  char text[512];
  size_t n = 0;
  SBT_OK(sb_auth_jwks_format(jwks, 1, text, sizeof text, &n));
  SBT_STR_EQ(text,
             "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\","
             "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"alg\":\"EdDSA\"}]}");
  SBT_EQ_U64(n, strlen(text));
  SBT_ERR_EQ(sb_auth_jwks_format(jwks, 1, text, 20, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k1\","
                       "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"alg\":\"EdDSA\"}]}"));
}

static void token_jwks_skips_keys_eddsa_cannot_use(void) {
  /* AUTH-004, AUTH-030: other key types, other curves, use != sig, another
   * alg or bad x are skipped; the Ed25519 key is kept. */
  const char *doc =
      "{\"keys\":["
      "{\"kty\":\"RSA\",\"kid\":\"r1\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
      "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":\"x1\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"e1\",\"use\":\"enc\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"e2\",\"alg\":\"ES256\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"e3\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR\"},"
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"},"
      "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"good\",\"use\":\"sig\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
      "]}";
  sb_auth_jwk keys[8];
  size_t n = 99;
  SBT_OK(sb_auth_jwks_parse((const uint8_t *)doc, strlen(doc), keys, 8, &n));
  SBT_EQ_U64(n, 1);
  SBT_STR_EQ(keys[0].kid, "good");
  SBT_CHECK(!keys[0].alg_eddsa, "no alg member -> alg_eddsa false");
  SBT_HEX_EQ(keys[0].x, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
}

static void token_jwks_parse_errors(void) {
  /* A JWKS that is not one, repeats a kid, overflows the array, or carries
   * an over-long kid is an error (not a silently shorter key set). */
  sb_auth_jwk keys[1];
  size_t n = 0;
  const char *x = "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"";
  char doc[1024];
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)"nope", 4, keys, 1, &n), SB_ERR_JSON);
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)"{\"keys\":{}}", 11, keys, 1, &n), SB_ERR_JSON);
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)"[]", 2, keys, 1, &n), SB_ERR_JSON);
  snprintf(doc, sizeof doc,
           "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",%s},"
           "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",%s}]}",
           x, x);
  sb_auth_jwk two[2];
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)doc, strlen(doc), two, 2, &n), SB_ERR_EXISTS);
  snprintf(doc, sizeof doc,
           "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"a\",%s},"
           "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"b\",%s}]}",
           x, x);
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)doc, strlen(doc), keys, 1, &n), SB_ERR_FULL);
  SBT_EQ_U64(n, 0);
  char kid[300];
  memset(kid, 'k', 256);
  kid[256] = 0;
  snprintf(doc, sizeof doc, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"%s\",%s}]}",
           kid, x);
  SBT_ERR_EQ(sb_auth_jwks_parse((const uint8_t *)doc, strlen(doc), keys, 1, &n), SB_ERR_RANGE);
  kid[255] = 0;
  snprintf(doc, sizeof doc, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"%s\",%s}]}",
           kid, x);
  SBT_OK(sb_auth_jwks_parse((const uint8_t *)doc, strlen(doc), keys, 1, &n));
  SBT_EQ_U64(strlen(keys[0].kid), SB_AUTH_KID_MAX);
}

static void token_verify_requires_jwk_alg_unless_relaxed(void) {
  /* AUTH-004 (SHOULD): the selected JWK declares alg EdDSA; a relay may
   * relax this with jwk_alg_optional. */
  fixture();
  sb_auth_jwk k = jwks[0];
  k.alg_eddsa = false;
  sb_auth_verify_opts o = relay_opts();
  sb_auth_claims c;
  size_t len = strlen(pinned_client_token);
  SBT_ERR_EQ(sb_auth_token_verify(pinned_client_token, len, &k, 1, &o, &c), SB_ERR_AUTH_KEY);
  o.jwk_alg_optional = true;
  SBT_OK(sb_auth_token_verify(pinned_client_token, len, &k, 1, &o, &c));
  sb_auth_claims_free(&c);
}

/* ---- steps 5 - 16: boundaries ------------------------------------------------- */

static void token_verify_aud_forms(void) {
  /* AUTH-V05: string or array of strings, normalised, must contain
   * sideband-relay (AO-6: an empty array cannot). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_edit("aud", "\"sideband-relay\"", &o));
  SBT_OK(verify_edit("aud", "[\"x\",\"sideband-relay\"]", &o));
  const char *bad[] = {"[\"x\",\"y\"]", "[]", "\"Sideband-Relay\"", "[\"sideband-relay \"]", "1",
                       "null", "{\"0\":\"sideband-relay\"}", "[\"sideband-relay\",1]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("aud", bad[i], &o), SB_ERR_AUTH_AUD);
  SBT_ERR_EQ(verify_edit("aud", NULL, &o), SB_ERR_AUTH_AUD);
  sb_auth_claims c;
  SBT_OK(verify_edits_keep(&(edit){"aud", "[\"x\",\"sideband-relay\"]"}, 1, &o, &c));
  SBT_EQ_U64(c.aud_count, 2);
  if (c.aud_count == 2) SBT_STR_EQ(c.aud[0], "x");
  sb_auth_claims_free(&c);
}

static void token_verify_iss_must_equal_configured_issuer(void) {
  /* AUTH-V06: exact string equality. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad[] = {"\"https://api.sideband.cloud/\"", "\"https://sideband.cloud\"",
                       "null", "1", "[\"https://api.sideband.cloud\"]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("iss", bad[i], &o), SB_ERR_AUTH_ISS);
  SBT_ERR_EQ(verify_edit("iss", NULL, &o), SB_ERR_AUTH_ISS);
  o.issuer = "https://other.example";
  SBT_ERR_EQ(verify_text(pinned_client_token, &o), SB_ERR_AUTH_ISS);
}

static void token_verify_times_must_be_numbers(void) {
  /* AUTH-V07: iat and exp present and numeric (fractions allowed). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad[] = {"\"1700000120\"", "null", "true", "[1700000120]", "1e999"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    SBT_ERR_EQ(verify_edit("exp", bad[i], &o), SB_ERR_AUTH_TIMES);
    SBT_ERR_EQ(verify_edit("iat", bad[i], &o), SB_ERR_AUTH_TIMES);
  }
  SBT_ERR_EQ(verify_edit("exp", NULL, &o), SB_ERR_AUTH_TIMES);
  SBT_OK(verify_edit("exp", "1700000100.5", &o));
}

static void token_verify_expiry_boundary_is_now_minus_skew(void) {
  /* AUTH-V08: exp == now - skew passes, one second (or half) less fails. */
  fixture();
  sb_auth_verify_opts o = relay_opts(); /* now 1700000060, skew 30 */
  edit e[2] = {{"iat", "1700000000"}, {"exp", "1700000030"}};
  SBT_OK(verify_edits(e, 2, &o));
  e[1].value = "1700000029.5";
  SBT_ERR_EQ(verify_edits(e, 2, &o), SB_ERR_AUTH_EXPIRED);
  e[1].value = "1700000029";
  SBT_ERR_EQ(verify_edits(e, 2, &o), SB_ERR_AUTH_EXPIRED);
  o.skew_s = 0;
  e[1].value = "1700000060";
  SBT_OK(verify_edits(e, 2, &o));
  e[1].value = "1700000059";
  SBT_ERR_EQ(verify_edits(e, 2, &o), SB_ERR_AUTH_EXPIRED);
}

static void token_verify_skew_is_bounded_by_30_s(void) {
  /* AUTH-V08: the allowance is at most 30 s; larger is a configuration error. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_EQ_U64(o.skew_s, SB_CONFIG_AUTH_DEFAULT_SKEW_S);
  SBT_CHECK(SB_CONFIG_AUTH_DEFAULT_SKEW_S <= SB_AUTH_MAX_SKEW_S, "default within bound");
  o.skew_s = 30;
  SBT_OK(verify_text(pinned_client_token, &o));
  o.skew_s = 31;
  SBT_ERR_EQ(verify_text(pinned_client_token, &o), SB_ERR_ARG);
  o.skew_s = -1;
  SBT_ERR_EQ(verify_text(pinned_client_token, &o), SB_ERR_ARG);
  o = relay_opts();
  o.issuer = NULL;
  SBT_ERR_EQ(verify_text(pinned_client_token, &o), SB_ERR_ARG);
}

static void token_verify_ver_cases(void) {
  /* AUTH-V09 (AO-6): absent or the number 1 passes; 2, "1", null, true fail. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_edit("ver", "1", &o));
  SBT_OK(verify_edit("ver", "1.0", &o));
  SBT_OK(verify_edit("ver", NULL, &o));
  const char *bad[] = {"2", "0", "\"1\"", "null", "true", "[1]", "1.5"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("ver", bad[i], &o), SB_ERR_AUTH_VER);
  sb_auth_mint_claims c = client_claims(); /* minted: ver 1, 2, absent */
  SBT_OK(verify_claims(&c, &o));
  c.ver = 2;
  SBT_ERR_EQ(verify_claims(&c, &o), SB_ERR_AUTH_VER);
  c.ver = 0;
  SBT_OK(verify_claims(&c, &o));
}

static void token_verify_role_and_did(void) {
  /* AUTH-V10: role is "client" or "daemon"; AUTH-V11: did a non-empty string. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad_role[] = {"\"Client\"", "\"\"", "null", "1", "[\"client\"]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_role); i++)
    SBT_ERR_EQ(verify_edit("role", bad_role[i], &o), SB_ERR_AUTH_ROLE);
  SBT_ERR_EQ(verify_edit("role", NULL, &o), SB_ERR_AUTH_ROLE);
  const char *bad_did[] = {"\"\"", "null", "7", "[\"d_xyz\"]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_did); i++)
    SBT_ERR_EQ(verify_edit("did", bad_did[i], &o), SB_ERR_AUTH_DID);
  SBT_ERR_EQ(verify_edit("did", NULL, &o), SB_ERR_AUTH_DID);
}

static void token_verify_client_sub_and_sid(void) {
  /* AUTH-V12, AUTH-010, AUTH-011: client sub non-empty string; sid a
   * non-empty string of 8 non-zero bytes (strict form, errata E-AUTH-4). */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad_sub[] = {"\"\"", "null", "5"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_sub); i++)
    SBT_ERR_EQ(verify_edit("sub", bad_sub[i], &o), SB_ERR_AUTH_SUB);
  const char *bad_sid[] = {"\"\"", "null", "12345", "\"AAAAAAAAAAA\"", "\"AAAAAAAAAAE=\"",
                           "\"AAAAAAAAAAF\"", "\"AAAAAAAAAA\"", "\"AAAAAAAAAAAAAA\"",
                           "\"AAAAAAAAAA+\""};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_sid); i++)
    SBT_ERR_EQ(verify_edit("sid", bad_sid[i], &o), SB_ERR_AUTH_SID);
  SBT_ERR_EQ(verify_edit("sid", NULL, &o), SB_ERR_AUTH_SID);
  SBT_OK(verify_edit("sid", "\"__________8\"", &o));
}

static void token_verify_daemon_skips_client_only_checks(void) {
  /* AUTH-V12, AUTH-V14 (AO-3): a daemon token needs no sub and no
   * sid, a sid it carries is not decoded, and its lifetime is not capped. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  edit e[4] = {{"role", "\"daemon\""}, {"sub", NULL}, {"sid", "\"junk\""}, {"exp", "1700086400"}};
  sb_auth_claims c;
  SBT_OK(verify_edits_keep(e, 4, &o, &c));
  SBT_CHECK(!c.has_sid && c.sub == NULL && !c.ttl_warning, "daemon: no sid, no sub, no warning");
  sb_auth_claims_free(&c);
}

static void token_verify_region_binding(void) {
  /* AUTH-V13: a present region must equal the relay's; absent passes. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  SBT_OK(verify_edit("region", NULL, &o));
  const char *bad[] = {"\"EU\"", "\"\"", "null", "1"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("region", bad[i], &o), SB_ERR_AUTH_REGION);
  o.region = NULL; /* a relay without a region cannot match one (errata E-AUTH-6) */
  SBT_ERR_EQ(verify_edit("region", "\"eu\"", &o), SB_ERR_AUTH_REGION);
  SBT_OK(verify_edit("region", NULL, &o));
}

static void token_verify_client_ttl_boundaries(void) {
  /* AUTH-V14: client exp - iat 300 passes (with the warning), 301 fails;
   * 120 gives no warning, 121 does. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const struct {
    const char *exp;
    int err;
    bool warn;
  } cases[] = {{"1700000120", SB_OK, false},
               {"1700000121", SB_OK, true},
               {"1700000120.5", SB_OK, true},
               {"1700000300", SB_OK, true},
               {"1700000300.5", SB_ERR_AUTH_TTL, false},
               {"1700000301", SB_ERR_AUTH_TTL, false}};
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_auth_claims c;
    int rc = verify_edits_keep(&(edit){"exp", cases[i].exp}, 1, &o, &c);
    SBT_CHECK(rc == cases[i].err && c.ttl_warning == cases[i].warn,
              "exp %s: got %s warn %d", cases[i].exp, sb_err_name(rc), c.ttl_warning);
    sb_auth_claims_free(&c);
  }
}

static void token_verify_scp_must_be_string_array(void) {
  /* AUTH-V15: scp, if present, an array of strings. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *bad[] = {"\"session:create\"", "null", "{}", "[\"session:create\",1]", "[[]]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("scp", bad[i], &o), SB_ERR_AUTH_SCP);
}

static void token_verify_lim_cases(void) {
  /* AUTH-V16: lim.concurrent_sessions, if present, an integer >= 1. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char *ok[] = {"{\"concurrent_sessions\":1}", "{\"concurrent_sessions\":2.0}",
                      "{\"concurrent_sessions\":1e300}", "{}", "{\"other\":0}"};
  for (size_t i = 0; i < SB_ARRAY_LEN(ok); i++) SBT_OK(verify_edit("lim", ok[i], &o));
  const char *bad[] = {"{\"concurrent_sessions\":0}",   "{\"concurrent_sessions\":1.5}",
                       "{\"concurrent_sessions\":\"2\"}", "{\"concurrent_sessions\":-1}",
                       "{\"concurrent_sessions\":null}", "{\"concurrent_sessions\":0.999}",
                       "5",                              "null",
                       "[]"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(verify_edit("lim", bad[i], &o), SB_ERR_AUTH_LIM);
  SBT_OK(verify_edit("lim", NULL, &o));

  sb_auth_claims c;
  SBT_OK(verify_edits_keep(&(edit){"lim", "{\"concurrent_sessions\":1e300}"}, 1, &o, &c));
  SBT_CHECK(c.has_lim && c.lim_concurrent_sessions == UINT64_MAX, "1e300 saturates");
  sb_auth_claims_free(&c);
}

static void token_verify_endpoint_role_after_step_16(void) {
  /* AUTH-V10: a daemon token on a client endpoint (and the
   * reverse) is refused, but only after every claim check passed. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  o.expect_role = SB_AUTH_ROLE_CLIENT;
  SBT_ERR_EQ(verify_text(pinned_daemon_token, &o), SB_ERR_AUTH_ROLE_MISMATCH);
  SBT_OK(verify_text(pinned_client_token, &o));
  o.expect_role = SB_AUTH_ROLE_DAEMON;
  SBT_ERR_EQ(verify_text(pinned_client_token, &o), SB_ERR_AUTH_ROLE_MISMATCH);
  SBT_OK(verify_text(pinned_daemon_token, &o));
  /* A claim failure wins over the endpoint role. */
  SBT_ERR_EQ(verify_edit("lim", "{\"concurrent_sessions\":0}", &o), SB_ERR_AUTH_LIM);
}

static void token_verify_never_reports_anything_but_an_auth_step(void) {
  /* AUTH-040: malformed tokens are 401s, never an internal error: every
   * single-character change of a valid token yields a step error. */
  fixture();
  sb_auth_verify_opts o = relay_opts();
  const char repl[] = {'A', '-', '.', '=', '\0', '\xff'};
  char tok[TOKEN_CAP];
  size_t len = strlen(pinned_client_token), tried = 0, bad = 0;
  for (size_t i = 0; i < len; i++) {
    for (size_t r = 0; r < sizeof repl; r++) {
      if (pinned_client_token[i] == repl[r]) continue;
      memcpy(tok, pinned_client_token, len + 1);
      tok[i] = repl[r];
      sb_auth_claims c;
      int rc = sb_auth_token_verify(tok, len, jwks, 2, &o, &c);
      const sb_err_info *e = sb_err_lookup(rc);
      bool step = rc <= SB_ERR_AUTH_FORMAT && rc >= SB_ERR_AUTH_LIM && e &&
                  e->proto_code == 0x0101;
      if (!step && bad++ < 5) SBT_CHECK(false, "position %zu -> %s", i, sb_err_name(rc));
      tried++;
      sb_auth_claims_free(&c);
    }
  }
  SBT_CHECK(tried > 5 * len && bad == 0, "%zu of %zu mutations gave no step error", bad, tried);
}

/* ---- SDK peeks ------------------------------------------------------------------ */

/* A token with payload segment `seg` between a fixed header and signature. */
static void token_with_segment(char *tok, const char *seg) {
  sprintf(tok, "eyJhbGciOiJFZERTQSJ9.%s.sig", seg);
}

/* Unpadded base64url of a text. */
static void b64(const char *text, char *out, size_t cap) {
  if (sb_base64url_encode((const uint8_t *)text, strlen(text), out, cap) != SB_OK) out[0] = 0;
}

static void token_peek_sid_reads_unverified_sid(void) {
  /* AUTH-060: split, decode part 2, parse, sid -> 8 non-zero bytes; the
   * signature is not checked. */
  uint64_t sid = 0;
  SBT_OK(sb_auth_token_peek_sid(pinned_client_token, strlen(pinned_client_token),
                                SB_AUTH_PEEK_STRICT, &sid));
  SBT_EQ_U64(sid, UINT64_C(0x00000B3A73CE2FF2));
  SBT_OK(sb_auth_token_peek_sid(pinned_client_token, strlen(pinned_client_token),
                                SB_AUTH_PEEK_SDK, &sid));
  SBT_EQ_U64(sid, UINT64_C(0x00000B3A73CE2FF2));
  char seg[256], tok[512];
  b64("{\"sid\":\"AAAAAAAAMDk\"}", seg, sizeof seg);
  token_with_segment(tok, seg);
  SBT_OK(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid));
  SBT_EQ_U64(sid, 12345);
}

static void token_peek_sid_failures_are_handshake_failed(void) {
  /* AUTH-060: every failure is the SDK's fatal handshake_failed, in both
   * readings. */
  const char *payloads[] = {"{}",
                            "{\"sid\":\"\"}",
                            "{\"sid\":12345}",
                            "{\"sid\":\"AAAAAAAAAAA\"}",
                            "{\"sid\":\"AAAAAAAAAA\"}",
                            "{\"sid\":\"AAAAAAAAAAAAAAA\"}",
                            "{\"sid\":\"AAAAAAAAAA*\"}",
                            "[\"AAAAAAAAAAE\"]",
                            "null",
                            "not json"};
  char seg[256], tok[512];
  for (size_t i = 0; i < SB_ARRAY_LEN(payloads); i++) {
    b64(payloads[i], seg, sizeof seg);
    token_with_segment(tok, seg);
    for (int mode = SB_AUTH_PEEK_STRICT; mode <= SB_AUTH_PEEK_SDK; mode++) {
      uint64_t sid = 1;
      SBT_ERR_EQ(sb_auth_token_peek_sid(tok, strlen(tok), (sb_auth_peek_mode)mode, &sid),
                 SB_ERR_AUTH_PEEK_SID);
      SBT_EQ_U64(sid, 0);
    }
  }
  const char *shapes[] = {"", "abc", "a.b", "a.b.c.d"};
  for (size_t i = 0; i < SB_ARRAY_LEN(shapes); i++) {
    uint64_t sid = 0;
    SBT_ERR_EQ(sb_auth_token_peek_sid(shapes[i], strlen(shapes[i]), SB_AUTH_PEEK_SDK, &sid),
               SB_ERR_AUTH_PEEK_SID);
  }
}

static void token_peek_sdk_mode_tolerates_what_the_sdk_tolerates(void) {
  /* AUTH-062: the SDK re-pads before decoding, so padded segments work; it
   * also takes padded and non-canonical sids and the standard alphabet
   * (errata E-AUTH-4). The strict reading refuses all of these. */
  const struct {
    const char *payload;
    uint64_t sdk_value;
  } cases[] = {{"{\"sid\":\"AAAAAAAAAAE=\"}", 1},
               {"{\"sid\":\"AAAAAAAAAAF\"}", 1},
               {"{\"sid\":\"AAAAAAAAAA+\"}", 15},
               {"{\"sid\":\"AAAAAA AAAAE\"}", 1},
               {"{\"sid\":\"AAAAAAAAAAE\",\"x\":\"\xff\"}", 1}};
  char seg[256], tok[512];
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    b64(cases[i].payload, seg, sizeof seg);
    token_with_segment(tok, seg);
    uint64_t sid = 0;
    SBT_OK(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_SDK, &sid));
    SBT_EQ_U64(sid, cases[i].sdk_value);
    SBT_ERR_EQ(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid),
               SB_ERR_AUTH_PEEK_SID);
  }
  /* A padded payload segment (22 bytes: 30 characters and "=="). */
  char padded[300];
  b64("{\"sid\":\"AAAAAAAAAAE\"} ", seg, sizeof seg);
  snprintf(padded, sizeof padded, "%s==", seg);
  SBT_EQ_U64(strlen(seg), 30);
  token_with_segment(tok, padded);
  uint64_t sid = 0;
  SBT_OK(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_SDK, &sid));
  SBT_EQ_U64(sid, 1);
  SBT_ERR_EQ(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_STRICT, &sid),
             SB_ERR_AUTH_PEEK_SID);
  /* Three "=" or "=" in the middle are still refused by atob. */
  snprintf(padded, sizeof padded, "%s===", seg);
  token_with_segment(tok, padded);
  SBT_ERR_EQ(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_SDK, &sid),
             SB_ERR_AUTH_PEEK_SID);
  snprintf(padded, sizeof padded, "=%s", seg);
  token_with_segment(tok, padded);
  SBT_ERR_EQ(sb_auth_token_peek_sid(tok, strlen(tok), SB_AUTH_PEEK_SDK, &sid),
             SB_ERR_AUTH_PEEK_SID);
}

static void token_peek_did_reads_presence_token(void) {
  /* AUTH-061: did read without verification; a differing caller-supplied
   * daemon ID, or no readable did, is CloudApiError(400). */
  char did[32];
  size_t len = strlen(pinned_daemon_token);
  SBT_OK(sb_auth_token_peek_did(pinned_daemon_token, len, SB_AUTH_PEEK_STRICT, NULL, did,
                                sizeof did));
  SBT_STR_EQ(did, "d_xyz");
  SBT_OK(sb_auth_token_peek_did(pinned_daemon_token, len, SB_AUTH_PEEK_SDK, "d_xyz", did,
                                sizeof did));
  SBT_STR_EQ(did, "d_xyz");
  SBT_ERR_EQ(sb_auth_token_peek_did(pinned_daemon_token, len, SB_AUTH_PEEK_SDK, "d_other", did,
                                    sizeof did),
             SB_ERR_AUTH_DID_MISMATCH);
  SBT_ERR_EQ(sb_auth_token_peek_did(pinned_daemon_token, len, SB_AUTH_PEEK_SDK, NULL, did, 5),
             SB_ERR_BUF);
  const char *payloads[] = {"{}", "{\"did\":\"\"}", "{\"did\":1}", "{\"did\":null}", "[]"};
  char seg[128], tok[256];
  for (size_t i = 0; i < SB_ARRAY_LEN(payloads); i++) {
    b64(payloads[i], seg, sizeof seg);
    token_with_segment(tok, seg);
    SBT_ERR_EQ(sb_auth_token_peek_did(tok, strlen(tok), SB_AUTH_PEEK_SDK, NULL, did, sizeof did),
               SB_ERR_AUTH_PEEK_DID);
  }
  SBT_ERR_EQ(sb_auth_token_peek_did("notajwt", 7, SB_AUTH_PEEK_SDK, NULL, did, sizeof did),
             SB_ERR_AUTH_PEEK_DID);
  SBT_ERR_EQ(sb_auth_token_peek_did("a.b", 3, SB_AUTH_PEEK_SDK, NULL, did, sizeof did),
             SB_ERR_AUTH_PEEK_DID);
  /* The SDK's TextDecoder turns a stray byte into U+FFFD; strict refuses. */
  b64("{\"did\":\"d_\xff\"}", seg, sizeof seg);
  token_with_segment(tok, seg);
  SBT_OK(sb_auth_token_peek_did(tok, strlen(tok), SB_AUTH_PEEK_SDK, NULL, did, sizeof did));
  SBT_STR_EQ(did, "d_\xef\xbf\xbd");
  SBT_ERR_EQ(sb_auth_token_peek_did(tok, strlen(tok), SB_AUTH_PEEK_STRICT, NULL, did, sizeof did),
             SB_ERR_AUTH_PEEK_DID);
}

SBT_SUITE(auth_token, "auth/token", SBT_CASE(token_signing_key_matches_rfc8032_test_1),
          SBT_CASE(token_sign_reproduces_rfc8037_jws_example),
          SBT_CASE(token_mint_reproduces_pinned_tokens),
          SBT_CASE(token_mint_reports_size_needed), SBT_CASE(token_mint_escapes_json_strings),
          SBT_CASE(token_verify_accepts_pinned_client_token),
          SBT_CASE(token_verify_accepts_pinned_daemon_token),
          SBT_CASE(token_verify_daemon_without_resume_scope_is_not_resumable),
          SBT_CASE(token_verify_ignores_jti), SBT_CASE(token_verify_ignores_unknown_scopes),
          SBT_CASE(token_verify_fails_at_each_step_exactly_once),
          SBT_CASE(token_verify_reports_the_first_failing_step),
          SBT_CASE(token_verify_checks_header_and_signature_before_claims),
          SBT_CASE(token_verify_length_limit_is_4096),
          SBT_CASE(token_verify_rejects_missing_token_and_wrong_part_counts),
          SBT_CASE(token_verify_header_cases), SBT_CASE(token_verify_accepts_only_eddsa),
          SBT_CASE(token_verify_rejects_bad_signatures),
          SBT_CASE(token_verify_claims_segment_fails_after_signature),
          SBT_CASE(token_jwks_two_keys_select_by_kid), SBT_CASE(token_jwks_format_is_exact),
          SBT_CASE(token_jwks_skips_keys_eddsa_cannot_use), SBT_CASE(token_jwks_parse_errors),
          SBT_CASE(token_verify_requires_jwk_alg_unless_relaxed),
          SBT_CASE(token_verify_aud_forms), SBT_CASE(token_verify_iss_must_equal_configured_issuer),
          SBT_CASE(token_verify_times_must_be_numbers),
          SBT_CASE(token_verify_expiry_boundary_is_now_minus_skew),
          SBT_CASE(token_verify_skew_is_bounded_by_30_s), SBT_CASE(token_verify_ver_cases),
          SBT_CASE(token_verify_role_and_did), SBT_CASE(token_verify_client_sub_and_sid),
          SBT_CASE(token_verify_daemon_skips_client_only_checks),
          SBT_CASE(token_verify_region_binding), SBT_CASE(token_verify_client_ttl_boundaries),
          SBT_CASE(token_verify_scp_must_be_string_array), SBT_CASE(token_verify_lim_cases),
          SBT_CASE(token_verify_endpoint_role_after_step_16),
          SBT_CASE(token_verify_never_reports_anything_but_an_auth_step),
          SBT_CASE(token_peek_sid_reads_unverified_sid),
          SBT_CASE(token_peek_sid_failures_are_handshake_failed),
          SBT_CASE(token_peek_sdk_mode_tolerates_what_the_sdk_tolerates),
          SBT_CASE(token_peek_did_reads_presence_token))
