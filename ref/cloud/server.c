#include "cloud/server.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"

#define DEFAULT_KID "sbconf-cloud-1"
#define DEFAULT_APP_URL "https://app.sideband.cloud"
#define DEFAULT_EPOCH_UNIX_S INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define QC_RATE_WINDOW SB_TIME_S(60)

void sb_cloud_server_config_init(sb_cloud_server_config *cfg, const uint8_t seed[32]) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  if (seed) memcpy(cfg->signing_seed, seed, sizeof cfg->signing_seed);
  cfg->kid = DEFAULT_KID;
  cfg->issuer = SB_CLOUD_DEFAULT_API_URL;
  cfg->relay_url = SB_CLOUD_DEFAULT_RELAY_URL;
  cfg->app_url = DEFAULT_APP_URL;
  cfg->epoch_unix_s = DEFAULT_EPOCH_UNIX_S;
  cfg->session_ttl_s = SB_CLOUD_SESSION_TTL_MAX_S;
  cfg->qc_rate_limit = SB_CLOUD_QC_RATE_DEFAULT;
  cfg->errors_in_body = true;
}

/* Copy a NUL-terminated text that must be non-empty and fit. */
static int copy_text(char *dst, size_t cap, const char *src) {
  if (!src) return SB_ERR_ARG;
  size_t n = strlen(src);
  if (n == 0 || n >= cap) return SB_ERR_ARG;
  memcpy(dst, src, n + 1);
  return SB_OK;
}

/* ---- session IDs: a bijection of the 64-bit integers ---------------------- */

static uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static uint64_t inverse_mod_2_64(uint64_t c) { /* c odd; Newton doubles the good bits */
  uint64_t x = c;
  for (int i = 0; i < 5; i++) x *= 2 - c * x;
  return x;
}

static uint64_t unxorshift(uint64_t y, unsigned s) {
  uint64_t x = y;
  for (unsigned k = s; k < 64; k += s) x ^= y >> k;
  return x;
}

static uint64_t unmix(uint64_t z) {
  z = unxorshift(z, 31);
  z *= inverse_mod_2_64(UINT64_C(0x94d049bb133111eb));
  z = unxorshift(z, 27);
  z *= inverse_mod_2_64(UINT64_C(0xbf58476d1ce4e5b9));
  return unxorshift(z, 30);
}

static uint64_t next_sid(sb_cloud_server *s) {
  if (s->sid_next == s->sid_zero_n) s->sid_next++; /* the one n whose sid would be 0 */
  return mix(s->sid_key + s->sid_next++);
}

bool sb_cloud_server_sid_issued(const sb_cloud_server *s, uint64_t sid) {
  if (!s || sid == 0) return false;
  return unmix(sid) - s->sid_key < s->sid_next;
}

uint64_t sb_cloud_server_sid_count(const sb_cloud_server *s) {
  if (!s) return 0;
  return s->sid_next - (s->sid_zero_n < s->sid_next ? 1 : 0);
}

uint64_t sb_cloud_server_sid_at(const sb_cloud_server *s, uint64_t i) {
  if (!s || i >= sb_cloud_server_sid_count(s)) return 0;
  uint64_t n = i >= s->sid_zero_n ? i + 1 : i;
  return mix(s->sid_key + n);
}

/* ---- setup ------------------------------------------------------------------ */

int sb_cloud_server_init(sb_cloud_server *s, const sb_cloud_server_config *cfg,
                         const sb_rng *rng) {
  if (!s || !cfg || !rng) return SB_ERR_ARG;
  memset(s, 0, sizeof *s);
  if (cfg->session_ttl_s == 0 || cfg->session_ttl_s > SB_CLOUD_SESSION_TTL_MAX_S) return SB_ERR_ARG;
  if (cfg->qc_rate_limit > SB_CLOUD_QC_RATE_MAX) return SB_ERR_ARG;
  if (copy_text(s->kid, sizeof s->kid, cfg->kid) || copy_text(s->issuer, sizeof s->issuer, cfg->issuer) ||
      copy_text(s->relay_url, sizeof s->relay_url, cfg->relay_url) ||
      copy_text(s->app_url, sizeof s->app_url, cfg->app_url))
    return SB_ERR_ARG;
  if (cfg->region) {
    if (copy_text(s->region, sizeof s->region, cfg->region)) return SB_ERR_ARG;
    s->has_region = true;
  }
  s->epoch_unix_s = cfg->epoch_unix_s;
  s->session_ttl_s = cfg->session_ttl_s;
  s->qc_rate_limit = cfg->qc_rate_limit;
  s->errors_in_body = cfg->errors_in_body;
  s->rng = *rng;
  int rc = sb_auth_signing_key_from_seed(&s->key, cfg->signing_seed);
  if (rc != SB_OK) return rc;
  uint8_t b[8];
  rc = sb_rng_bytes(&s->rng, b, sizeof b);
  if (rc != SB_OK) return rc;
  for (int i = 0; i < 8; i++) s->sid_key = (s->sid_key << 8) | b[i];
  s->sid_zero_n = unmix(0) - s->sid_key;
  return SB_OK;
}

