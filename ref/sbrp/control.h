/*
 * SBRP control codes (sbrp.md section 7; control-codes.md@c9404ba).
 *
 * One table holds the 18 wire codes the relay sends in Control frames
 * (0x0101..0x1004, `backpressure` 0x0902 included) and the five endpoint-only
 * codes 0xE001..0xE005 that never go on the wire (SBRP-CTRL-004). Each row
 * says whether the code is terminal (newest documents: `daemon_offline` is T
 * since c9404ba), which SessionID it carries (SBRP-CTRL-003), who receives it
 * and how the upstream SDK classifies it (classify.ts: fatal or retryable).
 */
#ifndef SB_SBRP_CONTROL_H
#define SB_SBRP_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Wire codes. */
#define SB_SBRP_CTRL_UNAUTHORIZED 0x0101u
#define SB_SBRP_CTRL_FORBIDDEN 0x0102u
#define SB_SBRP_CTRL_DAEMON_NOT_FOUND 0x0201u
#define SB_SBRP_CTRL_DAEMON_OFFLINE 0x0202u
#define SB_SBRP_CTRL_SESSION_NOT_FOUND 0x0301u
#define SB_SBRP_CTRL_SESSION_EXPIRED 0x0302u
#define SB_SBRP_CTRL_MALFORMED_FRAME 0x0401u
#define SB_SBRP_CTRL_PAYLOAD_TOO_LARGE 0x0402u
#define SB_SBRP_CTRL_INVALID_FRAME_TYPE 0x0403u
#define SB_SBRP_CTRL_INVALID_SESSION_ID 0x0404u
#define SB_SBRP_CTRL_DISALLOWED_SENDER 0x0405u
#define SB_SBRP_CTRL_INTERNAL_ERROR 0x0601u
#define SB_SBRP_CTRL_RATE_LIMITED 0x0901u
#define SB_SBRP_CTRL_BACKPRESSURE 0x0902u
#define SB_SBRP_CTRL_SESSION_PAUSED 0x1001u
#define SB_SBRP_CTRL_SESSION_RESUMED 0x1002u
#define SB_SBRP_CTRL_SESSION_ENDED 0x1003u
#define SB_SBRP_CTRL_SESSION_PENDING 0x1004u
/* Endpoint-only codes (never transmitted). */
#define SB_SBRP_CTRL_IDENTITY_KEY_CHANGED 0xE001u
#define SB_SBRP_CTRL_HANDSHAKE_FAILED 0xE002u
#define SB_SBRP_CTRL_HANDSHAKE_TIMEOUT 0xE003u
#define SB_SBRP_CTRL_DECRYPT_FAILED 0xE004u
#define SB_SBRP_CTRL_SEQUENCE_ERROR 0xE005u

#define SB_SBRP_CTRL_WIRE_CODES 18u
#define SB_SBRP_CTRL_ENDPOINT_CODES 5u

/* SID column: 0 (connection level) or the affected session's SessionID. */
typedef enum sb_sbrp_ctrl_scope {
  SB_SBRP_CTRL_SCOPE_CONNECTION, /* "0" */
  SB_SBRP_CTRL_SCOPE_SESSION     /* "S" */
} sb_sbrp_ctrl_scope;

/* "To" column for wire codes; "Detected by" for endpoint codes. */
typedef enum sb_sbrp_ctrl_party {
  SB_SBRP_CTRL_TO_ANY,           /* client or daemon ("any"; endpoint: "either") */
  SB_SBRP_CTRL_TO_CLIENT,
  SB_SBRP_CTRL_TO_DAEMON,
  SB_SBRP_CTRL_TO_SENDER,        /* the connection that sent the offending frame */
  SB_SBRP_CTRL_TO_SLOW_RECEIVER  /* the connection whose send buffer is full */
} sb_sbrp_ctrl_party;

