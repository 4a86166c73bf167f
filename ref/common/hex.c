#include "common/hex.h"

#include "common/error.h"

static const char lower_digits[] = "0123456789abcdef";

int sb_hex_encode(const uint8_t *in, size_t len, char *out, size_t out_cap) {
  if (!out || (len && !in)) return SB_ERR_ARG;
  if (out_cap < SB_HEX_SIZE(len)) return SB_ERR_BUF;
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = lower_digits[in[i] >> 4];
    out[2 * i + 1] = lower_digits[in[i] & 0x0f];
  }
  out[2 * len] = '\0';
  return SB_OK;
}

/* Value of one hex digit, or -1. `lower_only` rejects A-F (cid rule). */
static int digit(char c, int lower_only) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (!lower_only && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int decode(const char *hex, size_t hex_len, uint8_t *out, int lower_only) {
  for (size_t i = 0; i < hex_len / 2; i++) {
    int hi = digit(hex[2 * i], lower_only);
    int lo = digit(hex[2 * i + 1], lower_only);
    if (hi < 0 || lo < 0) return SB_ERR_HEX;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return SB_OK;
}

int sb_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_cap,
                  size_t *out_len) {
  if ((hex_len && !hex) || !out_len) return SB_ERR_ARG;
  if (hex_len % 2) return SB_ERR_HEX;
  if (out_cap < hex_len / 2 || (hex_len && !out)) return SB_ERR_BUF;
  int rc = decode(hex, hex_len, out, 0);
  *out_len = rc == SB_OK ? hex_len / 2 : 0;
  return rc;
}

int sb_hex_decode_lower_exact(const char *hex, size_t hex_len, uint8_t *out, size_t len) {
  if (!hex || !out) return SB_ERR_ARG;
  if (hex_len != 2 * len) return SB_ERR_HEX;
  return decode(hex, hex_len, out, 1);
}
