#include "cloud/client.h"

#include <string.h>

#include "common/error.h"

static int copy_id(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n == 0 || n >= cap) return SB_ERR_ARG;
  memcpy(dst, src, n + 1);
  return SB_OK;
}

static int take_trust(sb_cloud_client *c, const char *name, const sb_cloud_trust_callbacks *cb) {
  sb_sbrp_trust t;
  int rc = sb_cloud_trust_parse(name, &t);
  if (rc == SB_OK) rc = sb_cloud_trust_check(t, cb);
  if (rc != SB_OK) return rc;
  c->trust = t;
  if (cb) c->callbacks = *cb;
  else memset(&c->callbacks, 0, sizeof c->callbacks);
  return SB_OK;
}

int sb_cloud_client_init(sb_cloud_client *c, const sb_cloud_client_config *cfg) {
  if (!c || !cfg) return SB_ERR_ARG;
  memset(c, 0, sizeof *c);
  bool account = cfg->daemon_id || cfg->has_access_token_provider;
  bool qc = cfg->quick_connect_code != NULL;
  if (account == qc) return SB_ERR_ARG; /* exactly one mode (CLOUD-010) */
  if (account && !(cfg->daemon_id && cfg->has_access_token_provider)) return SB_ERR_ARG;
  if (!cfg->has_identity_key_store) return SB_ERR_ARG; /* CLOUD-011 */
  if (account) {
    c->mode = SB_CLOUD_MODE_ACCOUNT;
    if (copy_id(c->daemon_id, sizeof c->daemon_id, cfg->daemon_id)) return SB_ERR_ARG;
  } else {
    c->mode = SB_CLOUD_MODE_QUICK_CONNECT;
    if (copy_id(c->code, sizeof c->code, cfg->quick_connect_code)) return SB_ERR_ARG;
  }
  int rc = take_trust(c, cfg->trust_policy, &cfg->callbacks);
  if (rc != SB_OK) return rc;
  c->wrap_json_body = cfg->wrap_json_body;
  c->peek = cfg->peek;
  return SB_OK;
}

int sb_cloud_client_set_trust(sb_cloud_client *c, const char *trust_policy,
                              const sb_cloud_trust_callbacks *cb) {
  if (!c) return SB_ERR_ARG;
  return take_trust(c, trust_policy, cb);
}

static void fail(sb_cloud_client *c, sb_cloud_client_step *step, sb_cloud_error err) {
  c->state = SB_CLOUD_CLIENT_IDLE;
  memset(step, 0, sizeof *step);
  step->kind = SB_CLOUD_CLIENT_FAIL;
  step->error = err;
  step->verdict = sb_cloud_classify(c->mode, err);
}

/* CALL `procedure` with {key: value}. */
static int call(sb_cloud_client *c, sb_cloud_client_step *step, const char *procedure,
                const char *bearer, const char *key, const char *value) {
  cJSON *input = cJSON_CreateObject();
  if (!input || !cJSON_AddStringToObject(input, key, value)) {
    cJSON_Delete(input);
    return SB_ERR_NOMEM;
  }
  int rc = sb_cloud_request_build(&c->request, procedure, bearer, input, c->wrap_json_body);
  cJSON_Delete(input);
  if (rc != SB_OK) return rc;
  c->state = SB_CLOUD_CLIENT_WAIT_RESPONSE;
  memset(step, 0, sizeof *step);
  step->kind = SB_CLOUD_CLIENT_CALL;
  step->request = &c->request;
  return SB_OK;
}

int sb_cloud_client_begin(sb_cloud_client *c, sb_cloud_client_step *step) {
  if (!c || !step) return SB_ERR_ARG;
  /* Cleared before anything can fail, so a stale token is never used. */
  c->have_token = false;
  memset(c->session_token, 0, sizeof c->session_token);
  c->endpoint[0] = '\0';
  c->attempts++;
  if (c->mode == SB_CLOUD_MODE_ACCOUNT) {
    c->state = SB_CLOUD_CLIENT_WAIT_ACCESS_TOKEN;
    memset(step, 0, sizeof *step);
    step->kind = SB_CLOUD_CLIENT_GET_ACCESS_TOKEN;
    return SB_OK;
  }
  if (c->qc_redeemed) {
    fail(c, step, SB_CLOUD_INVALID_STATE); /* the code is spent (CLOUD-052) */
    return SB_OK;
  }
  return call(c, step, SB_CLOUD_PROC_REDEEM, NULL, "code", c->code);
}

