#include "rpc/envelope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "test/sbt.h"

/* ---- helpers ------------------------------------------------------------- */

static const uint8_t cid_bytes[SB_RPC_CID_BYTES] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                                    0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
#define CID_HEX "0123456789abcdeffedcba9876543210"

static int decode_text(const char *text, const sb_rpc_decode_opts *opts, sb_rpc_envelope *env) {
  return sb_rpc_envelope_decode((const uint8_t *)text, strlen(text), opts, env);
}

static const sb_rpc_decode_opts upstream_opts = {.lossy_utf8 = true, .notification_cid = true};

/* JSON text of a value as the encoder writes it (heap; NULL on failure). */
static char *json_text(const cJSON *v) {
  size_t need = 0;
  int rc = sb_rpc_envelope_encode_value(v, NULL, 0, &need);
  if (rc != SB_ERR_BUF) return NULL;
  char *s = malloc(need + 1);
  if (!s || sb_rpc_envelope_encode_value(v, (uint8_t *)s, need, &need) != SB_OK) {
    free(s);
    return NULL;
  }
  s[need] = 0;
  return s;
}

/* Two JSON values are equal when the encoder writes them identically. */
static bool json_equal(const cJSON *a, const cJSON *b) {
  if (!a || !b) return a == b;
  char *x = json_text(a), *y = json_text(b);
  bool eq = x && y && strcmp(x, y) == 0;
  free(x);
  free(y);
  return eq;
}

/* Encode into a heap hex string (NULL and a recorded failure on error). */
static char *encode_hex(const sb_rpc_envelope *env, int *rc_out) {
  uint8_t buf[4096];
  size_t len = 0;
  int rc = sb_rpc_envelope_encode(env, buf, sizeof buf, &len);
  if (rc_out) *rc_out = rc;
  return rc == SB_OK ? sbt_hex(buf, len) : NULL;
}

/* The envelope upstream's JavaScript builds from an `input` object. */
static void env_from_json(const cJSON *in, sb_rpc_envelope *env) {
  memset(env, 0, sizeof *env);
  const char *t = sbt_str(in, "t");
  env->t = (sb_rpc_type)(t ? t[0] : 0);
  const char *cid = sbt_str(in, "cid");
  if (cid && sb_hex_decode_lower_exact(cid, strlen(cid), env->cid, SB_RPC_CID_BYTES) == SB_OK)
    env->cid_len = SB_RPC_CID_BYTES;
  env->m = sbt_str(in, "m");
  env->p = sbt_get(in, "p");
  env->result = sbt_get(in, "result");
  const cJSON *code = sbt_get(in, "code");
  if (cJSON_IsNumber(code)) env->code = code->valuedouble;
  env->message = sbt_str(in, "message");
  env->data = sbt_get(in, "data");
  env->e = sbt_str(in, "e");
  env->d = sbt_get(in, "d");
}

static bool str_member_eq(const char *got, const cJSON *want) {
  return got && cJSON_IsString(want) && strcmp(got, want->valuestring) == 0;
}

/* Does decoded `env` hold exactly upstream's decoded object `want`? Known
 * members are compared through the typed fields; any other member through
 * the tree the envelope keeps. Optional values must be present iff upstream
 * has them (absent and null differ). */
static bool fields_match(const sb_rpc_envelope *env, const cJSON *want, const char *what) {
  bool ok = true;
  for (const cJSON *w = want ? want->child : NULL; w; w = w->next) {
    const char *k = w->string;
    bool same;
    if (!strcmp(k, "t")) {
      same = cJSON_IsString(w) && (char)env->t == w->valuestring[0];
    } else if (!strcmp(k, "cid") && env->cid_len == SB_RPC_CID_BYTES) {
      char hex[SB_HEX_SIZE(SB_RPC_CID_BYTES)];
      same = sb_hex_encode(env->cid, env->cid_len, hex, sizeof hex) == SB_OK && cJSON_IsString(w) &&
             !strcmp(hex, w->valuestring);
    } else if (!strcmp(k, "m")) {
      same = str_member_eq(env->m, w);
    } else if (!strcmp(k, "e")) {
      same = str_member_eq(env->e, w);
    } else if (!strcmp(k, "message")) {
      same = str_member_eq(env->message, w);
    } else if (!strcmp(k, "code")) {
      same = cJSON_IsNumber(w) && env->code == w->valuedouble;
    } else if (!strcmp(k, "p")) {
      same = json_equal(env->p, w);
    } else if (!strcmp(k, "result")) {
      same = json_equal(env->result, w);
    } else if (!strcmp(k, "data")) {
      same = json_equal(env->data, w);
    } else if (!strcmp(k, "d")) {
      same = json_equal(env->d, w);
    } else {
      same = json_equal(sb_json_get(env->root, k), w);
    }
    SBT_CHECK(same, "%s: member \"%s\" differs from upstream's decoding", what, k);
    ok = ok && same;
  }
  const struct {
    const char *key;
    const cJSON *have;
  } optional[] = {{"p", env->p}, {"result", env->result}, {"data", env->data}, {"d", env->d}};
  for (size_t i = 0; i < SB_ARRAY_LEN(optional); i++) {
    bool same = (optional[i].have != NULL) == (sbt_get(want, optional[i].key) != NULL);
    SBT_CHECK(same, "%s: \"%s\" present here %d, upstream %d", what, optional[i].key,
              optional[i].have != NULL, sbt_get(want, optional[i].key) != NULL);
    ok = ok && same;
  }
  return ok;
}

/* Upstream's error code for a failure: the protocol code of our error's row. */
/* Does our outcome (rc, env) equal upstream's recorded `outcome`? */
static bool same_outcome(int rc, const sb_rpc_envelope *env, const cJSON *outcome,
                         const char *what) {
  bool up_ok = cJSON_IsTrue(sbt_get(outcome, "ok"));
  if ((rc == SB_OK) != up_ok) return false;
  if (up_ok) return fields_match(env, sbt_get(outcome, "result"), what);
  const cJSON *code = sbt_get(sbt_get(outcome, "error"), "code");
  return cJSON_IsNumber(code) && sb_err_proto_code(rc) == (unsigned)code->valuedouble;
}

