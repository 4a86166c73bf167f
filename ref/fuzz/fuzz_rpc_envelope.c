/*
 * Fuzz target rpc_envelope: RPC envelope decoding and encoding
 * (rpc/envelope.h) and the receiver's decision (rpc/channel.h), input = the
 * data of an SBP Message on `rpc` or `event`.
 *
 * Invariants: a decode failure is one of the documented errors and leaves
 * nothing to free; what decodes under the documents' reading also decodes
 * leniently (lossy UTF-8) to the same type; a decoded envelope re-encodes
 * unless it holds a value with no JSON form, and the encoding is a fixed
 * point: decode(encode(e)) keeps type and cid and encodes to the same bytes;
 * a decoded r/R/E has an extractable cid equal to the decoded one; every
 * receiver decision can be answered (RpcError replies encode).
 */
#include "fuzz.h"

#include "common/error.h"
#include "rpc/channel.h"
#include "rpc/envelope.h"

static bool decode_error_documented(int rc) {
  switch (rc) {
    case SB_ERR_RPC_UTF8: case SB_ERR_RPC_JSON: case SB_ERR_JSON_NUL:
    case SB_ERR_RPC_NOT_OBJECT: case SB_ERR_RPC_TYPE: case SB_ERR_RPC_CID:
    case SB_ERR_RPC_METHOD: case SB_ERR_RPC_CODE: case SB_ERR_RPC_MESSAGE:
    case SB_ERR_RPC_EVENT: case SB_ERR_NOMEM: return true;
    default: return false;
  }
}

/* Encode into an exactly sized buffer; NULL if the envelope has no JSON form. */
static uint8_t *encode(const sb_rpc_envelope *env, size_t *len) {
  size_t need = 0;
  int rc = sb_rpc_envelope_encode(env, NULL, 0, &need);
  if (rc == SB_ERR_RPC_ENCODE || rc == SB_ERR_RPC_CODE || rc == SB_ERR_NOMEM) return NULL;
  FUZZ_ASSERT(rc == SB_ERR_BUF);
  uint8_t *out = malloc(need);
  FUZZ_ASSERT(out != NULL);
  rc = sb_rpc_envelope_encode(env, out, need, len);
  FUZZ_ASSERT(rc == SB_OK && *len == need);
  return out;
}

/* encode(e) decodes back to the same type and cid and is a fixed point. */
static void check_round_trip(const sb_rpc_envelope *env) {
  size_t len = 0;
  uint8_t *enc = encode(env, &len);
  if (!enc) return;
  sb_rpc_envelope again;
  FUZZ_ASSERT(sb_rpc_envelope_decode(enc, len, NULL, &again) == SB_OK);
  FUZZ_ASSERT(again.t == env->t && again.cid_len == env->cid_len);
  FUZZ_ASSERT(memcmp(again.cid, env->cid, SB_RPC_CID_BYTES) == 0);
  size_t len2 = 0;
  uint8_t *enc2 = encode(&again, &len2);
  FUZZ_ASSERT(enc2 != NULL && len2 == len && memcmp(enc, enc2, len) == 0);
  free(enc2);
  free(enc);
  sb_rpc_envelope_free(&again);
}

static void check_channel(const char *subject, const uint8_t *data, size_t size,
                          sb_rpc_profile profile) {
  sb_rpc_inbound in;
  int rc = sb_rpc_channel_inbound(subject, strlen(subject), data, size, profile, &in);
  if (rc == SB_ERR_NOMEM) return;
  FUZZ_ASSERT(rc == SB_OK);
  uint8_t reply[512];
  size_t n = 0;
  switch (in.action) {
    case SB_RPC_ACTION_REPLY_RPC_ERROR:
      FUZZ_ASSERT(in.reason < 0);
      FUZZ_ASSERT(sb_rpc_channel_invalid_envelope_reply(in.cid, in.reason, reply, sizeof reply,
                                                        &n) == SB_OK);
      fuzz_keep_bytes(reply, n);
      break;
    case SB_RPC_ACTION_REQUEST:
      FUZZ_ASSERT(in.env.t == SB_RPC_REQUEST && in.env.m != NULL);
      rc = sb_rpc_channel_method_not_found_reply(in.env.cid, in.env.m, reply, sizeof reply, &n);
      FUZZ_ASSERT(rc == SB_OK || rc == SB_ERR_BUF);
      fuzz_keep(n);
      break;
    case SB_RPC_ACTION_RESPONSE:
      FUZZ_ASSERT(in.env.t == SB_RPC_SUCCESS || in.env.t == SB_RPC_ERROR);
      break;
    case SB_RPC_ACTION_EVENT: FUZZ_ASSERT(in.env.t == SB_RPC_NOTIFICATION); break;
    case SB_RPC_ACTION_DROP: FUZZ_ASSERT(in.reason < 0 && in.env.root == NULL); break;
    case SB_RPC_ACTION_REPLY_ERROR_FRAME:
      FUZZ_ASSERT(in.error_code == 1002 && in.error_message != NULL);
      break;
    default: FUZZ_ASSERT(!"unknown action");
  }
  sb_rpc_channel_inbound_free(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const sb_rpc_decode_opts readings[] = {
      {false, false}, {true, false}, {false, true}, {true, true}};
  sb_rpc_envelope env[4];
  int rc[4];
  for (size_t i = 0; i < 4; i++) {
    rc[i] = sb_rpc_envelope_decode(data, size, &readings[i], &env[i]);
    if (rc[i] != SB_OK) {
      FUZZ_ASSERT(decode_error_documented(rc[i]));
      FUZZ_ASSERT(env[i].root == NULL);
    } else {
      FUZZ_ASSERT(env[i].root != NULL);
      FUZZ_ASSERT(env[i].cid_len == 0 || env[i].cid_len == SB_RPC_CID_BYTES);
    }
    fuzz_keep((uint64_t)-rc[i]);
  }
  /* The lenient reading accepts everything the documents' reading does. */
  if (rc[0] == SB_OK) FUZZ_ASSERT(rc[1] == SB_OK && env[1].t == env[0].t);
  if (rc[0] == SB_OK) {
    check_round_trip(&env[0]);
    uint8_t cid[SB_RPC_CID_BYTES];
    int xrc = sb_rpc_envelope_extract_cid(data, size, cid);
    if (env[0].t != SB_RPC_NOTIFICATION) {
      FUZZ_ASSERT(xrc == SB_OK);
      FUZZ_ASSERT(memcmp(cid, env[0].cid, SB_RPC_CID_BYTES) == 0);
    }
  }
  if (rc[1] == SB_OK) {
    env[1].cid_len = env[1].t == SB_RPC_NOTIFICATION ? 0 : env[1].cid_len;
    check_round_trip(&env[1]);
  }
  for (size_t i = 0; i < 4; i++) sb_rpc_envelope_free(&env[i]);
  check_channel("rpc", data, size, SB_RPC_PROFILE_DOCUMENTS);
  check_channel("rpc", data, size, SB_RPC_PROFILE_ROUTER);
  check_channel("event", data, size, SB_RPC_PROFILE_DOCUMENTS);
  return 0;
}
