/*
 * SBP error codes (sbp.md section 7; docs/protocols/error-codes.md): the
 * five codes an ErrorFrame carries, their documented fatality, upstream's
 * negotiator classification, the owner of any code, and the ErrorFrame a
 * receiver sends for one of our SB_ERR_SBP_* outcomes.
 */
#ifndef SB_SBP_ERRORS_H
#define SB_SBP_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "sbp/frame.h"

typedef enum sb_sbp_code {
  SB_SBP_CODE_PROTOCOL_VIOLATION = 1000,
  SB_SBP_CODE_UNSUPPORTED_VERSION = 1001,
  SB_SBP_CODE_INVALID_FRAME = 1002,
  SB_SBP_CODE_UNSUPPORTED_FEATURE = 1003,
  SB_SBP_CODE_APPLICATION_ERROR = 2000
} sb_sbp_code;

/* Documented fatality (SBP-ERR-001..004). UNKNOWN: no document says. */
typedef enum sb_sbp_fatality {
  SB_SBP_FATALITY_UNKNOWN = 0,
  SB_SBP_FATAL,      /* close the transport after logging */
  SB_SBP_CONTEXTUAL, /* may be fatal if recovery is unsafe */
  SB_SBP_NON_FATAL   /* keep processing later frames */
} sb_sbp_fatality;

/* Who owns a code (SBP-ERR-008; RPC-ERR-001). */
typedef enum sb_sbp_code_range {
  SB_SBP_RANGE_UNASSIGNED = 0, /* 0-999: no owner */
  SB_SBP_RANGE_SBP,            /* 1000-1099: SBP, carried in an ErrorFrame */
  SB_SBP_RANGE_RPC,            /* 1100-1199: RPC, carried in an RpcError */
  SB_SBP_RANGE_RESERVED,       /* 1200-1999: reserved, allocated by ADR only */
  SB_SBP_RANGE_APPLICATION     /* 2000 and up: application */
} sb_sbp_code_range;

typedef struct sb_sbp_errors_info {
  uint16_t code;            /* 1000 ... 2000 */
  const char *name;         /* "ProtocolViolation" ... */
  sb_sbp_fatality fatality; /* as documented */
  bool negotiator_fatal;    /* upstream SbpNegotiator: no retry (SBP-ERR-014) */
  uint16_t ws_close_code;   /* errors.md close-code guidance, 0 if none (SBP-ERR-012) */
} sb_sbp_errors_info;

/* Row for one of the five defined codes, or NULL. */
const sb_sbp_errors_info *sb_sbp_errors_lookup(uint32_t code);

/* Number of defined codes and row `i` (0-based; NULL past the end). */
unsigned sb_sbp_errors_count(void);
const sb_sbp_errors_info *sb_sbp_errors_at(unsigned i);

/* Documented fatality of any code: the table for the five defined codes,
 * NON_FATAL for the rest of the application range (SBP-ERR-004), UNKNOWN
 * otherwise. */
sb_sbp_fatality sb_sbp_errors_fatality(uint32_t code);

/* "Fatal", "Contextual", "Non-fatal", or "Unknown". */
const char *sb_sbp_errors_fatality_name(sb_sbp_fatality fatality);

/* Upstream negotiator's reading: true only for 1000 and 1001 (SBP-ERR-011/014);
 * every other code, InvalidFrame included, is retryable there. */
bool sb_sbp_errors_negotiator_fatal(uint32_t code);

/* Owner of any code value. */
sb_sbp_code_range sb_sbp_errors_range(uint32_t code);

/* "unassigned", "sbp", "rpc", "reserved", "application"; NULL if not a range. */
const char *sb_sbp_errors_range_name(sb_sbp_code_range range);

/* Fill `*out` with the ErrorFrame a receiver sends for `err`, an
 * SB_ERR_SBP_* value whose outcome is an SBP code: that code, frameId `id`
 * (the offending frame's, SBP-EFR-003), no timestamp, no details, and the
 * documented message for subject faults ("Invalid subject namespace",
 * "Unsupported feature: stream"; SBP-SUBJ-005/006) or the error table's text
 * otherwise. The message is static storage. SB_ERR_ARG for any other `err`. */
SB_NODISCARD int sb_sbp_errors_frame(int err, const uint8_t id[SB_SBP_FRAME_ID_BYTES],
                                     sb_sbp_frame *out);

#endif
