/*
 * UTF-8 checks (RFC 3629) and the lossy decoding the upstream TypeScript
 * code gets from a non-fatal TextDecoder, so both readings are available:
 * the strict one the documents require and the one upstream behaves with.
 */
#ifndef SB_COMMON_UTF8_H
#define SB_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* true if `s[0..len)` is well-formed UTF-8: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no truncated sequence. */
bool sb_utf8_valid(const uint8_t *s, size_t len);

/* Length of the longest well-formed prefix of `s` (== len when all of it
 * is well-formed): where the first ill-formed sequence starts. */
size_t sb_utf8_valid_prefix(const uint8_t *s, size_t len);

/* Re-encode `in` replacing each maximal ill-formed subpart with U+FFFD
 * (EF BF BD), as the WHATWG UTF-8 decoder does. `*out_len` gets the size
 * written (or needed, with SB_ERR_BUF). A leading BOM is kept. */
SB_NODISCARD int sb_utf8_lossy(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap,
                               size_t *out_len);

/* Number of bytes sb_utf8_lossy would produce. */
size_t sb_utf8_lossy_len(const uint8_t *in, size_t len);

/* 3 if `s` starts with the UTF-8 byte order mark EF BB BF, else 0. */
size_t sb_utf8_bom_len(const uint8_t *s, size_t len);

#endif