static sb_cloud_server_user *user_by_token(sb_cloud_server *s, const char *token) {
  for (size_t i = 0; token && i < s->user_count; i++)
    if (strcmp(s->users[i].access_token, token) == 0) return &s->users[i];
  return NULL;
}

static int user_index(const sb_cloud_server *s, const char *id, size_t *at) {
  for (size_t i = 0; i < s->user_count; i++)
    if (strcmp(s->users[i].id, id) == 0) {
      *at = i;
      return SB_OK;
    }
  return SB_ERR_NOT_FOUND;
}

static sb_cloud_server_daemon *daemon_by_id(const sb_cloud_server *s, const char *id) {
  for (size_t i = 0; id && i < s->daemon_count; i++)
    if (strcmp(s->daemons[i].id, id) == 0) return (sb_cloud_server_daemon *)&s->daemons[i];
  return NULL;
}

static sb_cloud_server_daemon *daemon_by_key(sb_cloud_server *s, const char *api_key) {
  for (size_t i = 0; api_key && i < s->daemon_count; i++)
    if (strcmp(s->daemons[i].api_key, api_key) == 0) return &s->daemons[i];
  return NULL;
}

int sb_cloud_server_add_user(sb_cloud_server *s, const char *user_id, const char *access_token) {
  if (!s) return SB_ERR_ARG;
  sb_cloud_server_user u;
  if (copy_text(u.id, sizeof u.id, user_id) ||
      copy_text(u.access_token, sizeof u.access_token, access_token))
    return SB_ERR_ARG;
  size_t at;
  if (user_index(s, user_id, &at) == SB_OK || user_by_token(s, access_token)) return SB_ERR_EXISTS;
  if (s->user_count >= SB_CLOUD_SERVER_MAX_USERS) return SB_ERR_FULL;
  s->users[s->user_count++] = u;
  return SB_OK;
}

int sb_cloud_server_add_daemon(sb_cloud_server *s, const sb_cloud_daemon_spec *d) {
  if (!s || !d || !d->identity_pub || !d->owner) return SB_ERR_ARG;
  sb_cloud_server_daemon n;
  memset(&n, 0, sizeof n);
  if (copy_text(n.id, sizeof n.id, d->daemon_id) || copy_text(n.api_key, sizeof n.api_key, d->api_key))
    return SB_ERR_ARG;
  if (user_index(s, d->owner, &n.owner) != SB_OK) return SB_ERR_NOT_FOUND;
  if (daemon_by_id(s, d->daemon_id) || daemon_by_key(s, d->api_key)) return SB_ERR_EXISTS;
  if (s->daemon_count >= SB_CLOUD_SERVER_MAX_DAEMONS) return SB_ERR_FULL;
  memcpy(n.identity_pub, d->identity_pub, sizeof n.identity_pub);
  n.resumable = d->resumable;
  n.quick_connect = d->quick_connect;
  s->daemons[s->daemon_count++] = n;
  return SB_OK;
}

int sb_cloud_server_set_online(sb_cloud_server *s, const char *daemon_id, bool online) {
  sb_cloud_server_daemon *d = s ? daemon_by_id(s, daemon_id) : NULL;
  if (!d) return SB_ERR_NOT_FOUND;
  d->online = online;
  return SB_OK;
}

