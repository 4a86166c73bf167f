#include "auth/token.h"

#include <inttypes.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/sid.h"
#include "common/base64url.h"
#include "common/bytes.h"
#include "common/error.h"
#include "common/json.h"
#include "common/utf8.h"

/* Largest decoded header or claims segment of a token within the limit. */
#define SEGMENT_MAX_BYTES (SB_AUTH_TOKEN_MAX_CHARS / 4 * 3)

/* ==== writing text into caller buffers ==================================== */

static void put_text(sb_writer *w, const char *s) {
  sb_writer_bytes(w, (const uint8_t *)s, strlen(s));
}

/* A JSON string literal escaped as JSON.stringify does: the two-character
 * forms for " \ \b \f \n \r \t, \u00xx for other controls, bytes >= 0x20
 * (UTF-8 included) as they are. */
static void put_json_string(sb_writer *w, const char *s) {
  static const char hexdig[] = "0123456789abcdef";
  sb_writer_u8(w, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    const char *esc = NULL;
    switch (*p) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      default: break;
    }
    if (esc) {
      put_text(w, esc);
    } else if (*p < 0x20) {
      char u[7] = {'\\', 'u', '0', '0', hexdig[*p >> 4], hexdig[*p & 15], 0};
      put_text(w, u);
    } else {
      sb_writer_u8(w, *p);
    }
  }
  sb_writer_u8(w, '"');
}

/* ,"key": before a member (no comma before the first). */
static void put_key(sb_writer *w, const char *key, bool *first) {
  if (!*first) sb_writer_u8(w, ',');
  *first = false;
  put_json_string(w, key);
  sb_writer_u8(w, ':');
}

static void put_string_array(sb_writer *w, const char *const *v, size_t n) {
  sb_writer_u8(w, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) sb_writer_u8(w, ',');
    put_json_string(w, v[i] ? v[i] : "");
  }
  sb_writer_u8(w, ']');
}

/* Unpadded base64url of `in`, straight into the writer. libsodium also writes
 * a NUL, so one spare byte is required; every caller ends its output with a
 * NUL anyway. */
static void put_b64(sb_writer *w, const uint8_t *in, size_t n) {
  size_t chars = SB_BASE64URL_SIZE(n) - 1;
  if (w->err == SB_OK && w->buf && w->cap - w->len > chars) {
    if (sb_base64url_encode(in, n, (char *)w->buf + w->len, w->cap - w->len) == SB_OK) {
      w->len += chars;
      return;
    }
  }
  w->err = SB_ERR_BUF;
  w->len += chars;
}

/* NUL-terminate the writer's text and report its length (without the NUL). */
static int finish_text(sb_writer *w, size_t *out_len) {
  sb_writer_u8(w, 0);
  size_t n = 0;
  int rc = sb_writer_finish(w, &n);
  if (out_len) *out_len = n - 1;
  return rc;
}

/* ==== keys ================================================================== */

int sb_auth_signing_key_from_seed(sb_auth_signing_key *key, const uint8_t *seed) {
  if (!key || !seed) return SB_ERR_ARG;
  if (crypto_sign_seed_keypair(key->pk, key->sk, seed) != 0) return SB_ERR_CRYPTO;
  return SB_OK;
}