/* Range categories (discrimination only; terminality and SID are per code). */
typedef enum sb_sbrp_ctrl_category {
  SB_SBRP_CTRL_CAT_UNASSIGNED,    /* 0x00xx, 0x20xx..0xDFxx: no range defined */
  SB_SBRP_CTRL_CAT_AUTH,          /* 0x01xx */
  SB_SBRP_CTRL_CAT_ROUTING,       /* 0x02xx */
  SB_SBRP_CTRL_CAT_SESSION,       /* 0x03xx */
  SB_SBRP_CTRL_CAT_WIRE_FORMAT,   /* 0x04xx */
  SB_SBRP_CTRL_CAT_RESERVED,      /* 0x05xx, 0x07xx-0x08xx, 0x0Axx-0x0Fxx, 0x11xx-0x1Fxx */
  SB_SBRP_CTRL_CAT_INTERNAL,      /* 0x06xx */
  SB_SBRP_CTRL_CAT_THROTTLING,    /* 0x09xx */
  SB_SBRP_CTRL_CAT_SESSION_STATE, /* 0x10xx */
  SB_SBRP_CTRL_CAT_SDK,           /* 0xE0xx: SDK v1 codes, never on the wire */
  SB_SBRP_CTRL_CAT_SDK_FUTURE,    /* 0xE1xx-0xEFxx: future SDK versions */
  SB_SBRP_CTRL_CAT_VENDOR         /* 0xF0xx-0xFFxx: vendor/application */
} sb_sbrp_ctrl_category;

/* Upstream SDK classification (packages/peer/src/negotiator/classify.ts). */
typedef enum sb_sbrp_ctrl_sdk_class { SB_SBRP_CTRL_SDK_FATAL, SB_SBRP_CTRL_SDK_RETRYABLE } sb_sbrp_ctrl_sdk_class;

typedef struct sb_sbrp_ctrl_info {
  uint16_t code;
  const char *name;            /* "daemon_offline" */
  bool on_wire;                /* false for the 0xE0xx endpoint-only codes */
  bool terminal;               /* wire: relay closes after sending (T);
                                  endpoint: the detector MUST close */
  sb_sbrp_ctrl_scope scope;    /* wire codes only; endpoint rows say CONNECTION */
  sb_sbrp_ctrl_party party;    /* wire: receiver; endpoint: detector */
  sb_sbrp_ctrl_sdk_class sdk;
} sb_sbrp_ctrl_info;

/* Row for `code` (wire or endpoint-only), or NULL if the table lacks it. */
const sb_sbrp_ctrl_info *sb_sbrp_control_lookup(uint16_t code);

/* Row whose name is `name` ("session_paused"), or NULL. */
const sb_sbrp_ctrl_info *sb_sbrp_control_by_name(const char *name);

/* Number of rows (18 wire + 5 endpoint) and row `i` in code order, or NULL. */
size_t sb_sbrp_control_count(void);
const sb_sbrp_ctrl_info *sb_sbrp_control_at(size_t i);

/* true if `code` is one of the 18 codes a relay may send. */
bool sb_sbrp_control_on_wire(uint16_t code);

/* Whether a received Control code ends the connection. A code the table does
 * not know (or an endpoint-only code, which has no business on the wire) is
 * terminal: fail-safe, SBRP-CTRL-005. */
bool sb_sbrp_control_is_terminal(uint16_t code);

/* Range category of any 16-bit value. */
sb_sbrp_ctrl_category sb_sbrp_control_category(uint16_t code);

/* Check a received Control header against the code's SID column
 * (SBRP-CTRL-003): SB_ERR_SBRP_CONTROL_SCOPE if a connection-level code
 * carries a non-zero SessionID or a session-scoped code carries 0;
 * SB_ERR_SBRP_CONTROL_UNKNOWN for a code not on the wire. */
SB_NODISCARD int sb_sbrp_control_check_scope(uint16_t code, uint64_t session_id);

/* Build the Control frame a relay sends for `code`: SessionID 0 for
 * connection-level codes (`session_id` ignored), `session_id` for
 * session-scoped ones (SB_ERR_SBRP_CONTROL_SCOPE if it is 0). Errors as
 * sb_sbrp_control_encode (SB_ERR_SBRP_CONTROL_UNKNOWN, SB_ERR_UTF8, SB_ERR_BUF). */
SB_NODISCARD int sb_sbrp_control_build(uint16_t code, uint64_t session_id, const uint8_t *text,
                                       size_t text_len, uint8_t *out, size_t out_cap,
                                       size_t *out_len);

#endif
