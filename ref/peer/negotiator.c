#include "peer/negotiator.h"

#include <string.h>

#include "common/error.h"
#include "sbp/errors.h"

/* Frames still owed after a failure: ErrorFrame then Close. */
#define FRAMES_AFTER_FAILURE 2u

int sb_peer_negotiator_init(sb_peer_negotiator *n, const sb_peer_negotiator_config *cfg) {
  if (!n || !cfg || !cfg->peer_id || cfg->handshake_timeout < 0) return SB_ERR_ARG;
  memset(n, 0, sizeof *n);
  n->cfg = *cfg;
  if (n->cfg.handshake_timeout == 0) n->cfg.handshake_timeout = SB_PEER_NEGOTIATOR_DEFAULT_TIMEOUT;
  n->deadline = SB_TIME_NEVER;
  return SB_OK;
}

void sb_peer_negotiator_reset(sb_peer_negotiator *n) {
  if (!n) return;
  sb_sbp_handshake_free(&n->remote);
  n->state = SB_PEER_NEGOTIATOR_IDLE;
  n->deadline = SB_TIME_NEVER;
  n->failure = 0;
  n->frames_due = 0;
}

/* Encode `f` into `out`, reporting the size written or needed. */
static int encode(const sb_sbp_frame *f, uint8_t *out, size_t cap, size_t *out_len) {
  return sb_sbp_frame_encode(f, out, cap, out_len);
}

int sb_peer_negotiator_start(sb_peer_negotiator *n, sb_time_us now, sb_time_us deadline,
                             const sb_rng *rng, uint8_t *out, size_t cap, size_t *out_len) {
  if (!n || !rng || !out_len) return SB_ERR_ARG;
  if (n->state != SB_PEER_NEGOTIATOR_IDLE) return SB_ERR_STATE;
  /* We never send a payload over the recommended 8 KiB (SBP-HS-007), which
   * also lets the JSON sit in a fixed buffer before it is framed. */
  uint8_t json[SB_SBP_HANDSHAKE_RECOMMENDED_MAX];
  size_t json_len = 0;
  int rc = sb_sbp_handshake_encode(n->cfg.peer_id, n->cfg.caps, n->cfg.metadata, json,
                                   sizeof json, &json_len);
  if (rc == SB_ERR_BUF) return SB_ERR_RANGE;
  if (rc != SB_OK) return rc;
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  rc = sb_sbp_frame_id_generate(rng, f.frame_id);
  if (rc != SB_OK) return rc;
  f.control.op = SB_SBP_OP_HANDSHAKE;
  f.control.data = json;
  f.control.data_len = json_len;
  rc = encode(&f, out, cap, out_len);
  if (rc != SB_OK) return rc;
  n->state = SB_PEER_NEGOTIATOR_WAITING;
  n->deadline = deadline != SB_TIME_NEVER ? deadline : now + n->cfg.handshake_timeout;
  return SB_OK;
}

static int fail(sb_peer_negotiator *n, int err) {
  n->state = SB_PEER_NEGOTIATOR_FAILED;
  n->failure = err;
  n->deadline = SB_TIME_NEVER;
  n->frames_due = n->cfg.upstream_silent_failure ? 0 : FRAMES_AFTER_FAILURE;
  return err;
}

int sb_peer_negotiator_receive(sb_peer_negotiator *n, const uint8_t *frame, size_t len) {
  if (!n || (len && !frame)) return SB_ERR_ARG;
  if (n->state != SB_PEER_NEGOTIATOR_WAITING) return SB_ERR_STATE;
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(frame, len, &f);
  if (rc != SB_OK) return fail(n, rc);
  /* SBP-HS-001/002: nothing but a Handshake may come first. */
  if (f.kind != SB_SBP_KIND_CONTROL || f.control.op != SB_SBP_OP_HANDSHAKE)
    return fail(n, SB_ERR_SBP_HS_UNEXPECTED);
  rc = sb_sbp_handshake_decode(f.control.data, f.control.data_len, &n->remote);
  if (rc == SB_ERR_NOMEM) return rc;
  if (rc != SB_OK) return fail(n, rc);
  n->state = SB_PEER_NEGOTIATOR_DONE;
  n->deadline = SB_TIME_NEVER;
  return SB_OK;
}

int sb_peer_negotiator_expire(sb_peer_negotiator *n, sb_time_us now) {
  if (!n || n->state != SB_PEER_NEGOTIATOR_WAITING || now < n->deadline) return SB_OK;
  return fail(n, SB_ERR_SBP_HS_TIMEOUT);
}

int sb_peer_negotiator_closed(sb_peer_negotiator *n) {
  if (!n || n->state != SB_PEER_NEGOTIATOR_WAITING) return SB_OK;
  fail(n, SB_ERR_SBP_HS_CLOSED);
  n->frames_due = 0; /* nothing can be sent on a connection that is gone */
  return SB_ERR_SBP_HS_CLOSED;
}

sb_time_us sb_peer_negotiator_deadline(const sb_peer_negotiator *n) {
  return n ? n->deadline : SB_TIME_NEVER;
}

