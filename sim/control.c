/*
 * The simulated control plane (control.h): keys, daemon identities, tokens
 * good and broken.
 */
#include "control.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64url.h"
#include "common/error.h"
#include "common/json.h"
#include "world.h"

static const sim_token_fault faults[] = {
    {"empty", "AUTH-V01", true, "no token at all"},
    {"two_parts", "AUTH-V01", true, "only two dot-separated parts"},
    {"too_long", "AUTH-V01", false, "longer than 4096 characters"},
    {"bad_typ", "AUTH-V02", false, "JOSE header typ is \"JWT\""},
    {"no_kid", "AUTH-V03", false, "JOSE header without kid"},
    {"bad_alg", "AUTH-V04", false, "JOSE header alg is \"HS256\""},
    {"unknown_kid", "AUTH-V04", false, "kid names no key of the JWKS"},
    {"bad_signature", "AUTH-V04", false, "signed by a key the relay does not know"},
    {"wrong_aud", "AUTH-V05", false, "aud lacks sideband-relay"},
    {"wrong_iss", "AUTH-V06", false, "iss is not the configured issuer"},
    {"no_exp", "AUTH-V07", false, "exp missing"},
    {"expired", "AUTH-V08", false, "exp an hour ago"},
    {"bad_ver", "AUTH-V09", false, "ver is 2"},
    {"bad_role", "AUTH-V10", false, "role is \"admin\""},
    {"no_did", "AUTH-V11", false, "did missing"},
    {"no_sub", "AUTH-V12", false, "client token without sub"},
    {"no_sid", "AUTH-V12", true, "client token without sid"},
    {"zero_sid", "AUTH-V12", true, "client token whose sid decodes to 0"},
    {"wrong_region", "AUTH-V13", false, "region differs from the relay's"},
    {"long_ttl", "AUTH-V14", false, "client token with exp - iat = 301 s"},
    {"bad_scp", "AUTH-V15", false, "scp is a string, not an array"},
    {"bad_lim", "AUTH-V16", false, "lim.concurrent_sessions is 0"},
    {"other_role", "AUTH-V10", false,
     "a valid token of the other role: a client gets a presence token (with its sid), a daemon a session token"},
    {"old_key", "AUTH-V04", false, "signed with the first signing key (kid sim-cp-1), even after a rotation"},
    {NULL, NULL, false, NULL},
};

const sim_token_fault *sim_control_faults(void) { return faults; }

const sim_token_fault *sim_control_fault(const char *name) {
  if (!name) return NULL;
  for (const sim_token_fault *f = faults; f->name; f++)
    if (!strcmp(f->name, name)) return f;
  return NULL;
}

static int key_from_stream(sb_auth_signing_key *k, uint64_t world_seed, const char *name);

int sim_control_init(sim_control *c, uint64_t world_seed, int64_t epoch_s) {
  memset(c, 0, sizeof *c);
  c->epoch_s = epoch_s;
  int rc = key_from_stream(&c->key, world_seed, "control/signing");
  if (rc == 0) rc = key_from_stream(&c->rogue, world_seed, "control/rogue");
  c->keys[0] = c->key;
  c->nkeys = 1;
  c->world_seed = world_seed;
  return rc;
}

/* 32 seed bytes from the world's stream `name`. */
static int seed_from_stream(uint64_t world_seed, const char *name, uint8_t seed[32]) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, sim_stream_seed(world_seed, name));
  sb_rng rng = sb_xoshiro_rng(&x);
  return sb_rng_bytes(&rng, seed, 32);
}

static int key_from_stream(sb_auth_signing_key *k, uint64_t world_seed, const char *name) {
  uint8_t seed[32];
  int rc = seed_from_stream(world_seed, name, seed);
  if (rc == 0) rc = sb_auth_signing_key_from_seed(k, seed);
  return rc;
}

int sim_control_signing_seed(uint64_t world_seed, uint8_t seed[32]) {
  return seed_from_stream(world_seed, "control/signing", seed);
}

void sim_control_jwk(const sim_control *c, sb_auth_jwk *out) {
  memset(out, 0, sizeof *out);
  snprintf(out->kid, sizeof out->kid, "%s", SIM_CONTROL_KID);
  memcpy(out->x, c->key.pk, sizeof out->x);
  out->alg_eddsa = true;
}

static void kid_of(size_t i, char *out, size_t cap) {
  if (i == 0)
    snprintf(out, cap, "%s", SIM_CONTROL_KID);
  else
    snprintf(out, cap, "sim-cp-%zu", i + 1);
}

