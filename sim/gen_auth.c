/*
 * Vector files of the token and peer layers (auth.md, peer-runtime.md 4):
 *
 *   auth-sid.json     the `sid` claim: the table of auth.md 3, boundaries,
 *                     every class of string a strict decoder refuses
 *   auth-tokens.json  the relay's 16 validation steps: valid client and
 *                     daemon tokens, one token failing at each step, the
 *                     boundaries of each step, and two faults at once
 *   peer-backoff.json the reconnection delay formula
 *
 * Tokens are minted here from fixed keys (Ed25519 signatures are
 * deterministic), so the files never change unless the curated claims do.
 * Broken tokens are built from a valid claims object with one member
 * edited, so every other field stays valid.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/sid.h"
#include "auth/token.h"
#include "common/base64url.h"
#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "gen.h"

/* ==== auth-sid.json ======================================================== */

static void sid_encode(sbv_gen *g, const char *comment, const char *reqs, const char *session_id,
                       const char *expect) {
  sbv_gen_case(g, comment, reqs, NULL, sbv_gen_input("sessionId", session_id, NULL), expect);
}

static void sid_decode(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                       const char *sid, const char *expect) {
  sbv_gen_case(g, comment, reqs, flags, sbv_gen_input("sid", sid, NULL), expect);
}

/* Session IDs written and read back: the table of auth.md 3 and boundaries. */
static const struct {
  const char *session_id, *comment;
} sid_values[] = {
    {"12345678901234", "0x00000B3A73CE2FF2, the example of authentication.md"},
    {"1", "1: the smallest SessionID"},
    {"12345", "12345 (0x3039), the SessionID of the upstream test mocks"},
    {"255", "0xff: one byte set"},
    {"256", "0x100: the carry into the second byte"},
    {"72057594037927935", "2^56-1: seven bytes set"},
    {"72057594037927936", "2^56: the top byte alone"},
    {"9223372036854775807", "2^63-1"},
    {"9223372036854775808", "2^63: the top bit alone"},
    {"18446744073709551614", "2^64-2"},
    {"18446744073709551615", "2^64-1: the largest SessionID"},
    {"233410908076500961", "0x033D3DFBF699E7E1 (\"Az09-_aZ5-E\"): every character class"},
    {"18158443311629597695", "0xFBFFBFFBFFBFFBFF (\"-_-_-_-_-_8\"): '-' and '_' alternate"},
};

static void gen_sid(sbv_gen *g) {
  sbv_gen_file(g, "auth-sid.json", "auth",
               "The token sid claim: a SessionID as unpadded base64url of 8 big-endian bytes");
  sbv_gen_note(g, "E-AUTH-4",
               "sid decoding is strict (canonical 11-character unpadded base64url); the upstream "
               "SDK re-pads and uses atob, so it also accepts padding, non-canonical last "
               "characters, '+' and '/', and ASCII whitespace. The case follows the documents",
               "upstream");
  sbv_gen_note(g, "E-COMMON-3",
               "libsodium 1.0.18 alone decodes bytes 0x80-0xff as '_'; a strict decoder checks "
               "the alphabet itself (informational)",
               NULL);

  sbv_gen_group(g, "auth.sid.encode");
  for (size_t i = 0; i < sizeof sid_values / sizeof sid_values[0]; i++)
    sid_encode(g, sid_values[i].comment, "AUTH-010", sid_values[i].session_id, "valid");
  sid_encode(g, "0: SessionID zero has no sid", "AUTH-011 AUTH-010", "0", "invalid:invalid_sid");

  sbv_gen_group(g, "auth.sid.decode");
  for (size_t i = 0; i < sizeof sid_values / sizeof sid_values[0]; i++) {
    uint64_t v = strtoull(sid_values[i].session_id, NULL, 10);
    char text[SB_AUTH_SID_SIZE];
    if (sb_auth_sid_encode(v, text, sizeof text) != SB_OK) {
      sbv_gen_error(g, "cannot encode sid %s", sid_values[i].session_id);
      continue;
    }
    sid_decode(g, sid_values[i].comment, "AUTH-010 AUTH-011", NULL, text, "valid");
  }
  /* Letters are case-sensitive: a different value, not an error. */
  sid_decode(g, "\"aaaaaaaaaag\": lower case is another value, not an error", "AUTH-010", NULL,
             "aaaaaaaaaag", "valid");
  sid_decode(g, "\"AAAAAAAAAAA\": decodes to zero", "AUTH-011 AUTH-010", NULL, "AAAAAAAAAAA",
             "invalid:invalid_sid");
  sid_decode(g, "empty string", "AUTH-010", NULL, "", "invalid:invalid_sid");
  sid_decode(g, "10 characters (7 bytes and 4 bits): one character short", "AUTH-010", NULL,
             "AAAAAAAAAE", "invalid:invalid_sid");
  sid_decode(g, "12 characters (9 bytes): one character over", "AUTH-010", NULL, "AAAAAAAAAAAE",
             "invalid:invalid_sid");
  sid_decode(g, "16 characters (12 bytes)", "AUTH-010", NULL, "AAAAAAAAAAAAAAAB",
             "invalid:invalid_sid");
  sid_decode(g, "padded \"AAAAAAAAAAE=\" (value 1): no padding allowed", "AUTH-010", "E-AUTH-4",
             "AAAAAAAAAAE=", "invalid:invalid_sid");
  sid_decode(g, "\"AAAAAAAAAA==\": padding inside 12 characters", "AUTH-010", NULL,
             "AAAAAAAAAA==", "invalid:invalid_sid");
  sid_decode(g, "\"AAAAAAAAA==\": 11 characters ending in padding", "AUTH-010", NULL,
             "AAAAAAAAA==", "invalid:invalid_sid");
  sid_decode(g, "\"AAAAAAAAAAF\": non-canonical last character (value 1 plus a stray bit)",
             "AUTH-010", "E-AUTH-4", "AAAAAAAAAAF", "invalid:invalid_sid");
  sid_decode(g, "\"AAAAAAAAAAB\": the stray bit alone (value 0 plus a stray bit)",
             "AUTH-010 AUTH-011", NULL, "AAAAAAAAAAB", "invalid:invalid_sid");
  sid_decode(g, "\"___________\": 2^64-1 with both stray bits set", "AUTH-010", "E-AUTH-4",
             "___________", "invalid:invalid_sid");
  sid_decode(g, "'+' from the standard alphabet (\"AAAAA+AAAAE\")", "AUTH-010", "E-AUTH-4",
             "AAAAA+AAAAE", "invalid:invalid_sid");
  sid_decode(g, "'/' from the standard alphabet (\"AAAAA/AAAAE\")", "AUTH-010", "E-AUTH-4",
             "AAAAA/AAAAE", "invalid:invalid_sid");
  sid_decode(g, "'+' and '/' for what base64url writes '-' and '_' (\"++++++++++8\")", "AUTH-010",
             "E-AUTH-4", "++++++++++8", "invalid:invalid_sid");
  sid_decode(g, "'.' is in neither alphabet", "AUTH-010", NULL, "AAAAA.AAAAE",
             "invalid:invalid_sid");
  sid_decode(g, "trailing space (12 characters)", "AUTH-010", "E-AUTH-4", "AAAAAAAAAAE ",
             "invalid:invalid_sid");
  sid_decode(g, "leading space (12 characters)", "AUTH-010", "E-AUTH-4", " AAAAAAAAAAE",
             "invalid:invalid_sid");
  sid_decode(g, "embedded line feed (12 characters)", "AUTH-010", "E-AUTH-4", "AAAAA\nAAAAAE",
             "invalid:invalid_sid");
  sid_decode(g, "a space in place of a character (11 characters)", "AUTH-010", NULL, "AAAAA AAAAE",
             "invalid:invalid_sid");
  sid_decode(g, "tab in place of a character (11 characters)", "AUTH-010", NULL, "AAAAA\tAAAAE",
             "invalid:invalid_sid");
  /* "AAAAAAAA" U+00E9 "E" is 11 bytes: bytes c3 a9 stand where libsodium
   * alone would read "__", giving a valid-looking value. */
  sid_decode(g, "11 bytes with a non-ASCII character (U+00E9 as c3 a9)", "AUTH-010", "E-COMMON-3",
             "AAAAAAAA\xc3\xa9"
             "E",
             "invalid:invalid_sid");
  sid_decode(g, "10 characters and one non-ASCII character (12 bytes)", "AUTH-010", NULL,
             "AAAAAAAAAA\xc3\xa9", "invalid:invalid_sid");
  sbv_gen_end(g);
}

/* ==== auth-tokens.json ====================================================== */

#define ISSUER "https://api.sideband.cloud"
#define NOW 1750000000
#define IAT (NOW - 10)
#define KID_A "sbconf-2025-a"
#define KID_B "sbconf-2025-b"
#define DID "d_7f3a9c"
#define USER "u_alice"
#define REGION "eu-west-1"
#define TOKEN_CAP 8192

/* RFC 8032 section 7.1 TEST 1 secret: key A's public key is a known answer. */
static const char *const seed_a_hex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

typedef struct issuer {
  sb_auth_signing_key a, b;
  cJSON *jwks;        /* A and B, both declaring alg EdDSA (AUTH-033) */
  cJSON *jwks_no_alg; /* A without alg, B with it */
  cJSON *jwks_only_a; /* A alone */
} issuer;

static cJSON *jwks_json(sbv_gen *g, const issuer *is, bool a_alg, bool with_b) {
  sb_auth_jwk keys[2];
  memset(keys, 0, sizeof keys);
  strcpy(keys[0].kid, KID_A);
  memcpy(keys[0].x, is->a.pk, 32);
  keys[0].alg_eddsa = a_alg;
  strcpy(keys[1].kid, KID_B);
  memcpy(keys[1].x, is->b.pk, 32);
  keys[1].alg_eddsa = true;
  char text[1024];
  size_t n;
  if (sb_auth_jwks_format(keys, with_b ? 2 : 1, text, sizeof text, &n) != SB_OK) {
    sbv_gen_error(g, "cannot format the JWKS");
    return cJSON_CreateObject();
  }
  return cJSON_Parse(text);
}