/* ---- upstream reference data ----------------------------------------------- */

static void upstream_envelopes_encode_byte_for_byte(void) {
  /* RPC-ENV-001..006: member order and omission as upstream writes them */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *list = sbt_get(root, "envelopes");
  SBT_EQ_U64(cJSON_GetArraySize(list), 10);
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    sb_rpc_envelope env;
    env_from_json(sbt_get(c, "input"), &env);
    int rc;
    char *hex = encode_hex(&env, &rc);
    SBT_CHECK(rc == SB_OK, "%s: encode failed: %s", sbt_str(c, "name"), sb_err_name(rc));
    if (hex) {
      bool same = strcmp(hex, sbt_str(c, "encoded_hex")) == 0;
      SBT_CHECK(same, "%s: encoded %s, upstream %s", sbt_str(c, "name"), hex,
                sbt_str(c, "encoded_hex"));
      if (same) sbt_count_upstream_value();
    }
    free(hex);
  }
  cJSON_Delete(root);
}

static void upstream_envelopes_decode_to_the_same_fields(void) {
  /* RPC-ENV-003..006; RPC-ENV-002: result null is kept, distinct from absent */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *list = sbt_get(root, "envelopes");
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    size_t len;
    uint8_t *bytes = sbt_unhex(sbt_str(c, "encoded_hex"), &len);
    sb_rpc_envelope env;
    int rc = sb_rpc_envelope_decode(bytes, len, NULL, &env);
    SBT_OK(rc);
    if (rc == SB_OK && same_outcome(rc, &env, sbt_get(c, "decode"), sbt_str(c, "name")))
      sbt_count_upstream_value();
    sb_rpc_envelope_free(&env);
    free(bytes);
  }
  cJSON_Delete(root);
}

/* Our outcome for every decode_malformed case, in the documents' reading
 * and with upstream's options; `errata` names the entry where the
 * documents' outcome differs from upstream's. */
static const struct malformed_case {
  const char *name;
  int documents;
  int upstream;
  const char *errata;
} malformed_cases[] = {
    {"request_missing_cid", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"response_missing_cid", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"error_missing_cid", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_31_hex", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_33_hex", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_uppercase_hex", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_non_hex", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_number", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_cid_byte_array", SB_ERR_RPC_CID, SB_ERR_RPC_CID, NULL},
    {"request_missing_method", SB_ERR_RPC_METHOD, SB_ERR_RPC_METHOD, NULL},
    {"request_method_number", SB_ERR_RPC_METHOD, SB_ERR_RPC_METHOD, NULL},
    {"request_empty_method", SB_OK, SB_OK, NULL},
    {"error_missing_code", SB_ERR_RPC_CODE, SB_ERR_RPC_CODE, NULL},
    {"error_code_string", SB_ERR_RPC_CODE, SB_ERR_RPC_CODE, NULL},
    {"error_code_float", SB_OK, SB_OK, NULL},
    {"error_missing_message", SB_ERR_RPC_MESSAGE, SB_ERR_RPC_MESSAGE, NULL},
    {"notification_missing_event", SB_ERR_RPC_EVENT, SB_ERR_RPC_EVENT, NULL},
    {"notification_with_valid_cid", SB_OK, SB_OK, NULL},
    {"notification_with_bad_cid", SB_OK, SB_ERR_RPC_CID, "E-RPC-2"},
    {"notification_with_numeric_cid", SB_OK, SB_OK, NULL},
    {"missing_t", SB_ERR_RPC_TYPE, SB_ERR_RPC_TYPE, NULL},
    {"t_unknown_X", SB_ERR_RPC_TYPE, SB_ERR_RPC_TYPE, NULL},
    {"t_lowercase_n", SB_ERR_RPC_TYPE, SB_ERR_RPC_TYPE, NULL},
    {"t_number", SB_ERR_RPC_TYPE, SB_ERR_RPC_TYPE, NULL},
    {"extra_fields_ignored", SB_OK, SB_OK, NULL},
    {"duplicate_keys_last_wins", SB_OK, SB_OK, NULL},
    {"json_null", SB_ERR_RPC_NOT_OBJECT, SB_ERR_RPC_NOT_OBJECT, NULL},
    {"json_array", SB_ERR_RPC_NOT_OBJECT, SB_ERR_RPC_NOT_OBJECT, NULL}, /* reason: E-RPC-4 */
    {"json_number", SB_ERR_RPC_NOT_OBJECT, SB_ERR_RPC_NOT_OBJECT, NULL},
    {"json_string", SB_ERR_RPC_NOT_OBJECT, SB_ERR_RPC_NOT_OBJECT, NULL},
    {"malformed_json", SB_ERR_RPC_JSON, SB_ERR_RPC_JSON, NULL},
    {"empty_input", SB_ERR_RPC_JSON, SB_ERR_RPC_JSON, NULL},
    {"whitespace_padded", SB_OK, SB_OK, NULL},
    {"utf8_bom_prefix", SB_OK, SB_OK, NULL},
    {"invalid_utf8_in_string", SB_ERR_RPC_UTF8, SB_OK, "E-RPC-1"},
};

