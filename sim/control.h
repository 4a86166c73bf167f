/*
 * The control plane of the simulated world (auth.md section 1): it holds
 * the token-signing key the relay trusts (its JWKS), knows each daemon's
 * identity public key, and issues presence tokens (daemons; scope
 * `session:resume` for resumable ones) and session tokens (clients; a fresh
 * non-zero `sid` per connection attempt, AUTH-053). It can also mint tokens
 * that are wrong on purpose, one fault per relay validation step
 * (AUTH-V01..V16), for token-failure scenarios.
 *
 * Keys come from the world's streams "control/signing" and "control/rogue";
 * Unix time is the world's epoch plus the virtual seconds.
 */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/token.h"
#include "common/rng.h"
#include "common/time.h"

#define SIM_CONTROL_ISSUER "https://control.sim.sbconf.invalid"
#define SIM_CONTROL_KID "sim-cp-1"
#define SIM_CONTROL_MAX_DAEMONS 32
/* Signing keys a control plane can have had: the first, then one per rotation. */
#define SIM_CONTROL_MAX_KEYS 4
/* Room for any token minted here, "too_long" included. */
#define SIM_CONTROL_TOKEN_MAX 8192
/* Lifetimes: session tokens 120 s (AUTH TTL SHOULD), presence tokens 1 h. */
#define SIM_CONTROL_SESSION_TTL_S 120
#define SIM_CONTROL_PRESENCE_TTL_S 3600

typedef struct sim_control_daemon {
  char did[256];
  uint8_t identity_pub[32];
} sim_control_daemon;

typedef struct sim_control {
  sb_auth_signing_key key;   /* signs every good token; its JWK is the relay's JWKS */
  sb_auth_signing_key rogue; /* a key the relay does not know ("bad_signature") */
  int64_t epoch_s;
  sim_control_daemon daemons[SIM_CONTROL_MAX_DAEMONS];
  size_t ndaemons;
  /* Key rotation (sim_control_rotate): keys[0] is `key` (kid "sim-cp-1"), keys[i] has kid
   * "sim-cp-<i+1>"; tokens are signed with keys[current]; retired keys leave the JWKS. */
  sb_auth_signing_key keys[SIM_CONTROL_MAX_KEYS];
  size_t nkeys, current;
  bool retired[SIM_CONTROL_MAX_KEYS];
  uint64_t world_seed;
} sim_control;

/* One token fault: its name, the validation step it breaks, and whether a
 * client SDK already refuses it before connecting (AUTH-060: no usable sid). */
typedef struct sim_token_fault {
  const char *name;
  const char *step; /* "AUTH-V01" ... */
  bool client_refuses;
  const char *what;
} sim_token_fault;

/* Keys from the streams of `world_seed`; `epoch_s` is Unix time at virtual 0. */
int sim_control_init(sim_control *c, uint64_t world_seed, int64_t epoch_s);

/* The Ed25519 seed of the signing key (stream "control/signing"): another
 * token issuer of the world (sim_cloud.h) signs with the same key. */
int sim_control_signing_seed(uint64_t world_seed, uint8_t seed[32]);

/* The JWKS entry the relay is configured with. */
void sim_control_jwk(const sim_control *c, sb_auth_jwk *out);

/* The JWKS the control plane publishes now (AUTH-030): every key not
 * retired, oldest first (at most `cap`; `*n` the number). */
void sim_control_jwks(const sim_control *c, sb_auth_jwk *keys, size_t cap, size_t *n);

/* Rotate the signing key: a new key (stream "control/signing/<n>", kid
 * "sim-cp-<n>") signs every token from now on; with `retire_old` the older
 * keys leave the JWKS, else they stay published (AUTH-033). SB_ERR_FULL after
 * SIM_CONTROL_MAX_KEYS - 1 rotations. `*kid` (may be NULL) gets the new kid. */
int sim_control_rotate(sim_control *c, bool retire_old, const char **kid);

/* Register daemon `did` with its identity public key (D-001): SB_ERR_EXISTS
 * if the ID is taken, SB_ERR_FULL, SB_ERR_RANGE if it is too long. */
int sim_control_register(sim_control *c, const char *did, const uint8_t identity_pub[32]);

/* The identity key registered for `did`, or NULL. */
const uint8_t *sim_control_identity(const sim_control *c, const char *did);

typedef struct sim_token_request {
  sb_auth_role role;   /* CLIENT: session token; DAEMON: presence token */
  const char *did;
  const char *sub;     /* clients: the user ID */
  uint64_t sid;        /* clients: the SessionID (non-zero) */
  bool resumable;      /* daemons: scope session:resume */
  const char *jti;
  const char *fault;   /* NULL or a name of sim_control_faults() */
  sb_time_us now;      /* virtual time */
} sim_token_request;

/* Mint the token of `req` into `out` (NUL-terminated; `*len` its length).
 * SB_ERR_NOT_FOUND for an unknown fault name, else the errors of
 * sb_auth_token_mint. */
int sim_control_mint(const sim_control *c, const sim_token_request *req, char *out, size_t cap,
                     size_t *len);

/* The fault table, ended by a NULL name. */
const sim_token_fault *sim_control_faults(void);

/* The fault called `name`, or NULL. */
const sim_token_fault *sim_control_fault(const char *name);

#endif