/* String member `key` of `obj`, or NULL if absent or not a string. */
static const char *get_string(const cJSON *obj, const char *key) {
  const cJSON *v = sb_json_get(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One JWKS entry: 1 kept into `*out`, 0 skipped, or a negative error. */
static int jwk_from_json(const cJSON *e, sb_auth_jwk *out) {
  const char *kty = get_string(e, "kty"), *crv = get_string(e, "crv");
  const char *kid = get_string(e, "kid"), *x = get_string(e, "x");
  const cJSON *alg = sb_json_get(e, "alg"), *use = sb_json_get(e, "use");
  if (!kty || strcmp(kty, "OKP") != 0 || !crv || strcmp(crv, "Ed25519") != 0) return 0;
  if (!kid || !x) return 0;
  if (use && !(cJSON_IsString(use) && strcmp(use->valuestring, "sig") == 0)) return 0;
  if (alg && !(cJSON_IsString(alg) && strcmp(alg->valuestring, SB_AUTH_ALG) == 0)) return 0;
  size_t n = 0;
  if (sb_base64url_decode(x, strlen(x), out->x, sizeof out->x, &n) != SB_OK ||
      n != sizeof out->x)
    return 0;
  if (strlen(kid) > SB_AUTH_KID_MAX) return SB_ERR_RANGE;
  memcpy(out->kid, kid, strlen(kid) + 1);
  out->alg_eddsa = alg != NULL;
  return 1;
}

int sb_auth_jwks_parse(const uint8_t *json, size_t len, sb_auth_jwk *keys, size_t cap,
                       size_t *count) {
  if (!count || (cap && !keys) || (len && !json)) return SB_ERR_ARG;
  *count = 0;
  cJSON *root = NULL;
  int rc = sb_json_parse(json, len, true, &root);
  if (rc == SB_ERR_NOMEM) return rc;
  if (rc != SB_OK) return SB_ERR_JSON;
  const cJSON *arr = sb_json_get(root, "keys");
  if (!cJSON_IsArray(arr)) {
    cJSON_Delete(root);
    return SB_ERR_JSON;
  }
  size_t n = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, arr) {
    sb_auth_jwk k;
    memset(&k, 0, sizeof k);
    rc = jwk_from_json(e, &k);
    if (rc < 0) break;
    if (rc == 0) continue;
    rc = SB_OK;
    for (size_t i = 0; i < n; i++)
      if (strcmp(keys[i].kid, k.kid) == 0) rc = SB_ERR_EXISTS;
    if (rc == SB_OK && n == cap) rc = SB_ERR_FULL;
    if (rc != SB_OK) break;
    keys[n++] = k;
  }
  cJSON_Delete(root);
  if (rc < 0) return rc;
  *count = n;
  return SB_OK;
}

int sb_auth_jwks_format(const sb_auth_jwk *keys, size_t n, char *out, size_t out_cap,
                        size_t *out_len) {
  if ((n && !keys) || (out_cap && !out)) return SB_ERR_ARG;
  sb_writer w;
  sb_writer_init(&w, (uint8_t *)out, out_cap);
  put_text(&w, "{\"keys\":[");
  for (size_t i = 0; i < n; i++) {
    if (i) sb_writer_u8(&w, ',');
    put_text(&w, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":");
    put_json_string(&w, keys[i].kid);
    put_text(&w, ",\"x\":\"");
    put_b64(&w, keys[i].x, sizeof keys[i].x);
    sb_writer_u8(&w, '"');
    if (keys[i].alg_eddsa) put_text(&w, ",\"alg\":\"EdDSA\"");
    sb_writer_u8(&w, '}');
  }
  put_text(&w, "]}");
  return finish_text(&w, out_len);
}

/* ==== minting =============================================================== */

/* Append "." and the signature of everything written so far, then a NUL.
 * When the text so far did not fit there is nothing to sign: only the
 * length needed is counted. */
static int sign_written(sb_writer *w, const sb_auth_signing_key *key, size_t *out_len) {
  uint8_t sig[SB_AUTH_ED25519_SIG_BYTES] = {0};
  if (w->err == SB_OK &&
      crypto_sign_detached(sig, NULL, w->buf, w->len, key->sk) != 0)
    return SB_ERR_CRYPTO;
  sb_writer_u8(w, '.');
  put_b64(w, sig, sizeof sig);
  return finish_text(w, out_len);
}

int sb_auth_token_sign(const char *input, size_t input_len, const sb_auth_signing_key *key,
                       char *out, size_t out_cap, size_t *out_len) {
  if (!key || (input_len && !input) || (out_cap && !out)) return SB_ERR_ARG;
  sb_writer w;
  sb_writer_init(&w, (uint8_t *)out, out_cap);
  if (out_cap > input_len) {
    memmove(out, input, input_len); /* the input may live in `out` */
    w.len = input_len;
  } else {
    sb_writer_bytes(&w, (const uint8_t *)input, input_len); /* records SB_ERR_BUF */
  }
  return sign_written(&w, key, out_len);
}

int sb_auth_token_mint_raw(const uint8_t *header, size_t header_len, const uint8_t *payload,
                           size_t payload_len, const sb_auth_signing_key *key, char *out,
                           size_t out_cap, size_t *out_len) {
  if (!key || (header_len && !header) || (payload_len && !payload) || (out_cap && !out))
    return SB_ERR_ARG;
  sb_writer w;
  sb_writer_init(&w, (uint8_t *)out, out_cap);
  put_b64(&w, header, header_len);
  sb_writer_u8(&w, '.');
  put_b64(&w, payload, payload_len);
  return sign_written(&w, key, out_len);
}

static const char *role_name(sb_auth_role role) {
  return role == SB_AUTH_ROLE_CLIENT ? "client" : role == SB_AUTH_ROLE_DAEMON ? "daemon" : NULL;
}

static void put_string_member(sb_writer *w, const char *key, const char *value, bool *first) {
  if (!value) return;
  put_key(w, key, first);
  put_json_string(w, value);
}

/* A member whose value is already JSON text (a number, an object). */
static void put_raw_member(sb_writer *w, const char *key, const char *json, bool *first) {
  put_key(w, key, first);
  put_text(w, json);
}

/* The claims as compact JSON, in the documented key order. */
static void put_claims(sb_writer *w, const sb_auth_mint_claims *c) {
  char num[64];
  bool first = true;
  sb_writer_u8(w, '{');
  put_string_member(w, "iss", c->iss, &first);
  if (c->aud_count) {
    put_key(w, "aud", &first);
    if (c->aud_as_string)
      put_json_string(w, c->aud[0] ? c->aud[0] : "");
    else
      put_string_array(w, c->aud, c->aud_count);
  }
  snprintf(num, sizeof num, "%" PRId64, c->exp);
  put_raw_member(w, "exp", num, &first);
  snprintf(num, sizeof num, "%" PRId64, c->iat);
  put_raw_member(w, "iat", num, &first);
  put_string_member(w, "jti", c->jti, &first);
  if (c->ver) {
    snprintf(num, sizeof num, "%d", c->ver);
    put_raw_member(w, "ver", num, &first);
  }
  put_string_member(w, "sub", c->sub, &first);
  put_string_member(w, "role", role_name(c->role), &first);
  put_string_member(w, "did", c->did, &first);
  char sid[SB_AUTH_SID_SIZE];
  if (c->sid && sb_auth_sid_encode(c->sid, sid, sizeof sid) == SB_OK)
    put_string_member(w, "sid", sid, &first);
  if (c->scp) {
    put_key(w, "scp", &first);
    put_string_array(w, c->scp, c->scp_count);
  }
  put_string_member(w, "region", c->region, &first);
  if (c->lim_concurrent_sessions) {
    snprintf(num, sizeof num, "{\"concurrent_sessions\":%" PRIu64 "}",
             c->lim_concurrent_sessions);
    put_raw_member(w, "lim", num, &first);
  }
  sb_writer_u8(w, '}');
}

int sb_auth_token_mint(const sb_auth_mint_claims *claims, const char *kid,
                       const sb_auth_signing_key *key, char *out, size_t out_cap,
                       size_t *out_len) {
  if (!claims || !kid || !key || (out_cap && !out)) return SB_ERR_ARG;
  if (claims->aud_count && !claims->aud) return SB_ERR_ARG;
  if (claims->scp_count && !claims->scp) return SB_ERR_ARG;
  if (claims->aud_as_string && claims->aud_count != 1) return SB_ERR_ARG;

  /* Header and claims texts are measured, then written to the heap: the
   * token's base64url form is built from them in `out`. */
  sb_writer m;
  sb_writer_init(&m, NULL, 0);
  put_text(&m, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":");
  put_json_string(&m, kid);
  sb_writer_u8(&m, '}');
  size_t header_len = m.len;
  put_claims(&m, claims);
  size_t total = m.len;

  uint8_t *text = malloc(total ? total : 1);
  if (!text) return SB_ERR_NOMEM;
  sb_writer w;
  sb_writer_init(&w, text, total);
  put_text(&w, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":");
  put_json_string(&w, kid);
  sb_writer_u8(&w, '}');
  put_claims(&w, claims);
  int rc = sb_writer_finish(&w, NULL);
  if (rc == SB_OK)
    rc = sb_auth_token_mint_raw(text, header_len, text + header_len, total - header_len, key,
                                out, out_cap, out_len);
  free(text);
  return rc;
}

/* ==== verification ========================================================== */

void sb_auth_verify_opts_init(sb_auth_verify_opts *opts, const char *issuer, int64_t now_s) {
  if (!opts) return;
  memset(opts, 0, sizeof *opts);
  opts->issuer = issuer;
  opts->now_s = now_s;
  opts->skew_s = SB_CONFIG_AUTH_DEFAULT_SKEW_S;
  opts->expect_role = SB_AUTH_ROLE_NONE;
}

void sb_auth_claims_free(sb_auth_claims *claims) {
  if (!claims) return;
  cJSON_Delete(claims->tree_);
  free(claims->ptrs_);
  memset(claims, 0, sizeof *claims);
}

bool sb_auth_claims_has_scope(const sb_auth_claims *claims, const char *scope) {
  if (!claims || !scope) return false;
  for (size_t i = 0; i < claims->scp_count; i++)
    if (strcmp(claims->scp[i], scope) == 0) return true;
  return false;
}

/* A segment of the token: [start, start + len). */
typedef struct segment {
  const char *p;
  size_t len;
} segment;

/* Decode a base64url segment holding a JSON object into a new tree.
 * Any failure is reported as `fail`. */
static int segment_json(segment s, int fail, cJSON **out) {
  uint8_t buf[SEGMENT_MAX_BYTES];
  size_t n = 0;
  *out = NULL;
  if (sb_base64url_decode(s.p, s.len, buf, sizeof buf, &n) != SB_OK) return fail;
  int rc = sb_json_parse(buf, n, true, out);
  if (rc == SB_ERR_NOMEM) return rc;
  if (rc != SB_OK) return fail;
  if (!cJSON_IsObject(*out)) {
    cJSON_Delete(*out);
    *out = NULL;
    return fail;
  }
  return SB_OK;
}

/* Step 1 (AUTH-V01): present, at most 4096 characters, exactly 3 parts. */
static int step_format(const char *token, size_t len, segment part[3]) {
  if (!token || len == 0 || len > SB_AUTH_TOKEN_MAX_CHARS) return SB_ERR_AUTH_FORMAT;
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && token[i] != '.') continue;
    if (k == 3) return SB_ERR_AUTH_FORMAT;
    part[k++] = (segment){token + start, i - start};
    start = i + 1;
  }
  return k == 3 ? SB_OK : SB_ERR_AUTH_FORMAT;
}