static bool issuer_init(sbv_gen *g, issuer *is) {
  uint8_t seed[32];
  size_t n;
  memset(is, 0, sizeof *is);
  if (sb_hex_decode(seed_a_hex, 64, seed, sizeof seed, &n) != SB_OK ||
      sb_auth_signing_key_from_seed(&is->a, seed) != SB_OK)
    return false;
  sbv_gen_bytes("auth-tokens issuer key B", seed, sizeof seed);
  if (sb_auth_signing_key_from_seed(&is->b, seed) != SB_OK) return false;
  is->jwks = jwks_json(g, is, true, true);
  is->jwks_no_alg = jwks_json(g, is, false, true);
  is->jwks_only_a = jwks_json(g, is, true, false);
  return is->jwks && is->jwks_no_alg && is->jwks_only_a;
}

static void issuer_free(issuer *is) {
  cJSON_Delete(is->jwks);
  cJSON_Delete(is->jwks_no_alg);
  cJSON_Delete(is->jwks_only_a);
  memset(is, 0, sizeof *is);
}

/* One member of the header or claims: `json` is the new value as JSON text,
 * NULL removes the member. A list ends with {NULL, NULL}. */
typedef struct edit {
  const char *key, *json;
} edit;

#define NO_EDITS ((const edit[]){{NULL, NULL}})

/* Set or remove members, keeping the order of those already present. */
static void apply(sbv_gen *g, cJSON *obj, const edit *e) {
  for (; e && e->key; e++) {
    if (!e->json) {
      cJSON_DeleteItemFromObjectCaseSensitive(obj, e->key);
      continue;
    }
    cJSON *v = cJSON_Parse(e->json);
    if (!v) {
      sbv_gen_error(g, "bad curated JSON for %s: %s", e->key, e->json);
      continue;
    }
    if (cJSON_GetObjectItemCaseSensitive(obj, e->key))
      cJSON_ReplaceItemInObjectCaseSensitive(obj, e->key, v);
    else
      cJSON_AddItemToObject(obj, e->key, v);
  }
}

typedef enum base { CLIENT, DAEMON } base;

/* The valid claims every broken token starts from: a client session token
 * (TTL 60 s) or a daemon presence token (TTL 1 h), in the key order the
 * control plane writes. */
static cJSON *base_claims(base b) {
  static const char *const client =
      "{\"iss\":\"" ISSUER
      "\",\"aud\":\"sideband-relay\",\"exp\":1750000050,"
      "\"iat\":1749999990,\"jti\":\"t_0001\",\"ver\":1,\"sub\":\"" USER
      "\","
      "\"role\":\"client\",\"did\":\"" DID
      "\",\"sid\":\"AAALOnPOL_I\","
      "\"scp\":[\"session:create\"]}";
  static const char *const daemon =
      "{\"iss\":\"" ISSUER
      "\",\"aud\":[\"sideband-relay\"],\"exp\":1750003590,"
      "\"iat\":1749999990,\"jti\":\"t_0002\",\"ver\":1,\"sub\":\"" DID
      "\","
      "\"role\":\"daemon\",\"did\":\"" DID "\",\"scp\":[\"session:resume\"]}";
  return cJSON_Parse(b == CLIENT ? client : daemon);
}

static cJSON *base_header(void) {
  return cJSON_Parse("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}");
}

/* base64url(header) "." base64url(claims) "." signature, from texts. */
static char *sign_texts(sbv_gen *g, const char *hdr, const char *claims,
                        const sb_auth_signing_key *key) {
  char *out = malloc(TOKEN_CAP);
  size_t n;
  if (!out || sb_auth_token_mint_raw((const uint8_t *)hdr, strlen(hdr), (const uint8_t *)claims,
                                     strlen(claims), key, out, TOKEN_CAP, &n) != SB_OK) {
    sbv_gen_error(g, "cannot mint a token");
    free(out);
    return strdup("");
  }
  return out;
}

/* A token from the base header and claims with edits, signed by `key`. */
static char *mint_with(sbv_gen *g, const sb_auth_signing_key *key, base b, const edit *hdr_edits,
                       const edit *claim_edits) {
  cJSON *h = base_header(), *c = base_claims(b);
  apply(g, h, hdr_edits);
  apply(g, c, claim_edits);
  char *ht = sb_json_print(h), *ct = sb_json_print(c);
  char *tok = sign_texts(g, ht ? ht : "", ct ? ct : "", key);
  cJSON_free(ht);
  cJSON_free(ct);
  cJSON_Delete(h);
  cJSON_Delete(c);
  return tok;
}

static char *client_with(sbv_gen *g, const issuer *is, const edit *claim_edits) {
  return mint_with(g, &is->a, CLIENT, NO_EDITS, claim_edits);
}

static char *daemon_with(sbv_gen *g, const issuer *is, const edit *claim_edits) {
  return mint_with(g, &is->a, DAEMON, NO_EDITS, claim_edits);
}

static char *header_with(sbv_gen *g, const issuer *is, const edit *hdr_edits) {
  return mint_with(g, &is->a, CLIENT, hdr_edits, NO_EDITS);
}

/* Signs an arbitrary signing input (segments that are not base64url). */
static char *sign_input(sbv_gen *g, const char *input, const sb_auth_signing_key *key) {
  char *out = malloc(TOKEN_CAP);
  size_t n;
  if (!out || sb_auth_token_sign(input, strlen(input), key, out, TOKEN_CAP, &n) != SB_OK) {
    sbv_gen_error(g, "cannot sign");
    free(out);
    return strdup("");
  }
  return out;
}

static char *b64(const char *text) {
  size_t n = strlen(text);
  char *out = malloc(SB_BASE64URL_SIZE(n));
  if (out && sb_base64url_encode((const uint8_t *)text, n, out, SB_BASE64URL_SIZE(n)) != SB_OK)
    out[0] = '\0';
  return out;
}

/* What the relay is configured with (input.expect) and its clock. */
typedef struct relay {
  const char *region; /* NULL: the relay has no region */
  const char *role;   /* NULL: one endpoint for both roles */
  int skew;           /* -1: not stated (default 30) */
  const cJSON *jwks;  /* NULL: both keys */
} relay;

#define ANY_RELAY ((relay){NULL, NULL, -1, NULL})
#define REGIONAL ((relay){REGION, NULL, -1, NULL})

static void verify_case(sbv_gen *g, const issuer *is, const char *comment, const char *reqs,
                        const char *flags, char *token, relay r, const char *expect) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "token", token);
  cJSON_AddItemToObject(in, "jwks", cJSON_Duplicate(r.jwks ? r.jwks : is->jwks, 1));
  cJSON_AddNumberToObject(in, "now", NOW);
  cJSON *ex = cJSON_AddObjectToObject(in, "expect");
  cJSON_AddStringToObject(ex, "issuer", ISSUER);
  if (r.region) cJSON_AddStringToObject(ex, "region", r.region);
  if (r.role) cJSON_AddStringToObject(ex, "role", r.role);
  if (r.skew >= 0) cJSON_AddNumberToObject(ex, "skew", r.skew);
  sbv_gen_case(g, comment, reqs, flags, in, expect);
  free(token);
}

/* Shorthands: a client / daemon token with edits, against any relay. */
static void client_case(sbv_gen *g, const issuer *is, const char *comment, const char *reqs,
                        const char *flags, const edit *e, const char *expect) {
  verify_case(g, is, comment, reqs, flags, client_with(g, is, e), ANY_RELAY, expect);
}

static void daemon_case(sbv_gen *g, const issuer *is, const char *comment, const char *reqs,
                        const char *flags, const edit *e, const char *expect) {
  verify_case(g, is, comment, reqs, flags, daemon_with(g, is, e), ANY_RELAY, expect);
}

/* The requirements every accepted token shows. */
#define OK_REQS "AUTH-001 AUTH-002 AUTH-003 AUTH-004 AUTH-030 "

static void token_notes(sbv_gen *g) {
  sbv_gen_note(g, "E-AUTH-1",
               "a claims segment that is not base64url JSON of an object is found after the "
               "signature, inside step 4 (AUTH-V04); no step of the documents names it",
               "upstream");
  sbv_gen_note(g, "E-AUTH-2",
               "ver must be the JSON number 1: \"1\", null and true fail step 9 (auth.md AO-6 "
               "leaves the type open)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-3",
               "aud is a string or an array of strings: an array holding a non-string, or an "
               "empty array, fails step 5 (AO-6)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-4",
               "the sid claim is decoded strictly (canonical unpadded base64url); the upstream "
               "SDK's atob reading also accepts padding and non-canonical forms (AO-4)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-5",
               "lim must be an object and concurrent_sessions a JSON number that is an integer "
               ">= 1: lim 5, lim null and \"2\" fail step 16",
               "upstream");
  sbv_gen_note(g, "E-AUTH-6",
               "a region claim on a relay that has no configured region fails step 13 (the "
               "documents do not address a relay without region)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-7",
               "a member is present whatever its value (null fails the type check); duplicate "
               "names: the last counts; exp equal to now minus the skew passes; fractions "
               "compare as numbers",
               "upstream");
  sbv_gen_note(g, "E-AUTH-8",
               "a kid that is not a string counts as missing (step 3); step 4 checks alg, then "
               "the key, then the signature; the JWK must declare alg EdDSA (AUTH-004 SHOULD)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-9",
               "daemon tokens: sub == did is not checked and a sid is ignored, as the ordered "
               "steps say (auth.md AO-3)",
               "upstream");
  sbv_gen_note(g, "E-AUTH-10",
               "the endpoint's expected role (input.expect.role, ours) is checked after step 16, "
               "reported as AUTH-V10",
               "upstream");
  sbv_gen_note(g, "E-AUTH-11",
               "client TTL: 300 s is the limit, above 120 s only a warning (authentication.md); "
               "ADR-016 states 120 s as a fact",
               "upstream");
  sbv_gen_note(g, "E-AUTH-12",
               "JOSE header members other than typ, kid and alg (crit, jku...) are not examined",
               "upstream");
  sbv_gen_note(g, "E-COMMON-3",
               "libsodium 1.0.18 alone decodes bytes 0x80-0xff as '_'; the decoder checks the "
               "alphabet itself (informational)",
               NULL);
}

