/*
 * Vector operations of the token and peer layers: auth.sid.encode,
 * auth.sid.decode, auth.token.verify, peer.backoff.
 *
 * A token failure names the validation step that failed ("AUTH-V05"), the
 * requirement ID of auth.md section 6; a token with the wrong role for the
 * endpoint (input.expect.role) fails as step 10.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/sid.h"
#include "auth/token.h"
#include "common/error.h"
#include "common/json.h"
#include "ops_internal.h"
#include "peer/backoff.h"

SBV_OP_FN(sbv_op_auth_sid_encode) {
  unsigned long long sid;
  if (!sbv_in_u64(input, "sessionId", &sid, msg)) return -1;
  char text[SB_AUTH_SID_SIZE];
  int rc = sb_auth_sid_encode(sid, text, sizeof text);
  if (rc != SB_OK) {
    sbv_invalid_name(out, rc, "invalid_sid");
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "sid", text);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_auth_sid_decode) {
  const char *text;
  if (!sbv_in_str(input, "sid", &text, msg)) return -1;
  uint64_t sid;
  int rc = sb_auth_sid_decode(text, strlen(text), &sid);
  if (rc != SB_OK) {
    sbv_invalid_name(out, rc, "invalid_sid");
    return 0;
  }
  sbv_valid(out, sbv_out_u64(cJSON_CreateObject(), "sessionId", sid));
  return 0;
}

#define MAX_KEYS 8

SBV_OP_FN(sbv_op_auth_token_verify) {
  const char *token;
  double now;
  if (!sbv_in_str(input, "token", &token, msg) || !sbv_in_num(input, "now", &now, msg)) return -1;
  if (!(fabs(now) <= 9007199254740992.0)) { /* found by fuzzing: the cast below needs a range */
    snprintf(msg, SBV_MSG_SIZE, "input.now: %g is not a time in seconds (|now| <= 2^53)", now);
    return -1;
  }
  const cJSON *jwks = sb_json_get(input, "jwks"), *expect = sb_json_get(input, "expect");
  if (!cJSON_IsObject(jwks) || !cJSON_IsObject(expect)) {
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not a JSON object", cJSON_IsObject(jwks) ? "expect" : "jwks");
    return -1;
  }
  sb_auth_jwk keys[MAX_KEYS];
  size_t nkeys = 0;
  char *text = sb_json_print(jwks);
  int rc = text ? sb_auth_jwks_parse((const uint8_t *)text, strlen(text), keys, MAX_KEYS, &nkeys)
                : SB_ERR_NOMEM;
  cJSON_free(text);
  if (rc != SB_OK) {
    snprintf(msg, SBV_MSG_SIZE, "input.jwks: %s", sb_err_str(rc));
    return -1;
  }
  const char *issuer;
  if (!sbv_in_str(expect, "issuer", &issuer, msg)) {
    snprintf(msg, SBV_MSG_SIZE, "input.expect.issuer: missing or not a string");
    return -1;
  }
  sb_auth_verify_opts opts;
  sb_auth_verify_opts_init(&opts, issuer, (int64_t)floor(now));
  opts.region = cJSON_GetStringValue(sb_json_get(expect, "region"));
  const cJSON *skew = sb_json_get(expect, "skew");
  if (skew) /* anything not an int is a malformed skew, which the verifier refuses as -1 */
    opts.skew_s = cJSON_IsNumber(skew) && fabs(skew->valuedouble) <= INT_MAX ? (int)skew->valuedouble : -1;
  const char *role = cJSON_GetStringValue(sb_json_get(expect, "role"));
  if (role) opts.expect_role = !strcmp(role, "client")   ? SB_AUTH_ROLE_CLIENT
                               : !strcmp(role, "daemon") ? SB_AUTH_ROLE_DAEMON
                                                         : SB_AUTH_ROLE_NONE;
  if (role && opts.expect_role == SB_AUTH_ROLE_NONE) {
    snprintf(msg, SBV_MSG_SIZE, "input.expect.role: not \"client\" or \"daemon\"");
    return -1;
  }
  sb_auth_claims claims;
  rc = sb_auth_token_verify(token, strlen(token), keys, nkeys, &opts, &claims);
  if (rc == SB_ERR_ARG) {
    snprintf(msg, SBV_MSG_SIZE, "input.expect: options the verifier refuses (skew 0..30)");
    return -1;
  }
  if (rc != SB_OK) {
    const sb_err_info *info = sb_err_lookup(rc);
    sbv_invalid_name(out, rc, info && info->req ? info->req : sb_err_name(rc));
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "claims", cJSON_Duplicate(claims.tree_, 1));
  sb_auth_claims_free(&claims);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_peer_backoff) {
  const cJSON *p = sb_json_get(input, "policy");
  if (!cJSON_IsObject(p)) {
    snprintf(msg, SBV_MSG_SIZE, "input.policy: not a JSON object");
    return -1;
  }
  sb_peer_retry_policy policy = SB_PEER_RETRY_POLICY_DEFAULT;
  double attempt, r;
  if (!sbv_in_num(p, "initialMs", &policy.initial_delay_ms, msg) ||
      !sbv_in_num(p, "maxMs", &policy.max_delay_ms, msg) ||
      !sbv_in_num(p, "jitter", &policy.jitter, msg)) {
    char inner[SBV_MSG_SIZE];
    snprintf(inner, sizeof inner, "input.policy.%s", msg + 6);
    memcpy(msg, inner, SBV_MSG_SIZE);
    return -1;
  }
  if (!sbv_in_num(input, "attempt", &attempt, msg) || !sbv_in_num(input, "random", &r, msg)) return -1;
  if (attempt < 0 || attempt > 4294967295.0 || attempt != floor(attempt)) {
    snprintf(msg, SBV_MSG_SIZE, "input.attempt: not an integer from 0 to 2^32-1");
    return -1;
  }
  uint64_t delay;
  int rc = sb_peer_backoff_delay(&policy, (uint32_t)attempt, r, &delay);
  if (rc != SB_OK) {
    out->result = SBV_UNSUPPORTED; /* a policy upstream never validates (errata E-AUTH-14) */
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "delayMs", (double)delay);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_auth_token_peek) {
  const char *token, *field;
  if (!sbv_in_str(input, "token", &token, msg) || !sbv_in_str(input, "field", &field, msg)) return -1;
  const char *mode = cJSON_GetStringValue(sb_json_get(input, "mode"));
  sb_auth_peek_mode m = SB_AUTH_PEEK_STRICT;
  if (mode && !strcmp(mode, "sdk")) {
    m = SB_AUTH_PEEK_SDK;
  } else if (mode && strcmp(mode, "strict")) {
    snprintf(msg, SBV_MSG_SIZE, "input.mode: not \"strict\" or \"sdk\"");
    return -1;
  }
  int rc;
  cJSON *o = cJSON_CreateObject();
  if (!strcmp(field, "sid")) {
    uint64_t sid = 0;
    rc = sb_auth_token_peek_sid(token, strlen(token), m, &sid);
    if (rc == SB_OK) sbv_out_u64(o, "sessionId", sid);
  } else if (!strcmp(field, "did")) {
    char did[1024];
    rc = sb_auth_token_peek_did(token, strlen(token), m,
                                cJSON_GetStringValue(sb_json_get(input, "expectedDid")), did, sizeof did);
    if (rc == SB_OK) cJSON_AddStringToObject(o, "did", did);
  } else {
    cJSON_Delete(o);
    snprintf(msg, SBV_MSG_SIZE, "input.field: not \"sid\" or \"did\"");
    return -1;
  }
  if (rc != SB_OK) {
    cJSON_Delete(o);
    const char *name = sb_err_proto_name(rc);
    sbv_invalid_name(out, rc, name ? name : sb_err_name(rc));
    return 0;
  }
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_peer_retry) {
  const cJSON *p = sb_json_get(input, "policy");
  const char *mode = cJSON_GetStringValue(sb_json_get(p, "mode"));
  double max_attempts, retries;
  if (!cJSON_IsObject(p) || !mode || (strcmp(mode, "never") && strcmp(mode, "on-error"))) {
    snprintf(msg, SBV_MSG_SIZE, "input.policy.mode: not \"never\" or \"on-error\"");
    return -1;
  }
  if (!sbv_in_num(p, "maxAttempts", &max_attempts, msg) || max_attempts < 0 ||
      max_attempts > 4294967295.0 || max_attempts != floor(max_attempts)) {
    snprintf(msg, SBV_MSG_SIZE, "input.policy.maxAttempts: not an integer from 0 to 2^32-1");
    return -1;
  }
  if (!sbv_in_num(input, "retriesSoFar", &retries, msg) || retries < 0 || retries > 4294967295.0 ||
      retries != floor(retries)) {
    snprintf(msg, SBV_MSG_SIZE, "input.retriesSoFar: not an integer from 0 to 2^32-1");
    return -1;
  }
  sb_peer_retry_policy policy = SB_PEER_RETRY_POLICY_DEFAULT;
  policy.mode = strcmp(mode, "on-error") ? SB_PEER_RETRY_NEVER : SB_PEER_RETRY_ON_ERROR;
  policy.max_attempts = (uint32_t)max_attempts;
  /* A fatal error ends the session whatever the policy (PEER-RETRY-005). */
  bool fatal = cJSON_IsTrue(sb_json_get(input, "fatal"));
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "mayRetry", !fatal && sb_peer_backoff_may_retry(&policy, (uint32_t)retries));
  sbv_valid(out, o);
  return 0;
}