int sb_cloud_server_set_identity(sb_cloud_server *s, const char *daemon_id,
                                 const uint8_t identity_pub[32]) {
  if (!identity_pub) return SB_ERR_ARG;
  sb_cloud_server_daemon *d = s ? daemon_by_id(s, daemon_id) : NULL;
  if (!d) return SB_ERR_NOT_FOUND;
  memcpy(d->identity_pub, identity_pub, sizeof d->identity_pub);
  return SB_OK;
}

int sb_cloud_server_identity(const sb_cloud_server *s, const char *daemon_id,
                             uint8_t identity_pub[32]) {
  if (!identity_pub) return SB_ERR_ARG;
  const sb_cloud_server_daemon *d = s ? daemon_by_id(s, daemon_id) : NULL;
  if (!d) return SB_ERR_NOT_FOUND;
  memcpy(identity_pub, d->identity_pub, sizeof d->identity_pub);
  return SB_OK;
}

int sb_cloud_server_fault_push(sb_cloud_server *s, const char *procedure, sb_cloud_fault fault) {
  if (!s) return SB_ERR_ARG;
  if (fault.kind == SB_CLOUD_FAULT_STATUS && (fault.status < 400 || fault.status > 599))
    return SB_ERR_ARG;
  if (fault.kind > SB_CLOUD_FAULT_NO_DATA) return SB_ERR_ARG;
  if (procedure && strlen(procedure) >= SB_CLOUD_PROCEDURE_MAX) return SB_ERR_ARG;
  if (s->fault_count >= SB_CLOUD_SERVER_MAX_FAULTS) return SB_ERR_FULL;
  sb_cloud_server_fault_entry *e = &s->faults[s->fault_count++];
  memset(e, 0, sizeof *e);
  if (procedure) memcpy(e->procedure, procedure, strlen(procedure) + 1);
  e->fault = fault;
  return SB_OK;
}

size_t sb_cloud_server_faults_pending(const sb_cloud_server *s) { return s ? s->fault_count : 0; }

/* Take the first queued fault that applies to `procedure`. */
static bool take_fault(sb_cloud_server *s, const char *procedure, sb_cloud_fault *out) {
  for (size_t i = 0; i < s->fault_count; i++) {
    if (s->faults[i].procedure[0] && strcmp(s->faults[i].procedure, procedure) != 0) continue;
    *out = s->faults[i].fault;
    memmove(&s->faults[i], &s->faults[i + 1], (s->fault_count - i - 1) * sizeof s->faults[0]);
    s->fault_count--;
    return true;
  }
  return false;
}

int64_t sb_cloud_server_unix_s(const sb_cloud_server *s, sb_time_us now) {
  sb_time_us whole = now >= 0 ? now / SB_TIME_US_PER_S : -((-now + SB_TIME_US_PER_S - 1) / SB_TIME_US_PER_S);
  return (s ? s->epoch_unix_s : 0) + whole;
}

int sb_cloud_server_set_signing_key(sb_cloud_server *s, const sb_auth_signing_key *key,
                                    const char *kid) {
  if (!s || !key) return SB_ERR_ARG;
  int rc = copy_text(s->kid, sizeof s->kid, kid);
  if (rc != SB_OK) return rc;
  s->key = *key;
  return SB_OK;
}

void sb_cloud_server_jwk(const sb_cloud_server *s, sb_auth_jwk *out) {
  if (!s || !out) return;
  memset(out, 0, sizeof *out);
  memcpy(out->kid, s->kid, strlen(s->kid) + 1);
  memcpy(out->x, s->key.pk, sizeof out->x);
  out->alg_eddsa = true;
}

/* ---- answers ---------------------------------------------------------------- */

static int answer_error(const sb_cloud_server *s, sb_cloud_http_response *resp, int status,
                        const char *message) {
  bool mappable = status == 400 || status == 401 || status == 403 || status == 404 || status == 409;
  int http = (s->errors_in_body && mappable) ? 200 : status;
  return sb_cloud_response_error(resp, http, sb_cloud_trpc_code((unsigned)status), message);
}

static int answer_fault(const sb_cloud_server *s, sb_cloud_http_response *resp, sb_cloud_fault f) {
  switch (f.kind) {
    case SB_CLOUD_FAULT_STATUS: return answer_error(s, resp, f.status, "injected fault");
    case SB_CLOUD_FAULT_NETWORK: sb_cloud_response_network_error(resp); return SB_OK;
    case SB_CLOUD_FAULT_NOT_JSON: {
      static const char page[] = "<html><body>Sign in to the network</body></html>";
      return sb_cloud_response_raw(resp, 200, page, sizeof page - 1);
    }
    case SB_CLOUD_FAULT_NO_DATA: {
      static const char body[] = "{\"result\":{}}";
      return sb_cloud_response_raw(resp, 200, body, sizeof body - 1);
    }
  }
  return SB_ERR_ARG;
}