int sb_cloud_client_access_token(sb_cloud_client *c, const char *token,
                                 sb_cloud_client_step *step) {
  if (!c || !step) return SB_ERR_ARG;
  if (c->state != SB_CLOUD_CLIENT_WAIT_ACCESS_TOKEN) return SB_ERR_STATE;
  if (!token) {
    fail(c, step, SB_CLOUD_OTHER_ERROR); /* getAccessToken threw */
    return SB_OK;
  }
  if (strlen(token) > SB_CLOUD_CREDENTIAL_MAX) return SB_ERR_ARG;
  return call(c, step, SB_CLOUD_PROC_CREATE_SESSION, token, "daemonId", c->daemon_id);
}

int sb_cloud_client_response(sb_cloud_client *c, const sb_cloud_http_response *resp,
                             sb_cloud_client_step *step) {
  if (!c || !resp || !step) return SB_ERR_ARG;
  if (c->state != SB_CLOUD_CLIENT_WAIT_RESPONSE) return SB_ERR_STATE;
  sb_cloud_api_result r;
  int rc = sb_cloud_api_result_map(resp, &r);
  if (rc != SB_OK) return rc;
  if (r.error.kind != SB_CLOUD_ERROR_NONE) {
    fail(c, step, r.error);
    sb_cloud_api_result_free(&r);
    return SB_OK;
  }
  const char *relay_url = sb_cloud_api_data_string(&r, "relayUrl");
  const char *token = sb_cloud_api_data_string(&r, "token");
  const char *did = sb_cloud_api_data_string(&r, "daemonId");
  bool qc = c->mode == SB_CLOUD_MODE_QUICK_CONNECT;
  size_t token_len = token ? strlen(token) : 0;
  bool shape_ok = relay_url && token && token_len > 0 && token_len <= SB_AUTH_TOKEN_MAX_CHARS &&
                  (!qc || (did && did[0] && strlen(did) <= SB_CLOUD_DAEMON_ID_MAX));
  size_t n = 0;
  if (shape_ok &&
      sb_cloud_url_with_token(relay_url, token, c->endpoint, sizeof c->endpoint, &n) == SB_OK) {
    memcpy(c->session_token, token, token_len + 1);
    c->have_token = true;
    if (qc) {
      memcpy(c->resolved_daemon_id, did, strlen(did) + 1);
      c->qc_redeemed = true; /* only now: a failed redeem does not latch (CLOUD-053) */
    }
    c->state = SB_CLOUD_CLIENT_READY;
    memset(step, 0, sizeof *step);
    step->kind = SB_CLOUD_CLIENT_OPEN;
    step->endpoint = c->endpoint;
  } else {
    c->endpoint[0] = '\0';
    fail(c, step, SB_CLOUD_OTHER_ERROR); /* upstream: a TypeError, retryable */
  }
  sb_cloud_api_result_free(&r);
  return SB_OK;
}

int sb_cloud_client_negotiate(const sb_cloud_client *c, sb_cloud_negotiation *out) {
  if (!c || !out) return SB_ERR_ARG;
  memset(out, 0, sizeof *out);
  if (!c->have_token) return SB_ERR_STATE;
  uint64_t sid = 0;
  int rc = sb_auth_token_peek_sid(c->session_token, strlen(c->session_token), c->peek, &sid);
  if (rc != SB_OK) return rc;
  out->daemon_id = c->mode == SB_CLOUD_MODE_QUICK_CONNECT ? c->resolved_daemon_id : c->daemon_id;
  out->session_token = c->session_token;
  out->session_id = sid;
  out->trust = c->trust;
  out->callbacks = &c->callbacks;
  return SB_OK;
}

sb_cloud_verdict sb_cloud_client_classify(const sb_cloud_client *c, sb_cloud_error err) {
  return sb_cloud_classify(c ? c->mode : SB_CLOUD_MODE_ACCOUNT, err);
}

bool sb_cloud_client_qc_redeemed(const sb_cloud_client *c) { return c && c->qc_redeemed; }

void sb_cloud_client_peer_defaults(sb_cloud_peer_defaults *out) {
  if (!out) return;
  out->on_disconnect_pause = true;
  out->retry = SB_PEER_RETRY_POLICY_DEFAULT;
  out->retry.mode = SB_PEER_RETRY_ON_ERROR;
}
