/*
 * Helpers shared by the capture writers (capture.h): seeded randomness, a
 * whole SBRP handshake, and SBP frames / RPC envelopes built with the
 * reference encoders.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "common/error.h"
#include "rpc/envelope.h"
#include "sbp/frame.h"
#include "sbp/handshake.h"
#include "sbrp/payload.h"

void sim_capture_rng_init(sim_capture_rng *r, uint64_t seed) {
  sb_xoshiro_seed(&r->x, seed);
  r->rng = sb_xoshiro_rng(&r->x);
}

uint64_t sim_capture_below(const sb_rng *rng, uint64_t n) {
  uint8_t b[8];
  if (n == 0 || sb_rng_bytes(rng, b, sizeof b) != 0) return 0;
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | b[i];
  return v % n;
}

int sim_capture_handshake(const sb_rng *rng, const sb_sbrp_identity *id, const char *did,
                          uint64_t sid, uint8_t *init, size_t *init_len, uint8_t *accept,
                          size_t *accept_len, sb_sbrp_session *client, sb_sbrp_session *daemon,
                          sb_sbrp_session_keys *keys) {
  sb_sbrp_ephemeral c_eph, d_eph;
  sb_sbrp_accept acc;
  sb_sbrp_session_keys dkeys;
  const size_t cap = SB_SBRP_HEADER_BYTES + SB_SBRP_HANDSHAKE_ACCEPT_BYTES;
  size_t did_len = strlen(did);
  int rc = sb_sbrp_handshake_ephemeral_generate(rng, &c_eph);
  if (rc == 0) rc = sb_sbrp_handshake_ephemeral_generate(rng, &d_eph);
  if (rc == 0) rc = sb_sbrp_handshake_init_encode(sid, c_eph.pub, init, cap, init_len);
  if (rc == 0)
    rc = sb_sbrp_handshake_daemon_accept(id, (const uint8_t *)did, did_len, c_eph.pub, d_eph.priv,
                                         &acc, &dkeys);
  if (rc == 0) rc = sb_sbrp_handshake_accept_encode(sid, &acc, accept, cap, accept_len);
  if (rc == 0)
    rc = sb_sbrp_handshake_client_finish(id->pub, (const uint8_t *)did, did_len, &c_eph, &acc,
                                         keys);
  if (rc == 0 && memcmp(keys, &dkeys, sizeof dkeys) != 0) rc = SB_ERR_CRYPTO;
  if (rc == 0) rc = sb_sbrp_session_init(client, SB_SBRP_ROLE_CLIENT, sid, keys, NULL);
  if (rc == 0) rc = sb_sbrp_session_init(daemon, SB_SBRP_ROLE_DAEMON, sid, keys, NULL);
  sb_sbrp_handshake_wipe(&dkeys, sizeof dkeys);
  return rc;
}

static size_t sbp_encode(const sb_rng *rng, sb_sbp_frame *f, int64_t ts_ms, uint8_t *out,
                         size_t cap) {
  size_t n = 0;
  if (sb_sbp_frame_id_generate(rng, f->frame_id) != 0) return 0;
  f->has_timestamp = ts_ms >= 0;
  f->timestamp_ms = ts_ms;
  return sb_sbp_frame_encode(f, out, cap, &n) == 0 ? n : 0;
}

size_t sim_capture_sbp_handshake(const sb_rng *rng, const char *peer_id, int64_t ts_ms,
                                 uint8_t *out, size_t cap) {
  uint8_t json[512];
  size_t jlen = 0;
  cJSON *caps = cJSON_CreateArray();
  if (!caps) return 0;
  cJSON_AddItemToArray(caps, cJSON_CreateString("rpc"));
  int rc = sb_sbp_handshake_encode(peer_id, caps, NULL, json, sizeof json, &jlen);
  cJSON_Delete(caps);
  if (rc != 0) return 0;
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  f.control.op = SB_SBP_OP_HANDSHAKE;
  f.control.data = json;
  f.control.data_len = jlen;
  return sbp_encode(rng, &f, ts_ms, out, cap);
}

size_t sim_capture_sbp_control(const sb_rng *rng, uint8_t op, const char *data, int64_t ts_ms,
                               uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_CONTROL};
  f.control.op = op;
  f.control.data = (const uint8_t *)data;
  f.control.data_len = data ? strlen(data) : 0;
  return sbp_encode(rng, &f, ts_ms, out, cap);
}

size_t sim_capture_sbp_message(const sb_rng *rng, const char *subject, const uint8_t *data,
                               size_t len, int64_t ts_ms, uint8_t *out, size_t cap,
                               uint8_t frame_id[16]) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  f.message.data = data;
  f.message.data_len = len;
  size_t n = sbp_encode(rng, &f, ts_ms, out, cap);
  if (n && frame_id) memcpy(frame_id, f.frame_id, SB_SBP_FRAME_ID_BYTES);
  return n;
}

size_t sim_capture_sbp_error(const sb_rng *rng, const uint8_t id[16], uint16_t code,
                             const char *message, uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_ERROR};
  f.error.code = code;
  f.error.message = (const uint8_t *)message;
  f.error.message_len = strlen(message);
  size_t n = 0;
  if (id) {
    /* SBP-EFR-003: the ErrorFrame carries the offending frame's id. */
    memcpy(f.frame_id, id, SB_SBP_FRAME_ID_BYTES);
    return sb_sbp_frame_encode(&f, out, cap, &n) == 0 ? n : 0;
  }
  return sbp_encode(rng, &f, -1, out, cap);
}