/* Mint a relay token for `role`. */
static int mint(sb_cloud_server *s, sb_time_us now, sb_auth_role role, const char *sub,
                const char *did, uint64_t sid, bool resume, uint32_t ttl_s, char *out,
                size_t cap) {
  static const char *const aud[] = {SB_AUTH_AUDIENCE};
  static const char *const scp_create[] = {SB_AUTH_SCOPE_SESSION_CREATE};
  static const char *const scp_resume[] = {SB_AUTH_SCOPE_SESSION_RESUME};
  char jti[48];
  snprintf(jti, sizeof jti, "%s-%" PRIu64, role == SB_AUTH_ROLE_CLIENT ? "sess" : "pres",
           ++s->tokens_minted);
  sb_auth_mint_claims c;
  memset(&c, 0, sizeof c);
  c.iss = s->issuer;
  c.aud = aud;
  c.aud_count = 1;
  c.iat = sb_cloud_server_unix_s(s, now);
  c.exp = c.iat + (int64_t)ttl_s;
  c.jti = jti;
  c.ver = 1;
  c.sub = sub;
  c.role = role;
  c.did = did;
  c.sid = sid;
  if (role == SB_AUTH_ROLE_CLIENT) {
    c.scp = scp_create; /* AUTH: session tokens always carry session:create */
    c.scp_count = 1;
  } else if (resume) {
    c.scp = scp_resume; /* AUTH-044: only resumable daemons */
    c.scp_count = 1;
  }
  c.region = s->has_region ? s->region : NULL;
  return sb_auth_token_mint(&c, s->kid, &s->key, out, cap, NULL);
}

/* Answer {"result":{"data":obj}} and release obj. */
static int answer_data(sb_cloud_http_response *resp, cJSON *obj) {
  if (!obj) return SB_ERR_NOMEM;
  int rc = sb_cloud_response_success(resp, obj);
  cJSON_Delete(obj);
  return rc;
}