void sim_control_jwks(const sim_control *c, sb_auth_jwk *keys, size_t cap, size_t *n) {
  *n = 0;
  for (size_t i = 0; i < c->nkeys && *n < cap; i++) {
    if (c->retired[i]) continue;
    sb_auth_jwk *k = &keys[(*n)++];
    memset(k, 0, sizeof *k);
    kid_of(i, k->kid, sizeof k->kid);
    memcpy(k->x, c->keys[i].pk, sizeof k->x);
    k->alg_eddsa = true;
  }
}

int sim_control_rotate(sim_control *c, bool retire_old, const char **kid) {
  static char kids[SIM_CONTROL_MAX_KEYS][16];
  if (c->nkeys == SIM_CONTROL_MAX_KEYS) return SB_ERR_FULL;
  size_t i = c->nkeys;
  char stream[32];
  snprintf(stream, sizeof stream, "control/signing/%zu", i + 1);
  int rc = key_from_stream(&c->keys[i], c->world_seed, stream);
  if (rc != 0) return rc;
  c->nkeys++;
  c->current = i;
  for (size_t k = 0; retire_old && k < i; k++) c->retired[k] = true;
  kid_of(i, kids[i], sizeof kids[i]);
  if (kid) *kid = kids[i];
  return 0;
}

int sim_control_register(sim_control *c, const char *did, const uint8_t identity_pub[32]) {
  if (!did || !*did) return SB_ERR_ARG;
  if (strlen(did) >= sizeof c->daemons[0].did) return SB_ERR_RANGE;
  if (sim_control_identity(c, did)) return SB_ERR_EXISTS;
  if (c->ndaemons == SIM_CONTROL_MAX_DAEMONS) return SB_ERR_FULL;
  sim_control_daemon *d = &c->daemons[c->ndaemons++];
  snprintf(d->did, sizeof d->did, "%s", did);
  memcpy(d->identity_pub, identity_pub, 32);
  return 0;
}

const uint8_t *sim_control_identity(const sim_control *c, const char *did) {
  for (size_t i = 0; i < c->ndaemons; i++)
    if (!strcmp(c->daemons[i].did, did)) return c->daemons[i].identity_pub;
  return NULL;
}

/* ---- minting ---------------------------------------------------------------------- */

/* Rewrite token `tok` with another header text and/or a patched claims set,
 * signed by `key` (faults the claims struct cannot express). */
static int remint(const char *tok, const char *header, const char *fault,
                  const sb_auth_signing_key *key, char *out, size_t cap, size_t *len) {
  const char *dot1 = strchr(tok, '.');
  const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
  if (!dot2) return SB_ERR_ARG;
  size_t plen = (size_t)(dot2 - dot1 - 1);
  uint8_t *payload = malloc(plen + 1);
  if (!payload) return SB_ERR_NOMEM;
  size_t n = 0;
  int rc = sb_base64url_decode(dot1 + 1, plen, payload, plen + 1, &n);
  cJSON *claims = NULL;
  if (rc == 0) rc = sb_json_parse(payload, n, true, &claims);
  free(payload);
  if (rc != 0) return rc;
  if (!strcmp(fault, "too_long")) {
    char pad[3300];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    cJSON_AddStringToObject(claims, "pad", pad);
  } else if (!strcmp(fault, "no_exp")) {
    cJSON_DeleteItemFromObjectCaseSensitive(claims, "exp");
  } else if (!strcmp(fault, "bad_role")) {
    cJSON_ReplaceItemInObjectCaseSensitive(claims, "role", cJSON_CreateString("admin"));
  } else if (!strcmp(fault, "zero_sid")) {
    cJSON_ReplaceItemInObjectCaseSensitive(claims, "sid", cJSON_CreateString("AAAAAAAAAAA"));
  } else if (!strcmp(fault, "bad_scp")) {
    cJSON_ReplaceItemInObjectCaseSensitive(claims, "scp", cJSON_CreateString("session:create"));
  } else if (!strcmp(fault, "bad_lim")) {
    cJSON *lim = cJSON_CreateObject();
    cJSON_AddNumberToObject(lim, "concurrent_sessions", 0);
    cJSON_AddItemToObject(claims, "lim", lim);
  }
  char *text = cJSON_PrintUnformatted(claims);
  cJSON_Delete(claims);
  if (!text) return SB_ERR_NOMEM;
  rc = sb_auth_token_mint_raw((const uint8_t *)header, strlen(header), (const uint8_t *)text,
                              strlen(text), key, out, cap, len);
  free(text);
  return rc;
}

