/*
 * Fuzz target token: relay token verification (auth/token.h) against a
 * fixed JWKS, and the SDKs' unverified peeks at `sid` and `did`.
 *
 * Two input modes, chosen by the first byte:
 *   - token text (anything not starting with '{'): the bytes are the token;
 *   - claims ('{'): the bytes are a claims segment, signed here with the
 *     fixed key under a valid header, so that steps 5-16 (AUTH-V05..V16),
 *     which a fuzzer could never reach past a signature, see arbitrary JSON.
 * The verifier options (region, expected role, skew, whether a JWK without
 * "alg" is usable) vary with a hash of the input, so the same input always
 * runs the same way.
 *
 * Invariants: a failure is one of the documented step errors and leaves
 * nothing owned; a success grants what the steps check (issuer, audience,
 * role, did, client sub and non-zero sid, finite times, the scope flags),
 * and the strict SDK peeks read the same sid and did the verifier accepted;
 * the lenient (SDK) peeks read everything the strict ones read, the same.
 */
#include "fuzz.h"

#include "auth/token.h"
#include "common/error.h"

static const sb_auth_signing_key *signing_key(void) {
  static sb_auth_signing_key key;
  static bool ready;
  if (!ready) {
    FUZZ_ASSERT(sb_auth_signing_key_from_seed(&key, (const uint8_t *)FUZZ_TOKEN_SEED) == SB_OK);
    ready = true;
  }
  return &key;
}

/* The JWKS: the fixed key under its kid with "alg":"EdDSA", and again under
 * a second kid without "alg" (usable only with jwk_alg_optional). */
static size_t jwks(sb_auth_jwk keys[2]) {
  memset(keys, 0, 2 * sizeof *keys);
  snprintf(keys[0].kid, sizeof keys[0].kid, "%s", FUZZ_TOKEN_KID);
  memcpy(keys[0].x, signing_key()->pk, SB_AUTH_ED25519_PUBLIC_BYTES);
  keys[0].alg_eddsa = true;
  snprintf(keys[1].kid, sizeof keys[1].kid, "%s-noalg", FUZZ_TOKEN_KID);
  memcpy(keys[1].x, signing_key()->pk, SB_AUTH_ED25519_PUBLIC_BYTES);
  return 2;
}

static bool verify_error_documented(int rc) {
  return (rc <= SB_ERR_AUTH_FORMAT && rc >= SB_ERR_AUTH_LIM) || rc == SB_ERR_AUTH_ROLE_MISMATCH ||
         rc == SB_ERR_NOMEM;
}

/* What a successful verification grants. */
static void check_claims(const sb_auth_claims *c, const sb_auth_verify_opts *opts) {
  FUZZ_ASSERT(c->iss && strcmp(c->iss, FUZZ_TOKEN_ISSUER) == 0);
  bool aud = false;
  for (size_t i = 0; i < c->aud_count; i++) aud = aud || strcmp(c->aud[i], "sideband-relay") == 0;
  FUZZ_ASSERT(aud);
  FUZZ_ASSERT(c->role == SB_AUTH_ROLE_CLIENT || c->role == SB_AUTH_ROLE_DAEMON);
  FUZZ_ASSERT(opts->expect_role == SB_AUTH_ROLE_NONE || opts->expect_role == c->role);
  FUZZ_ASSERT(c->did && c->did[0] != '\0');
  FUZZ_ASSERT(c->exp == c->exp && c->iat == c->iat); /* not NaN */
  FUZZ_ASSERT(c->exp >= (double)opts->now_s - opts->skew_s);
  if (c->role == SB_AUTH_ROLE_CLIENT) {
    FUZZ_ASSERT(c->has_sid && c->sid != 0 && c->sub && c->sub[0] != '\0');
    FUZZ_ASSERT(c->exp - c->iat <= SB_AUTH_CLIENT_TTL_MAX_S);
  } else {
    FUZZ_ASSERT(!c->has_sid && !c->ttl_warning);
  }
  if (c->region) FUZZ_ASSERT(opts->region && strcmp(c->region, opts->region) == 0);
  FUZZ_ASSERT(c->resumable == sb_auth_claims_has_scope(c, "session:resume"));
  FUZZ_ASSERT(!c->resumable || c->has_scp);
  if (c->has_lim) FUZZ_ASSERT(c->lim_concurrent_sessions >= 1);
  for (size_t i = 0; i < c->scp_count; i++) fuzz_keep(strlen(c->scp[i]));
  if (c->jti) fuzz_keep(strlen(c->jti));
}

/* The peeks: strict and SDK readings agree where the strict one succeeds,
 * and agree with the verifier when it accepted the token. */