static cJSON *object_with(const char *k1, const char *v1, const char *k2, const char *v2,
                          const char *k3, const char *v3) {
  cJSON *o = cJSON_CreateObject();
  if (!o) return NULL;
  if (!cJSON_AddStringToObject(o, k1, v1) || (k2 && !cJSON_AddStringToObject(o, k2, v2)) ||
      (k3 && !cJSON_AddStringToObject(o, k3, v3))) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

static const char *input_string(const cJSON *input, const char *key) {
  const cJSON *v = cJSON_IsObject(input) ? sb_json_get(input, key) : NULL;
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A client session token for `d` on behalf of `user`, into `token`. */
static int session_token(sb_cloud_server *s, sb_time_us now, const sb_cloud_server_daemon *d,
                         const char *user, char *token, size_t cap) {
  return mint(s, now, SB_AUTH_ROLE_CLIENT, user, d->id, next_sid(s), false, s->session_ttl_s,
              token, cap);
}

static int do_create_session(sb_cloud_server *s, sb_time_us now, const sb_cloud_request *req,
                             const cJSON *input, sb_cloud_http_response *resp) {
  const sb_cloud_server_user *u = req->has_bearer ? user_by_token(s, req->bearer) : NULL;
  if (!u) return answer_error(s, resp, 401, "invalid access token");
  const char *daemon_id = input_string(input, "daemonId");
  if (!daemon_id) return answer_error(s, resp, 400, "daemonId must be a string");
  const sb_cloud_server_daemon *d = daemon_by_id(s, daemon_id);
  if (!d) return answer_error(s, resp, 404, "daemon not found");
  if (&s->users[d->owner] != u) return answer_error(s, resp, 403, "daemon belongs to another user");
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  int rc = session_token(s, now, d, u->id, token, sizeof token);
  if (rc != SB_OK) return rc;
  return answer_data(resp, object_with("relayUrl", s->relay_url, "token", token, NULL, NULL));
}

static void evict_expired_codes(sb_cloud_server *s, sb_time_us now) {
  size_t k = 0;
  for (size_t i = 0; i < s->code_count; i++)
    if (now < s->codes[i].expires) s->codes[k++] = s->codes[i];
  s->code_count = k;
}

static int do_redeem(sb_cloud_server *s, sb_time_us now, const cJSON *input,
                     sb_cloud_http_response *resp) {
  const char *code = input_string(input, "code");
  if (!code) return answer_error(s, resp, 400, "code must be a string");
  evict_expired_codes(s, now);
  size_t i = 0;
  while (i < s->code_count && strcmp(s->codes[i].code, code) != 0) i++;
  if (i == s->code_count) return answer_error(s, resp, 404, "code not found, expired or used");
  /* Consume first, then look at the daemon (CLOUD-050): a check before the
   * consume would race with a concurrent redeem. */
  const sb_cloud_server_daemon *d = &s->daemons[s->codes[i].daemon];
  memmove(&s->codes[i], &s->codes[i + 1], (s->code_count - i - 1) * sizeof s->codes[0]);
  s->code_count--;
  if (!d->online) return answer_error(s, resp, 409, "daemon offline");
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  int rc = session_token(s, now, d, s->users[d->owner].id, token, sizeof token);
  if (rc != SB_OK) return rc;
  return answer_data(resp, object_with("relayUrl", s->relay_url, "token", token, "daemonId", d->id));
}

static int do_renew(sb_cloud_server *s, sb_time_us now, const sb_cloud_request *req,
                    sb_cloud_http_response *resp) {
  const sb_cloud_server_daemon *d = req->has_bearer ? daemon_by_key(s, req->bearer) : NULL;
  if (!d) return answer_error(s, resp, 401, "invalid API key");
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  int rc = mint(s, now, SB_AUTH_ROLE_DAEMON, d->id, d->id, 0, d->resumable,
                SB_CLOUD_PRESENCE_TTL_S, token, sizeof token);
  if (rc != SB_OK) return rc;
  return answer_data(resp, object_with("presenceToken", token, NULL, NULL, NULL, NULL));
}

/* Lower-case RFC 4648 base32 of the random bytes, in groups of four. */
static int new_code(sb_cloud_server *s, char out[SB_CLOUD_QC_CODE_CHARS + 1]) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  uint8_t b[SB_CLOUD_QC_CODE_BYTES];
  int rc = sb_rng_bytes(&s->rng, b, sizeof b);
  if (rc != SB_OK) return rc;
  size_t o = 0, chars = 0;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < sizeof b; i++) {
    acc = (acc << 8) | b[i];
    bits += 8;
    while (bits >= 5) {
      if (chars && chars % 4 == 0) out[o++] = '-';
      out[o++] = alphabet[(acc >> (bits - 5)) & 31u];
      bits -= 5;
      chars++;
    }
  }
  out[o] = '\0';
  return SB_OK;
}

static bool over_rate(const sb_cloud_server *s, const sb_cloud_server_daemon *d, sb_time_us now) {
  if (s->qc_rate_limit == 0 || d->qc_created_count < s->qc_rate_limit) return false;
  /* the oldest of the last `limit` creations */
  size_t oldest = (d->qc_created_next + SB_CLOUD_QC_RATE_MAX - s->qc_rate_limit) % SB_CLOUD_QC_RATE_MAX;
  return now - d->qc_created[oldest] < QC_RATE_WINDOW;
}