static void upstream_decode_malformed_documented_outcomes(void) {
  /* RPC-ENV-001 (UTF-8), RPC-ENV-003..010, RPC-ENV-009 (failures are 1100) */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *list = sbt_get(root, "decode_malformed");
  SBT_EQ_U64(cJSON_GetArraySize(list), SB_ARRAY_LEN(malformed_cases));
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    const char *name = sbt_str(c, "name");
    const struct malformed_case *row = NULL;
    for (size_t i = 0; i < SB_ARRAY_LEN(malformed_cases) && !row; i++)
      if (!strcmp(malformed_cases[i].name, name)) row = &malformed_cases[i];
    SBT_CHECK(row != NULL, "decode_malformed case %s has no expectation here", name);
    if (!row) continue;
    size_t len;
    uint8_t *bytes = sbt_unhex(sbt_str(c, "bytes"), &len);
    const cJSON *outcome = sbt_get(c, "outcome");

    sb_rpc_envelope env;
    int rc = sb_rpc_envelope_decode(bytes, len, NULL, &env);
    SBT_CHECK(rc == row->documents, "%s: documents' reading gave %s, want %s", name,
              sb_err_name(rc), sb_err_name(row->documents));
    bool agrees = same_outcome(rc, &env, outcome, name);
    SBT_CHECK(agrees == (row->errata == NULL), "%s: agreement with upstream is %d, errata %s", name,
              agrees, row->errata ? row->errata : "none");
    sb_rpc_envelope_free(&env);

    rc = sb_rpc_envelope_decode(bytes, len, &upstream_opts, &env);
    SBT_CHECK(rc == row->upstream, "%s: upstream reading gave %s, want %s", name, sb_err_name(rc),
              sb_err_name(row->upstream));
    bool reproduced = same_outcome(rc, &env, outcome, name);
    SBT_CHECK(reproduced, "%s: upstream reading does not reproduce upstream's outcome", name);
    if (reproduced) sbt_count_upstream_value();
    sb_rpc_envelope_free(&env);
    free(bytes);
  }
  cJSON_Delete(root);
}

static void upstream_encode_errors_with_a_c_analogue(void) {
  /* RPC-ENV-001, RPC-ENV-002, RPC-ENV-007, RPC-ENV-009 */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *list = sbt_get(root, "encode_errors");
  unsigned seen = 0;
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    const char *name = sbt_str(c, "name");
    const cJSON *outcome = sbt_get(c, "outcome");
    if (!strcmp(name, "cid_wrong_length_15")) {
      /* Upstream writes a 15-byte FrameId as 30 hex chars; we refuse it
       * (E-RPC-5), and the decoder rejects what upstream wrote. */
      sb_rpc_envelope env = {.t = SB_RPC_REQUEST, .m = "x", .cid_len = 15};
      int rc;
      char *hex = encode_hex(&env, &rc);
      SBT_ERR_EQ(rc, SB_ERR_RPC_CID);
      free(hex);
      size_t len;
      uint8_t *bytes = sbt_unhex(sbt_str(outcome, "result"), &len);
      sb_rpc_envelope dec;
      SBT_ERR_EQ(sb_rpc_envelope_decode(bytes, len, NULL, &dec), SB_ERR_RPC_CID);
      SBT_ERR_EQ(sb_rpc_envelope_decode(bytes, len, &upstream_opts, &dec), SB_ERR_RPC_CID);
      free(bytes);
      seen++;
    } else if (!strcmp(name, "params_bigint_not_serializable")) {
      /* The C analogue of a value JSON cannot hold is a non-finite number. */
      cJSON *p = cJSON_CreateObject();
      cJSON_AddNumberToObject(p, "n", NAN);
      sb_rpc_envelope env = {.t = SB_RPC_REQUEST, .m = "x", .cid_len = 16, .p = p};
      memcpy(env.cid, cid_bytes, sizeof cid_bytes);
      int rc;
      char *hex = encode_hex(&env, &rc);
      SBT_ERR_EQ(rc, SB_ERR_RPC_ENCODE);
      const cJSON *code = sbt_get(sbt_get(outcome, "error"), "code");
      bool same = !cJSON_IsTrue(sbt_get(outcome, "ok")) && cJSON_IsNumber(code) &&
                  sb_err_proto_code(rc) == (unsigned)code->valuedouble;
      SBT_CHECK(same, "%s: refusal maps to upstream's code", name);
      if (same) sbt_count_upstream_value();
      free(hex);
      cJSON_Delete(p);
      seen++;
    } else if (!strcmp(name, "params_undefined_field_dropped")) {
      /* Rebuild upstream's call from what it wrote, with p = {a: undefined,
       * b: ...}: an undefined member is omitted (cJSON_Invalid stands for it). */
      size_t len;
      uint8_t *bytes = sbt_unhex(sbt_str(outcome, "result"), &len);
      sb_rpc_envelope dec;
      SBT_OK(sb_rpc_envelope_decode(bytes, len, NULL, &dec));
      cJSON *p = cJSON_CreateObject();
      cJSON *undef = cJSON_CreateNull();
      undef->type = cJSON_Invalid;
      cJSON_AddItemToObject(p, "a", undef);
      for (const cJSON *m = dec.p ? dec.p->child : NULL; m; m = m->next)
        cJSON_AddItemToObject(p, m->string, cJSON_Duplicate(m, true));
      sb_rpc_envelope env = dec;
      env.root = NULL;
      env.p = p;
      int rc;
      char *hex = encode_hex(&env, &rc);
      SBT_OK(rc);
      bool same = hex && !strcmp(hex, sbt_str(outcome, "result"));
      SBT_CHECK(same, "%s: wrote %s", name, hex ? hex : "(nothing)");
      if (same) sbt_count_upstream_value();
      free(hex);
      cJSON_Delete(p);
      sb_rpc_envelope_free(&dec);
      free(bytes);
      seen++;
    } else if (!strcmp(name, "unsupported_format_cbor")) {
      /* No C analogue: the codec has no format parameter (CBOR is v2+,
       * RPC-ENV-011). */
      seen++;
    } else {
      SBT_CHECK(false, "encode_errors case %s has no expectation here", name);
    }
  }
  SBT_EQ_U64(seen, 4);
  cJSON_Delete(root);
}

/* ---- decoding ---------------------------------------------------------------- */

