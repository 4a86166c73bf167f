/*
 * Hex encoding (vectors, logs, RPC cid, fingerprints).
 */
#ifndef SB_COMMON_HEX_H
#define SB_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Characters needed to hex-encode n bytes, including the terminating NUL. */
#define SB_HEX_SIZE(n) ((n) * 2 + 1)

/* Lower-case hex of `in` into `out` (NUL-terminated); SB_ERR_BUF if
 * `out_cap` < SB_HEX_SIZE(len). */
SB_NODISCARD int sb_hex_encode(const uint8_t *in, size_t len, char *out, size_t out_cap);

/* Decode `hex_len` hex characters (either case) into `out`; `*out_len` gets
 * the byte count. SB_ERR_HEX on odd length or a non-hex character,
 * SB_ERR_BUF if `out_cap` is too small. */
SB_NODISCARD int sb_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_cap,
                               size_t *out_len);

/* Decode exactly `len` bytes from exactly 2*len LOWER-case hex characters
 * (the frameId / cid text form). SB_ERR_HEX otherwise. */
SB_NODISCARD int sb_hex_decode_lower_exact(const char *hex, size_t hex_len, uint8_t *out,
                                           size_t len);

#endif
