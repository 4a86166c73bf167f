/*
 * Relay tokens (auth.md): compact JWS signed with EdDSA (Ed25519), the JWKS
 * that carries the control plane's public keys, the relay's 16 ordered
 * validation steps (AUTH-V01..V16), minting (what the control plane does, so
 * the simulator and tests can issue tokens, broken ones included), and the
 * SDKs' unverified peeks at `sid` and `did`.
 *
 * Memory: minting and JWKS handling write into caller buffers. Verification
 * parses JSON with cJSON, which allocates; a successful verify hands the tree
 * to the claims struct, released by sb_auth_claims_free. Strings in the
 * claims point into that tree. Nothing here reads a clock: `now` is an
 * argument.
 */
#ifndef SB_AUTH_TOKEN_H
#define SB_AUTH_TOKEN_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_AUTH_TOKEN_MAX_CHARS 4096 /* AUTH-001, step 1 */
#define SB_AUTH_TYP "sbrp-relay+jwt" /* AUTH-002 */
#define SB_AUTH_ALG "EdDSA"          /* AUTH-004 */
#define SB_AUTH_AUDIENCE "sideband-relay"
#define SB_AUTH_SCOPE_SESSION_CREATE "session:create"
#define SB_AUTH_SCOPE_SESSION_RESUME "session:resume"
#define SB_AUTH_MAX_SKEW_S 30          /* step 8: allowance is at most 30 s */
#define SB_AUTH_CLIENT_TTL_MAX_S 300   /* step 14: hard limit */
#define SB_AUTH_CLIENT_TTL_WARN_S 120  /* step 14: warning above this */
#define SB_AUTH_KID_MAX 255            /* longest kid a JWK may carry here (bytes) */
#define SB_AUTH_ED25519_SEED_BYTES 32
#define SB_AUTH_ED25519_PUBLIC_BYTES 32
#define SB_AUTH_ED25519_SIG_BYTES 64

/* Token role (`role` claim); NONE means "omit" when minting and "either"
 * for the endpoint role a verifier expects. */
typedef enum sb_auth_role {
  SB_AUTH_ROLE_NONE = 0,
  SB_AUTH_ROLE_CLIENT,
  SB_AUTH_ROLE_DAEMON,
} sb_auth_role;

/* ---- keys ---------------------------------------------------------------- */

/* An issuer's Ed25519 key pair (libsodium layout: sk = seed || public). */
typedef struct sb_auth_signing_key {
  uint8_t sk[64];
  uint8_t pk[SB_AUTH_ED25519_PUBLIC_BYTES];
} sb_auth_signing_key;

/* Derive the key pair from a 32-byte seed (deterministic).
 * SB_ERR_ARG on NULL, SB_ERR_CRYPTO if libsodium fails. */
SB_NODISCARD int sb_auth_signing_key_from_seed(sb_auth_signing_key *key, const uint8_t *seed);

/* One usable JWKS entry: an OKP/Ed25519 public key selected by `kid`. */
typedef struct sb_auth_jwk {
  char kid[SB_AUTH_KID_MAX + 1];
  uint8_t x[SB_AUTH_ED25519_PUBLIC_BYTES];
  bool alg_eddsa; /* the JWK declares "alg":"EdDSA" (AUTH-004 SHOULD) */
} sb_auth_jwk;

/* Parse a JWKS document {"keys":[...]} into `keys[0..cap)`; `*count` gets the
 * number kept. Kept: kty "OKP", crv "Ed25519", string kid, x = 32 bytes of
 * unpadded base64url, use absent or "sig", alg absent or "EdDSA". Other
 * entries are skipped (another key type, or nothing EdDSA can use).
 * Errors: SB_ERR_JSON (not JSON, or no "keys" array), SB_ERR_RANGE (a kid
 * longer than SB_AUTH_KID_MAX), SB_ERR_EXISTS (two kept keys share a kid),
 * SB_ERR_FULL (more than `cap` keys), SB_ERR_NOMEM. */