sb_peer_negotiator_state sb_peer_negotiator_state_of(const sb_peer_negotiator *n) {
  return n ? n->state : SB_PEER_NEGOTIATOR_IDLE;
}

int sb_peer_negotiator_failure(const sb_peer_negotiator *n) {
  return n && n->state == SB_PEER_NEGOTIATOR_FAILED ? n->failure : SB_OK;
}

bool sb_peer_negotiator_fatal(int err) {
  return err != SB_OK && sb_sbp_errors_negotiator_fatal(sb_err_proto_code(err));
}

/* The ErrorFrame for a negotiation failure: the documented frame for SBP
 * errors; InvalidFrame with the table text for the few failures that are
 * ours, not the protocol's (a U+0000 we cannot hold, SB_ERR_JSON_NUL). */
static int failure_error_frame(int err, const sb_rng *rng, uint8_t *out, size_t cap,
                               size_t *out_len) {
  uint8_t id[SB_SBP_FRAME_ID_BYTES];
  int rc = sb_sbp_frame_id_generate(rng, id);
  if (rc != SB_OK) return rc;
  sb_sbp_frame f;
  if (sb_sbp_errors_frame(err, id, &f) != SB_OK) {
    memset(&f, 0, sizeof f);
    f.kind = SB_SBP_KIND_ERROR;
    memcpy(f.frame_id, id, sizeof id);
    f.error.code = SB_SBP_CODE_INVALID_FRAME;
    f.error.message = (const uint8_t *)sb_err_str(err);
    f.error.message_len = strlen(sb_err_str(err));
  }
  return encode(&f, out, cap, out_len);
}

int sb_peer_negotiator_failure_frame(sb_peer_negotiator *n, const char *reason, const sb_rng *rng,
                                     uint8_t *out, size_t cap, size_t *out_len) {
  if (!n || !rng || !out_len) return SB_ERR_ARG;
  if (n->state != SB_PEER_NEGOTIATOR_FAILED) return SB_ERR_STATE;
  if (n->frames_due == 0) return SB_ERR_NOT_FOUND;
  int rc = n->frames_due == FRAMES_AFTER_FAILURE
               ? failure_error_frame(n->failure, rng, out, cap, out_len)
               : sb_peer_negotiator_close_frame(reason, rng, out, cap, out_len);
  if (rc == SB_OK) n->frames_due--;
  return rc;
}

const sb_sbp_handshake *sb_peer_negotiator_remote(const sb_peer_negotiator *n) {
  return n && n->state == SB_PEER_NEGOTIATOR_DONE ? &n->remote : NULL;
}

int sb_peer_negotiator_close_frame(const char *reason, const sb_rng *rng, uint8_t *out, size_t cap,
                                   size_t *out_len) {
  if (!rng || !out_len) return SB_ERR_ARG;
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  int rc = sb_sbp_frame_id_generate(rng, f.frame_id);
  if (rc != SB_OK) return rc;
  f.control.op = SB_SBP_OP_CLOSE;
  f.control.data = (const uint8_t *)reason;
  f.control.data_len = reason ? strlen(reason) : 0;
  return encode(&f, out, cap, out_len);
}

sb_peer_control_action sb_peer_negotiator_control(const sb_peer_negotiator *n,
                                                  const sb_sbp_frame *control) {
  if (!n || !control || control->kind != SB_SBP_KIND_CONTROL || n->cfg.upstream_ignore_control)
    return SB_PEER_CONTROL_IGNORE;
  switch (control->control.op) {
    case SB_SBP_OP_PING: return SB_PEER_CONTROL_PONG;
    case SB_SBP_OP_CLOSE: return SB_PEER_CONTROL_CLOSE;
    default: return SB_PEER_CONTROL_IGNORE; /* Pong; a second Handshake (sbp.md open point) */
  }
}

int sb_peer_negotiator_pong_frame(const sb_sbp_frame *ping, const sb_rng *rng, uint8_t *out,
                                  size_t cap, size_t *out_len) {
  if (!ping || !rng || !out_len) return SB_ERR_ARG;
  if (ping->kind != SB_SBP_KIND_CONTROL || ping->control.op != SB_SBP_OP_PING) return SB_ERR_ARG;
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  int rc = sb_sbp_frame_id_generate(rng, f.frame_id);
  if (rc != SB_OK) return rc;
  f.control.op = SB_SBP_OP_PONG;
  f.has_timestamp = ping->has_timestamp;
  f.timestamp_ms = ping->timestamp_ms;
  return encode(&f, out, cap, out_len);
}

const char *sb_peer_negotiator_state_name(sb_peer_negotiator_state s) {
  switch (s) {
    case SB_PEER_NEGOTIATOR_IDLE: return "idle";
    case SB_PEER_NEGOTIATOR_WAITING: return "waiting";
    case SB_PEER_NEGOTIATOR_DONE: return "done";
    case SB_PEER_NEGOTIATOR_FAILED: return "failed";
  }
  return NULL;
}
