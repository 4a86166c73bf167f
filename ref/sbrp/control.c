#include "sbrp/control.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/payload.h"

#define CONN SB_SBRP_CTRL_SCOPE_CONNECTION
#define SESS SB_SBRP_CTRL_SCOPE_SESSION
#define FATAL SB_SBRP_CTRL_SDK_FATAL
#define RETRY SB_SBRP_CTRL_SDK_RETRYABLE

/* sbrp.md section 7, in code order. Terminality per control-codes.md@c9404ba
 * (daemon_offline T, backpressure T); SDK column per classify.ts@82fcaad. */
static const sb_sbrp_ctrl_info table[] = {
    {SB_SBRP_CTRL_UNAUTHORIZED, "unauthorized", true, true, CONN, SB_SBRP_CTRL_TO_ANY, FATAL},
    {SB_SBRP_CTRL_FORBIDDEN, "forbidden", true, true, CONN, SB_SBRP_CTRL_TO_ANY, FATAL},
    {SB_SBRP_CTRL_DAEMON_NOT_FOUND, "daemon_not_found", true, true, SESS, SB_SBRP_CTRL_TO_CLIENT,
     FATAL},
    {SB_SBRP_CTRL_DAEMON_OFFLINE, "daemon_offline", true, true, SESS, SB_SBRP_CTRL_TO_CLIENT,
     RETRY},
    {SB_SBRP_CTRL_SESSION_NOT_FOUND, "session_not_found", true, true, SESS, SB_SBRP_CTRL_TO_ANY,
     FATAL},
    {SB_SBRP_CTRL_SESSION_EXPIRED, "session_expired", true, true, SESS, SB_SBRP_CTRL_TO_CLIENT,
     FATAL},
    {SB_SBRP_CTRL_MALFORMED_FRAME, "malformed_frame", true, true, CONN, SB_SBRP_CTRL_TO_SENDER,
     FATAL},
    {SB_SBRP_CTRL_PAYLOAD_TOO_LARGE, "payload_too_large", true, true, CONN, SB_SBRP_CTRL_TO_SENDER,
     FATAL},
    {SB_SBRP_CTRL_INVALID_FRAME_TYPE, "invalid_frame_type", true, true, CONN,
     SB_SBRP_CTRL_TO_SENDER, FATAL},
    {SB_SBRP_CTRL_INVALID_SESSION_ID, "invalid_session_id", true, true, CONN,
     SB_SBRP_CTRL_TO_SENDER, FATAL},
    {SB_SBRP_CTRL_DISALLOWED_SENDER, "disallowed_sender", true, true, SESS, SB_SBRP_CTRL_TO_SENDER,
     FATAL},
    {SB_SBRP_CTRL_INTERNAL_ERROR, "internal_error", true, true, CONN, SB_SBRP_CTRL_TO_ANY, RETRY},
    {SB_SBRP_CTRL_RATE_LIMITED, "rate_limited", true, false, CONN, SB_SBRP_CTRL_TO_SENDER, RETRY},
    {SB_SBRP_CTRL_BACKPRESSURE, "backpressure", true, true, CONN, SB_SBRP_CTRL_TO_SLOW_RECEIVER,
     RETRY},
    {SB_SBRP_CTRL_SESSION_PAUSED, "session_paused", true, false, SESS, SB_SBRP_CTRL_TO_CLIENT,
     RETRY},
    {SB_SBRP_CTRL_SESSION_RESUMED, "session_resumed", true, false, SESS, SB_SBRP_CTRL_TO_CLIENT,
     RETRY},
    {SB_SBRP_CTRL_SESSION_ENDED, "session_ended", true, false, SESS, SB_SBRP_CTRL_TO_DAEMON,
     RETRY},
    {SB_SBRP_CTRL_SESSION_PENDING, "session_pending", true, false, SESS, SB_SBRP_CTRL_TO_CLIENT,
     RETRY},
    /* Endpoint-only: `terminal` = the detecting endpoint closes. sequence_error
     * only MAY close (SBRP-REPLAY-005), so it is not terminal here. */
    {SB_SBRP_CTRL_IDENTITY_KEY_CHANGED, "identity_key_changed", false, true, CONN,
     SB_SBRP_CTRL_TO_CLIENT, FATAL},
    {SB_SBRP_CTRL_HANDSHAKE_FAILED, "handshake_failed", false, true, CONN, SB_SBRP_CTRL_TO_CLIENT,
     FATAL},
    {SB_SBRP_CTRL_HANDSHAKE_TIMEOUT, "handshake_timeout", false, true, CONN, SB_SBRP_CTRL_TO_ANY,
     RETRY},
    {SB_SBRP_CTRL_DECRYPT_FAILED, "decrypt_failed", false, true, CONN, SB_SBRP_CTRL_TO_ANY, FATAL},
    {SB_SBRP_CTRL_SEQUENCE_ERROR, "sequence_error", false, false, CONN, SB_SBRP_CTRL_TO_ANY, FATAL},
};

