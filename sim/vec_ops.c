#define _POSIX_C_SOURCE 200809L
#include "vec_ops.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "ops_internal.h"

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_FIELDS ((const char *const[]){NULL})

/* The registry, in the order of the table in vectors/README.md. */
static const sbv_op ops[] = {
    {"sbp.frame.decode",
     FIELDS("kind", "frameId", "timestamp", "op", "data", "subject", "ackFrameId", "code",
            "message", "details"),
     FIELDS("frameId", "data", "ackFrameId", "details"), false, sbv_op_sbp_frame_decode},
    {"sbp.frame.encode", FIELDS("frame"), FIELDS("frame"), false, sbv_op_sbp_frame_encode},
    {"sbp.handshake.decode", FIELDS("protocol", "version", "peerId", "caps", "metadata"),
     NO_FIELDS, false, sbv_op_sbp_handshake_decode},
    {"sbp.error.info", FIELDS("known", "name", "fatality", "owner"), NO_FIELDS, false,
     sbv_op_sbp_error_info},
    {"rpc.envelope.decode",
     FIELDS("t", "m", "p", "cid", "result", "code", "message", "data", "e", "d"), NO_FIELDS,
     false, sbv_op_rpc_envelope_decode},
    {"rpc.envelope.encode", FIELDS("data"), NO_FIELDS, true, sbv_op_rpc_envelope_encode},
    {"rpc.inbound", FIELDS("action", "code", "cid"), FIELDS("cid"), false, sbv_op_rpc_inbound},
    {"rpc.correlate", FIELDS("results"), NO_FIELDS, false, sbv_op_rpc_correlate},
    {"events.match", FIELDS("match"), NO_FIELDS, false, sbv_op_events_match},
    {"events.validate", NO_FIELDS, NO_FIELDS, false, sbv_op_events_validate},
    {"sbrp.frame.decode", FIELDS("type", "sessionId", "payload"), FIELDS("payload"), false,
     sbv_op_sbrp_frame_decode},
    {"sbrp.frame.encode", FIELDS("frame"), FIELDS("frame"), false, sbv_op_sbrp_frame_encode},
    {"sbrp.relay.validate", FIELDS("action", "control", "terminal", "pong"), FIELDS("pong"), false,
     sbv_op_sbrp_relay_validate},
    {"sbrp.control.info", FIELDS("known", "name", "terminal", "scope", "onWire"), NO_FIELDS,
     false, sbv_op_sbrp_control_info},
    {"sbrp.handshake",
     FIELDS("identityPublic", "fingerprint", "clientEphemeralPublic", "daemonEphemeralPublic",
            "signaturePayload", "signature", "transcriptHash", "sharedSecret", "clientToDaemon",
            "daemonToClient"),
     FIELDS("identityPublic", "clientEphemeralPublic", "daemonEphemeralPublic",
            "signaturePayload", "signature", "transcriptHash", "sharedSecret", "clientToDaemon",
            "daemonToClient"),
     false, sbv_op_sbrp_handshake},
    {"sbrp.handshake.finish", FIELDS("identityPublic", "fingerprint", "clientToDaemon", "daemonToClient"),
     FIELDS("identityPublic", "clientToDaemon", "daemonToClient"), false,
     sbv_op_sbrp_handshake_finish},
    {"sbrp.data.seal", FIELDS("payload", "frame"), FIELDS("payload", "frame"), false,
     sbv_op_sbrp_data_seal},
    {"sbrp.data.open", FIELDS("seq", "plaintext"), FIELDS("plaintext"), false,
     sbv_op_sbrp_data_open},
    {"sbrp.replay", FIELDS("decisions"), NO_FIELDS, false, sbv_op_sbrp_replay},
    {"auth.sid.encode", FIELDS("sid"), NO_FIELDS, false, sbv_op_auth_sid_encode},
    {"auth.sid.decode", FIELDS("sessionId"), NO_FIELDS, false, sbv_op_auth_sid_decode},
    {"auth.token.verify", FIELDS("claims"), NO_FIELDS, false, sbv_op_auth_token_verify},
    {"auth.token.peek", FIELDS("sessionId", "did"), NO_FIELDS, false, sbv_op_auth_token_peek},
    {"peer.backoff", FIELDS("delayMs"), NO_FIELDS, false, sbv_op_peer_backoff},
    {"peer.retry", FIELDS("mayRetry"), NO_FIELDS, false, sbv_op_peer_retry},
};

const sbv_op *sbv_op_find(const char *type) {
  for (size_t i = 0; type && i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(ops[i].type, type) == 0) return &ops[i];
  return NULL;
}

size_t sbv_op_count(void) { return sizeof ops / sizeof ops[0]; }

const sbv_op *sbv_op_at(size_t i) { return i < sbv_op_count() ? &ops[i] : NULL; }

const char *sbv_result_name(sbv_result r) {
  switch (r) {
    case SBV_VALID: return "valid";
    case SBV_INVALID: return "invalid";
    default: return "unsupported";
  }
}

bool sbv_result_parse(const char *s, sbv_result *out) {
  if (!s) return false;
  if (!strcmp(s, "valid")) *out = SBV_VALID;
  else if (!strcmp(s, "invalid")) *out = SBV_INVALID;
  else if (!strcmp(s, "unsupported")) *out = SBV_UNSUPPORTED;
  else return false;
  return true;
}

