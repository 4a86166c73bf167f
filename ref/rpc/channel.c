#include "rpc/channel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "rpc/codes.h"

static bool equals(const char *s, size_t len, const char *lit) {
  return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

sb_rpc_channel sb_rpc_channel_of(const char *subject, size_t len) {
  if (!subject) return SB_RPC_CHANNEL_OTHER;
  if (equals(subject, len, "rpc")) return SB_RPC_CHANNEL_RPC;
  if (equals(subject, len, "event")) return SB_RPC_CHANNEL_EVENT;
  if (equals(subject, len, "stream")) return SB_RPC_CHANNEL_STREAM;
  if (len >= 4 && memcmp(subject, "app/", 4) == 0) return SB_RPC_CHANNEL_APP;
  return SB_RPC_CHANNEL_OTHER;
}

bool sb_rpc_channel_allows(sb_rpc_channel ch, sb_rpc_type t) {
  if (ch == SB_RPC_CHANNEL_RPC)
    return t == SB_RPC_REQUEST || t == SB_RPC_SUCCESS || t == SB_RPC_ERROR;
  if (ch == SB_RPC_CHANNEL_EVENT) return t == SB_RPC_NOTIFICATION;
  return false;
}

int sb_rpc_channel_check(const char *subject, size_t len, sb_rpc_type t) {
  if (!subject) return SB_ERR_ARG;
  return sb_rpc_channel_allows(sb_rpc_channel_of(subject, len), t) ? SB_OK : SB_ERR_RPC_CHANNEL;
}

static void reply_error_frame(sb_rpc_inbound *out, unsigned code, const char *message, int reason) {
  out->action = SB_RPC_ACTION_REPLY_ERROR_FRAME;
  out->error_code = code;
  out->error_message = message;
  out->reason = reason;
}

static void drop(sb_rpc_inbound *out, int reason) {
  out->action = SB_RPC_ACTION_DROP;
  out->reason = reason;
}

/* An envelope on rpc that does not decode. The documents answer the cid if
 * one can be read (RPC-VAL-001) and otherwise an ErrorFrame (RPC-VAL-002);
 * the Router always answers the ErrorFrame (RPC-VAL-006). */
static void undecodable_on_rpc(const uint8_t *data, size_t len, sb_rpc_profile profile, int reason,
                               sb_rpc_inbound *out) {
  if (profile == SB_RPC_PROFILE_DOCUMENTS &&
      sb_rpc_envelope_extract_cid(data, len, out->cid) == SB_OK) {
    out->action = SB_RPC_ACTION_REPLY_RPC_ERROR;
    out->reason = reason;
    return;
  }
  memset(out->cid, 0, sizeof out->cid);
  reply_error_frame(out, SB_RPC_CHANNEL_SBP_INVALID_FRAME, "Malformed RPC envelope", reason);
}

static int decide_rpc(const uint8_t *data, size_t len, sb_rpc_profile profile,
                      const sb_rpc_decode_opts *opts, sb_rpc_inbound *out) {
  int rc = sb_rpc_envelope_decode(data, len, opts, &out->env);
  if (rc == SB_ERR_NOMEM || rc == SB_ERR_ARG) return rc;
  if (rc != SB_OK) {
    undecodable_on_rpc(data, len, profile, rc, out);
    return SB_OK;
  }
  switch (out->env.t) {
    case SB_RPC_REQUEST: out->action = SB_RPC_ACTION_REQUEST; break;
    case SB_RPC_SUCCESS:
    case SB_RPC_ERROR: out->action = SB_RPC_ACTION_RESPONSE; break;
    case SB_RPC_NOTIFICATION:
      sb_rpc_envelope_free(&out->env);
      drop(out, SB_ERR_RPC_CHANNEL); /* RPC-CH-002: no subject to answer on */
      break;
  }
  return SB_OK;
}

static int decide_event(const uint8_t *data, size_t len, const sb_rpc_decode_opts *opts,
                        sb_rpc_inbound *out) {
  int rc = sb_rpc_envelope_decode(data, len, opts, &out->env);
  if (rc == SB_ERR_NOMEM || rc == SB_ERR_ARG) return rc;
  if (rc != SB_OK) {
    drop(out, rc); /* RPC-VAL-004: never an ErrorFrame on event */
  } else if (out->env.t != SB_RPC_NOTIFICATION) {
    sb_rpc_envelope_free(&out->env);
    drop(out, SB_ERR_RPC_CHANNEL);
  } else {
    out->action = SB_RPC_ACTION_EVENT;
  }
  return SB_OK;
}

int sb_rpc_channel_inbound(const char *subject, size_t subject_len, const uint8_t *data, size_t len,
                           sb_rpc_profile profile, sb_rpc_inbound *out) {
  if (!out || !subject || (len && !data)) return SB_ERR_ARG;
  if (profile != SB_RPC_PROFILE_DOCUMENTS && profile != SB_RPC_PROFILE_ROUTER) return SB_ERR_ARG;
  memset(out, 0, sizeof *out);
  const sb_rpc_decode_opts documents = {false, false}, upstream = {true, true};
  const sb_rpc_decode_opts *opts = profile == SB_RPC_PROFILE_ROUTER ? &upstream : &documents;
  switch (sb_rpc_channel_of(subject, subject_len)) {
    case SB_RPC_CHANNEL_RPC: return decide_rpc(data, len, profile, opts, out);
    case SB_RPC_CHANNEL_EVENT: return decide_event(data, len, opts, out);
    case SB_RPC_CHANNEL_APP: out->action = SB_RPC_ACTION_APP; return SB_OK;
    case SB_RPC_CHANNEL_STREAM:
      reply_error_frame(out, SB_RPC_CHANNEL_SBP_UNSUPPORTED_FEATURE, "Unsupported feature: stream",
                        SB_ERR_SBP_SUBJECT_RESERVED);
      return SB_OK;
    case SB_RPC_CHANNEL_OTHER: break;
  }
  reply_error_frame(out, SB_RPC_CHANNEL_SBP_INVALID_FRAME, "Invalid subject namespace",
                    SB_ERR_SBP_SUBJECT_NAMESPACE);
  return SB_OK;
}

void sb_rpc_channel_inbound_free(sb_rpc_inbound *in) {
  if (!in) return;
  sb_rpc_envelope_free(&in->env);
  memset(in, 0, sizeof *in);
}

static int encode_error(const uint8_t cid[SB_RPC_CID_BYTES], double code, const char *message,
                        uint8_t *out, size_t out_cap, size_t *out_len) {
  sb_rpc_envelope env = {
      .t = SB_RPC_ERROR, .cid_len = SB_RPC_CID_BYTES, .code = code, .message = message};
  memcpy(env.cid, cid, SB_RPC_CID_BYTES);
  return sb_rpc_envelope_encode(&env, out, out_cap, out_len);
}

int sb_rpc_channel_invalid_envelope_reply(const uint8_t cid[SB_RPC_CID_BYTES], int reason,
                                          uint8_t *out, size_t out_cap, size_t *out_len) {
  if (!cid) return SB_ERR_ARG;
  char message[160];
  snprintf(message, sizeof message, "Invalid envelope: %s", sb_err_str(reason));
  return encode_error(cid, SB_RPC_CODE_INVALID_ENVELOPE, message, out, out_cap, out_len);
}

int sb_rpc_channel_method_not_found_reply(const uint8_t cid[SB_RPC_CID_BYTES], const char *method,
                                          uint8_t *out, size_t out_cap, size_t *out_len) {
  static const char text[] = "Method not found";
  if (!cid) return SB_ERR_ARG;
  if (!method)
    return encode_error(cid, SB_RPC_CODE_UNSUPPORTED_METHOD, text, out, out_cap, out_len);
  size_t n = sizeof text + 2 + strlen(method);
  char *message = malloc(n);
  if (!message) return SB_ERR_NOMEM;
  snprintf(message, n, "%s: %s", text, method);
  int rc = encode_error(cid, SB_RPC_CODE_UNSUPPORTED_METHOD, message, out, out_cap, out_len);
  free(message);
  return rc;
}
