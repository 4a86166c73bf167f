#include "rpc/codes.h"

#include <math.h>
#include <string.h>

#include "common/config.h"
#include "common/error.h"
#include "test/sbt.h"

static void codes_have_upstream_names(void) {
  /* rpc.md section 6 */
  static const struct {
    double code;
    const char *name;
  } rows[] = {{1100, "InvalidEnvelope"}, {1101, "UnsupportedMethod"}, {1102, "CorrelationMismatch"},
              {1103, "Timeout"},         {1104, "EnvelopeMismatch"},  {2000, "ApplicationError"}};
  for (size_t i = 0; i < SB_ARRAY_LEN(rows); i++) {
    SBT_STR_EQ(sb_rpc_codes_name(rows[i].code), rows[i].name);
    SBT_CHECK(sb_rpc_codes_meaning(rows[i].code) != NULL, "%g has a meaning", rows[i].code);
  }
  static const double undefined[] = {1000, 1002, 1099, 1105, 1199, 1999, 2001, 0, 1100.5, NAN};
  for (size_t i = 0; i < SB_ARRAY_LEN(undefined); i++) {
    SBT_CHECK(sb_rpc_codes_name(undefined[i]) == NULL, "%g has no name", undefined[i]);
    SBT_CHECK(sb_rpc_codes_meaning(undefined[i]) == NULL, "%g has no meaning", undefined[i]);
  }
}

static void upstream_rpc_error_code_enum(void) {
  /* rpc.md section 6: upstream's RpcErrorCode, value for value */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *codes = sbt_get(root, "RpcErrorCode");
  SBT_EQ_U64(cJSON_GetArraySize(codes), 5);
  for (const cJSON *c = codes ? codes->child : NULL; c; c = c->next) {
    const char *name = cJSON_IsNumber(c) ? sb_rpc_codes_name(c->valuedouble) : NULL;
    bool same = name && !strcmp(name, c->string);
    SBT_CHECK(same, "RpcErrorCode.%s = %g: ours %s", c->string, c->valuedouble,
              name ? name : "(none)");
    if (same) sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

static void codes_fall_in_owned_ranges(void) {
  /* RPC-ERR-001: SBP 1000-1099, RPC 1100-1199, reserved 1200-1999, app 2000+ */
  static const struct {
    double code;
    sb_rpc_code_range range;
    bool in_rpc_error;
  } cases[] = {
      {999, SB_RPC_CODE_RANGE_NONE, false},      {1000, SB_RPC_CODE_RANGE_SBP, false},
      {1002, SB_RPC_CODE_RANGE_SBP, false},      {1099, SB_RPC_CODE_RANGE_SBP, false},
      {1100, SB_RPC_CODE_RANGE_RPC, true},       {1199, SB_RPC_CODE_RANGE_RPC, true},
      {1200, SB_RPC_CODE_RANGE_RESERVED, false}, {1999, SB_RPC_CODE_RANGE_RESERVED, false},
      {2000, SB_RPC_CODE_RANGE_APP, true},       {2001, SB_RPC_CODE_RANGE_APP, true},
      {1e15, SB_RPC_CODE_RANGE_APP, true},       {404, SB_RPC_CODE_RANGE_NONE, false},
      {-1100, SB_RPC_CODE_RANGE_NONE, false},    {1100.5, SB_RPC_CODE_RANGE_NONE, false},
      {INFINITY, SB_RPC_CODE_RANGE_NONE, false}, {NAN, SB_RPC_CODE_RANGE_NONE, false},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    SBT_CHECK(sb_rpc_codes_range(cases[i].code) == cases[i].range, "range of %g", cases[i].code);
    SBT_CHECK(sb_rpc_codes_allowed_in_rpc_error(cases[i].code) == cases[i].in_rpc_error,
              "%g in an RpcError", cases[i].code);
  }
}

static void decode_failures_map_to_invalid_envelope(void) {
  /* RPC-ENV-009: every envelope decode failure is 1100 InvalidEnvelope */
  static const int errs[] = {SB_ERR_RPC_JSON,  SB_ERR_RPC_UTF8,    SB_ERR_RPC_NOT_OBJECT,
                             SB_ERR_RPC_TYPE,  SB_ERR_RPC_CID,     SB_ERR_RPC_METHOD,
                             SB_ERR_RPC_CODE,  SB_ERR_RPC_MESSAGE, SB_ERR_RPC_EVENT,
                             SB_ERR_RPC_ENCODE};
  for (size_t i = 0; i < SB_ARRAY_LEN(errs); i++)
    SBT_CHECK(sb_err_lookup(errs[i])->proto_code == SB_RPC_CODE_INVALID_ENVELOPE, "%s is 1100",
              sb_err_name(errs[i]));
  SBT_EQ_U64(sb_err_lookup(SB_ERR_RPC_CID_UNKNOWN)->proto_code, SB_RPC_CODE_CORRELATION_MISMATCH);
}

SBT_SUITE(rpc_codes, "rpc/codes", SBT_CASE(codes_have_upstream_names),
          SBT_CASE(upstream_rpc_error_code_enum), SBT_CASE(codes_fall_in_owned_ranges),
          SBT_CASE(decode_failures_map_to_invalid_envelope))
