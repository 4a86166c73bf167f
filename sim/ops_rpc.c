/*
 * Vector operations of the RPC and event layers: rpc.envelope.decode,
 * rpc.envelope.encode, events.match, events.validate.
 *
 * The subject selects the channel (rpc.md 1, RPC-CH-001): r/R/E belong on
 * `rpc`, N on `event`; no envelope belongs on any other subject (app/...
 * payloads are not RPC, RPC-CH-003). A type on the wrong channel is invalid
 * with 1104 EnvelopeMismatch, the code the registry defines for it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "events/pattern.h"
#include "ops_internal.h"
#include "rpc/channel.h"
#include "rpc/correlation.h"
#include "rpc/envelope.h"

static void add_copy(cJSON *o, const char *key, const cJSON *v) {
  if (v) cJSON_AddItemToObject(o, key, cJSON_Duplicate(v, 1));
}

static cJSON *envelope_json(const sb_rpc_envelope *env) {
  cJSON *o = cJSON_CreateObject();
  char t[2] = {(char)env->t, 0};
  cJSON_AddStringToObject(o, "t", t);
  if (env->t == SB_RPC_REQUEST) cJSON_AddStringToObject(o, "m", env->m);
  add_copy(o, "p", env->p);
  if (env->cid_len == SB_RPC_CID_BYTES) sbv_out_hex(o, "cid", env->cid, env->cid_len);
  add_copy(o, "result", env->result);
  if (env->t == SB_RPC_ERROR) {
    cJSON_AddNumberToObject(o, "code", env->code);
    cJSON_AddStringToObject(o, "message", env->message);
  }
  add_copy(o, "data", env->data);
  if (env->t == SB_RPC_NOTIFICATION) cJSON_AddStringToObject(o, "e", env->e);
  add_copy(o, "d", env->d);
  return o;
}

/* The answer for a failed decode or encode: invalid with the RPC code, or
 * unsupported when the error has no protocol code (SB_ERR_JSON_NUL: a string
 * holding U+0000, which this library cannot represent; errata E-RPC-7). */
static void answer_error(sbv_answer *out, int rc) {
  unsigned code = sb_err_proto_code(rc);
  if (code) {
    sbv_invalid_code(out, rc, code);
  } else {
    out->result = SBV_UNSUPPORTED;
    out->err = rc;
  }
}

/* 0 if envelopes may travel on `subject` at all, else the invalid answer. */
static bool channel_carries_rpc(const char *subject, sbv_answer *out) {
  sb_rpc_channel ch = sb_rpc_channel_of(subject, strlen(subject));
  if (ch == SB_RPC_CHANNEL_RPC || ch == SB_RPC_CHANNEL_EVENT) return true;
  sbv_invalid_code(out, SB_ERR_RPC_CHANNEL, sb_err_proto_code(SB_ERR_RPC_CHANNEL));
  return false;
}

SBV_OP_FN(sbv_op_rpc_envelope_decode) {
  const char *subject;
  unsigned char *buf;
  size_t len;
  if (!sbv_in_str(input, "subject", &subject, msg)) return -1;
  if (!sbv_in_hex(input, "data", &buf, &len, msg)) return -1;
  if (!channel_carries_rpc(subject, out)) {
    free(buf);
    return 0;
  }
  sb_rpc_envelope env;
  int rc = sb_rpc_envelope_decode(buf, len, NULL, &env);
  free(buf);
  if (rc == SB_OK) rc = sb_rpc_channel_check(subject, strlen(subject), env.t);
  if (rc != SB_OK) {
    answer_error(out, rc);
  } else {
    sbv_valid(out, envelope_json(&env));
  }
  sb_rpc_envelope_free(&env);
  return 0;
}

/* Read the envelope object of an encode request into `env` (views into
 * `o`). Returns false with `msg` for a malformed request; *bad_cid is set
 * when the cid is a string but not lower-case hex (an encoder refuses it). */