/* Steps 2-4 (AUTH-V02..V04): header, kid, alg, key, signature, then the
 * claims segment, which is only looked at once the signature holds. */
static int steps_header_and_signature(const char *token, const segment part[3],
                                      const sb_auth_jwk *keys, size_t nkeys,
                                      const sb_auth_verify_opts *opts, cJSON **payload) {
  cJSON *hdr = NULL;
  int rc = segment_json(part[0], SB_ERR_AUTH_HEADER, &hdr);
  if (rc != SB_OK) return rc;
  const char *typ = get_string(hdr, "typ"), *kid = get_string(hdr, "kid");
  const char *alg = get_string(hdr, "alg");
  const sb_auth_jwk *key = NULL;
  if (!typ || strcmp(typ, SB_AUTH_TYP) != 0) {
    rc = SB_ERR_AUTH_HEADER;
  } else if (!kid) {
    rc = SB_ERR_AUTH_KID;
  } else if (!alg || strcmp(alg, SB_AUTH_ALG) != 0) {
    rc = SB_ERR_AUTH_ALG;
  } else {
    for (size_t i = 0; i < nkeys && !key; i++)
      if (strcmp(keys[i].kid, kid) == 0) key = &keys[i];
    if (!key || (!key->alg_eddsa && !opts->jwk_alg_optional)) rc = SB_ERR_AUTH_KEY;
  }
  cJSON_Delete(hdr);
  if (rc != SB_OK) return rc;

  uint8_t sig[SB_AUTH_ED25519_SIG_BYTES + 3];
  size_t n = 0;
  if (sb_base64url_decode(part[2].p, part[2].len, sig, sizeof sig, &n) != SB_OK ||
      n != SB_AUTH_ED25519_SIG_BYTES)
    return SB_ERR_AUTH_SIGNATURE;
  size_t signed_len = part[0].len + 1 + part[1].len;
  if (crypto_sign_verify_detached(sig, (const unsigned char *)token, signed_len, key->x) != 0)
    return SB_ERR_AUTH_SIGNATURE;
  return segment_json(part[1], SB_ERR_AUTH_PAYLOAD, payload);
}

