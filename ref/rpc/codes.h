/*
 * Error codes carried in an RpcError envelope (rpc.md section 6, the
 * upstream registry docs/protocols/error-codes.md):
 *
 *   1000-1099  SBP       carried in ErrorFrames, never in RpcError
 *   1100-1199  RPC       request-scoped, never closes the transport
 *   1200-1999  reserved  allocated only by a future ADR
 *   2000+      app       2000 is the catch-all, higher values app-defined
 *
 * Codes are JSON numbers on the wire, so the functions take a double; a
 * value that is not an integer belongs to no range.
 */
#ifndef SB_RPC_CODES_H
#define SB_RPC_CODES_H

#include <stdbool.h>

#define SB_RPC_CODE_INVALID_ENVELOPE 1100
#define SB_RPC_CODE_UNSUPPORTED_METHOD 1101
#define SB_RPC_CODE_CORRELATION_MISMATCH 1102
#define SB_RPC_CODE_TIMEOUT 1103
#define SB_RPC_CODE_ENVELOPE_MISMATCH 1104
#define SB_RPC_CODE_APPLICATION 2000

/* Who owns a code (RPC-ERR-001). */
typedef enum sb_rpc_code_range {
  SB_RPC_CODE_RANGE_NONE,     /* below 1000, not an integer, or not finite: nobody's */
  SB_RPC_CODE_RANGE_SBP,      /* 1000-1099 */
  SB_RPC_CODE_RANGE_RPC,      /* 1100-1199 */
  SB_RPC_CODE_RANGE_RESERVED, /* 1200-1999 */
  SB_RPC_CODE_RANGE_APP       /* 2000 and above */
} sb_rpc_code_range;

/* The range `code` falls in. */
sb_rpc_code_range sb_rpc_codes_range(double code);

/* true if an RpcError may carry `code`: the RPC range or the app range
 * (RPC-ERR-001; SBP codes travel only in ErrorFrames). */
bool sb_rpc_codes_allowed_in_rpc_error(double code);

/* Upstream name of a defined code ("InvalidEnvelope", ..., "ApplicationError"),
 * or NULL for any other value. */
const char *sb_rpc_codes_name(double code);

/* One line saying what a defined code means, or NULL for any other value. */
const char *sb_rpc_codes_meaning(double code);

#endif