static bool envelope_from_json(const cJSON *o, sb_rpc_envelope *env, bool *bad_cid,
                               char msg[SBV_MSG_SIZE]) {
  memset(env, 0, sizeof *env);
  *bad_cid = false;
  const cJSON *t = sb_json_get(o, "t");
  if (!cJSON_IsString(t) || strlen(t->valuestring) != 1) {
    snprintf(msg, SBV_MSG_SIZE, "input.envelope.t: not a one-character string");
    return false;
  }
  env->t = (sb_rpc_type)t->valuestring[0];
  const cJSON *cid = sb_json_get(o, "cid");
  if (cid) {
    const char *s = cJSON_GetStringValue(cid);
    size_t n = s ? strlen(s) : 0, i;
    for (i = 0; i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')); i++) {}
    if (!s || i != n || n % 2 || n > 2 * SB_RPC_CID_BYTES + 2) {
      *bad_cid = true;
    } else {
      /* A wrong length (31 or 34 hex digits...) is passed on as such: the
       * encoder refuses it (cid_len != 16). */
      env->cid_len = n / 2;
      uint8_t tmp[SB_RPC_CID_BYTES + 1];
      size_t got;
      if (sb_hex_decode(s, n, tmp, sizeof tmp, &got) == SB_OK && got <= SB_RPC_CID_BYTES)
        memcpy(env->cid, tmp, got);
    }
  }
  env->m = cJSON_GetStringValue(sb_json_get(o, "m"));
  env->p = sb_json_get(o, "p");
  env->result = sb_json_get(o, "result");
  const cJSON *code = sb_json_get(o, "code");
  if (code && !cJSON_IsNumber(code)) {
    snprintf(msg, SBV_MSG_SIZE, "input.envelope.code: not a number");
    return false;
  }
  /* An absent code is no number: NaN, which the encoder refuses (RPC-ENV-005). */
  env->code = code ? code->valuedouble : NAN;
  env->message = cJSON_GetStringValue(sb_json_get(o, "message"));
  env->data = sb_json_get(o, "data");
  env->e = cJSON_GetStringValue(sb_json_get(o, "e"));
  env->d = sb_json_get(o, "d");
  return true;
}

SBV_OP_FN(sbv_op_rpc_envelope_encode) {
  const char *subject;
  if (!sbv_in_str(input, "subject", &subject, msg)) return -1;
  const cJSON *o = sb_json_get(input, "envelope");
  if (!cJSON_IsObject(o)) {
    snprintf(msg, SBV_MSG_SIZE, "input.envelope: not a JSON object");
    return -1;
  }
  sb_rpc_envelope env;
  bool bad_cid;
  if (!envelope_from_json(o, &env, &bad_cid, msg)) return -1;
  if (!channel_carries_rpc(subject, out)) return 0;
  /* As when decoding: an invalid envelope (1100) is reported before a type
   * the channel does not carry (1104). */
  int rc = bad_cid ? SB_ERR_RPC_CID : SB_OK;
  size_t need = 0;
  unsigned char *buf = NULL;
  if (rc == SB_OK) {
    rc = sb_rpc_envelope_encode(&env, NULL, 0, &need);
    if (rc == SB_ERR_BUF && (buf = malloc(need)) != NULL) rc = sb_rpc_envelope_encode(&env, buf, need, &need);
  }
  if (rc == SB_OK) rc = sb_rpc_channel_check(subject, strlen(subject), env.t);
  if (rc != SB_OK)
    answer_error(out, rc);
  else
    sbv_valid(out, sbv_out_hex(cJSON_CreateObject(), "data", buf, need));
  free(buf);
  return 0;
}

SBV_OP_FN(sbv_op_events_match) {
  const char *pattern, *name;
  if (!sbv_in_str(input, "pattern", &pattern, msg) || !sbv_in_str(input, "name", &name, msg))
    return -1;
  int rc = sb_events_pattern_validate(pattern, strlen(pattern));
  if (rc == SB_OK) rc = sb_events_pattern_validate_name(name, strlen(name));
  if (rc != SB_OK) {
    sbv_invalid_name(out, rc, sb_err_proto_name(rc));
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "match",
                        sb_events_pattern_match(pattern, strlen(pattern), name, strlen(name)));
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_events_validate) {
  const char *s;
  bool is_pattern = sb_json_get(input, "pattern") != NULL;
  if (!sbv_in_str(input, is_pattern ? "pattern" : "name", &s, msg)) return -1;
  int rc = is_pattern ? sb_events_pattern_validate(s, strlen(s))
                      : sb_events_pattern_validate_name(s, strlen(s));
  if (rc != SB_OK)
    sbv_invalid_name(out, rc, sb_err_proto_name(rc));
  else
    sbv_valid(out, NULL);
  return 0;
}

SBV_OP_FN(sbv_op_rpc_inbound) {
  const char *subject;
  unsigned char *buf;
  size_t len;
  if (!sbv_in_str(input, "subject", &subject, msg)) return -1;
  if (!sbv_in_hex(input, "data", &buf, &len, msg)) return -1;
  sb_rpc_inbound in;
  int rc = sb_rpc_channel_inbound(subject, strlen(subject), buf, len, SB_RPC_PROFILE_DOCUMENTS, &in);
  free(buf);
  if (rc != SB_OK) {
    snprintf(msg, SBV_MSG_SIZE, "input: %s", sb_err_str(rc));
    return -1;
  }
  static const char *names[] = {"app", "request", "response", "event", "drop", "reply-rpc-error",
                                "reply-error-frame"};
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "action", names[in.action]);
  if (in.action == SB_RPC_ACTION_REPLY_RPC_ERROR) {
    cJSON_AddNumberToObject(o, "code", 1100);
    sbv_out_hex(o, "cid", in.cid, sizeof in.cid);
  } else if (in.action == SB_RPC_ACTION_REPLY_ERROR_FRAME) {
    cJSON_AddNumberToObject(o, "code", in.error_code);
  }
  sb_rpc_channel_inbound_free(&in);
  sbv_valid(out, o);
  return 0;
}