/* Step 5 (AUTH-V05): aud is a string or an array of strings containing the
 * relay audience; `*count` gets the normalised array length. */
static int step_aud(const cJSON *p, size_t *count) {
  const cJSON *aud = sb_json_get(p, "aud");
  bool found = false;
  *count = 0;
  if (cJSON_IsString(aud)) {
    *count = 1;
    found = strcmp(aud->valuestring, SB_AUTH_AUDIENCE) == 0;
  } else if (cJSON_IsArray(aud)) {
    const cJSON *e;
    cJSON_ArrayForEach(e, aud) {
      if (!cJSON_IsString(e)) return SB_ERR_AUTH_AUD;
      found = found || strcmp(e->valuestring, SB_AUTH_AUDIENCE) == 0;
      (*count)++;
    }
  }
  return found ? SB_OK : SB_ERR_AUTH_AUD;
}

static bool is_finite_number(const cJSON *v) {
  return cJSON_IsNumber(v) && isfinite(v->valuedouble);
}

static bool is_nonempty_string(const cJSON *v) {
  return cJSON_IsString(v) && v->valuestring[0] != '\0';
}

static bool is_string_array(const cJSON *v, size_t *count) {
  *count = 0;
  if (!cJSON_IsArray(v)) return false;
  const cJSON *e;
  cJSON_ArrayForEach(e, v) {
    if (!cJSON_IsString(e)) return false;
    (*count)++;
  }
  return true;
}

