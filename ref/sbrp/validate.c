#include "sbrp/validate.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"

bool sb_sbrp_relay_sender_allowed(uint8_t type, sb_sbrp_sender sender) {
  switch (type) {
    case SB_SBRP_HANDSHAKE_INIT: return sender == SB_SBRP_FROM_CLIENT;
    case SB_SBRP_HANDSHAKE_ACCEPT: return sender == SB_SBRP_FROM_DAEMON;
    case SB_SBRP_SIGNAL: return sender == SB_SBRP_FROM_DAEMON;
    case SB_SBRP_DATA:
    case SB_SBRP_PING:
    case SB_SBRP_PONG: return true;
    default: return false; /* Control is relay-only (SBRP-CTRL-001) */
  }
}

/* Fill the rejection fields; the Control code comes from the error table so
 * the mapping is coded once. */
static int reject(sb_sbrp_verdict *v, int err, uint64_t control_sid) {
  const sb_err_info *info = sb_err_lookup(err);
  v->action = SB_SBRP_ACTION_REJECT;
  v->err = err;
  v->control_code = info ? (uint16_t)info->proto_code : SB_SBRP_CTRL_INTERNAL_ERROR;
  v->control_sid = control_sid;
  v->terminal = sb_sbrp_control_is_terminal(v->control_code);
  return err;
}

/* Step 6: payloads the relay consumes itself. */
static int check_consumed_payload(sb_sbrp_verdict *v) {
  const sb_sbrp_frame *f = &v->frame;
  if (f->hdr.type == SB_SBRP_PING || f->hdr.type == SB_SBRP_PONG) {
    const uint8_t *p;
    size_t n;
    int rc = sb_sbrp_ping_decode(f, &p, &n);
    if (rc != SB_OK) return reject(v, rc, 0);
    v->action = f->hdr.type == SB_SBRP_PING ? SB_SBRP_ACTION_PONG : SB_SBRP_ACTION_CONSUME;
    return SB_OK;
  }
  if (f->hdr.type == SB_SBRP_SIGNAL) {
    sb_sbrp_signal s;
    int rc = sb_sbrp_signal_decode(f, false, &s);
    if (rc != SB_OK) return reject(v, rc, 0);
    /* O-1: no document says what an unknown signal code gets; upstream's
     * decoder calls it malformed_frame, and so do we (errata). */
    if (!sb_sbrp_signal_code_name(s.code)) return reject(v, SB_ERR_SBRP_SIGNAL_CODE, 0);
    s.reason = sb_sbrp_signal_reason_normalize(s.reason);
    v->signal = s;
    v->notify_code = s.code == SB_SBRP_SIGNAL_READY ? SB_SBRP_CTRL_SESSION_RESUMED
                                                    : SB_SBRP_CTRL_SESSION_EXPIRED;
    v->action = SB_SBRP_ACTION_CONSUME;
    return SB_OK;
  }
  v->action = SB_SBRP_ACTION_FORWARD;
  return SB_OK;
}

int sb_sbrp_relay_validate(const uint8_t *msg, size_t len, sb_sbrp_sender sender,
                           sb_sbrp_verdict *v) {
  if (!v || (len && !msg)) return SB_ERR_ARG;
  if (sender != SB_SBRP_FROM_CLIENT && sender != SB_SBRP_FROM_DAEMON) return SB_ERR_ARG;
  memset(v, 0, sizeof *v);
  /* Steps 1-4, then the body length (placed after step 4, sbrp.md O-9). */
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(msg, len, &f);
  if (rc != SB_OK) return reject(v, rc, 0);
  v->frame = f;
  /* Step 5: the Control SessionID is the header's (SBRP-RELAY-011), even
   * when that is 0 (a Control frame an endpoint sent with SID 0, O-14). */
  if (!sb_sbrp_relay_sender_allowed(f.hdr.type, sender))
    return reject(v, SB_ERR_SBRP_DISALLOWED_SENDER, f.hdr.session_id);
  return check_consumed_payload(v);
}

int sb_sbrp_relay_pong(const sb_sbrp_verdict *v, uint8_t *out, size_t out_cap, size_t *out_len) {
  if (!v || v->action != SB_SBRP_ACTION_PONG) return SB_ERR_ARG;
  return sb_sbrp_ping_encode(SB_SBRP_PONG, v->frame.payload, v->frame.payload_len, out, out_cap,
                             out_len);
}

int sb_sbrp_relay_reject_frame(const sb_sbrp_verdict *v, uint8_t *out, size_t out_cap,
                               size_t *out_len) {
  if (!v || v->action != SB_SBRP_ACTION_REJECT) return SB_ERR_ARG;
  return sb_sbrp_control_encode(v->control_sid, v->control_code, NULL, 0, out, out_cap, out_len);
}