static int do_create_qc(sb_cloud_server *s, sb_time_us now, const sb_cloud_request *req,
                        const cJSON *input, sb_cloud_http_response *resp) {
  sb_cloud_server_daemon *d = req->has_bearer ? daemon_by_key(s, req->bearer) : NULL;
  if (!d) return answer_error(s, resp, 401, "invalid API key");
  if (!d->quick_connect) return answer_error(s, resp, 403, "Quick Connect is not enabled");
  double ttl = SB_CLOUD_QC_TTL_MAX_S;
  if (!cJSON_IsNull(input)) {
    const cJSON *t = cJSON_IsObject(input) ? sb_json_get(input, "ttlSeconds") : NULL;
    if (!cJSON_IsObject(input) || (t && !cJSON_IsNumber(t)))
      return answer_error(s, resp, 400, "ttlSeconds must be a number");
    if (t) ttl = t->valuedouble;
  }
  if (!(ttl >= 1 && ttl <= SB_CLOUD_QC_TTL_MAX_S) || ttl != (double)(int64_t)ttl)
    return answer_error(s, resp, 400, "ttlSeconds must be an integer from 1 to 300");
  if (over_rate(s, d, now)) return answer_error(s, resp, 429, "too many Quick Connect codes");
  evict_expired_codes(s, now);
  if (s->code_count >= SB_CLOUD_SERVER_MAX_CODES)
    return answer_error(s, resp, 429, "too many live Quick Connect codes");
  sb_cloud_server_code *c = &s->codes[s->code_count];
  int rc = new_code(s, c->code);
  if (rc != SB_OK) return rc;
  c->daemon = (size_t)(d - s->daemons);
  c->expires = now + SB_TIME_S((int64_t)ttl);
  s->code_count++;
  d->qc_created[d->qc_created_next] = now;
  d->qc_created_next = (d->qc_created_next + 1) % SB_CLOUD_QC_RATE_MAX;
  if (d->qc_created_count < SB_CLOUD_QC_RATE_MAX) d->qc_created_count++;

  char url[2 * SB_CLOUD_SERVER_TEXT_MAX];
  snprintf(url, sizeof url, "%s/connect/%s", s->app_url, c->code);
  cJSON *o = object_with("code", c->code, "url", url, NULL, NULL);
  /* expiresAt in Unix milliseconds (the stored sources do not say, E-CLOUD-6) */
  double expires_ms = (double)s->epoch_unix_s * 1000.0 + (double)(c->expires / SB_TIME_US_PER_MS);
  if (o && !cJSON_AddNumberToObject(o, "expiresAt", expires_ms)) {
    cJSON_Delete(o);
    o = NULL;
  }
  return answer_data(resp, o);
}

static size_t call_slot(const char *procedure) {
  static const char *const names[] = {SB_CLOUD_PROC_CREATE_SESSION, SB_CLOUD_PROC_REDEEM,
                                      SB_CLOUD_PROC_RENEW_TOKEN, SB_CLOUD_PROC_CREATE_QC};
  for (size_t i = 0; i < SB_ARRAY_LEN(names); i++)
    if (strcmp(procedure, names[i]) == 0) return i;
  return SB_ARRAY_LEN(names);
}

uint64_t sb_cloud_server_calls(const sb_cloud_server *s, const char *procedure) {
  if (!s) return 0;
  if (procedure) return s->calls[call_slot(procedure)];
  uint64_t n = 0;
  for (size_t i = 0; i < SB_ARRAY_LEN(s->calls); i++) n += s->calls[i];
  return n;
}

static int dispatch(sb_cloud_server *s, sb_time_us now, const sb_cloud_request *req,
                    sb_cloud_http_response *resp) {
  size_t slot = call_slot(req->procedure);
  if (slot == 4) return answer_error(s, resp, 404, "no such procedure");
  cJSON *tree = NULL;
  const cJSON *input = NULL;
  int rc = sb_cloud_request_input(req->body, req->body_len, &tree, &input);
  if (rc == SB_ERR_NOMEM) return rc;
  if (rc != SB_OK) return answer_error(s, resp, 400, "request body is not JSON");
  switch (slot) {
    case 0: rc = do_create_session(s, now, req, input, resp); break;
    case 1: rc = do_redeem(s, now, input, resp); break;
    case 2: rc = do_renew(s, now, req, resp); break;
    default: rc = do_create_qc(s, now, req, input, resp); break;
  }
  cJSON_Delete(tree);
  return rc;
}

int sb_cloud_server_handle(sb_cloud_server *s, sb_time_us now, const sb_cloud_request *req,
                           sb_cloud_http_response *resp) {
  if (!s || !req || !resp || req->body_len >= sizeof req->body ||
      !memchr(req->procedure, '\0', sizeof req->procedure))
    return SB_ERR_ARG;
  s->calls[call_slot(req->procedure)]++;
  sb_cloud_fault fault = {SB_CLOUD_FAULT_STATUS, 500, false};
  bool faulted = take_fault(s, req->procedure, &fault);
  if (faulted && !fault.processed) return answer_fault(s, resp, fault);
  int rc = dispatch(s, now, req, resp);
  if (rc != SB_OK || !faulted) return rc;
  return answer_fault(s, resp, fault);
}