#define MAX_CALLS 64
/* Times in ms must fit sb_time_us (int64 microseconds) once multiplied by 1000. */
#define RPC_MAX_MS 9e12

/* Calls issued at time 0, each with its own timeout; responses arrive in
 * time order: a response resolves its pending call (any order, by cid,
 * RPC-CID-003/005) or is unknown: never sent, already answered, or late
 * (RPC-CID-007: discarded quietly). */
SBV_OP_FN(sbv_op_rpc_correlate) {
  const cJSON *calls = sb_json_get(input, "calls"), *responses = sb_json_get(input, "responses");
  if (!cJSON_IsArray(calls) || !cJSON_IsArray(responses) || cJSON_GetArraySize(calls) > MAX_CALLS) {
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not an array%s", cJSON_IsArray(calls) ? "responses" : "calls",
             cJSON_GetArraySize(calls) > MAX_CALLS ? " of at most 64 calls" : "");
    return -1;
  }
  sb_rpc_pending slots[MAX_CALLS];
  sb_rpc_correlation t;
  sb_rpc_correlation_init(&t, slots, MAX_CALLS);
  const cJSON *c;
  int i = 0;
  cJSON_ArrayForEach(c, calls) {
    uint8_t cid[SB_RPC_CID_BYTES];
    double ms;
    if (!sbv_in_hex_exact(c, "cid", cid, sizeof cid, msg) || !sbv_in_num(c, "timeoutMs", &ms, msg) ||
        !(ms >= 0 && ms <= RPC_MAX_MS)) {
      char inner[SBV_MSG_SIZE];
      snprintf(inner, sizeof inner, "input.calls[%d]: needs cid (16 bytes) and timeoutMs in [0, 9e12]", i);
      memcpy(msg, inner, SBV_MSG_SIZE);
      return -1;
    }
    if (sb_rpc_correlation_add(&t, cid, (sb_time_us)(ms * 1000), NULL) != SB_OK) {
      snprintf(msg, SBV_MSG_SIZE, "input.calls[%d]: cid already pending", i);
      return -1;
    }
    i++;
  }
  cJSON *results = cJSON_CreateArray();
  double last = 0;
  i = 0;
  cJSON_ArrayForEach(c, responses) {
    uint8_t cid[SB_RPC_CID_BYTES];
    double at;
    if (!sbv_in_hex_exact(c, "cid", cid, sizeof cid, msg) || !sbv_in_num(c, "atMs", &at, msg) || at < last ||
        !(at <= RPC_MAX_MS)) {
      snprintf(msg, SBV_MSG_SIZE, "input.responses[%d]: needs cid (16 bytes) and atMs in [0, 9e12], in time order", i);
      cJSON_Delete(results);
      return -1;
    }
    last = at;
    sb_rpc_pending gone;
    while (sb_rpc_correlation_expire(&t, (sb_time_us)(at * 1000), &gone)) {
    }
    int rc = sb_rpc_correlation_resolve(&t, cid, NULL);
    cJSON_AddItemToArray(results, cJSON_CreateString(rc == SB_OK ? "resolved" : "unknown"));
    i++;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "results", results);
  sbv_valid(out, o);
  return 0;
}