static void decode_reads_each_envelope_type(void) {
  /* RPC-ENV-003, RPC-ENV-004, RPC-ENV-005, RPC-ENV-006 */
  sb_rpc_envelope env;
  SBT_OK(decode_text("{\"t\":\"r\",\"m\":\"a.b\",\"cid\":\"" CID_HEX "\",\"p\":[1]}", NULL, &env));
  SBT_EQ_U64(env.t, SB_RPC_REQUEST);
  SBT_STR_EQ(env.m, "a.b");
  SBT_HEX_EQ(env.cid, env.cid_len, CID_HEX);
  SBT_CHECK(cJSON_IsArray(env.p), "p is the array");
  sb_rpc_envelope_free(&env);
  SBT_CHECK(env.root == NULL && env.m == NULL, "free clears the envelope");

  SBT_OK(decode_text("{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":-7,\"message\":\"no\","
                     "\"data\":null}",
                     NULL, &env));
  SBT_EQ_U64(env.t, SB_RPC_ERROR);
  SBT_CHECK(env.code == -7.0, "code -7");
  SBT_STR_EQ(env.message, "no");
  SBT_CHECK(cJSON_IsNull(env.data), "data null is kept as null");
  sb_rpc_envelope_free(&env);

  SBT_OK(decode_text("{\"t\":\"N\",\"e\":\"task.done\"}", NULL, &env));
  SBT_EQ_U64(env.t, SB_RPC_NOTIFICATION);
  SBT_STR_EQ(env.e, "task.done");
  SBT_CHECK(env.d == NULL && env.cid_len == 0, "no d, no cid");
  sb_rpc_envelope_free(&env);
}

static void decode_keeps_absent_result_distinct_from_null(void) {
  /* RPC-ENV-002, RPC-ENV-004 */
  sb_rpc_envelope env;
  SBT_OK(decode_text("{\"t\":\"R\",\"cid\":\"" CID_HEX "\"}", NULL, &env));
  SBT_CHECK(env.result == NULL, "absent result is NULL");
  sb_rpc_envelope_free(&env);
  SBT_OK(decode_text("{\"t\":\"R\",\"cid\":\"" CID_HEX "\",\"result\":null}", NULL, &env));
  SBT_CHECK(cJSON_IsNull(env.result), "result null is a null item");
  sb_rpc_envelope_free(&env);
}

static void decode_cid_must_be_32_lowercase_hex(void) {
  /* RPC-ENV-007, RPC-ENV-008 */
  static const struct {
    const char *cid_json;
    int want;
  } cases[] = {
      {"\"" CID_HEX "\"", SB_OK},
      {"\"00000000000000000000000000000000\"", SB_OK},
      {"\"ffffffffffffffffffffffffffffffff\"", SB_OK},
      {"\"123456789abcdeffedcba9876543210\"", SB_ERR_RPC_CID},   /* 31 */
      {"\"0123456789abcdeffedcba98765432100\"", SB_ERR_RPC_CID}, /* 33 */
      {"\"\"", SB_ERR_RPC_CID},
      {"\"0123456789ABCDEFFEDCBA9876543210\"", SB_ERR_RPC_CID}, /* upper case */
      {"\"0123456789abcdefFEDCBA9876543210\"", SB_ERR_RPC_CID}, /* mixed case */
      {"\"0123456789abcdeffedcba987654321g\"", SB_ERR_RPC_CID},
      {"\" 123456789abcdeffedcba9876543210\"", SB_ERR_RPC_CID},
      {"\"0x23456789abcdeffedcba9876543210\"", SB_ERR_RPC_CID},
      {"\"ASNFZ4mrze/-3LqYdlQyEA\"", SB_ERR_RPC_CID}, /* base64url of the bytes */
      {"123", SB_ERR_RPC_CID},
      {"[1,35,69,103,137,171,205,239,254,220,186,152,118,84,50,16]", SB_ERR_RPC_CID},
      {"null", SB_ERR_RPC_CID},
      {"{}", SB_ERR_RPC_CID},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    for (const char *t = "rRE"; *t; t++) {
      char text[256];
      snprintf(text, sizeof text,
               "{\"t\":\"%c\",\"m\":\"x\",\"code\":1,\"message\":\"m\",\"cid\":%s}", *t,
               cases[i].cid_json);
      sb_rpc_envelope env;
      int rc = decode_text(text, NULL, &env);
      SBT_CHECK(rc == cases[i].want, "t=%c cid %s: got %s", *t, cases[i].cid_json, sb_err_name(rc));
      if (rc == SB_OK) SBT_EQ_U64(env.cid_len, SB_RPC_CID_BYTES);
      sb_rpc_envelope_free(&env);
    }
  }
  sb_rpc_envelope env;
  SBT_OK(decode_text("{\"t\":\"R\",\"cid\":\"" CID_HEX "\"}", NULL, &env));
  SBT_CHECK(memcmp(env.cid, cid_bytes, sizeof cid_bytes) == 0, "cid bytes in order, MSN first");
  sb_rpc_envelope_free(&env);
}

