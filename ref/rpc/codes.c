#include "rpc/codes.h"

#include <math.h>
#include <stddef.h>

typedef struct code_row {
  int code;
  const char *name;
  const char *meaning;
} code_row;

static const code_row rows[] = {
    {SB_RPC_CODE_INVALID_ENVELOPE, "InvalidEnvelope", "envelope structure or encoding error"},
    {SB_RPC_CODE_UNSUPPORTED_METHOD, "UnsupportedMethod", "no handler for the method"},
    {SB_RPC_CODE_CORRELATION_MISMATCH, "CorrelationMismatch",
     "response cid matches no pending request"},
    {SB_RPC_CODE_TIMEOUT, "Timeout", "request timed out waiting for a response"},
    {SB_RPC_CODE_ENVELOPE_MISMATCH, "EnvelopeMismatch", "envelope type not allowed on the subject"},
    {SB_RPC_CODE_APPLICATION, "ApplicationError", "catch-all for handler failures"},
};

static const code_row *find(double code) {
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (code == (double)rows[i].code) return &rows[i];
  return NULL;
}

sb_rpc_code_range sb_rpc_codes_range(double code) {
  if (!isfinite(code) || code != floor(code) || code < 1000) return SB_RPC_CODE_RANGE_NONE;
  if (code < 1100) return SB_RPC_CODE_RANGE_SBP;
  if (code < 1200) return SB_RPC_CODE_RANGE_RPC;
  if (code < 2000) return SB_RPC_CODE_RANGE_RESERVED;
  return SB_RPC_CODE_RANGE_APP;
}

bool sb_rpc_codes_allowed_in_rpc_error(double code) {
  sb_rpc_code_range r = sb_rpc_codes_range(code);
  return r == SB_RPC_CODE_RANGE_RPC || r == SB_RPC_CODE_RANGE_APP;
}

const char *sb_rpc_codes_name(double code) {
  const code_row *r = find(code);
  return r ? r->name : NULL;
}

const char *sb_rpc_codes_meaning(double code) {
  const code_row *r = find(code);
  return r ? r->meaning : NULL;
}
