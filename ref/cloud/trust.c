#include "cloud/trust.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/handshake.h"

int sb_cloud_trust_parse(const char *name, sb_sbrp_trust *out) {
  if (!out) return SB_ERR_ARG;
  *out = SB_SBRP_TRUST_AUTO;
  if (!name) return SB_OK;
  if (strcmp(name, "auto") == 0) return SB_OK;
  if (strcmp(name, "prompt") == 0) {
    *out = SB_SBRP_TRUST_PROMPT;
    return SB_OK;
  }
  if (strcmp(name, "pinned-only") == 0) {
    *out = SB_SBRP_TRUST_PINNED_ONLY;
    return SB_OK;
  }
  return SB_ERR_ARG;
}

int sb_cloud_trust_check(sb_sbrp_trust policy, const sb_cloud_trust_callbacks *cb) {
  switch (policy) {
    case SB_SBRP_TRUST_AUTO:
    case SB_SBRP_TRUST_PINNED_ONLY: return SB_OK;
    case SB_SBRP_TRUST_PROMPT:
      return (cb && cb->on_first_connection && cb->on_identity_mismatch) ? SB_OK : SB_ERR_ARG;
  }
  return SB_ERR_ARG;
}

int sb_cloud_trust_decide(sb_sbrp_trust policy, const sb_cloud_trust_callbacks *cb,
                          const sb_cloud_pins *pins, const char *daemon_id,
                          const uint8_t advertised[SB_CLOUD_PIN_KEY_BYTES],
                          sb_cloud_trust_decision *d) {
  if (!d) return SB_ERR_ARG;
  memset(d, 0, sizeof *d);
  if (!pins || !daemon_id || !advertised) return SB_ERR_ARG;
  int rc = sb_cloud_trust_check(policy, cb);
  if (rc != SB_OK) return rc;

  uint8_t pinned[SB_CLOUD_PIN_KEY_BYTES];
  rc = sb_cloud_pins_get(pins, daemon_id, pinned);
  if (rc != SB_OK && rc != SB_ERR_NOT_FOUND) return rc;
  bool have_pin = rc == SB_OK;
  if (have_pin && memcmp(pinned, advertised, sizeof pinned) == 0) {
    d->action = SB_CLOUD_PIN_KEEP;
    return SB_OK;
  }
  char received[SB_SBRP_FINGERPRINT_SIZE], expected[SB_SBRP_FINGERPRINT_SIZE];
  if (!have_pin) {
    d->action = SB_CLOUD_PIN_FIRST;
    if (policy == SB_SBRP_TRUST_PINNED_ONLY) {
      d->refusal = SB_ERR_SBRP_HANDSHAKE_FAILED;
    } else if (policy == SB_SBRP_TRUST_PROMPT) {
      rc = sb_sbrp_handshake_fingerprint(advertised, received, sizeof received);
      if (rc != SB_OK) return rc;
      d->asked = true;
      if (!cb->on_first_connection(cb->ctx, received)) d->refusal = SB_ERR_SBRP_HANDSHAKE_FAILED;
    }
    return SB_OK;
  }
  d->action = SB_CLOUD_PIN_REPIN;
  if (policy == SB_SBRP_TRUST_PINNED_ONLY) {
    d->refusal = SB_ERR_SBRP_IDENTITY_CHANGED;
  } else if (policy == SB_SBRP_TRUST_PROMPT) {
    rc = sb_sbrp_handshake_fingerprint(pinned, expected, sizeof expected);
    if (rc == SB_OK) rc = sb_sbrp_handshake_fingerprint(advertised, received, sizeof received);
    if (rc != SB_OK) return rc;
    d->asked = true;
    if (!cb->on_identity_mismatch(cb->ctx, expected, received))
      d->refusal = SB_ERR_SBRP_IDENTITY_CHANGED;
  }
  return SB_OK;
}

int sb_cloud_trust_commit(const sb_cloud_trust_decision *d, sb_cloud_pins *pins,
                          const char *daemon_id,
                          const uint8_t advertised[SB_CLOUD_PIN_KEY_BYTES]) {
  if (!d || !pins || !daemon_id || !advertised) return SB_ERR_ARG;
  if (d->refusal) return SB_ERR_STATE;
  if (d->action == SB_CLOUD_PIN_KEEP) return SB_OK;
  return sb_cloud_pins_set(pins, daemon_id, advertised);
}