/* The checked facts steps 5-16 leave behind. */
typedef struct checked {
  size_t aud_count, scp_count;
  sb_auth_role role;
  uint64_t sid;
  bool ttl_warning;
} checked;

/* Steps 5-16 (AUTH-V05..V16) on the authenticated claims, in order. */
static int steps_payload(const cJSON *p, const sb_auth_verify_opts *opts, checked *out) {
  int rc = step_aud(p, &out->aud_count); /* 5 */
  if (rc != SB_OK) return rc;

  const char *iss = get_string(p, "iss"); /* 6 */
  if (!iss || strcmp(iss, opts->issuer) != 0) return SB_ERR_AUTH_ISS;

  const cJSON *iat = sb_json_get(p, "iat"), *exp = sb_json_get(p, "exp"); /* 7 */
  if (!is_finite_number(iat) || !is_finite_number(exp)) return SB_ERR_AUTH_TIMES;

  if (exp->valuedouble < (double)opts->now_s - (double)opts->skew_s) /* 8 */
    return SB_ERR_AUTH_EXPIRED;

  const cJSON *ver = sb_json_get(p, "ver"); /* 9: the number 1, nothing else */
  if (ver && !(cJSON_IsNumber(ver) && ver->valuedouble == 1.0)) return SB_ERR_AUTH_VER;

  const char *role = get_string(p, "role"); /* 10 */
  if (role && strcmp(role, "client") == 0)
    out->role = SB_AUTH_ROLE_CLIENT;
  else if (role && strcmp(role, "daemon") == 0)
    out->role = SB_AUTH_ROLE_DAEMON;
  else
    return SB_ERR_AUTH_ROLE;

  if (!is_nonempty_string(sb_json_get(p, "did"))) return SB_ERR_AUTH_DID; /* 11 */

  bool client = out->role == SB_AUTH_ROLE_CLIENT; /* 12 */
  if (client) {
    if (!is_nonempty_string(sb_json_get(p, "sub"))) return SB_ERR_AUTH_SUB;
    const char *sid = get_string(p, "sid");
    if (!sid || sb_auth_sid_decode(sid, strlen(sid), &out->sid) != SB_OK) return SB_ERR_AUTH_SID;
  }

  const cJSON *region = sb_json_get(p, "region"); /* 13 */
  if (region && !(cJSON_IsString(region) && opts->region &&
                  strcmp(region->valuestring, opts->region) == 0))
    return SB_ERR_AUTH_REGION;

  double ttl = exp->valuedouble - iat->valuedouble; /* 14 */
  if (client && ttl > SB_AUTH_CLIENT_TTL_MAX_S) return SB_ERR_AUTH_TTL;
  out->ttl_warning = client && ttl > SB_AUTH_CLIENT_TTL_WARN_S;

  const cJSON *scp = sb_json_get(p, "scp"); /* 15 */
  if (scp && !is_string_array(scp, &out->scp_count)) return SB_ERR_AUTH_SCP;

  const cJSON *lim = sb_json_get(p, "lim"); /* 16 */
  if (lim) {
    if (!cJSON_IsObject(lim)) return SB_ERR_AUTH_LIM;
    const cJSON *cs = sb_json_get(lim, "concurrent_sessions");
    if (cs && !(is_finite_number(cs) && cs->valuedouble >= 1.0 &&
                floor(cs->valuedouble) == cs->valuedouble))
      return SB_ERR_AUTH_LIM;
  }
  return SB_OK;
}