int sim_control_mint(const sim_control *c, const sim_token_request *req, char *out, size_t cap,
                     size_t *len) {
  const char *fault = req->fault;
  if (fault && !sim_control_fault(fault)) return SB_ERR_NOT_FOUND;
  if (fault && !strcmp(fault, "empty")) {
    if (cap < 1) return SB_ERR_BUF;
    out[0] = '\0';
    *len = 0;
    return 0;
  }
  /* other_role: the token of the other role, for the same did (and the same sid). */
  bool other_role = fault && !strcmp(fault, "other_role");
  bool client = (req->role == SB_AUTH_ROLE_CLIENT) != other_role;
  static const char *const aud[] = {SB_AUTH_AUDIENCE};
  static const char *const other_aud[] = {"another-service"};
  static const char *const scp_create[] = {SB_AUTH_SCOPE_SESSION_CREATE};
  static const char *const scp_resume[] = {SB_AUTH_SCOPE_SESSION_RESUME};
  int64_t now_s = c->epoch_s + req->now / SB_TIME_US_PER_S;
  sb_auth_mint_claims m = {
      .iss = SIM_CONTROL_ISSUER,
      .aud = aud,
      .aud_count = 1,
      .iat = now_s,
      .exp = now_s + (client ? SIM_CONTROL_SESSION_TTL_S : SIM_CONTROL_PRESENCE_TTL_S),
      .jti = req->jti,
      .ver = 1,
      .sub = client && req->sub ? req->sub : req->did,
      .role = client ? SB_AUTH_ROLE_CLIENT : SB_AUTH_ROLE_DAEMON,
      .did = req->did,
      .sid = client || other_role ? req->sid : 0,
  };
  if (client) {
    m.scp = scp_create;
    m.scp_count = 1;
  } else if (req->resumable && !other_role) {
    m.scp = scp_resume;
    m.scp_count = 1;
  } else {
    m.scp = NULL; /* absent = [] : non-resumable (SBRP-RES-002) */
  }
  const sb_auth_signing_key *key = &c->keys[c->current];
  char current_kid[16];
  kid_of(c->current, current_kid, sizeof current_kid);
  const char *kid = current_kid;
  if (fault && !strcmp(fault, "old_key")) {
    key = &c->keys[0];
    kid = SIM_CONTROL_KID;
  }
  const char *header = NULL;
  if (fault) {
    if (!strcmp(fault, "wrong_aud")) m.aud = other_aud;
    if (!strcmp(fault, "wrong_iss")) m.iss = "https://evil.invalid";
    if (!strcmp(fault, "expired")) {
      m.exp = now_s - 3600;
      m.iat = now_s - 3600 - SIM_CONTROL_SESSION_TTL_S;
    }
    if (!strcmp(fault, "bad_ver")) m.ver = 2;
    if (!strcmp(fault, "no_did")) m.did = NULL;
    if (!strcmp(fault, "no_sub")) m.sub = NULL;
    if (!strcmp(fault, "no_sid")) m.sid = 0;
    if (!strcmp(fault, "wrong_region")) m.region = "mars-1";
    if (!strcmp(fault, "long_ttl")) m.exp = m.iat + 301;
    if (!strcmp(fault, "unknown_kid")) kid = "unknown-kid";
    if (!strcmp(fault, "bad_signature")) key = &c->rogue;
    /* Header faults (the kid, if any, is the signing key's, rotations included). */
    if (!strcmp(fault, "bad_typ")) header = "JWT";
    if (!strcmp(fault, "no_kid")) header = "no kid";
    if (!strcmp(fault, "bad_alg")) header = "HS256";
  }
  int rc = sb_auth_token_mint(&m, kid, key, out, cap, len);
  if (rc != 0 || !fault) return rc;
  bool patch = !strcmp(fault, "too_long") || !strcmp(fault, "no_exp") ||
               !strcmp(fault, "bad_role") || !strcmp(fault, "zero_sid") ||
               !strcmp(fault, "bad_scp") || !strcmp(fault, "bad_lim");
  if (patch || header) {
    char *tok = malloc(*len + 1);
    if (!tok) return SB_ERR_NOMEM;
    memcpy(tok, out, *len + 1);
    bool hs256 = header && !strcmp(header, "HS256"), jwt = header && !strcmp(header, "JWT");
    char hdr[128];
    if (header && !strcmp(header, "no kid"))
      snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\"}");
    else
      snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"typ\":\"%s\",\"kid\":\"%s\"}",
               hs256 ? "HS256" : "EdDSA", jwt ? "JWT" : "sbrp-relay+jwt", kid);
    rc = remint(tok, hdr, fault, key, out, cap, len);
    free(tok);
    return rc;
  }
  if (!strcmp(fault, "two_parts")) {
    char *last = strrchr(out, '.');
    if (last) {
      *last = '\0';
      *len = (size_t)(last - out);
    }
  }
  return 0;
}
