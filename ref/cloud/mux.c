#include "cloud/mux.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/payload.h"

void sb_cloud_mux_init(sb_cloud_mux *m) {
  if (m) m->decode_errors = 0;
}

sb_cloud_mux_action sb_cloud_mux_route(sb_cloud_mux *m, const uint8_t *msg, size_t len,
                                       bool (*known)(void *ctx, uint64_t session_id), void *ctx,
                                       sb_sbrp_frame *frame) {
  sb_sbrp_frame f;
  memset(&f, 0, sizeof f);
  if (frame) memset(frame, 0, sizeof *frame);
  if (!m || (!msg && len) || sb_sbrp_frame_decode(msg, len, &f) != SB_OK) {
    if (!m) return SB_CLOUD_MUX_DECODE_ERROR;
    /* a circuit breaker against log storms on a protocol mismatch */
    if (++m->decode_errors >= SB_CLOUD_MUX_MAX_DECODE_ERRORS) return SB_CLOUD_MUX_BREAKER;
    return SB_CLOUD_MUX_DECODE_ERROR;
  }
  m->decode_errors = 0;
  if (frame) *frame = f;
  switch (f.hdr.type) {
    case SB_SBRP_PING: return SB_CLOUD_MUX_PONG;
    case SB_SBRP_PONG: return SB_CLOUD_MUX_IGNORE;
    default: break;
  }
  uint64_t sid = f.hdr.session_id;
  if (f.hdr.type == SB_SBRP_CONTROL && sid == 0) {
    sb_sbrp_control c;
    if (sb_sbrp_control_decode(&f, false, &c) == SB_OK && c.code == SB_SBRP_CTRL_RATE_LIMITED)
      return SB_CLOUD_MUX_RATE_LIMITED;
    return SB_CLOUD_MUX_KICK;
  }
  if (known && known(ctx, sid)) return SB_CLOUD_MUX_DELIVER;
  return f.hdr.type == SB_SBRP_HANDSHAKE_INIT ? SB_CLOUD_MUX_NEW_SESSION : SB_CLOUD_MUX_DROP;
}

bool sb_cloud_mux_backlog_admits(size_t backlog) { return backlog < SB_CLOUD_MUX_MAX_BACKLOG; }

const char *sb_cloud_mux_action_name(sb_cloud_mux_action a) {
  static const char *const names[] = {"decode_error", "kick",        "pong",    "ignore",
                                      "rate_limited", "new_session", "deliver", "drop",
                                      "breaker"};
  return (unsigned)a < SB_ARRAY_LEN(names) ? names[a] : NULL;
}