/* Fill `c` from the verified tree (which it then owns). */
static int claims_from_tree(cJSON *p, const checked *k, sb_auth_claims *c) {
  size_t nptr = k->aud_count + k->scp_count;
  const char **ptrs = malloc((nptr ? nptr : 1) * sizeof *ptrs);
  if (!ptrs) return SB_ERR_NOMEM;
  c->tree_ = p;
  c->ptrs_ = ptrs;
  c->iss = get_string(p, "iss");
  c->aud = ptrs;
  c->aud_count = k->aud_count;
  const cJSON *aud = sb_json_get(p, "aud"), *e;
  if (cJSON_IsString(aud)) {
    ptrs[0] = aud->valuestring;
  } else {
    size_t i = 0;
    cJSON_ArrayForEach(e, aud) ptrs[i++] = e->valuestring;
  }
  c->exp = sb_json_get(p, "exp")->valuedouble;
  c->iat = sb_json_get(p, "iat")->valuedouble;
  c->jti = get_string(p, "jti");
  c->has_ver = sb_json_get(p, "ver") != NULL;
  c->sub = get_string(p, "sub");
  c->role = k->role;
  c->did = get_string(p, "did");
  c->has_sid = k->role == SB_AUTH_ROLE_CLIENT;
  c->sid = k->sid;
  const cJSON *scp = sb_json_get(p, "scp");
  c->has_scp = scp != NULL;
  c->scp = ptrs + k->aud_count;
  c->scp_count = k->scp_count;
  size_t i = 0;
  if (scp) cJSON_ArrayForEach(e, scp) c->scp[i++] = e->valuestring;
  c->resumable = sb_auth_claims_has_scope(c, SB_AUTH_SCOPE_SESSION_RESUME);
  c->region = get_string(p, "region");
  const cJSON *cs = sb_json_get(sb_json_get(p, "lim"), "concurrent_sessions");
  c->has_lim = cs != NULL;
  if (cs)
    c->lim_concurrent_sessions =
        cs->valuedouble >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)cs->valuedouble;
  c->ttl_warning = k->ttl_warning;
  return SB_OK;
}