size_t sim_capture_sbp_ack(const sb_rng *rng, const uint8_t acked[16], uint8_t *out, size_t cap) {
  sb_sbp_frame f = {.kind = SB_SBP_KIND_ACK};
  memcpy(f.ack.ack_frame_id, acked, SB_SBP_FRAME_ID_BYTES);
  return sbp_encode(rng, &f, -1, out, cap);
}

/* Encode `env` and wrap it in a Message on `subject`; `id` is the Message frameId to use
 * (NULL: a fresh one). */
static size_t envelope_message(const sb_rng *rng, const char *subject, sb_rpc_envelope *env,
                               const uint8_t *id, uint8_t *out, size_t cap) {
  uint8_t buf[4096];
  size_t len = 0;
  if (sb_rpc_envelope_encode(env, buf, sizeof buf, &len) != 0) return 0;
  sb_sbp_frame f = {.kind = SB_SBP_KIND_MESSAGE};
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  f.message.data = buf;
  f.message.data_len = len;
  if (!id) return sbp_encode(rng, &f, -1, out, cap);
  memcpy(f.frame_id, id, SB_SBP_FRAME_ID_BYTES);
  size_t n = 0;
  return sb_sbp_frame_encode(&f, out, cap, &n) == 0 ? n : 0;
}

/* Parse an optional JSON argument; `*ok` false if it is given but not JSON. */
static cJSON *arg(const char *json, bool *ok) {
  if (!json) return NULL;
  cJSON *v = cJSON_Parse(json);
  if (!v) *ok = false;
  return v;
}

size_t sim_capture_rpc_request(const sb_rng *rng, const char *method, const char *params,
                               uint8_t *out, size_t cap, uint8_t cid[16]) {
  bool ok = true;
  sb_rpc_envelope env = {.t = SB_RPC_REQUEST, .m = method, .cid_len = SB_RPC_CID_BYTES};
  cJSON *p = arg(params, &ok);
  env.p = p;
  size_t n = 0;
  /* RPC-CID-001: the cid is the frameId of the Message that carries the request. */
  if (ok && sb_sbp_frame_id_generate(rng, env.cid) == 0)
    n = envelope_message(rng, "rpc", &env, env.cid, out, cap);
  if (n) memcpy(cid, env.cid, SB_RPC_CID_BYTES);
  cJSON_Delete(p);
  return n;
}

size_t sim_capture_rpc_success(const sb_rng *rng, const uint8_t cid[16], const char *result,
                               uint8_t *out, size_t cap) {
  bool ok = true;
  sb_rpc_envelope env = {.t = SB_RPC_SUCCESS, .cid_len = SB_RPC_CID_BYTES};
  memcpy(env.cid, cid, SB_RPC_CID_BYTES);
  cJSON *r = arg(result, &ok);
  env.result = r;
  size_t n = ok ? envelope_message(rng, "rpc", &env, NULL, out, cap) : 0;
  cJSON_Delete(r);
  return n;
}

size_t sim_capture_rpc_error(const sb_rng *rng, const uint8_t cid[16], double code,
                             const char *message, const char *data, uint8_t *out, size_t cap) {
  bool ok = true;
  sb_rpc_envelope env = {.t = SB_RPC_ERROR, .cid_len = SB_RPC_CID_BYTES, .code = code,
                         .message = message};
  memcpy(env.cid, cid, SB_RPC_CID_BYTES);
  cJSON *d = arg(data, &ok);
  env.data = d;
  size_t n = ok ? envelope_message(rng, "rpc", &env, NULL, out, cap) : 0;
  cJSON_Delete(d);
  return n;
}

size_t sim_capture_rpc_event(const sb_rng *rng, const char *name, const char *data,
                             uint8_t *out, size_t cap) {
  bool ok = true;
  sb_rpc_envelope env = {.t = SB_RPC_NOTIFICATION, .e = name};
  cJSON *d = arg(data, &ok);
  env.d = d;
  size_t n = ok ? envelope_message(rng, "event", &env, NULL, out, cap) : 0;
  cJSON_Delete(d);
  return n;
}
