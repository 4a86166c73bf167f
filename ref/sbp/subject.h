/*
 * SBP Message subjects (sbp.md section 8): the namespace check every
 * received subject goes through, and the v1 receiver policy on top of it.
 *
 * A subject is checked as the bytes on the wire, strictly: non-empty, valid
 * UTF-8 (SBP-VAL-003; no replacement, a leading BOM is an ordinary part of
 * the subject), no NUL, at most 256 bytes, and exactly `rpc`, `event` or
 * `stream`, or starting with `app/` (`app/` alone is valid). Every failure
 * is InvalidFrame (1002, SBP-SUBJ-005). `stream` passes the check with kind
 * STREAM_RESERVED; the receiver policy then refuses it with
 * UnsupportedFeature (1003, SBP-SUBJ-006).
 */
#ifndef SB_SBP_SUBJECT_H
#define SB_SBP_SUBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Longest subject in UTF-8 bytes (SBP-SUBJ-002). */
#define SB_SBP_MAX_SUBJECT_BYTES 256u

/* What a valid subject selects. Starts at 1 so a zeroed struct is no kind. */
typedef enum sb_sbp_subject_kind {
  SB_SBP_SUBJECT_RPC = 1,         /* exactly "rpc" */
  SB_SBP_SUBJECT_EVENT,           /* exactly "event" */
  SB_SBP_SUBJECT_STREAM_RESERVED, /* exactly "stream": reserved for v2 */
  SB_SBP_SUBJECT_APP              /* "app/" followed by anything */
} sb_sbp_subject_kind;

/* Check `len` subject bytes and classify them into `*kind` (may be NULL).
 * Errors, in this order: SB_ERR_SBP_SUBJECT_EMPTY, SB_ERR_SBP_SUBJECT_UTF8,
 * SB_ERR_SBP_SUBJECT_NUL, SB_ERR_SBP_SUBJECT_TOO_LONG,
 * SB_ERR_SBP_SUBJECT_NAMESPACE (all InvalidFrame 1002); SB_ERR_ARG. */
SB_NODISCARD int sb_sbp_subject_check(const uint8_t *subject, size_t len,
                                      sb_sbp_subject_kind *kind);

/* v1 receiver policy for a checked subject: 0 for rpc, event and app/;
 * SB_ERR_SBP_SUBJECT_RESERVED (UnsupportedFeature 1003) for stream;
 * SB_ERR_ARG for a value that is not a kind. */
SB_NODISCARD int sb_sbp_subject_accept(sb_sbp_subject_kind kind);

/* Upstream's SubjectKind name: "rpc", "event", "reserved", "custom"; NULL
 * for a value that is not a kind. */
const char *sb_sbp_subject_kind_name(sb_sbp_subject_kind kind);

#endif
