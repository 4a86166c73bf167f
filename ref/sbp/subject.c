#include "sbp/subject.h"

#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"

static bool is_exactly(const uint8_t *s, size_t len, const char *word) {
  size_t n = strlen(word);
  return len == n && memcmp(s, word, n) == 0;
}

static bool has_prefix(const uint8_t *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

int sb_sbp_subject_check(const uint8_t *subject, size_t len, sb_sbp_subject_kind *kind) {
  if (len && !subject) return SB_ERR_ARG;
  if (len == 0) return SB_ERR_SBP_SUBJECT_EMPTY;
  /* Bytes are compared as received: no replacement characters and no BOM
   * stripping, so what is checked is what a router would match on. */
  if (!sb_utf8_valid(subject, len)) return SB_ERR_SBP_SUBJECT_UTF8;
  if (memchr(subject, 0, len)) return SB_ERR_SBP_SUBJECT_NUL;
  if (len > SB_SBP_MAX_SUBJECT_BYTES) return SB_ERR_SBP_SUBJECT_TOO_LONG;
  sb_sbp_subject_kind k;
  if (is_exactly(subject, len, "rpc")) {
    k = SB_SBP_SUBJECT_RPC;
  } else if (is_exactly(subject, len, "event")) {
    k = SB_SBP_SUBJECT_EVENT;
  } else if (is_exactly(subject, len, "stream")) {
    k = SB_SBP_SUBJECT_STREAM_RESERVED;
  } else if (has_prefix(subject, len, "app/")) {
    k = SB_SBP_SUBJECT_APP;
  } else {
    return SB_ERR_SBP_SUBJECT_NAMESPACE;
  }
  if (kind) *kind = k;
  return SB_OK;
}

int sb_sbp_subject_accept(sb_sbp_subject_kind kind) {
  switch (kind) {
    case SB_SBP_SUBJECT_RPC:
    case SB_SBP_SUBJECT_EVENT:
    case SB_SBP_SUBJECT_APP: return SB_OK;
    case SB_SBP_SUBJECT_STREAM_RESERVED: return SB_ERR_SBP_SUBJECT_RESERVED;
    default: return SB_ERR_ARG;
  }
}

const char *sb_sbp_subject_kind_name(sb_sbp_subject_kind kind) {
  switch (kind) {
    case SB_SBP_SUBJECT_RPC: return "rpc";
    case SB_SBP_SUBJECT_EVENT: return "event";
    case SB_SBP_SUBJECT_STREAM_RESERVED: return "reserved";
    case SB_SBP_SUBJECT_APP: return "custom";
    default: return NULL;
  }
}