/* Valid tokens: each optional claim in each of its shapes. */
static void tokens_valid(sbv_gen *g, const issuer *is) {
  const char *r = OK_REQS;
  char reqs[256];
#define R(extra) (snprintf(reqs, sizeof reqs, "%s%s", r, extra), reqs)
  /* Minted by the library the way the control plane writes tokens. */
  static const char *const aud_relay[] = {"sideband-relay"};
  static const char *const scp_create[] = {"session:create"};
  sb_auth_mint_claims c;
  memset(&c, 0, sizeof c);
  c.iss = ISSUER;
  c.aud = aud_relay;
  c.aud_count = 1;
  c.aud_as_string = true;
  c.exp = NOW + 110;
  c.iat = IAT;
  c.jti = "t_mint";
  c.ver = 1;
  c.sub = USER;
  c.role = SB_AUTH_ROLE_CLIENT;
  c.did = DID;
  c.sid = UINT64_C(0x00000B3A73CE2FF2);
  c.scp = scp_create;
  c.scp_count = 1;
  char *tok = malloc(TOKEN_CAP);
  size_t n;
  if (tok && sb_auth_token_mint(&c, KID_A, &is->a, tok, TOKEN_CAP, &n) == SB_OK)
    verify_case(g, is, "client session token as the control plane mints it (TTL 120 s)",
                R("AUTH-V01 AUTH-V12 AUTH-V14 AUTH-010"), NULL, tok, ANY_RELAY, "valid");
  else
    free(tok);

  client_case(g, is, "client token, aud as a string", R("AUTH-V05"), NULL, NO_EDITS, "valid");
  client_case(g, is, "client token, aud as an array", R("AUTH-V05"), NULL,
              (const edit[]){{"aud", "[\"sideband-relay\"]"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client token, aud array with other audiences around sideband-relay",
              R("AUTH-V05"), NULL,
              (const edit[]){{"aud", "[\"api\",\"sideband-relay\",\"x\"]"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client token without ver (accepted; a metric counts it)", R("AUTH-V09"), NULL,
              (const edit[]){{"ver", NULL}, {NULL, NULL}}, "valid");
  client_case(g, is, "client token with unknown scopes besides session:create",
              R("AUTH-043 AUTH-V15"), NULL,
              (const edit[]){{"scp", "[\"session:create\",\"x-future:thing\",\"\"]"}, {NULL, NULL}},
              "valid");
  client_case(g, is, "client token carrying session:resume too (AO-10: ignored)",
              R("AUTH-V15 AUTH-043"), NULL,
              (const edit[]){{"scp", "[\"session:create\",\"session:resume\"]"}, {NULL, NULL}},
              "valid");
  client_case(g, is, "client token with scp an empty array", R("AUTH-V15"), NULL,
              (const edit[]){{"scp", "[]"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client token without scp (absent = [])", R("AUTH-V15"), NULL,
              (const edit[]){{"scp", NULL}, {NULL, NULL}}, "valid");
  verify_case(g, is, "client token with region, relay in that region", R("AUTH-V13"), NULL,
              client_with(g, is, (const edit[]){{"region", "\"" REGION "\""}, {NULL, NULL}}),
              REGIONAL, "valid");
  verify_case(g, is, "client token without region, relay in a region", R("AUTH-V13"), NULL,
              client_with(g, is, NO_EDITS), REGIONAL, "valid");
  client_case(g, is, "lim.concurrent_sessions 1: the smallest cap", R("AUTH-V16"), NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":1}"}, {NULL, NULL}}, "valid");
  client_case(g, is, "lim.concurrent_sessions 3", R("AUTH-V16"), NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":3}"}, {NULL, NULL}}, "valid");
  client_case(g, is, "lim {} (plan default)", R("AUTH-V16"), NULL,
              (const edit[]){{"lim", "{}"}, {NULL, NULL}}, "valid");
  client_case(g, is, "lim with an unknown member only", R("AUTH-V16"), NULL,
              (const edit[]){{"lim", "{\"bandwidth\":\"x\"}"}, {NULL, NULL}}, "valid");
  client_case(g, is, "sid 2^64-1 (\"__________8\")", R("AUTH-V12 AUTH-010"), NULL,
              (const edit[]){{"sid", "\"__________8\""}, {NULL, NULL}}, "valid");
  client_case(g, is, "sid 1 (\"AAAAAAAAAAE\")", R("AUTH-V12 AUTH-010 AUTH-011"), NULL,
              (const edit[]){{"sid", "\"AAAAAAAAAAE\""}, {NULL, NULL}}, "valid");
  client_case(g, is, "jti absent: never validated", R("AUTH-041"), NULL,
              (const edit[]){{"jti", NULL}, {NULL, NULL}}, "valid");
  client_case(g, is, "jti a number: never validated", R("AUTH-041"), NULL,
              (const edit[]){{"jti", "17"}, {NULL, NULL}}, "valid");
  client_case(
      g, is, "claims the relay does not know (nbf, cid, res) are ignored", r, NULL,
      (const edit[]){{"nbf", "1760000000"}, {"cid", "\"c_1\""}, {"res", "false"}, {NULL, NULL}},
      "valid");
  client_case(g, is, "iat in the future (AO-2: not checked)", R("AUTH-V07 AUTH-V14"), NULL,
              (const edit[]){{"iat", "1750000040"}, {NULL, NULL}}, "valid");
  client_case(g, is, "fractional exp and iat (TTL 60.5 s)", R("AUTH-V07 AUTH-V14"), "E-AUTH-7",
              (const edit[]){{"exp", "1750000050.5"}, {"iat", "1749999990"}, {NULL, NULL}},
              "valid");

  daemon_case(g, is, "daemon presence token (TTL 1 h, session:resume)", R("AUTH-V10 AUTH-V11"),
              NULL, NO_EDITS, "valid");
  daemon_case(g, is, "daemon token without scp (non-resumable)", R("AUTH-V15"), NULL,
              (const edit[]){{"scp", NULL}, {NULL, NULL}}, "valid");
  daemon_case(g, is, "daemon token, aud as a string", R("AUTH-V05"), NULL,
              (const edit[]){{"aud", "\"sideband-relay\""}, {NULL, NULL}}, "valid");
  daemon_case(g, is, "daemon token with a 24 h lifetime: no TTL cap for daemons", R("AUTH-V14"),
              "E-AUTH-9", (const edit[]){{"exp", "1750086390"}, {NULL, NULL}}, "valid");
  daemon_case(g, is, "daemon token without sub: sub is checked for clients only", R("AUTH-V12"),
              "E-AUTH-9", (const edit[]){{"sub", NULL}, {NULL, NULL}}, "valid");
  daemon_case(g, is, "daemon token whose sub differs from did (AO-3: not checked)", R("AUTH-V12"),
              "E-AUTH-9", (const edit[]){{"sub", "\"d_other\""}, {NULL, NULL}}, "valid");
  daemon_case(g, is, "daemon token carrying a zero sid: ignored for daemons", R("AUTH-V12"),
              "E-AUTH-9", (const edit[]){{"sid", "\"AAAAAAAAAAA\""}, {NULL, NULL}}, "valid");
  verify_case(g, is, "token signed by the second key of the JWKS", R("AUTH-033"), NULL,
              mint_with(g, &is->b, CLIENT, (const edit[]){{"kid", "\"" KID_B "\""}, {NULL, NULL}},
                        NO_EDITS),
              ANY_RELAY, "valid");
  verify_case(g, is, "a JWKS holding only the signing key", r, NULL, client_with(g, is, NO_EDITS),
              ((relay){NULL, NULL, -1, is->jwks_only_a}), "valid");
  verify_case(g, is, "header with crit and jku: not examined", R("AUTH-V02"), "E-AUTH-12",
              header_with(g, is,
                          (const edit[]){{"crit", "[\"x-unknown\"]"},
                                         {"jku", "\"https://attacker.example/jwks.json\""},
                                         {NULL, NULL}}),
              ANY_RELAY, "valid");
  verify_case(g, is, "header members in another order", R("AUTH-V02 AUTH-V03"), NULL,
              mint_with(g, &is->a, CLIENT,
                        (const edit[]){{"alg", NULL},
                                       {"typ", NULL},
                                       {"typ", "\"sbrp-relay+jwt\""},
                                       {"alg", "\"EdDSA\""},
                                       {NULL, NULL}},
                        NO_EDITS),
              ANY_RELAY, "valid");
  verify_case(g, is, "client token at a client endpoint", R("AUTH-V10"), "E-AUTH-10",
              client_with(g, is, NO_EDITS), ((relay){NULL, "client", -1, NULL}), "valid");
  verify_case(g, is, "daemon token at a daemon endpoint", R("AUTH-V10"), "E-AUTH-10",
              daemon_with(g, is, NO_EDITS), ((relay){NULL, "daemon", -1, NULL}), "valid");
#undef R
}

/* A valid client token with a jti of `pad` characters; `spaces` blanks
 * after the header's '{' (insignificant JSON whitespace) shift the header
 * segment's length, so every total length can be reached. */
static char *client_padded(sbv_gen *g, const issuer *is, size_t pad, int spaces) {
  cJSON *c = base_claims(CLIENT);
  char *jti = malloc(pad + 1);
  memset(jti, 'j', pad);
  jti[pad] = '\0';
  cJSON_ReplaceItemInObjectCaseSensitive(c, "jti", cJSON_CreateString(jti));
  char *ct = sb_json_print(c), hdr[128];
  snprintf(hdr, sizeof hdr,
           "{%.*s\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}", spaces,
           "   ");
  char *tok = sign_texts(g, hdr, ct ? ct : "", &is->a);
  cJSON_free(ct);
  cJSON_Delete(c);
  free(jti);
  return tok;
}

/* A valid client token of exactly `len` characters. */
static char *client_of_length(sbv_gen *g, const issuer *is, size_t len) {
  for (int spaces = 0; spaces <= 3; spaces++)
    for (size_t pad = 1; pad < TOKEN_CAP; pad++) {
      char *tok = client_padded(g, is, pad, spaces);
      size_t n = strlen(tok);
      if (n == len) return tok;
      free(tok);
      if (n > len) break;
    }
  sbv_gen_error(g, "no token of exactly %zu characters", len);
  return strdup("");
}

/* Step 1: presence, length, three segments. */
static void tokens_step1(sbv_gen *g, const issuer *is) {
  verify_case(g, is, "4096 characters: the longest token", "AUTH-001 AUTH-V01", NULL,
              client_of_length(g, is, 4096), ANY_RELAY, "valid");
  verify_case(g, is, "4097 characters: one over (validly signed)", "AUTH-001 AUTH-V01 AUTH-040",
              NULL, client_of_length(g, is, 4097), ANY_RELAY, "invalid:AUTH-V01");
  verify_case(g, is, "no token (empty string)", "AUTH-V01 AUTH-040", NULL, strdup(""), ANY_RELAY,
              "invalid:AUTH-V01");
  char *tok = client_with(g, is, NO_EDITS);
  *strrchr(tok, '.') = '\0';
  verify_case(g, is, "2 segments (signature removed)", "AUTH-001 AUTH-V01 AUTH-040", NULL, tok,
              ANY_RELAY, "invalid:AUTH-V01");
  tok = client_with(g, is, NO_EDITS);
  char *four = malloc(strlen(tok) + 6);
  sprintf(four, "%s.AAAA", tok);
  verify_case(g, is, "4 segments (a fourth appended)", "AUTH-001 AUTH-V01 AUTH-040", NULL, four,
              ANY_RELAY, "invalid:AUTH-V01");
  free(tok);
  tok = client_with(g, is, NO_EDITS);
  four = malloc(strlen(tok) + 2);
  sprintf(four, "%s.", tok);
  verify_case(g, is, "a trailing '.' (4 segments, the last empty)", "AUTH-001 AUTH-V01 AUTH-040",
              NULL, four, ANY_RELAY, "invalid:AUTH-V01");
  free(tok);
  verify_case(g, is, "one segment, no dots", "AUTH-001 AUTH-V01 AUTH-040", NULL,
              strdup("eyJhbGciOiJFZERTQSJ9"), ANY_RELAY, "invalid:AUTH-V01");
  verify_case(g, is, "\"..\": three empty segments (step 1 passes, the header fails)",
              "AUTH-V01 AUTH-V02 AUTH-040", NULL, strdup(".."), ANY_RELAY, "invalid:AUTH-V02");
  verify_case(g, is, "5000 characters (validly signed)", "AUTH-001 AUTH-V01 AUTH-040", NULL,
              client_of_length(g, is, 5000), ANY_RELAY, "invalid:AUTH-V01");
}

/* Step 2: the JOSE header and typ. */
static void tokens_step2(sbv_gen *g, const issuer *is) {
  const char *reqs = "AUTH-002 AUTH-V02 AUTH-040";
  verify_case(g, is, "typ missing", reqs, NULL,
              header_with(g, is, (const edit[]){{"typ", NULL}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V02");
  verify_case(g, is, "typ \"JWT\"", reqs, NULL,
              header_with(g, is, (const edit[]){{"typ", "\"JWT\""}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V02");
  verify_case(g, is, "typ \"sbrp-relay+JWT\" (compared exactly)", reqs, NULL,
              header_with(g, is, (const edit[]){{"typ", "\"sbrp-relay+JWT\""}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V02");
  verify_case(
      g, is, "typ \"application/sbrp-relay+jwt\" (no media-type prefix)", reqs, NULL,
      header_with(g, is, (const edit[]){{"typ", "\"application/sbrp-relay+jwt\""}, {NULL, NULL}}),
      ANY_RELAY, "invalid:AUTH-V02");
  verify_case(g, is, "typ a number", reqs, NULL,
              header_with(g, is, (const edit[]){{"typ", "1"}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V02");
  cJSON *c = base_claims(CLIENT);
  char *ct = sb_json_print(c);
  verify_case(g, is, "header segment is not JSON", reqs, NULL,
              sign_texts(g, "{alg:EdDSA}", ct, &is->a), ANY_RELAY, "invalid:AUTH-V02");
  verify_case(g, is, "header segment is a JSON array", reqs, NULL, sign_texts(g, "[]", ct, &is->a),
              ANY_RELAY, "invalid:AUTH-V02");
  /* Segments that are not unpadded base64url. */
  char *cb = b64(ct);
  const char *hdr = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}";
  char *hb = b64(hdr), input[TOKEN_CAP];
  snprintf(input, sizeof input, "%s=.%s", hb, cb);
  verify_case(g, is, "header segment with '=' padding", reqs, NULL, sign_input(g, input, &is->a),
              ANY_RELAY, "invalid:AUTH-V02");
  snprintf(input, sizeof input, "%s", hb);
  for (char *p = input; *p; p++)
    if (*p == 'J') *p = '+';
  snprintf(input + strlen(input), sizeof input - strlen(input), ".%s", cb);
  verify_case(g, is, "header segment in the standard alphabet ('+')", reqs, NULL,
              sign_input(g, input, &is->a), ANY_RELAY, "invalid:AUTH-V02");
  free(hb);
  free(cb);
  cJSON_free(ct);
  cJSON_Delete(c);
}

/* Steps 3 and 4: kid, alg, key, signature, claims segment. */
static void tokens_step3_4(sbv_gen *g, const issuer *is) {
  const char *r3 = "AUTH-003 AUTH-V03 AUTH-040", *r4 = "AUTH-004 AUTH-V04 AUTH-040";
  verify_case(g, is, "kid missing", r3, NULL,
              header_with(g, is, (const edit[]){{"kid", NULL}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V03");
  verify_case(g, is, "kid a number: counts as missing", r3, "E-AUTH-8",
              header_with(g, is, (const edit[]){{"kid", "1"}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V03");
  verify_case(g, is, "kid null: counts as missing", r3, "E-AUTH-8",
              header_with(g, is, (const edit[]){{"kid", "null"}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V03");
  verify_case(g, is, "kid \"\": present, names no key", "AUTH-003 AUTH-030 AUTH-V04 AUTH-040",
              "E-AUTH-8", header_with(g, is, (const edit[]){{"kid", "\"\""}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V04");
  verify_case(g, is, "kid unknown to the JWKS", "AUTH-030 AUTH-V04 AUTH-040", NULL,
              header_with(g, is, (const edit[]){{"kid", "\"sbconf-2024-old\""}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V04");
  verify_case(g, is, "kid of the second key while the JWKS holds only the first",
              "AUTH-030 AUTH-V04 AUTH-040", NULL,
              mint_with(g, &is->b, CLIENT, (const edit[]){{"kid", "\"" KID_B "\""}, {NULL, NULL}},
                        NO_EDITS),
              ((relay){NULL, NULL, -1, is->jwks_only_a}), "invalid:AUTH-V04");
  verify_case(g, is, "alg HS256", r4, NULL,
              header_with(g, is, (const edit[]){{"alg", "\"HS256\""}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "alg none", r4, NULL,
              header_with(g, is, (const edit[]){{"alg", "\"none\""}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "alg missing", r4, NULL,
              header_with(g, is, (const edit[]){{"alg", NULL}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "alg \"eddsa\" (compared exactly)", r4, NULL,
              header_with(g, is, (const edit[]){{"alg", "\"eddsa\""}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "alg \"Ed25519\" (the curve, not the JOSE name)", r4, NULL,
              header_with(g, is, (const edit[]){{"alg", "\"Ed25519\""}, {NULL, NULL}}), ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "the JWK of kid declares no alg", r4, "E-AUTH-8", client_with(g, is, NO_EDITS),
              ((relay){NULL, NULL, -1, is->jwks_no_alg}), "invalid:AUTH-V04");

  /* Signature faults: the token is valid except for its third segment. */
  char *tok = client_with(g, is, NO_EDITS);
  char *sig = strrchr(tok, '.') + 1;
  uint8_t raw[64];
  size_t n;
  if (sb_base64url_decode(sig, strlen(sig), raw, sizeof raw, &n) != SB_OK || n != 64)
    sbv_gen_error(g, "minted signature unreadable");
  raw[0] ^= 0x01;
  if (sb_base64url_encode(raw, 64, sig, SB_BASE64URL_SIZE(64)) != SB_OK)
    sbv_gen_error(g, "cannot re-encode a signature");
  verify_case(g, is, "signature one bit off (bit 0 of byte 0)", r4, NULL, tok, ANY_RELAY,
              "invalid:AUTH-V04");
  tok = client_with(g, is, NO_EDITS);
  sig = strrchr(tok, '.') + 1;
  if (sb_base64url_decode(sig, strlen(sig), raw, sizeof raw, &n) == SB_OK) raw[63] ^= 0x80;
  if (sb_base64url_encode(raw, 64, sig, SB_BASE64URL_SIZE(64)) != SB_OK)
    sbv_gen_error(g, "cannot re-encode a signature");
  verify_case(g, is, "signature one bit off (bit 7 of byte 63)", r4, NULL, tok, ANY_RELAY,
              "invalid:AUTH-V04");
  verify_case(g, is, "signed by the other key, kid of the first", r4, NULL,
              mint_with(g, &is->b, CLIENT, NO_EDITS, NO_EDITS), ANY_RELAY, "invalid:AUTH-V04");
  tok = client_with(g, is, NO_EDITS);
  sig = strrchr(tok, '.') + 1;
  if (sb_base64url_encode(raw, 63, sig, SB_BASE64URL_SIZE(63)) != SB_OK)
    sbv_gen_error(g, "cannot encode 63 bytes");
  verify_case(g, is, "signature of 63 bytes", r4, NULL, tok, ANY_RELAY, "invalid:AUTH-V04");
  tok = client_with(g, is, NO_EDITS);
  strrchr(tok, '.')[1] = '\0';
  verify_case(g, is, "signature segment empty", r4, NULL, tok, ANY_RELAY, "invalid:AUTH-V04");
  tok = client_with(g, is, NO_EDITS);
  char *padded = malloc(strlen(tok) + 3);
  sprintf(padded, "%s==", tok);
  verify_case(g, is, "signature segment with '==' padding", r4, NULL, padded, ANY_RELAY,
              "invalid:AUTH-V04");
  free(tok);
  tok = client_with(g, is, NO_EDITS);
  char *nl = malloc(strlen(tok) + 2);
  sprintf(nl, "%s\n", tok);
  verify_case(g, is, "a trailing line feed after the signature", r4, NULL, nl, ANY_RELAY,
              "invalid:AUTH-V04");
  free(tok);
  /* A token whose signature segment holds "__": c3 a9 in their place reads
   * as "__" to a decoder that does not check the alphabet. */
  for (int i = 0; i < 4000; i++) {
    char jti[32];
    snprintf(jti, sizeof jti, "\"t_%d\"", i);
    tok = client_with(g, is, (const edit[]){{"jti", jti}, {NULL, NULL}});
    char *us = strstr(strrchr(tok, '.'), "__");
    if (us) {
      us[0] = '\xc3';
      us[1] = '\xa9';
      verify_case(g, is, "signature with U+00E9 (c3 a9) in place of \"__\"", r4, "E-COMMON-3", tok,
                  ANY_RELAY, "invalid:AUTH-V04");
      break;
    }
    free(tok);
  }
  /* The claims segment is read only after the signature holds (E-AUTH-1). */
  const char *hdr = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}";
  verify_case(g, is, "claims segment is not JSON (validly signed)", r4, "E-AUTH-1",
              sign_texts(g, hdr, "{\"iss\":", &is->a), ANY_RELAY, "invalid:AUTH-V04");
  verify_case(g, is, "claims segment is a JSON array (validly signed)", r4, "E-AUTH-1",
              sign_texts(g, hdr, "[\"sideband-relay\"]", &is->a), ANY_RELAY, "invalid:AUTH-V04");
  verify_case(g, is, "claims segment is ill-formed UTF-8 (validly signed)", r4, "E-AUTH-1",
              sign_texts(g, hdr, "{\"iss\":\"\xff\"}", &is->a), ANY_RELAY, "invalid:AUTH-V04");
  char *hb = b64(hdr), input[256];
  snprintf(input, sizeof input, "%s.e30=", hb);
  verify_case(g, is, "claims segment with '=' padding (validly signed)", r4, "E-AUTH-1",
              sign_input(g, input, &is->a), ANY_RELAY, "invalid:AUTH-V04");
  free(hb);
}

/* Steps 5-16 on client tokens; each edit breaks exactly one step. */
static void tokens_claims(sbv_gen *g, const issuer *is) {
  /* 5: aud */
  const char *r = "AUTH-V05";
  client_case(g, is, "aud missing", r, NULL, (const edit[]){{"aud", NULL}, {NULL, NULL}},
              "invalid:AUTH-V05");
  client_case(g, is, "aud \"other\"", r, NULL, (const edit[]){{"aud", "\"other\""}, {NULL, NULL}},
              "invalid:AUTH-V05");
  client_case(g, is, "aud array without sideband-relay", r, NULL,
              (const edit[]){{"aud", "[\"api\",\"console\"]"}, {NULL, NULL}}, "invalid:AUTH-V05");
  client_case(g, is, "aud empty array", r, "E-AUTH-3", (const edit[]){{"aud", "[]"}, {NULL, NULL}},
              "invalid:AUTH-V05");
  client_case(g, is, "aud array with sideband-relay and a number", r, "E-AUTH-3",
              (const edit[]){{"aud", "[\"sideband-relay\",7]"}, {NULL, NULL}}, "invalid:AUTH-V05");
  client_case(g, is, "aud \"Sideband-Relay\" (compared exactly)", r, NULL,
              (const edit[]){{"aud", "\"Sideband-Relay\""}, {NULL, NULL}}, "invalid:AUTH-V05");
  client_case(g, is, "aud \"sideband-relay \" (trailing space)", r, NULL,
              (const edit[]){{"aud", "\"sideband-relay \""}, {NULL, NULL}}, "invalid:AUTH-V05");
  client_case(g, is, "aud an object", r, "E-AUTH-3",
              (const edit[]){{"aud", "{\"0\":\"sideband-relay\"}"}, {NULL, NULL}},
              "invalid:AUTH-V05");
  client_case(g, is, "aud null", r, NULL, (const edit[]){{"aud", "null"}, {NULL, NULL}},
              "invalid:AUTH-V05");
  /* 6: iss */
  r = "AUTH-V06";
  client_case(g, is, "iss another issuer", r, NULL,
              (const edit[]){{"iss", "\"https://evil.example\""}, {NULL, NULL}},
              "invalid:AUTH-V06");
  client_case(g, is, "iss with a trailing slash", r, NULL,
              (const edit[]){{"iss", "\"" ISSUER "/\""}, {NULL, NULL}}, "invalid:AUTH-V06");
  client_case(g, is, "iss the older issuer https://sideband.cloud", r, NULL,
              (const edit[]){{"iss", "\"https://sideband.cloud\""}, {NULL, NULL}},
              "invalid:AUTH-V06");
  client_case(g, is, "iss missing", r, NULL, (const edit[]){{"iss", NULL}, {NULL, NULL}},
              "invalid:AUTH-V06");
  /* 7: iat, exp present and numbers */
  r = "AUTH-V07";
  client_case(g, is, "iat missing", r, NULL, (const edit[]){{"iat", NULL}, {NULL, NULL}},
              "invalid:AUTH-V07");
  client_case(g, is, "exp missing", r, NULL, (const edit[]){{"exp", NULL}, {NULL, NULL}},
              "invalid:AUTH-V07");
  client_case(g, is, "iat a string of digits", r, NULL,
              (const edit[]){{"iat", "\"1749999990\""}, {NULL, NULL}}, "invalid:AUTH-V07");
  client_case(g, is, "exp a string of digits", r, NULL,
              (const edit[]){{"exp", "\"1750000050\""}, {NULL, NULL}}, "invalid:AUTH-V07");
  client_case(g, is, "exp null", r, NULL, (const edit[]){{"exp", "null"}, {NULL, NULL}},
              "invalid:AUTH-V07");
  client_case(g, is, "iat true", r, NULL, (const edit[]){{"iat", "true"}, {NULL, NULL}},
              "invalid:AUTH-V07");
  /* 8: expiry against now and the skew allowance; TTL kept at 60 s */
  r = "AUTH-V08";
  client_case(g, is, "exp = now - 30 with the default skew (30 s): passes", r, "E-AUTH-7",
              (const edit[]){{"exp", "1749999970"}, {"iat", "1749999910"}, {NULL, NULL}}, "valid");
  client_case(g, is, "exp = now - 31 with the default skew: one second too old", r, NULL,
              (const edit[]){{"exp", "1749999969"}, {"iat", "1749999909"}, {NULL, NULL}},
              "invalid:AUTH-V08");
  client_case(g, is, "exp = now - 30.5 with the default skew", r, NULL,
              (const edit[]){{"exp", "1749999969.5"}, {"iat", "1749999909"}, {NULL, NULL}},
              "invalid:AUTH-V08");
  static const struct {
    int skew, exp_offset;
    const char *comment, *expect;
  } skews[] = {
      {30, -30, "skew 30: exp = now - 30 passes", "valid"},
      {30, -31, "skew 30: exp = now - 31 fails", "invalid:AUTH-V08"},
      {0, 0, "skew 0: exp = now passes", "valid"},
      {0, -1, "skew 0: exp = now - 1 fails", "invalid:AUTH-V08"},
      {10, -10, "skew 10: exp = now - 10 passes", "valid"},
      {10, -11, "skew 10: exp = now - 11 fails", "invalid:AUTH-V08"},
  };
  for (size_t i = 0; i < sizeof skews / sizeof skews[0]; i++) {
    char exp[24], iat[24];
    snprintf(exp, sizeof exp, "%d", NOW + skews[i].exp_offset);
    snprintf(iat, sizeof iat, "%d", NOW + skews[i].exp_offset - 60);
    /* Only the passing boundary depends on reading "earlier than" (E-AUTH-7). */
    bool boundary = !strcmp(skews[i].expect, "valid");
    verify_case(g, is, skews[i].comment, r, boundary ? "E-AUTH-7" : NULL,
                client_with(g, is, (const edit[]){{"exp", exp}, {"iat", iat}, {NULL, NULL}}),
                ((relay){NULL, NULL, skews[i].skew, NULL}), skews[i].expect);
  }
  /* 9: ver */
  r = "AUTH-V09";
  client_case(g, is, "ver 2", r, NULL, (const edit[]){{"ver", "2"}, {NULL, NULL}},
              "invalid:AUTH-V09");
  client_case(g, is, "ver 0", r, NULL, (const edit[]){{"ver", "0"}, {NULL, NULL}},
              "invalid:AUTH-V09");
  client_case(g, is, "ver \"1\" (a string)", r, "E-AUTH-2",
              (const edit[]){{"ver", "\"1\""}, {NULL, NULL}}, "invalid:AUTH-V09");
  client_case(g, is, "ver null", r, "E-AUTH-2", (const edit[]){{"ver", "null"}, {NULL, NULL}},
              "invalid:AUTH-V09");
  client_case(g, is, "ver true", r, "E-AUTH-2", (const edit[]){{"ver", "true"}, {NULL, NULL}},
              "invalid:AUTH-V09");
  client_case(g, is, "ver 1.5", r, NULL, (const edit[]){{"ver", "1.5"}, {NULL, NULL}},
              "invalid:AUTH-V09");
  /* 10: role */
  r = "AUTH-V10";
  client_case(g, is, "role missing", r, NULL, (const edit[]){{"role", NULL}, {NULL, NULL}},
              "invalid:AUTH-V10");
  client_case(g, is, "role \"admin\"", r, NULL, (const edit[]){{"role", "\"admin\""}, {NULL, NULL}},
              "invalid:AUTH-V10");
  client_case(g, is, "role \"Client\" (compared exactly)", r, NULL,
              (const edit[]){{"role", "\"Client\""}, {NULL, NULL}}, "invalid:AUTH-V10");
  client_case(g, is, "role an array [\"client\"]", r, NULL,
              (const edit[]){{"role", "[\"client\"]"}, {NULL, NULL}}, "invalid:AUTH-V10");
  /* 11: did */
  r = "AUTH-V11";
  client_case(g, is, "did missing", r, NULL, (const edit[]){{"did", NULL}, {NULL, NULL}},
              "invalid:AUTH-V11");
  client_case(g, is, "did empty", r, NULL, (const edit[]){{"did", "\"\""}, {NULL, NULL}},
              "invalid:AUTH-V11");
  client_case(g, is, "did a number", r, NULL, (const edit[]){{"did", "42"}, {NULL, NULL}},
              "invalid:AUTH-V11");
  daemon_case(g, is, "daemon token, did missing", r, NULL,
              (const edit[]){{"did", NULL}, {NULL, NULL}}, "invalid:AUTH-V11");
  daemon_case(g, is, "daemon token, did null", r, NULL,
              (const edit[]){{"did", "null"}, {NULL, NULL}}, "invalid:AUTH-V11");
  /* 12: client sub and sid */
  r = "AUTH-V12";
  client_case(g, is, "client token without sub", r, NULL,
              (const edit[]){{"sub", NULL}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sub empty", r, NULL, (const edit[]){{"sub", "\"\""}, {NULL, NULL}},
              "invalid:AUTH-V12");
  client_case(g, is, "client sub a number", r, NULL, (const edit[]){{"sub", "42"}, {NULL, NULL}},
              "invalid:AUTH-V12");
  client_case(g, is, "client sid missing", r, NULL, (const edit[]){{"sid", NULL}, {NULL, NULL}},
              "invalid:AUTH-V12");
  client_case(g, is, "client sid empty", "AUTH-V12 AUTH-010", NULL,
              (const edit[]){{"sid", "\"\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid padded \"AAALOnPOL_I=\"", "AUTH-V12 AUTH-010", "E-AUTH-4",
              (const edit[]){{"sid", "\"AAALOnPOL_I=\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid zero \"AAAAAAAAAAA\"", "AUTH-V12 AUTH-011", NULL,
              (const edit[]){{"sid", "\"AAAAAAAAAAA\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid of 9 bytes (12 characters)", "AUTH-V12 AUTH-010", NULL,
              (const edit[]){{"sid", "\"AAAAAAAAAAAB\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid of 7 bytes (10 characters)", "AUTH-V12 AUTH-010", NULL,
              (const edit[]){{"sid", "\"AAAAAAAAAQ\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid non-canonical \"AAAAAAAAAAF\"", "AUTH-V12 AUTH-010", "E-AUTH-4",
              (const edit[]){{"sid", "\"AAAAAAAAAAF\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid with '+' (standard alphabet)", "AUTH-V12 AUTH-010", "E-AUTH-4",
              (const edit[]){{"sid", "\"AAAAA+AAAAE\""}, {NULL, NULL}}, "invalid:AUTH-V12");
  client_case(g, is, "client sid a number (12345)", r, NULL,
              (const edit[]){{"sid", "12345"}, {NULL, NULL}}, "invalid:AUTH-V12");
  /* 13: region */
  r = "AUTH-V13";
  verify_case(g, is, "region of another relay", r, NULL,
              client_with(g, is, (const edit[]){{"region", "\"us-east-1\""}, {NULL, NULL}}),
              REGIONAL, "invalid:AUTH-V13");
  verify_case(g, is, "region differs in case", r, NULL,
              client_with(g, is, (const edit[]){{"region", "\"EU-WEST-1\""}, {NULL, NULL}}),
              REGIONAL, "invalid:AUTH-V13");
  verify_case(g, is, "region claim on a relay without a region", r, "E-AUTH-6",
              client_with(g, is, (const edit[]){{"region", "\"" REGION "\""}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V13");
  verify_case(g, is, "region null", r, "E-AUTH-7",
              client_with(g, is, (const edit[]){{"region", "null"}, {NULL, NULL}}), REGIONAL,
              "invalid:AUTH-V13");
  verify_case(g, is, "daemon token of another region", r, NULL,
              daemon_with(g, is, (const edit[]){{"region", "\"us-east-1\""}, {NULL, NULL}}),
              REGIONAL, "invalid:AUTH-V13");
  /* 14: client TTL */
  r = "AUTH-V14";
  client_case(g, is, "client TTL 300 s: the limit (passes with a warning)", r, "E-AUTH-11",
              (const edit[]){{"exp", "1750000290"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client TTL 301 s: one over", r, NULL,
              (const edit[]){{"exp", "1750000291"}, {NULL, NULL}}, "invalid:AUTH-V14");
  client_case(g, is, "client TTL 300.5 s", r, "E-AUTH-7",
              (const edit[]){{"exp", "1750000290.5"}, {NULL, NULL}}, "invalid:AUTH-V14");
  client_case(g, is, "client TTL 121 s: over the SHOULD, warning only", r, "E-AUTH-11",
              (const edit[]){{"exp", "1750000111"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client TTL 120 s: no warning", r, NULL,
              (const edit[]){{"exp", "1750000110"}, {NULL, NULL}}, "valid");
  client_case(g, is, "client TTL 1 h (a presence-token lifetime)", r, NULL,
              (const edit[]){{"exp", "1750003590"}, {NULL, NULL}}, "invalid:AUTH-V14");
  /* 15: scp */
  r = "AUTH-V15";
  client_case(g, is, "scp a string, not an array", r, NULL,
              (const edit[]){{"scp", "\"session:create\""}, {NULL, NULL}}, "invalid:AUTH-V15");
  client_case(g, is, "scp array holding a number", r, NULL,
              (const edit[]){{"scp", "[\"session:create\",1]"}, {NULL, NULL}}, "invalid:AUTH-V15");
  client_case(g, is, "scp null", r, "E-AUTH-7", (const edit[]){{"scp", "null"}, {NULL, NULL}},
              "invalid:AUTH-V15");
  daemon_case(g, is, "daemon scp an object", r, NULL,
              (const edit[]){{"scp", "{\"session:resume\":true}"}, {NULL, NULL}},
              "invalid:AUTH-V15");
  /* 16: lim */
  r = "AUTH-V16";
  client_case(g, is, "lim.concurrent_sessions 0", r, NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":0}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim.concurrent_sessions -1", r, NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":-1}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim.concurrent_sessions 1.5", r, NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":1.5}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim.concurrent_sessions 0.999", r, NULL,
              (const edit[]){{"lim", "{\"concurrent_sessions\":0.999}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim.concurrent_sessions \"2\" (a string)", r, "E-AUTH-5",
              (const edit[]){{"lim", "{\"concurrent_sessions\":\"2\"}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim.concurrent_sessions null", r, "E-AUTH-7",
              (const edit[]){{"lim", "{\"concurrent_sessions\":null}"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim 5: not an object", r, "E-AUTH-5",
              (const edit[]){{"lim", "5"}, {NULL, NULL}}, "invalid:AUTH-V16");
  client_case(g, is, "lim an array", r, "E-AUTH-5", (const edit[]){{"lim", "[1]"}, {NULL, NULL}},
              "invalid:AUTH-V16");
  client_case(g, is, "lim null", r, "E-AUTH-5 E-AUTH-7",
              (const edit[]){{"lim", "null"}, {NULL, NULL}}, "invalid:AUTH-V16");
  /* The endpoint expects the other role: reported as step 10 after step 16. */
  verify_case(g, is, "client token at a daemon endpoint", "AUTH-V10", "E-AUTH-10",
              client_with(g, is, NO_EDITS), ((relay){NULL, "daemon", -1, NULL}),
              "invalid:AUTH-V10");
  verify_case(g, is, "daemon token at a client endpoint", "AUTH-V10", "E-AUTH-10",
              daemon_with(g, is, NO_EDITS), ((relay){NULL, "client", -1, NULL}),
              "invalid:AUTH-V10");
}

/* Duplicate names: the last one counts (E-AUTH-7). */
static void tokens_duplicates(sbv_gen *g, const issuer *is) {
  cJSON *c = base_claims(CLIENT);
  cJSON_AddItemToObject(c, "aud", cJSON_CreateString("other"));
  char *ct = sb_json_print(c);
  const char *hdr = "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}";
  verify_case(g, is, "aud twice, the last \"other\": the last one counts", "AUTH-V05", "E-AUTH-7",
              sign_texts(g, hdr, ct, &is->a), ANY_RELAY, "invalid:AUTH-V05");
  cJSON_free(ct);
  cJSON_Delete(c);
  c = base_claims(CLIENT);
  ct = sb_json_print(c);
  verify_case(g, is, "typ twice in the header, the last \"JWT\"", "AUTH-V02", "E-AUTH-7",
              sign_texts(g,
                         "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A
                         "\",\"typ\":\"JWT\"}",
                         ct, &is->a),
              ANY_RELAY, "invalid:AUTH-V02");
  cJSON_free(ct);
  cJSON_Delete(c);
}

/* Two faults at once: the earlier step is reported. */
static void tokens_order(sbv_gen *g, const issuer *is) {
  char *tok = client_of_length(g, is, 4097);
  char *sig = strrchr(tok, '.') + 1;
  sig[0] = sig[0] == 'A' ? 'B' : 'A'; /* same length, another signature */
  verify_case(g, is, "4097 characters and a bad signature: step 1", "AUTH-V01 AUTH-V04", NULL, tok,
              ANY_RELAY, "invalid:AUTH-V01");
  verify_case(g, is, "typ wrong and kid missing: step 2", "AUTH-V02 AUTH-V03", NULL,
              header_with(g, is, (const edit[]){{"typ", "\"JWT\""}, {"kid", NULL}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V02");
  verify_case(g, is, "kid missing and alg HS256: step 3", "AUTH-V03 AUTH-V04", "E-AUTH-8",
              header_with(g, is, (const edit[]){{"kid", NULL}, {"alg", "\"HS256\""}, {NULL, NULL}}),
              ANY_RELAY, "invalid:AUTH-V03");
  verify_case(
      g, is, "signed by the other key and aud wrong: step 4", "AUTH-V04 AUTH-V05", NULL,
      mint_with(g, &is->b, CLIENT, NO_EDITS, (const edit[]){{"aud", "\"other\""}, {NULL, NULL}}),
      ANY_RELAY, "invalid:AUTH-V04");
  client_case(g, is, "aud wrong and ver 2 (steps 5 and 9): step 5", "AUTH-V05 AUTH-V09", NULL,
              (const edit[]){{"aud", "\"other\""}, {"ver", "2"}, {NULL, NULL}}, "invalid:AUTH-V05");
  client_case(g, is, "iss wrong and exp missing: step 6", "AUTH-V06 AUTH-V07", NULL,
              (const edit[]){{"iss", "\"x\""}, {"exp", NULL}, {NULL, NULL}}, "invalid:AUTH-V06");
  client_case(g, is, "iat a string and expired: step 7", "AUTH-V07 AUTH-V08", NULL,
              (const edit[]){{"iat", "\"0\""}, {"exp", "1000"}, {NULL, NULL}}, "invalid:AUTH-V07");
  client_case(
      g, is, "expired and ver 2: step 8", "AUTH-V08 AUTH-V09", NULL,
      (const edit[]){{"exp", "1749999000"}, {"iat", "1749998990"}, {"ver", "2"}, {NULL, NULL}},
      "invalid:AUTH-V08");
  client_case(g, is, "ver 2 and role missing: step 9", "AUTH-V09 AUTH-V10", NULL,
              (const edit[]){{"ver", "2"}, {"role", NULL}, {NULL, NULL}}, "invalid:AUTH-V09");
  client_case(g, is, "role missing and did missing: step 10", "AUTH-V10 AUTH-V11", NULL,
              (const edit[]){{"role", NULL}, {"did", NULL}, {NULL, NULL}}, "invalid:AUTH-V10");
  client_case(g, is, "did empty and sid zero: step 11", "AUTH-V11 AUTH-V12", NULL,
              (const edit[]){{"did", "\"\""}, {"sid", "\"AAAAAAAAAAA\""}, {NULL, NULL}},
              "invalid:AUTH-V11");
  verify_case(
      g, is, "sub missing and region wrong: step 12", "AUTH-V12 AUTH-V13", NULL,
      client_with(g, is, (const edit[]){{"sub", NULL}, {"region", "\"us-east-1\""}, {NULL, NULL}}),
      REGIONAL, "invalid:AUTH-V12");
  verify_case(
      g, is, "region wrong and TTL 301 s: step 13", "AUTH-V13 AUTH-V14", NULL,
      client_with(g, is,
                  (const edit[]){{"region", "\"us-east-1\""}, {"exp", "1750000291"}, {NULL, NULL}}),
      REGIONAL, "invalid:AUTH-V13");
  client_case(g, is, "TTL 301 s and scp a string: step 14", "AUTH-V14 AUTH-V15", NULL,
              (const edit[]){{"exp", "1750000291"}, {"scp", "\"x\""}, {NULL, NULL}},
              "invalid:AUTH-V14");
  client_case(g, is, "scp [1] and lim 0: step 15", "AUTH-V15 AUTH-V16", NULL,
              (const edit[]){{"scp", "[1]"}, {"lim", "{\"concurrent_sessions\":0}"}, {NULL, NULL}},
              "invalid:AUTH-V15");
  verify_case(
      g, is, "lim 0 at an endpoint of the other role: step 16 before the role", "AUTH-V16 AUTH-V10",
      "E-AUTH-10",
      client_with(g, is, (const edit[]){{"lim", "{\"concurrent_sessions\":0}"}, {NULL, NULL}}),
      ((relay){NULL, "daemon", -1, NULL}), "invalid:AUTH-V16");
  /* Every claim step broken at once. */
  tok = client_with(g, is,
                    (const edit[]){{"aud", "[]"},
                                   {"iss", "\"x\""},
                                   {"iat", "\"x\""},
                                   {"exp", "\"x\""},
                                   {"ver", "3"},
                                   {"role", "\"root\""},
                                   {"did", "\"\""},
                                   {"sub", NULL},
                                   {"sid", "\"AAAAAAAAAAA\""},
                                   {"region", "\"mars-1\""},
                                   {"scp", "7"},
                                   {"lim", "{\"concurrent_sessions\":0}"},
                                   {NULL, NULL}});
  verify_case(g, is, "steps 5 to 16 all broken: step 5",
              "AUTH-V05 AUTH-V06 AUTH-V07 AUTH-V08 AUTH-V09 AUTH-V10 AUTH-V11 AUTH-V12 AUTH-V13 "
              "AUTH-V14 AUTH-V15 AUTH-V16",
              NULL, tok, REGIONAL, "invalid:AUTH-V05");
  verify_case(g, is, "bad signature over undecodable claims: the signature (step 4)", "AUTH-V04",
              "E-AUTH-1",
              sign_texts(g, "{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_B "\"}",
                         "not json", &is->a),
              ANY_RELAY, "invalid:AUTH-V04");
}

static void gen_tokens(sbv_gen *g) {
  issuer is;
  sbv_gen_file(g, "auth-tokens.json", "auth",
               "Relay token verification: the 16 ordered steps of auth.md section 6, each failing "
               "alone and in pairs");
  token_notes(g);
  if (!issuer_init(g, &is)) {
    sbv_gen_error(g, "cannot set up the issuer keys");
    sbv_gen_end(g);
    issuer_free(&is);
    return;
  }
  sbv_gen_group(g, "auth.token.verify");
  tokens_valid(g, &is);
  tokens_step1(g, &is);
  tokens_step2(g, &is);
  tokens_step3_4(g, &is);
  tokens_claims(g, &is);
  tokens_duplicates(g, &is);
  tokens_order(g, &is);
  sbv_gen_end(g);
  issuer_free(&is);
}

/* auth-peek.json: what the SDKs read from a token without verifying it
 * (auth.md section 8): the client its `sid`, the daemon its `did`. */
static void peek_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                      char *token, const char *field, const char *mode, const char *expected_did,
                      const char *expect) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "token", token);
  cJSON_AddStringToObject(in, "field", field);
  if (mode) cJSON_AddStringToObject(in, "mode", mode);
  if (expected_did) cJSON_AddStringToObject(in, "expectedDid", expected_did);
  sbv_gen_case(g, comment, reqs, flags, in, expect);
  free(token);
}

/* header.claims.signature from texts, the signature not checked by a peek. */
static char *unsigned_token(const char *claims) {
  char *h = b64("{\"alg\":\"EdDSA\",\"typ\":\"sbrp-relay+jwt\",\"kid\":\"" KID_A "\"}");
  char *c = b64(claims);
  size_t n = strlen(h) + strlen(c) + 16;
  char *t = malloc(n);
  snprintf(t, n, "%s.%s.c2lnbmF0dXJl", h, c);
  free(h);
  free(c);
  return t;
}

static void gen_peek(sbv_gen *g) {
  issuer is;
  if (!issuer_init(g, &is)) return;
  sbv_gen_file(g, "auth-peek.json", "auth",
               "What the SDKs read from a token without verifying it: the client's sid, the daemon's did");
  sbv_gen_note(g, "E-AUTH-4",
               "the SDK's atob tolerates padding and non-canonical sid; the documents want 11 canonical characters",
               "upstream");
  sbv_gen_group(g, "auth.token.peek");
  peek_case(g, "client reads sid from its session token", "AUTH-060 AUTH-012", NULL,
            client_with(g, &is, NO_EDITS), "sid", NULL, NULL, "valid");
  peek_case(g, "the signature is not checked by the client (it never sees the JWKS)", "AUTH-060",
            NULL, unsigned_token("{\"role\":\"client\",\"sid\":\"AAAAAAAAAAE\"}"), "sid", NULL,
            NULL, "valid");
  peek_case(g, "no sid claim: handshake_failed", "AUTH-060", NULL,
            client_with(g, &is, (const edit[]){{"sid", NULL}, {NULL, NULL}}), "sid", NULL, NULL,
            "invalid:handshake_failed");
  peek_case(g, "sid is a number: handshake_failed", "AUTH-060", NULL,
            client_with(g, &is, (const edit[]){{"sid", "12345"}, {NULL, NULL}}), "sid", NULL, NULL,
            "invalid:handshake_failed");
  peek_case(g, "sid empty: handshake_failed", "AUTH-060", NULL,
            client_with(g, &is, (const edit[]){{"sid", "\"\""}, {NULL, NULL}}), "sid", NULL, NULL,
            "invalid:handshake_failed");
  peek_case(g, "sid decodes to zero: handshake_failed", "AUTH-060 AUTH-011", NULL,
            client_with(g, &is, (const edit[]){{"sid", "\"AAAAAAAAAAA\""}, {NULL, NULL}}), "sid",
            NULL, NULL, "invalid:handshake_failed");
  peek_case(g, "sid of 9 bytes: handshake_failed", "AUTH-060 AUTH-010", NULL,
            client_with(g, &is, (const edit[]){{"sid", "\"AAAAAAAAAAAB\""}, {NULL, NULL}}), "sid",
            NULL, NULL, "invalid:handshake_failed");
  peek_case(g, "padded sid, strict reading: handshake_failed", "AUTH-060 AUTH-010", "E-AUTH-4",
            client_with(g, &is, (const edit[]){{"sid", "\"AAAAAAAAAAE=\""}, {NULL, NULL}}), "sid",
            "strict", NULL, "invalid:handshake_failed");
  peek_case(g, "padded sid, the SDK's reading re-pads and accepts it", "AUTH-062", NULL,
            client_with(g, &is, (const edit[]){{"sid", "\"AAAAAAAAAAE=\""}, {NULL, NULL}}), "sid",
            "sdk", NULL, "valid");
  peek_case(g, "two segments: handshake_failed", "AUTH-060 AUTH-001", NULL, strdup("eyJhIjoxfQ.eyJiIjoxfQ"),
            "sid", NULL, NULL, "invalid:handshake_failed");
  peek_case(g, "claims segment not JSON: handshake_failed", "AUTH-060", NULL,
            strdup("eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln"), "sid", NULL, NULL,
            "invalid:handshake_failed");
  peek_case(g, "daemon reads did from its presence token", "AUTH-061", NULL,
            daemon_with(g, &is, NO_EDITS), "did", NULL, NULL, "valid");
  peek_case(g, "daemon ID given at startup equals did", "AUTH-061", NULL, daemon_with(g, &is, NO_EDITS),
            "did", NULL, DID, "valid");
  peek_case(g, "daemon ID given at startup differs from did: 400", "AUTH-061", NULL,
            daemon_with(g, &is, NO_EDITS), "did", NULL, "d_other", "invalid:CloudApiError(400)");
  peek_case(g, "presence token without did: 400", "AUTH-061", NULL,
            daemon_with(g, &is, (const edit[]){{"did", NULL}, {NULL, NULL}}), "did", NULL, NULL,
            "invalid:CloudApiError(400)");
  peek_case(g, "did empty: 400", "AUTH-061", NULL,
            daemon_with(g, &is, (const edit[]){{"did", "\"\""}, {NULL, NULL}}), "did", NULL, NULL,
            "invalid:CloudApiError(400)");
  peek_case(g, "did not a string: 400", "AUTH-061", NULL,
            daemon_with(g, &is, (const edit[]){{"did", "7"}, {NULL, NULL}}), "did", NULL, NULL,
            "invalid:CloudApiError(400)");
  sbv_gen_end(g);
  issuer_free(&is);
}

void sbv_gen_auth(sbv_gen *g) {
  gen_sid(g);
  gen_tokens(g);
  gen_peek(g);
}

/* ==== peer-backoff.json ===================================================== */

typedef struct policy {
  double initial_ms, max_ms, jitter;
} policy;

#define DEFAULTS ((policy){1000, 30000, 0.2})
#define SIDECAR ((policy){1000, 60000, 0.1})

static void backoff_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                         policy p, double attempt, double r) {
  cJSON *in = cJSON_CreateObject();
  cJSON *po = cJSON_AddObjectToObject(in, "policy");
  cJSON_AddNumberToObject(po, "initialMs", p.initial_ms);
  cJSON_AddNumberToObject(po, "maxMs", p.max_ms);
  cJSON_AddNumberToObject(po, "jitter", p.jitter);
  cJSON_AddNumberToObject(in, "attempt", attempt);
  cJSON_AddNumberToObject(in, "random", r);
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

/* The cases of ref/testdata/upstream/upstream-backoff.json (the upstream
 * runtime's calculateBackoff with Math.random stubbed). */
static const struct {
  const char *name;
  policy p;
  double r;
  int attempts[10];
  int n;
} upstream_backoff[] = {
    {"default_policy_random_0.5_(zero_jitter)",
     {1000, 30000, 0.2},
     0.5,
     {0, 1, 2, 3, 4, 5, 6, 7},
     8},
    {"default_policy_random_0_(min)", {1000, 30000, 0.2}, 0, {0, 1, 2, 3, 4, 5, 6, 7}, 8},
    {"default_policy_random_0.999999", {1000, 30000, 0.2}, 0.999999, {0, 1, 2, 3, 4, 5, 6, 7}, 8},
    {"default_policy_random_0.25", {1000, 30000, 0.2}, 0.25, {0, 1, 2, 3, 4, 5, 6, 7}, 8},
    {"jitter_0_policy", {1000, 30000, 0}, 0.123, {0, 1, 2, 3, 4, 5, 6, 7}, 8},
    {"custom_100ms_max_5000_jitter_0.5_r0.9",
     {100, 5000, 0.5},
     0.9,
     {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
     10},
    {"rounding_half_initial_1.5_no_jitter", {1.5, 100, 0}, 0.5, {0, 1, 2, 3}, 4},
    {"jitter_over_1_clamped_at_0", {1000, 30000, 2}, 0, {0, 1, 2}, 3},
    {"large_attempt_capped", {1000, 30000, 0.2}, 0.5, {50, 1000, 1100}, 3},
};

static void retry_case(sbv_gen *g, const char *comment, const char *reqs, const char *mode,
                       double max_attempts, double retries, bool fatal) {
  cJSON *in = cJSON_CreateObject();
  cJSON *p = cJSON_AddObjectToObject(in, "policy");
  cJSON_AddStringToObject(p, "mode", mode);
  cJSON_AddNumberToObject(p, "maxAttempts", max_attempts);
  cJSON_AddNumberToObject(in, "retriesSoFar", retries);
  if (fatal) cJSON_AddBoolToObject(in, "fatal", true);
  sbv_gen_case(g, comment, reqs, NULL, in, "valid");
}

void sbv_gen_peer(sbv_gen *g) {
  char comment[160];
  sbv_gen_file(g, "peer-backoff.json", "peer",
               "Reconnection delay: max(0, round(B + (2r-1)*B*jitter)), B = min(initial*2^attempt, "
               "max), round = JavaScript Math.round");
  sbv_gen_note(g, "E-AUTH-14",
               "upstream computes 0 * 2^attempt as 0 * Infinity = NaN for attempt >= 1024; the "
               "formula's value, 0, is expected",
               "upstream");
  sbv_gen_group(g, "peer.backoff");
  /* Every upstream case; the first three are also the documented defaults
   * (1 s to 30 s, jitter 0.2) at r = 0.5, 0 and 0.999999. */
  for (size_t i = 0; i < sizeof upstream_backoff / sizeof upstream_backoff[0]; i++) {
    for (int k = 0; k < upstream_backoff[i].n; k++) {
      snprintf(comment, sizeof comment, "upstream backoff/%s attempt %d", upstream_backoff[i].name,
               upstream_backoff[i].attempts[k]);
      backoff_case(g, comment, i < 4 ? "PEER-RETRY-002 PEER-RETRY-006" : "PEER-RETRY-002", NULL,
                   upstream_backoff[i].p, upstream_backoff[i].attempts[k], upstream_backoff[i].r);
    }
  }
  /* Sidecar-style policy (1 s to 60 s, jitter 0.1): a project preset. */
  static const double sidecar_r[] = {0, 0.5, 0.999999};
  for (int a = 0; a <= 7; a++)
    for (size_t j = 0; j < 3; j++) {
      if (a % 2 && j != 1) continue; /* odd attempts at the centre only */
      snprintf(comment, sizeof comment, "sidecar policy (1 s..60 s, jitter 0.1): attempt %d, r %g",
               a, sidecar_r[j]);
      backoff_case(g, comment, "PEER-RETRY-002", NULL, SIDECAR, a, sidecar_r[j]);
    }
  backoff_case(g, "sidecar policy: attempt 5 at r 0.999999 (32 s + 10 %, under the cap)",
               "PEER-RETRY-002", NULL, SIDECAR, 5, 0.999999);
  backoff_case(g, "sidecar policy: attempt 40, capped", "PEER-RETRY-002", NULL, SIDECAR, 40, 0.25);

  /* Cap boundaries of the defaults: 16 s, then 32 s capped to 30 s. */
  backoff_case(g, "defaults: attempt 4 is 16 s, under the cap", "PEER-RETRY-002 PEER-RETRY-006",
               NULL, DEFAULTS, 4, 0.5);
  backoff_case(g, "max exactly initial*2^attempt (8 s cap, attempt 3)", "PEER-RETRY-002", NULL,
               ((policy){1000, 8000, 0}), 3, 0.5);
  backoff_case(g, "max one below initial*2^attempt (7999 ms cap, attempt 3)", "PEER-RETRY-002",
               NULL, ((policy){1000, 7999, 0}), 3, 0.5);
  backoff_case(g, "max below initial: attempt 0 already capped", "PEER-RETRY-002", NULL,
               ((policy){1000, 500, 0}), 0, 0.5);

  /* Math.round: halves go up, also below zero. */
  backoff_case(g, "2.5 rounds to 3 (B 2, jitter 0.5, r 0.75)", "PEER-RETRY-006", NULL,
               ((policy){2, 100, 0.5}), 0, 0.75);
  backoff_case(g, "1.5 rounds to 2 (B 2, jitter 0.5, r 0.25)", "PEER-RETRY-006", NULL,
               ((policy){2, 100, 0.5}), 0, 0.25);
  backoff_case(g, "0.5 rounds to 1 (initial 0.5, no jitter)", "PEER-RETRY-006", NULL,
               ((policy){0.5, 100, 0}), 0, 0.5);
  backoff_case(g, "1.25 rounds to 1 (B 1, jitter 0.5, r 0.75)", "PEER-RETRY-006", NULL,
               ((policy){1, 100, 0.5}), 0, 0.75);
  backoff_case(g, "-0.5 rounds to -0, clamped to 0 (B 1, jitter 1.5, r 0)", "PEER-RETRY-006", NULL,
               ((policy){1, 100, 1.5}), 0, 0);
  backoff_case(g, "-1.5 rounds to -1, clamped to 0 (B 3, jitter 1.5, r 0)", "PEER-RETRY-006", NULL,
               ((policy){3, 100, 1.5}), 0, 0);
  backoff_case(g, "fractional initial 2.5, attempt 2: B = 10", "PEER-RETRY-002 PEER-RETRY-006",
               NULL, ((policy){2.5, 100, 0}), 2, 0.5);
  backoff_case(g, "jitter 1 at r 0: exactly 0", "PEER-RETRY-006", NULL, ((policy){1000, 30000, 1}),
               2, 0);

  /* No jitter: r does not matter. */
  static const double any_r[] = {0, 0.3, 0.999999};
  for (size_t j = 0; j < 3; j++) {
    snprintf(comment, sizeof comment, "jitter 0: attempt 2 is 4 s at r %g", any_r[j]);
    backoff_case(g, comment, "PEER-RETRY-002", NULL, ((policy){1000, 30000, 0}), 2, any_r[j]);
  }
  backoff_case(g, "initial 0: every delay 0", "PEER-RETRY-002", NULL, ((policy){0, 30000, 0.2}), 5,
               0.999999);

  /* Huge attempts saturate at max. */
  static const double huge[] = {30, 31, 32, 53, 63, 64, 1023, 1024, 1075, 4294967295.0};
  for (size_t j = 0; j < sizeof huge / sizeof huge[0]; j++) {
    snprintf(comment, sizeof comment, "defaults: attempt %.0f is capped at 30 s", huge[j]);
    backoff_case(g, comment, "PEER-RETRY-002 PEER-RETRY-006", NULL, DEFAULTS, huge[j], 0.5);
  }
  backoff_case(g, "defaults: attempt 2^32-1 at r 0 (24 s)", "PEER-RETRY-002 PEER-RETRY-006", NULL,
               DEFAULTS, 4294967295.0, 0);
  backoff_case(g, "initial 0 at attempt 1024: 0, not NaN", "PEER-RETRY-002", "E-AUTH-14",
               ((policy){0, 30000, 0.2}), 1024, 0.5);
  backoff_case(g, "initial 0 at attempt 2^32-1: 0", "PEER-RETRY-002", "E-AUTH-14",
               ((policy){0, 30000, 0.2}), 4294967295.0, 0.5);
  sbv_gen_group(g, "peer.retry");
  retry_case(g, "default mode never: no retry even after a retryable error", "PEER-RETRY-001",
             "never", 5, 0, false);
  retry_case(g, "on-error, no retry yet: retry", "PEER-RETRY-001 PEER-RETRY-003", "on-error", 5, 0, false);
  retry_case(g, "maxAttempts 5 counts retries only: the 5th retry is allowed", "PEER-RETRY-003",
             "on-error", 5, 4, false);
  retry_case(g, "maxAttempts 5: after 5 retries (6 attempts) stop", "PEER-RETRY-003", "on-error", 5, 5,
             false);
  retry_case(g, "maxAttempts 0 means unlimited", "PEER-RETRY-003", "on-error", 0, 4294967295.0, false);
  retry_case(g, "maxAttempts 1: one retry", "PEER-RETRY-003", "on-error", 1, 0, false);
  retry_case(g, "maxAttempts 1: no second retry", "PEER-RETRY-003", "on-error", 1, 1, false);
  retry_case(g, "a fatal error ends the session whatever the policy", "PEER-RETRY-005", "on-error", 0, 0,
             true);
  retry_case(g, "fatal with mode never: no retry", "PEER-RETRY-005", "never", 0, 0, true);
  sbv_gen_end(g);
}