const sb_sbrp_ctrl_info *sb_sbrp_control_lookup(uint16_t code) {
  for (size_t i = 0; i < SB_ARRAY_LEN(table); i++)
    if (table[i].code == code) return &table[i];
  return NULL;
}

const sb_sbrp_ctrl_info *sb_sbrp_control_by_name(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < SB_ARRAY_LEN(table); i++)
    if (strcmp(table[i].name, name) == 0) return &table[i];
  return NULL;
}

size_t sb_sbrp_control_count(void) { return SB_ARRAY_LEN(table); }

const sb_sbrp_ctrl_info *sb_sbrp_control_at(size_t i) {
  return i < SB_ARRAY_LEN(table) ? &table[i] : NULL;
}

bool sb_sbrp_control_on_wire(uint16_t code) {
  const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(code);
  return c && c->on_wire;
}

bool sb_sbrp_control_is_terminal(uint16_t code) {
  const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(code);
  /* Only a known wire code can keep the connection open. */
  return !(c && c->on_wire) || c->terminal;
}

sb_sbrp_ctrl_category sb_sbrp_control_category(uint16_t code) {
  unsigned hi = code >> 8;
  switch (hi) {
    case 0x01: return SB_SBRP_CTRL_CAT_AUTH;
    case 0x02: return SB_SBRP_CTRL_CAT_ROUTING;
    case 0x03: return SB_SBRP_CTRL_CAT_SESSION;
    case 0x04: return SB_SBRP_CTRL_CAT_WIRE_FORMAT;
    case 0x06: return SB_SBRP_CTRL_CAT_INTERNAL;
    case 0x09: return SB_SBRP_CTRL_CAT_THROTTLING;
    case 0x10: return SB_SBRP_CTRL_CAT_SESSION_STATE;
    case 0xE0: return SB_SBRP_CTRL_CAT_SDK;
    default: break;
  }
  if (hi == 0x05 || hi == 0x07 || hi == 0x08 || (hi >= 0x0A && hi <= 0x0F) ||
      (hi >= 0x11 && hi <= 0x1F))
    return SB_SBRP_CTRL_CAT_RESERVED;
  if (hi >= 0xE1 && hi <= 0xEF) return SB_SBRP_CTRL_CAT_SDK_FUTURE;
  if (hi >= 0xF0) return SB_SBRP_CTRL_CAT_VENDOR;
  return SB_SBRP_CTRL_CAT_UNASSIGNED;
}

int sb_sbrp_control_check_scope(uint16_t code, uint64_t session_id) {
  const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(code);
  if (!c || !c->on_wire) return SB_ERR_SBRP_CONTROL_UNKNOWN;
  bool want_session = c->scope == SB_SBRP_CTRL_SCOPE_SESSION;
  if (want_session != (session_id != 0)) return SB_ERR_SBRP_CONTROL_SCOPE;
  return SB_OK;
}

int sb_sbrp_control_build(uint16_t code, uint64_t session_id, const uint8_t *text,
                          size_t text_len, uint8_t *out, size_t out_cap, size_t *out_len) {
  const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(code);
  if (!c || !c->on_wire) return SB_ERR_SBRP_CONTROL_UNKNOWN;
  uint64_t sid = c->scope == SB_SBRP_CTRL_SCOPE_SESSION ? session_id : 0;
  if (c->scope == SB_SBRP_CTRL_SCOPE_SESSION && sid == 0) return SB_ERR_SBRP_CONTROL_SCOPE;
  return sb_sbrp_control_encode(sid, code, text, text_len, out, out_cap, out_len);
}