int sb_auth_token_verify(const char *token, size_t len, const sb_auth_jwk *keys, size_t nkeys,
                         const sb_auth_verify_opts *opts, sb_auth_claims *claims) {
  if (!claims) return SB_ERR_ARG;
  memset(claims, 0, sizeof *claims);
  if (!opts || !opts->issuer || (nkeys && !keys)) return SB_ERR_ARG;
  if (opts->skew_s < 0 || opts->skew_s > SB_AUTH_MAX_SKEW_S) return SB_ERR_ARG;

  segment part[3];
  int rc = step_format(token, len, part);
  if (rc != SB_OK) return rc;
  cJSON *payload = NULL;
  rc = steps_header_and_signature(token, part, keys, nkeys, opts, &payload);
  if (rc != SB_OK) return rc;
  checked k;
  memset(&k, 0, sizeof k);
  rc = steps_payload(payload, opts, &k);
  if (rc == SB_OK && opts->expect_role != SB_AUTH_ROLE_NONE && opts->expect_role != k.role)
    rc = SB_ERR_AUTH_ROLE_MISMATCH;
  if (rc == SB_OK) rc = claims_from_tree(payload, &k, claims);
  if (rc != SB_OK) {
    cJSON_Delete(payload);
    memset(claims, 0, sizeof *claims);
  }
  return rc;
}

/* ==== SDK peeks ============================================================= */