SB_NODISCARD int sb_auth_jwks_parse(const uint8_t *json, size_t len, sb_auth_jwk *keys,
                                    size_t cap, size_t *count);

/* Write the JWKS of `keys[0..n)` as compact JSON (NUL-terminated), entries
 * {"kty":"OKP","crv":"Ed25519","kid":..,"x":..[,"alg":"EdDSA"]}.
 * `*out_len` gets the length (or the length needed, with SB_ERR_BUF). */
SB_NODISCARD int sb_auth_jwks_format(const sb_auth_jwk *keys, size_t n, char *out,
                                     size_t out_cap, size_t *out_len);

/* ---- minting --------------------------------------------------------------- */

/* Claims to mint. NULL strings, role NONE, ver 0, sid 0, scp NULL and
 * lim_concurrent_sessions 0 leave the claim out; exp and iat are always
 * written. Key order: iss aud exp iat jti ver sub role did sid scp region lim. */
typedef struct sb_auth_mint_claims {
  const char *iss;
  const char *const *aud; /* aud_count strings */
  size_t aud_count;
  bool aud_as_string; /* write "aud":"x" instead of ["x"] (needs aud_count 1) */
  int64_t exp, iat;
  const char *jti;
  int ver;
  const char *sub;
  sb_auth_role role;
  const char *did;
  uint64_t sid; /* written as its 11-character base64url form */
  const char *const *scp;
  size_t scp_count;
  const char *region;
  uint64_t lim_concurrent_sessions;
} sb_auth_mint_claims;

/* Mint a token: header exactly {"alg":"EdDSA","typ":"sbrp-relay+jwt","kid":K},
 * the claims above, Ed25519 signature. Writes the NUL-terminated token;
 * `*out_len` gets its length (or the length needed, with SB_ERR_BUF).
 * SB_ERR_ARG on NULL or aud_as_string with aud_count != 1. */
SB_NODISCARD int sb_auth_token_mint(const sb_auth_mint_claims *claims, const char *kid,
                                    const sb_auth_signing_key *key, char *out, size_t out_cap,
                                    size_t *out_len);

/* Mint from caller-given header and payload texts (any bytes, valid JSON or
 * not): base64url(header) "." base64url(payload) "." signature. For tokens
 * that are wrong on purpose. Same output convention as sb_auth_token_mint. */
SB_NODISCARD int sb_auth_token_mint_raw(const uint8_t *header, size_t header_len,
                                        const uint8_t *payload, size_t payload_len,
                                        const sb_auth_signing_key *key, char *out,
                                        size_t out_cap, size_t *out_len);

/* Sign an already-encoded signing input (any text, e.g. segments that are
 * not base64url): writes input "." base64url(Ed25519(input)). */
SB_NODISCARD int sb_auth_token_sign(const char *input, size_t input_len,
                                    const sb_auth_signing_key *key, char *out, size_t out_cap,
                                    size_t *out_len);

/* ---- verification ------------------------------------------------------------ */

typedef struct sb_auth_verify_opts {
  const char *issuer; /* step 6: the configured issuer (required) */
  const char *region; /* step 13: the relay's region, NULL if it has none */
  int64_t now_s;      /* step 8: current Unix time in seconds */
  int skew_s;         /* step 8: allowance, 0..SB_AUTH_MAX_SKEW_S */
  sb_auth_role expect_role; /* after step 16: the endpoint's role, NONE = any */
  bool jwk_alg_optional;    /* accept JWKs without "alg" (relaxes AUTH-004 SHOULD) */
} sb_auth_verify_opts;

/* Defaults: skew SB_CONFIG_AUTH_DEFAULT_SKEW_S, no region, any role, JWK alg
 * required. */
void sb_auth_verify_opts_init(sb_auth_verify_opts *opts, const char *issuer, int64_t now_s);

