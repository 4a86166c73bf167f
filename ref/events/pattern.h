/*
 * Event names and subscription patterns (events.md sections 2-3), NATS
 * style:
 *
 *   event_name = token *( "." token )
 *   pattern    = segment *( "." segment )
 *   segment    = token / "*" / ">"
 *   token      = 1*( A-Z / a-z / 0-9 / "-" / "_" )
 *
 * at most 255 bytes, case-sensitive; `*` matches exactly one segment, `>`
 * one or more trailing segments and must be last; wildcards never appear in
 * a literal name. Validation reports the first problem in upstream's order
 * (pattern.ts): empty, "**" anywhere, over 255 bytes, an empty segment, then
 * segment by segment. Strings are (pointer, length): no NUL terminator is
 * needed, and a NUL byte is just a character no token allows.
 */
#ifndef SB_EVENTS_PATTERN_H
#define SB_EVENTS_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"

#define SB_EVENTS_PATTERN_MAX_BYTES 255u

/* Check a subscription pattern. Errors: SB_ERR_EVT_EMPTY,
 * SB_ERR_EVT_DOUBLE_STAR, SB_ERR_EVT_TOO_LONG, SB_ERR_EVT_EMPTY_SEGMENT,
 * SB_ERR_EVT_GT_NOT_LAST, SB_ERR_EVT_BAD_SEGMENT; SB_ERR_ARG for NULL with
 * len > 0. */
SB_NODISCARD int sb_events_pattern_validate(const char *pattern, size_t len);

/* Check a literal event name: as a pattern, but a `*` or `>` segment is
 * SB_ERR_EVT_WILDCARD_IN_NAME. */
SB_NODISCARD int sb_events_pattern_validate_name(const char *name, size_t len);

/* true if `name` matches `pattern` (events.md section 3; `>` never matches
 * zero segments). Meant for validated inputs, but defined for any bytes:
 * both are split on "." exactly as upstream splits them, so a pattern
 * applies to a raw inbound name the same way (EVT-DSP-004). */
bool sb_events_pattern_match(const char *pattern, size_t pattern_len, const char *name,
                             size_t name_len);

#endif