static bool is_ascii_ws(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* The SDK's base64url reading: map - _ to + /, pad with = to a multiple of
 * 4, then WHATWG forgiving-base64 (atob): drop ASCII whitespace, drop one or
 * two final = when the length is a multiple of 4, fail on length 1 mod 4 or
 * any other character, discard leftover bits. `out` holds >= len bytes. */
static bool sdk_b64_decode(const char *in, size_t len, uint8_t *out, size_t *out_len) {
  size_t pad = (4 - len % 4) % 4, m = 0;
  char *tmp = malloc(len + pad + 1);
  if (!tmp) return false;
  for (size_t i = 0; i < len + pad; i++) {
    char c = i < len ? in[i] : '=';
    if (is_ascii_ws(c)) continue;
    tmp[m++] = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  if (m % 4 == 0 && m >= 2 && tmp[m - 1] == '=') m -= tmp[m - 2] == '=' ? 2 : 1;
  bool ok = m % 4 != 1;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t n = 0;
  for (size_t i = 0; ok && i < m; i++) {
    int v = b64_value(tmp[i]);
    if (v < 0) {
      ok = false;
      break;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (uint8_t)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  free(tmp);
  *out_len = n;
  return ok;
}

/* Split on "." into exactly 3 parts and parse the middle one as a JSON
 * object, the way `mode` says. SB_ERR_NOMEM, or `fail` for anything else. */
static int peek_payload(const char *token, size_t len, sb_auth_peek_mode mode, int fail,
                        cJSON **out) {
  *out = NULL;
  if (!token) return fail;
  size_t dots = 0, d1 = 0, d2 = 0;
  for (size_t i = 0; i < len; i++) {
    if (token[i] != '.') continue;
    if (dots == 0) d1 = i;
    if (dots == 1) d2 = i;
    dots++;
  }
  if (dots != 2) return fail;
  const char *seg = token + d1 + 1;
  size_t seg_len = d2 - d1 - 1;
  uint8_t *bytes = malloc(seg_len + 1);
  if (!bytes) return SB_ERR_NOMEM;
  size_t n = 0;
  int rc = fail;
  if (mode == SB_AUTH_PEEK_STRICT) {
    if (sb_base64url_decode(seg, seg_len, bytes, seg_len + 1, &n) == SB_OK)
      rc = sb_json_parse(bytes, n, true, out);
  } else if (sdk_b64_decode(seg, seg_len, bytes, &n)) {
    /* TextDecoder: ill-formed UTF-8 becomes U+FFFD before JSON.parse. */
    size_t ln = sb_utf8_lossy_len(bytes, n);
    uint8_t *text = malloc(ln ? ln : 1);
    if (!text) {
      rc = SB_ERR_NOMEM;
    } else {
      if (sb_utf8_lossy(bytes, n, text, ln, &ln) == SB_OK) rc = sb_json_parse(text, ln, false, out);
      free(text);
    }
  }
  free(bytes);
  if (rc == SB_OK && !cJSON_IsObject(*out)) rc = fail;
  if (rc != SB_OK) {
    cJSON_Delete(*out);
    *out = NULL;
    return rc == SB_ERR_NOMEM ? rc : fail;
  }
  return SB_OK;
}

/* The sid string as `mode` reads it: 8 bytes, value != 0. */
static bool peek_sid_value(const char *sid, sb_auth_peek_mode mode, uint64_t *value) {
  if (mode == SB_AUTH_PEEK_STRICT) return sb_auth_sid_decode(sid, strlen(sid), value) == SB_OK;
  size_t len = strlen(sid), n = 0;
  uint8_t *b = malloc(len + 1);
  if (!b) return false;
  bool ok = sdk_b64_decode(sid, len, b, &n) && n == 8 && sb_load_u64be(b) != 0;
  if (ok) *value = sb_load_u64be(b);
  free(b);
  return ok;
}

int sb_auth_token_peek_sid(const char *token, size_t len, sb_auth_peek_mode mode,
                           uint64_t *session_id) {
  if (!session_id) return SB_ERR_ARG;
  *session_id = 0;
  cJSON *p = NULL;
  int rc = peek_payload(token, len, mode, SB_ERR_AUTH_PEEK_SID, &p);
  if (rc != SB_OK) return rc;
  const cJSON *sid = sb_json_get(p, "sid");
  uint64_t v = 0;
  rc = is_nonempty_string(sid) && peek_sid_value(sid->valuestring, mode, &v)
           ? SB_OK
           : SB_ERR_AUTH_PEEK_SID;
  cJSON_Delete(p);
  if (rc == SB_OK) *session_id = v;
  return rc;
}

int sb_auth_token_peek_did(const char *token, size_t len, sb_auth_peek_mode mode,
                           const char *expected, char *out, size_t out_cap) {
  if (!out || out_cap == 0) return SB_ERR_ARG;
  out[0] = '\0';
  cJSON *p = NULL;
  int rc = peek_payload(token, len, mode, SB_ERR_AUTH_PEEK_DID, &p);
  if (rc != SB_OK) return rc;
  const cJSON *did = sb_json_get(p, "did");
  if (!is_nonempty_string(did)) {
    rc = SB_ERR_AUTH_PEEK_DID;
  } else if (expected && strcmp(expected, did->valuestring) != 0) {
    rc = SB_ERR_AUTH_DID_MISMATCH;
  } else if (strlen(did->valuestring) >= out_cap) {
    rc = SB_ERR_BUF;
  } else {
    memcpy(out, did->valuestring, strlen(did->valuestring) + 1);
  }
  cJSON_Delete(p);
  return rc;
}