int sbv_op_run(const char *type, const cJSON *input, sbv_answer *out, char msg[SBV_MSG_SIZE]) {
  memset(out, 0, sizeof *out);
  msg[0] = '\0';
  const sbv_op *op = sbv_op_find(type);
  if (!op) {
    out->result = SBV_UNSUPPORTED;
    return 0;
  }
  if (!cJSON_IsObject(input)) {
    snprintf(msg, SBV_MSG_SIZE, "input: not a JSON object");
    return -1;
  }
  int rc = op->run(input, out, msg);
  if (rc != 0) sbv_answer_clear(out);
  return rc;
}

void sbv_answer_clear(sbv_answer *a) {
  cJSON_Delete(a->output);
  memset(a, 0, sizeof *a);
}

/* ---- input helpers --------------------------------------------------------- */

static const cJSON *member(const cJSON *input, const char *key, char msg[SBV_MSG_SIZE]) {
  const cJSON *v = sb_json_get(input, key);
  if (!v) snprintf(msg, SBV_MSG_SIZE, "input.%s: missing", key);
  return v;
}

bool sbv_in_str(const cJSON *input, const char *key, const char **out, char msg[SBV_MSG_SIZE]) {
  const cJSON *v = member(input, key, msg);
  if (!v) return false;
  if (!cJSON_IsString(v)) {
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not a string", key);
    return false;
  }
  *out = v->valuestring;
  return true;
}

bool sbv_in_hex(const cJSON *input, const char *key, unsigned char **buf, size_t *len,
                char msg[SBV_MSG_SIZE]) {
  const char *s;
  *buf = NULL;
  *len = 0;
  if (!sbv_in_str(input, key, &s, msg)) return false;
  size_t n = strlen(s);
  unsigned char *b = malloc(n / 2 + 1);
  if (!b || sb_hex_decode(s, n, b, n / 2 + 1, len) != SB_OK) {
    free(b);
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not an even-length hex string", key);
    return false;
  }
  *buf = b;
  return true;
}

bool sbv_in_hex_exact(const cJSON *input, const char *key, unsigned char *out, size_t n,
                      char msg[SBV_MSG_SIZE]) {
  unsigned char *b;
  size_t len;
  if (!sbv_in_hex(input, key, &b, &len, msg)) return false;
  bool ok = len == n;
  if (ok)
    memcpy(out, b, n);
  else
    snprintf(msg, SBV_MSG_SIZE, "input.%s: %zu bytes, want %zu", key, len, n);
  free(b);
  return ok;
}

bool sbv_in_u64(const cJSON *input, const char *key, unsigned long long *out,
                char msg[SBV_MSG_SIZE]) {
  const cJSON *v = member(input, key, msg);
  if (!v) return false;
  if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d >= 0 && d <= 9007199254740992.0 && d == floor(d)) {
      *out = (unsigned long long)d;
      return true;
    }
  } else if (cJSON_IsString(v) && v->valuestring[0] >= '0' && v->valuestring[0] <= '9') {
    char *end;
    errno = 0;
    unsigned long long u = strtoull(v->valuestring, &end, 10);
    if (!errno && !*end && !(v->valuestring[0] == '0' && v->valuestring[1])) {
      *out = u;
      return true;
    }
  }
  snprintf(msg, SBV_MSG_SIZE, "input.%s: not an unsigned 64-bit decimal string", key);
  return false;
}

bool sbv_in_i64(const cJSON *input, const char *key, long long *out, char msg[SBV_MSG_SIZE]) {
  const cJSON *v = member(input, key, msg);
  if (!v) return false;
  if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (fabs(d) <= 9007199254740992.0 && d == floor(d)) {
      *out = (long long)d;
      return true;
    }
  } else if (cJSON_IsString(v) && v->valuestring[0]) {
    char *end;
    errno = 0;
    long long s = strtoll(v->valuestring, &end, 10);
    if (!errno && !*end) {
      *out = s;
      return true;
    }
  }
  snprintf(msg, SBV_MSG_SIZE, "input.%s: not a signed 64-bit decimal string", key);
  return false;
}

bool sbv_in_num(const cJSON *input, const char *key, double *out, char msg[SBV_MSG_SIZE]) {
  const cJSON *v = member(input, key, msg);
  if (!v) return false;
  if (!cJSON_IsNumber(v)) {
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not a number", key);
    return false;
  }
  *out = v->valuedouble;
  return true;
}

/* ---- output helpers -------------------------------------------------------- */

cJSON *sbv_out_hex(cJSON *obj, const char *key, const unsigned char *buf, size_t len) {
  char *hex = malloc(SB_HEX_SIZE(len));
  if (hex && sb_hex_encode(buf, len, hex, SB_HEX_SIZE(len)) == SB_OK)
    cJSON_AddStringToObject(obj, key, hex);
  free(hex);
  return obj;
}

cJSON *sbv_out_u64(cJSON *obj, const char *key, unsigned long long v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llu", v);
  cJSON_AddStringToObject(obj, key, buf);
  return obj;
}

cJSON *sbv_out_i64(cJSON *obj, const char *key, long long v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%lld", v);
  cJSON_AddStringToObject(obj, key, buf);
  return obj;
}

void sbv_invalid_code(sbv_answer *out, int err, unsigned code) {
  out->result = SBV_INVALID;
  out->err = err;
  out->output = cJSON_CreateObject();
  cJSON_AddNumberToObject(out->output, "error", code);
}

void sbv_invalid_name(sbv_answer *out, int err, const char *name) {
  out->result = SBV_INVALID;
  out->err = err;
  out->output = cJSON_CreateObject();
  cJSON_AddStringToObject(out->output, "error", name);
}

void sbv_valid(sbv_answer *out, cJSON *output) {
  out->result = SBV_VALID;
  out->err = 0;
  out->output = output;
}