static void check_peeks(const char *token, size_t len, const sb_auth_claims *verified) {
  uint64_t sid_strict = 0, sid_sdk = 0;
  int s1 = sb_auth_token_peek_sid(token, len, SB_AUTH_PEEK_STRICT, &sid_strict);
  int s2 = sb_auth_token_peek_sid(token, len, SB_AUTH_PEEK_SDK, &sid_sdk);
  FUZZ_ASSERT(s1 == SB_OK || s1 == SB_ERR_AUTH_PEEK_SID || s1 == SB_ERR_NOMEM);
  FUZZ_ASSERT(s2 == SB_OK || s2 == SB_ERR_AUTH_PEEK_SID || s2 == SB_ERR_NOMEM);
  if (s1 == SB_OK) FUZZ_ASSERT(sid_strict != 0 && s2 == SB_OK && sid_sdk == sid_strict);
  if (s2 == SB_OK) FUZZ_ASSERT(sid_sdk != 0);
  /* A did decodes from part of the token (3 bytes per 4 characters); the
   * SDK reading may triple it (U+FFFD for each ill-formed byte). */
  size_t cap = 3 * len + 4;
  char *did_strict = malloc(cap), *did_sdk = malloc(cap);
  FUZZ_ASSERT(did_strict != NULL && did_sdk != NULL);
  int d1 = sb_auth_token_peek_did(token, len, SB_AUTH_PEEK_STRICT, NULL, did_strict, cap);
  int d2 = sb_auth_token_peek_did(token, len, SB_AUTH_PEEK_SDK, NULL, did_sdk, cap);
  FUZZ_ASSERT(d1 == SB_OK || d1 == SB_ERR_AUTH_PEEK_DID || d1 == SB_ERR_NOMEM);
  FUZZ_ASSERT(d2 == SB_OK || d2 == SB_ERR_AUTH_PEEK_DID || d2 == SB_ERR_NOMEM);
  if (d1 == SB_OK) {
    FUZZ_ASSERT(did_strict[0] != '\0' && d2 == SB_OK && strcmp(did_sdk, did_strict) == 0);
    FUZZ_ASSERT(sb_auth_token_peek_did(token, len, SB_AUTH_PEEK_STRICT, did_strict, did_sdk,
                                       cap) == SB_OK);
  }
  if (verified) {
    if (verified->has_sid) FUZZ_ASSERT(s1 == SB_OK && sid_strict == verified->sid);
    FUZZ_ASSERT(d1 == SB_OK && strcmp(did_strict, verified->did) == 0);
  }
  free(did_strict);
  free(did_sdk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *token = NULL;
  size_t len = 0;
  if (size > 0 && data[0] == '{') {
    static const char header[] = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" FUZZ_TOKEN_KID "\"}";
    size_t need = 0;
    int rc = sb_auth_token_mint_raw((const uint8_t *)header, sizeof header - 1, data, size,
                                    signing_key(), NULL, 0, &need);
    FUZZ_ASSERT(rc == SB_ERR_BUF);
    token = malloc(need + 1);
    FUZZ_ASSERT(token != NULL);
    rc = sb_auth_token_mint_raw((const uint8_t *)header, sizeof header - 1, data, size,
                                signing_key(), token, need + 1, &len);
    FUZZ_ASSERT(rc == SB_OK && len == need && token[len] == '\0');
  } else {
    token = fuzz_strndup(data, size);
    len = size;
  }
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211u;
  sb_auth_jwk keys[2];
  size_t nkeys = jwks(keys);
  sb_auth_verify_opts opts;
  sb_auth_verify_opts_init(&opts, FUZZ_TOKEN_ISSUER, FUZZ_TOKEN_NOW);
  opts.region = (h & 1) ? FUZZ_TOKEN_REGION : NULL;
  opts.expect_role = (sb_auth_role)((h >> 1) % 3);
  opts.skew_s = (int)((h >> 3) % (SB_AUTH_MAX_SKEW_S + 1));
  opts.jwk_alg_optional = (h >> 8) & 1;
  sb_auth_claims claims;
  int rc = sb_auth_token_verify(token, len, keys, nkeys, &opts, &claims);
  if (rc == SB_OK) {
    check_claims(&claims, &opts);
    check_peeks(token, len, &claims);
    sb_auth_claims_free(&claims);
  } else {
    FUZZ_ASSERT(verify_error_documented(rc));
    FUZZ_ASSERT(claims.tree_ == NULL && claims.ptrs_ == NULL);
    fuzz_keep((uint64_t)-rc);
    check_peeks(token, len, NULL);
  }
  free(token);
  return 0;
}
