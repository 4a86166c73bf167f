/*
 * Trust policies of the cloud client (cloud.md section 3.3, ADR-019;
 * sbrp.md section 12): which policy a connection uses, whether a
 * configuration is acceptable, and what the client does with the identity
 * key a daemon advertises in HandshakeAccept, given the pin store.
 *
 *   policy       no pin                         pin equal   pin differs
 *   auto         pin                            continue    re-pin
 *   pinned-only  handshake_failed               continue    identity_key_changed
 *   prompt       ask onFirstConnection:         continue    ask onIdentityMismatch:
 *                yes pin / no handshake_failed              yes re-pin / no identity_key_changed
 *
 * The decision and the pin write are two calls: sb_cloud_trust_decide says
 * which key to verify the signature with and what to pin, and
 * sb_cloud_trust_commit writes the pin once the handshake has succeeded
 * (SBRP-TOFU-002: never before the signature is verified; upstream pins
 * first, errata I-12 of the SBRP layer).
 */
#ifndef SB_CLOUD_TRUST_H
#define SB_CLOUD_TRUST_H

#include <stdbool.h>
#include <stdint.h>

#include "cloud/pins.h"
#include "common/config.h"
#include "sbrp/machine.h"

/* The prompt callbacks (`prompt` requires both, CLOUD-012). Fingerprints
 * are "SHA256:XX:..." (SBRP-TOFU-007); a callback answers true to accept. */
typedef struct sb_cloud_trust_callbacks {
  void *ctx;
  bool (*on_first_connection)(void *ctx, const char *fingerprint);
  bool (*on_identity_mismatch)(void *ctx, const char *expected_fingerprint,
                               const char *received_fingerprint);
} sb_cloud_trust_callbacks;

/* Parse a policy name: NULL (not given) is the cloud default `auto`
 * (CLOUD-012); "auto", "prompt" and "pinned-only" are accepted. "strict",
 * the name README and e2ee.md still use, is refused as the code does
 * (errata CI-1), like any other text: SB_ERR_ARG. */
SB_NODISCARD int sb_cloud_trust_parse(const char *name, sb_sbrp_trust *out);

/* Check a configuration: `prompt` needs both callbacks (SB_ERR_ARG
 * otherwise); the other policies ignore them (CLOUD-012). */
SB_NODISCARD int sb_cloud_trust_check(sb_sbrp_trust policy, const sb_cloud_trust_callbacks *cb);

/* What to do with the pin store after a successful handshake. */
typedef enum sb_cloud_pin_action {
  SB_CLOUD_PIN_KEEP = 0, /* pin equal: nothing to write */
  SB_CLOUD_PIN_FIRST,    /* no pin: pin the advertised key */
  SB_CLOUD_PIN_REPIN     /* pin differs and the policy accepted: replace it */
} sb_cloud_pin_action;

typedef struct sb_cloud_trust_decision {
  int refusal; /* 0, SB_ERR_SBRP_HANDSHAKE_FAILED or SB_ERR_SBRP_IDENTITY_CHANGED */
  sb_cloud_pin_action action;
  bool asked;  /* a prompt callback was called */
} sb_cloud_trust_decision;

/* Apply `policy` to the key `advertised` of `daemon_id` against `pins`
 * (table above). Calls at most one callback, with the fingerprints. The
 * store is not changed. Returns 0 with the outcome in `*d` (a refusal is an
 * outcome, not an error); SB_ERR_ARG for NULL arguments or `prompt` without
 * both callbacks. */
SB_NODISCARD int sb_cloud_trust_decide(sb_sbrp_trust policy, const sb_cloud_trust_callbacks *cb,
                                       const sb_cloud_pins *pins, const char *daemon_id,
                                       const uint8_t advertised[SB_CLOUD_PIN_KEY_BYTES],
                                       sb_cloud_trust_decision *d);

/* After the handshake verified the signature with `advertised`: write the
 * pin the decision asks for. SB_ERR_STATE if the decision was a refusal;
 * errors of sb_cloud_pins_set. */
SB_NODISCARD int sb_cloud_trust_commit(const sb_cloud_trust_decision *d, sb_cloud_pins *pins,
                                       const char *daemon_id,
                                       const uint8_t advertised[SB_CLOUD_PIN_KEY_BYTES]);

#endif