/* What a verified token grants. Absent optional claims: NULL / has_* false. */
typedef struct sb_auth_claims {
  const char *iss;
  const char **aud; /* normalised to an array (AUTH-V05) */
  size_t aud_count;
  double exp, iat;
  const char *jti; /* never validated (AUTH-041); NULL unless a string */
  bool has_ver;
  const char *sub; /* NULL unless a string (checked for clients only) */
  sb_auth_role role;
  const char *did;
  bool has_sid; /* client tokens */
  uint64_t sid;
  bool has_scp;
  const char **scp; /* every scope, unknown ones included (AUTH-043) */
  size_t scp_count;
  bool resumable; /* scp contains session:resume (AUTH-044, SBRP-RES-002) */
  const char *region;
  bool has_lim;
  uint64_t lim_concurrent_sessions; /* saturates at UINT64_MAX */
  bool ttl_warning; /* client exp - iat > 120 s (AUTH-V14 warning) */
  cJSON *tree_;     /* owned parse tree */
  void *ptrs_;      /* owned pointer arrays */
} sb_auth_claims;

/* Run the relay's validation steps in order on `token[0..len)` against the
 * JWKS `keys[0..nkeys)` and return the FIRST failure: SB_ERR_AUTH_FORMAT,
 * _HEADER, _KID, _ALG / _KEY / _SIGNATURE / _PAYLOAD (step 4: alg, key,
 * signature, then the claims segment), _AUD, _ISS, _TIMES, _EXPIRED, _VER,
 * _ROLE, _DID, _SUB / _SID, _REGION, _TTL, _SCP, _LIM, then
 * SB_ERR_AUTH_ROLE_MISMATCH. SB_ERR_ARG for bad options (skew outside
 * 0..30, no issuer), SB_ERR_NOMEM. On success `*claims` owns memory (free
 * with sb_auth_claims_free); on failure it is zeroed and owns nothing. */
SB_NODISCARD int sb_auth_token_verify(const char *token, size_t len, const sb_auth_jwk *keys,
                                      size_t nkeys, const sb_auth_verify_opts *opts,
                                      sb_auth_claims *claims);

/* Release what a successful verify allocated; safe on a zeroed struct. */
void sb_auth_claims_free(sb_auth_claims *claims);

/* true if the verified claims list `scope` in scp. */
bool sb_auth_claims_has_scope(const sb_auth_claims *claims, const char *scope);

/* ---- SDK peeks (no signature check) ---------------------------------------- */

/* How a peek decodes: as the documents say, or as the upstream SDK does. */
typedef enum sb_auth_peek_mode {
  /* Strict: unpadded base64url segments, well-formed UTF-8, sid as in
   * auth/sid.h (canonical, 11 characters). */
  SB_AUTH_PEEK_STRICT = 0,
  /* Upstream SDK: base64url or base64, padding optional, non-canonical
   * trailing bits and ASCII whitespace tolerated (atob), ill-formed UTF-8
   * replaced by U+FFFD (TextDecoder). */
  SB_AUTH_PEEK_SDK,
} sb_auth_peek_mode;

/* The client SDK reading `sid` from its session token (AUTH-060): exactly 3
 * dot-separated parts, payload decodes to a JSON object whose sid is a
 * non-empty string decoding to 8 bytes, value != 0.
 * SB_ERR_AUTH_PEEK_SID (the SDK's handshake_failed) otherwise. */
SB_NODISCARD int sb_auth_token_peek_sid(const char *token, size_t len, sb_auth_peek_mode mode,
                                        uint64_t *session_id);

/* The daemon SDK reading `did` from its presence token (AUTH-061): the same
 * split and decode, did a non-empty string, copied NUL-terminated into `out`.
 * SB_ERR_AUTH_PEEK_DID (CloudApiError 400) if unreadable;
 * SB_ERR_AUTH_DID_MISMATCH (also 400) if `expected` is not NULL and differs;
 * SB_ERR_BUF if `out_cap` is too small; SB_ERR_NOMEM. */
SB_NODISCARD int sb_auth_token_peek_did(const char *token, size_t len, sb_auth_peek_mode mode,
                                        const char *expected, char *out, size_t out_cap);

#endif