static void decode_checks_in_upstream_order(void) {
  /* RPC-ENV-008: object, t, cid shape, type's members, then the cid's case */
  static const struct {
    const char *text;
    int want;
  } cases[] = {
      {"[{\"t\":\"r\"}]", SB_ERR_RPC_NOT_OBJECT},
      {"true", SB_ERR_RPC_NOT_OBJECT},
      {"{\"t\":\"x\",\"cid\":5}", SB_ERR_RPC_TYPE},
      {"{\"t\":\"rr\",\"m\":\"x\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_TYPE},
      {"{\"t\":null}", SB_ERR_RPC_TYPE},
      {"{\"t\":\"r\",\"cid\":5}", SB_ERR_RPC_CID},
      {"{\"t\":\"r\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", SB_ERR_RPC_METHOD},
      {"{\"t\":\"E\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\",\"code\":1}", SB_ERR_RPC_MESSAGE},
      {"{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"message\":5}", SB_ERR_RPC_CODE},
      {"{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":1,\"message\":5}", SB_ERR_RPC_MESSAGE},
      {"{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":null,\"message\":\"m\"}", SB_ERR_RPC_CODE},
      {"{\"t\":\"N\",\"e\":null}", SB_ERR_RPC_EVENT},
      {"{\"t\":\"r\",\"m\":\"x\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", SB_ERR_RPC_CID},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_rpc_envelope env;
    int rc = decode_text(cases[i].text, NULL, &env);
    SBT_CHECK(rc == cases[i].want, "%s: got %s, want %s", cases[i].text, sb_err_name(rc),
              sb_err_name(cases[i].want));
    SBT_CHECK(env.root == NULL, "%s: nothing owned after a failure", cases[i].text);
  }
}

static void decode_rejects_invalid_utf8_unless_reading_as_upstream(void) {
  /* RPC-ENV-001: UTF-8 JSON; upstream replaces ill-formed bytes (E-RPC-1) */
  const char *text = "{\"t\":\"N\",\"e\":\"a\xc0\xafz\"}";
  sb_rpc_envelope env;
  SBT_ERR_EQ(decode_text(text, NULL, &env), SB_ERR_RPC_UTF8);
  sb_rpc_decode_opts lossy = {.lossy_utf8 = true};
  SBT_OK(decode_text(text, &lossy, &env));
  SBT_STR_EQ(env.e, "a\xef\xbf\xbd\xef\xbf\xbdz"); /* one U+FFFD per ill-formed byte */
  sb_rpc_envelope_free(&env);
  /* Invalid UTF-8 outside any string still fails as JSON afterwards. */
  SBT_ERR_EQ(decode_text("{\"t\":\"N\",\"e\":\"x\"}\xff", &lossy, &env), SB_ERR_RPC_JSON);
}

static void decode_refuses_what_cjson_cannot_hold(void) {
  /* RPC-ENV-001: U+0000 and lone surrogate escapes (errata E-RPC-7) */
  sb_rpc_envelope env;
  SBT_ERR_EQ(decode_text("{\"t\":\"N\",\"e\":\"a\\u0000b\"}", NULL, &env), SB_ERR_JSON_NUL);
  SBT_ERR_EQ(decode_text("{\"t\":\"N\",\"e\":\"\\ud800\"}", NULL, &env), SB_ERR_RPC_JSON);
  SBT_ERR_EQ(decode_text("{\"t\":\"N\",\"e\":\"\\udc00\"}", NULL, &env), SB_ERR_RPC_JSON);
  /* A surrogate pair is fine. */
  SBT_OK(decode_text("{\"t\":\"N\",\"e\":\"\\ud83d\\ude00\"}", NULL, &env));
  SBT_STR_EQ(env.e, "\xf0\x9f\x98\x80");
  sb_rpc_envelope_free(&env);
}

static void decode_accepts_empty_strings(void) {
  /* RPC-ENV-010 */
  sb_rpc_envelope env;
  SBT_OK(decode_text("{\"t\":\"r\",\"m\":\"\",\"cid\":\"" CID_HEX "\"}", NULL, &env));
  SBT_STR_EQ(env.m, "");
  sb_rpc_envelope_free(&env);
  SBT_OK(
      decode_text("{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":0,\"message\":\"\"}", NULL, &env));
  SBT_STR_EQ(env.message, "");
  sb_rpc_envelope_free(&env);
  SBT_OK(decode_text("{\"t\":\"N\",\"e\":\"\"}", NULL, &env));
  SBT_STR_EQ(env.e, "");
  sb_rpc_envelope_free(&env);
}

static void decode_keeps_extra_members_and_takes_the_last_duplicate(void) {
  /* RPC-ENV-008: extra keys kept; duplicates last-wins as JSON.parse */
  sb_rpc_envelope env;
  SBT_OK(decode_text("{\"t\":\"N\",\"e\":\"a\",\"x\":{\"y\":1},\"e\":\"b\",\"d\":1,\"d\":2}", NULL,
                     &env));
  SBT_STR_EQ(env.e, "b");
  SBT_CHECK(env.d && env.d->valuedouble == 2.0, "last d wins");
  SBT_CHECK(cJSON_IsObject(sb_json_get(env.root, "x")), "extra member kept in the tree");
  sb_rpc_envelope_free(&env);
}

static void decode_ignores_a_cid_on_a_notification(void) {
  /* RPC-ENV-006: N has no cid; upstream's reading checks a string cid (E-RPC-2) */
  static const char *texts[] = {
      "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"" CID_HEX "\"}",
      "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"abc\"}",
      "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}",
      "{\"t\":\"N\",\"e\":\"x\",\"cid\":7}",
  };
  static const int upstream_want[] = {SB_OK, SB_ERR_RPC_CID, SB_ERR_RPC_CID, SB_OK};
  static const size_t upstream_cid_len[] = {16, 0, 0, 0};
  for (size_t i = 0; i < SB_ARRAY_LEN(texts); i++) {
    sb_rpc_envelope env;
    SBT_OK(decode_text(texts[i], NULL, &env));
    SBT_EQ_U64(env.cid_len, 0);
    SBT_CHECK(sb_json_get(env.root, "cid") != NULL, "%s: kept as an extra member", texts[i]);
    sb_rpc_envelope_free(&env);
    int rc = decode_text(texts[i], &upstream_opts, &env);
    SBT_CHECK(rc == upstream_want[i], "%s upstream reading: %s", texts[i], sb_err_name(rc));
    if (rc == SB_OK) SBT_EQ_U64(env.cid_len, upstream_cid_len[i]);
    sb_rpc_envelope_free(&env);
  }
}

static void decode_error_code_is_any_number(void) {
  /* RPC-ENV-005: numeric code; the codec accepts any JSON number */
  static const char *codes[] = {"1100", "2001", "404", "-1", "1.5", "1e3", "0"};
  static const double values[] = {1100, 2001, 404, -1, 1.5, 1000, 0};
  for (size_t i = 0; i < SB_ARRAY_LEN(codes); i++) {
    char text[160];
    snprintf(text, sizeof text,
             "{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":%s,\"message\":\"m\"}", codes[i]);
    sb_rpc_envelope env;
    SBT_OK(decode_text(text, NULL, &env));
    SBT_CHECK(env.code == values[i], "code %s", codes[i]);
    sb_rpc_envelope_free(&env);
  }
}

static void extract_cid_reads_only_the_cid(void) {
  /* RPC-VAL-001: "cid extractable" from an otherwise invalid envelope */
  uint8_t cid[SB_RPC_CID_BYTES];
  static const struct {
    const char *text;
    int want;
  } cases[] = {
      {"{\"t\":\"r\",\"cid\":\"" CID_HEX "\"}", SB_OK},
      {"{\"t\":\"bogus\",\"cid\":\"" CID_HEX "\"}", SB_OK},
      {"{\"cid\":\"" CID_HEX "\"}", SB_OK},
      {"{\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", SB_ERR_RPC_CID},
      {"{\"cid\":7}", SB_ERR_RPC_CID},
      {"{\"t\":\"r\"}", SB_ERR_RPC_CID},
      {"[\"" CID_HEX "\"]", SB_ERR_RPC_NOT_OBJECT},
      {"{\"cid\":\"" CID_HEX "\"", SB_ERR_RPC_JSON},
      {"{\"cid\":\"" CID_HEX "\",\"m\":\"\xff\"}", SB_ERR_RPC_UTF8},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    memset(cid, 0, sizeof cid);
    int rc =
        sb_rpc_envelope_extract_cid((const uint8_t *)cases[i].text, strlen(cases[i].text), cid);
    SBT_CHECK(rc == cases[i].want, "%s: got %s", cases[i].text, sb_err_name(rc));
    if (rc == SB_OK) SBT_HEX_EQ(cid, sizeof cid, CID_HEX);
  }
}

static void decode_rejects_bad_arguments(void) {
  sb_rpc_envelope env;
  SBT_ERR_EQ(sb_rpc_envelope_decode(NULL, 3, NULL, &env), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_envelope_decode((const uint8_t *)"{}", 2, NULL, NULL), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_envelope_decode(NULL, 0, NULL, &env), SB_ERR_RPC_JSON);
  sb_rpc_envelope_free(NULL);
}

/* ---- encoding ---------------------------------------------------------------- */

static char *encode_text(const sb_rpc_envelope *env, int *rc) {
  uint8_t buf[1024];
  size_t len = 0;
  *rc = sb_rpc_envelope_encode(env, buf, sizeof buf - 1, &len);
  if (*rc != SB_OK) return NULL;
  char *s = malloc(len + 1);
  memcpy(s, buf, len);
  s[len] = 0;
  return s;
}

static void expect_encoding(const sb_rpc_envelope *env, const char *want) {
  int rc;
  char *got = encode_text(env, &rc);
  SBT_OK(rc);
  SBT_STR_EQ(got, want);
  free(got);
}

static void encode_writes_members_in_upstream_order(void) {
  /* RPC-ENV-002..006: compact, r: t m cid p; R: t cid result; E: t cid code message data */
  cJSON *p = cJSON_Parse("{\"z\":1,\"a\":[true,false,null]}");
  cJSON *null = cJSON_CreateNull();
  sb_rpc_envelope env = {.t = SB_RPC_REQUEST, .m = "calc.add", .cid_len = 16, .p = p};
  memcpy(env.cid, cid_bytes, sizeof cid_bytes);
  expect_encoding(&env, "{\"t\":\"r\",\"m\":\"calc.add\",\"cid\":\"" CID_HEX
                        "\",\"p\":{\"z\":1,\"a\":[true,false,null]}}");
  env.p = NULL;
  expect_encoding(&env, "{\"t\":\"r\",\"m\":\"calc.add\",\"cid\":\"" CID_HEX "\"}");

  sb_rpc_envelope ok = {.t = SB_RPC_SUCCESS, .cid_len = 16, .result = null};
  memcpy(ok.cid, cid_bytes, sizeof cid_bytes);
  expect_encoding(&ok, "{\"t\":\"R\",\"cid\":\"" CID_HEX "\",\"result\":null}");
  ok.result = NULL;
  expect_encoding(&ok, "{\"t\":\"R\",\"cid\":\"" CID_HEX "\"}");

  sb_rpc_envelope err = {
      .t = SB_RPC_ERROR, .cid_len = 16, .code = 1103, .message = "Handler timeout", .data = null};
  memcpy(err.cid, cid_bytes, sizeof cid_bytes);
  expect_encoding(&err, "{\"t\":\"E\",\"cid\":\"" CID_HEX
                        "\",\"code\":1103,\"message\":\"Handler timeout\",\"data\":null}");
  err.code = -2.5;
  err.data = NULL;
  expect_encoding(
      &err, "{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":-2.5,\"message\":\"Handler timeout\"}");

  sb_rpc_envelope n = {.t = SB_RPC_NOTIFICATION, .e = "", .d = null};
  expect_encoding(&n, "{\"t\":\"N\",\"e\":\"\",\"d\":null}");
  cJSON_Delete(p);
  cJSON_Delete(null);
}

static void encode_matches_the_reference_json_of_the_digest(void) {
  /* RPC-ENV-002..006, RPC-ENV-007: rpc.md section 2.1, cid 00 01 .. 0f */
  cJSON *p = cJSON_Parse("{\"a\":1,\"b\":2}");
  cJSON *three = cJSON_CreateNumber(3);
  cJSON *d = cJSON_Parse("{\"taskId\":\"abc\"}");
  sb_rpc_envelope envs[] = {
      {.t = SB_RPC_REQUEST, .m = "add", .cid_len = 16, .p = p},
      {.t = SB_RPC_SUCCESS, .cid_len = 16, .result = three},
      {.t = SB_RPC_SUCCESS, .cid_len = 16},
      {.t = SB_RPC_ERROR, .cid_len = 16, .code = 1101, .message = "Method not found: add"},
      {.t = SB_RPC_NOTIFICATION, .e = "task.completed", .d = d},
  };
#define CID_00_0F "\"000102030405060708090a0b0c0d0e0f\""
  static const char *want[] = {
      "{\"t\":\"r\",\"m\":\"add\",\"cid\":" CID_00_0F ",\"p\":{\"a\":1,\"b\":2}}",
      "{\"t\":\"R\",\"cid\":" CID_00_0F ",\"result\":3}",
      "{\"t\":\"R\",\"cid\":" CID_00_0F "}",
      "{\"t\":\"E\",\"cid\":" CID_00_0F ",\"code\":1101,\"message\":\"Method not found: add\"}",
      "{\"t\":\"N\",\"e\":\"task.completed\",\"d\":{\"taskId\":\"abc\"}}",
  };
#undef CID_00_0F
  for (size_t i = 0; i < SB_ARRAY_LEN(envs); i++) {
    for (unsigned b = 0; b < SB_RPC_CID_BYTES; b++) envs[i].cid[b] = (uint8_t)b;
    expect_encoding(&envs[i], want[i]);
  }
  cJSON_Delete(p);
  cJSON_Delete(three);
  cJSON_Delete(d);
}

static void encode_refuses_what_a_sender_never_writes(void) {
  /* RPC-ENV-003..007, RPC-ENV-001 (UTF-8 JSON, finite numbers) */
  cJSON *nan_p = cJSON_CreateArray();
  cJSON_AddItemToArray(nan_p, cJSON_CreateNumber(INFINITY));
  cJSON *raw = cJSON_CreateRaw("{}");
  cJSON *undef = cJSON_CreateNull();
  undef->type = cJSON_Invalid;
  struct {
    sb_rpc_envelope env;
    int want;
  } cases[] = {
      {{.t = (sb_rpc_type)'x', .m = "m", .cid_len = 16}, SB_ERR_RPC_TYPE},
      {{.t = SB_RPC_REQUEST, .m = "m", .cid_len = 0}, SB_ERR_RPC_CID},
      {{.t = SB_RPC_REQUEST, .m = "m", .cid_len = 15}, SB_ERR_RPC_CID},
      {{.t = SB_RPC_SUCCESS, .cid_len = 17}, SB_ERR_RPC_CID},
      {{.t = SB_RPC_ERROR, .cid_len = 0, .message = "m"}, SB_ERR_RPC_CID},
      {{.t = SB_RPC_NOTIFICATION, .e = "x", .cid_len = 16}, SB_ERR_RPC_CID},
      {{.t = SB_RPC_REQUEST, .cid_len = 16}, SB_ERR_RPC_METHOD},
      {{.t = SB_RPC_ERROR, .cid_len = 16}, SB_ERR_RPC_MESSAGE},
      {{.t = SB_RPC_ERROR, .cid_len = 16, .code = NAN, .message = "m"}, SB_ERR_RPC_CODE},
      {{.t = SB_RPC_ERROR, .cid_len = 16, .code = -INFINITY, .message = "m"}, SB_ERR_RPC_CODE},
      {{.t = SB_RPC_NOTIFICATION}, SB_ERR_RPC_EVENT},
      {{.t = SB_RPC_NOTIFICATION, .e = "a\xff"}, SB_ERR_RPC_UTF8},
      {{.t = SB_RPC_REQUEST, .m = "\xed\xa0\x80", .cid_len = 16}, SB_ERR_RPC_UTF8},
      {{.t = SB_RPC_ERROR, .cid_len = 16, .message = "\xc3"}, SB_ERR_RPC_UTF8},
      {{.t = SB_RPC_REQUEST, .m = "m", .cid_len = 16, .p = nan_p}, SB_ERR_RPC_ENCODE},
      {{.t = SB_RPC_SUCCESS, .cid_len = 16, .result = raw}, SB_ERR_RPC_ENCODE},
      {{.t = SB_RPC_NOTIFICATION, .e = "x", .d = undef}, SB_OK}, /* undefined d: omitted */
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    int rc;
    char *got = encode_text(&cases[i].env, &rc);
    SBT_CHECK(rc == cases[i].want, "case %zu: got %s, want %s", i, sb_err_name(rc),
              sb_err_name(cases[i].want));
    if (rc == SB_OK) SBT_STR_EQ(got, "{\"t\":\"N\",\"e\":\"x\"}");
    free(got);
  }
  size_t len;
  SBT_ERR_EQ(sb_rpc_envelope_encode(NULL, NULL, 0, &len), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_envelope_encode(&cases[0].env, NULL, 0, NULL), SB_ERR_ARG);
  cJSON_Delete(nan_p);
  cJSON_Delete(raw);
  cJSON_Delete(undef);
}

static void encode_reports_the_size_it_needs(void) {
  sb_rpc_envelope env = {.t = SB_RPC_NOTIFICATION, .e = "heartbeat"};
  const char *want = "{\"t\":\"N\",\"e\":\"heartbeat\"}";
  size_t len = 0;
  SBT_ERR_EQ(sb_rpc_envelope_encode(&env, NULL, 0, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, strlen(want));
  uint8_t buf[64];
  memset(buf, 0xAA, sizeof buf);
  SBT_ERR_EQ(sb_rpc_envelope_encode(&env, buf, strlen(want) - 1, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, strlen(want));
  SBT_EQ_U64(buf[strlen(want) - 1], 0xAA); /* nothing past the capacity */
  SBT_OK(sb_rpc_envelope_encode(&env, buf, strlen(want), &len));
  SBT_CHECK(len == strlen(want) && memcmp(buf, want, len) == 0, "exact fit");
}

static void encode_value_writes_numbers_as_javascript(void) {
  /* RPC-ENV-001: numbers as JSON.stringify writes them (Number::toString) */
  static const struct {
    double v;
    const char *want;
  } cases[] = {
      {0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {1.5, "1.5"},
      {4.35, "4.35"},
      {100, "100"},
      {0.1 + 0.2, "0.30000000000000004"},
      {9007199254740992.0, "9007199254740992"},
      {1e20, "100000000000000000000"},
      {123456789012345680000.0, "123456789012345680000"},
      {1e21, "1e+21"},
      {0.000001, "0.000001"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {1.23e-18, "1.23e-18"},
      {-1.5e300, "-1.5e+300"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      /* 2^122: the rounded 16-digit form misses, its neighbour is the answer */
      {5316911983139663491615228241121378304.0, "5.316911983139664e+36"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    cJSON *n = cJSON_CreateNumber(cases[i].v);
    char *got = json_text(n);
    SBT_CHECK(got && !strcmp(got, cases[i].want), "%.17g: wrote %s, want %s", cases[i].v,
              got ? got : "(error)", cases[i].want);
    free(got);
    cJSON_Delete(n);
  }
  cJSON *n = cJSON_CreateNumber(NAN);
  size_t len;
  SBT_ERR_EQ(sb_rpc_envelope_encode_value(n, NULL, 0, &len), SB_ERR_RPC_ENCODE);
  cJSON_Delete(n);
}

static void encode_value_escapes_strings_as_javascript(void) {
  /* RPC-ENV-001 */
  cJSON *s = cJSON_CreateString("\"\\\b\f\n\r\t\x01\x1f\x7f/\xc3\xa9\xe2\x80\xa8");
  char *got = json_text(s);
  SBT_STR_EQ(got, "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/\xc3\xa9\xe2\x80\xa8\"");
  free(got);
  cJSON_Delete(s);
}

static void encode_value_orders_object_members_as_javascript(void) {
  /* RPC-ENV-001: what JSON.stringify(JSON.parse(text)) writes */
  cJSON *o = NULL;
  const char *text =
      "{\"b\":1,\"2\":2,\"a\":3,\"1\":4,\"b\":5,\"10\":6,\"01\":7,"
      "\"4294967295\":8,\"4294967294\":9,\"-1\":10,\"1.0\":11}";
  SBT_OK(sb_json_parse((const uint8_t *)text, strlen(text), true, &o));
  char *got = json_text(o);
  SBT_STR_EQ(got,
             "{\"1\":4,\"2\":2,\"10\":6,\"4294967294\":9,\"b\":5,\"a\":3,\"01\":7,"
             "\"4294967295\":8,\"-1\":10,\"1.0\":11}");
  free(got);
  cJSON_Delete(o);
  /* undefined: member omitted, array slot null */
  cJSON *u = cJSON_CreateObject();
  cJSON *a = cJSON_CreateNull();
  a->type = cJSON_Invalid;
  cJSON_AddItemToObject(u, "a", a);
  cJSON *arr = cJSON_AddArrayToObject(u, "b");
  cJSON *slot = cJSON_CreateNull();
  slot->type = cJSON_Invalid;
  cJSON_AddItemToArray(arr, slot);
  cJSON_AddItemToArray(arr, cJSON_CreateNumber(1));
  cJSON_AddItemToObject(u, "c", cJSON_CreateObject());
  got = json_text(u);
  SBT_STR_EQ(got, "{\"b\":[null,1],\"c\":{}}");
  free(got);
  size_t len;
  SBT_ERR_EQ(sb_rpc_envelope_encode_value(a, NULL, 0, &len), SB_ERR_RPC_ENCODE);
  cJSON_Delete(u);
}

static void encode_then_decode_round_trips(void) {
  /* RPC-ENV-003, RPC-ENV-005: what we write, we read back unchanged */
  cJSON *data = cJSON_Parse("{\"retry\":false,\"list\":[1,\"two\",{\"3\":null}]}");
  sb_rpc_envelope env = {.t = SB_RPC_ERROR,
                         .cid_len = 16,
                         .code = 2001,
                         .message = "quota \"exceeded\"",
                         .data = data};
  memcpy(env.cid, cid_bytes, sizeof cid_bytes);
  uint8_t buf[256];
  size_t len;
  SBT_OK(sb_rpc_envelope_encode(&env, buf, sizeof buf, &len));
  sb_rpc_envelope back;
  SBT_OK(sb_rpc_envelope_decode(buf, len, NULL, &back));
  SBT_EQ_U64(back.t, SB_RPC_ERROR);
  SBT_HEX_EQ(back.cid, back.cid_len, CID_HEX);
  SBT_CHECK(back.code == 2001.0, "code");
  SBT_STR_EQ(back.message, "quota \"exceeded\"");
  SBT_CHECK(json_equal(back.data, data), "data");
  sb_rpc_envelope_free(&back);
  cJSON_Delete(data);
}

SBT_SUITE(rpc_envelope, "rpc/envelope", SBT_CASE(upstream_envelopes_encode_byte_for_byte),
          SBT_CASE(upstream_envelopes_decode_to_the_same_fields),
          SBT_CASE(upstream_decode_malformed_documented_outcomes),
          SBT_CASE(upstream_encode_errors_with_a_c_analogue),
          SBT_CASE(decode_reads_each_envelope_type),
          SBT_CASE(decode_keeps_absent_result_distinct_from_null),
          SBT_CASE(decode_cid_must_be_32_lowercase_hex), SBT_CASE(decode_checks_in_upstream_order),
          SBT_CASE(decode_rejects_invalid_utf8_unless_reading_as_upstream),
          SBT_CASE(decode_refuses_what_cjson_cannot_hold), SBT_CASE(decode_accepts_empty_strings),
          SBT_CASE(decode_keeps_extra_members_and_takes_the_last_duplicate),
          SBT_CASE(decode_ignores_a_cid_on_a_notification),
          SBT_CASE(decode_error_code_is_any_number), SBT_CASE(extract_cid_reads_only_the_cid),
          SBT_CASE(decode_rejects_bad_arguments), SBT_CASE(encode_writes_members_in_upstream_order),
          SBT_CASE(encode_matches_the_reference_json_of_the_digest),
          SBT_CASE(encode_refuses_what_a_sender_never_writes),
          SBT_CASE(encode_reports_the_size_it_needs),
          SBT_CASE(encode_value_writes_numbers_as_javascript),
          SBT_CASE(encode_value_escapes_strings_as_javascript),
          SBT_CASE(encode_value_orders_object_members_as_javascript),
          SBT_CASE(encode_then_decode_round_trips))
