#include "common/base64url.h"

#include <sodium.h>
#include <stdbool.h>

#include "common/error.h"

int sb_base64url_encode(const uint8_t *in, size_t len, char *out, size_t out_cap) {
  if (!out || (len && !in)) return SB_ERR_ARG;
  if (out_cap < SB_BASE64URL_SIZE(len)) return SB_ERR_BUF;
  sodium_bin2base64(out, out_cap, in, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return SB_OK;
}

/* true if every character is in the URL-safe alphabet A-Z a-z 0-9 - _.
 * Checked here because libsodium 1.0.18's decoder reads every byte above
 * 0x7f as `_`, which would let one value be spelled many ways (a token
 * signature segment would still verify after such a substitution). */
static bool urlsafe_alphabet(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '_'))
      return false;
  }
  return true;
}

int sb_base64url_decode(const char *text, size_t text_len, uint8_t *out, size_t out_cap,
                        size_t *out_len) {
  if ((text_len && !text) || !out_len) return SB_ERR_ARG;
  *out_len = 0;
  /* A length of 1 mod 4 can never be valid; libsodium agrees, but say why. */
  if (text_len % 4 == 1 || !urlsafe_alphabet(text, text_len)) return SB_ERR_BASE64;
  size_t need = text_len / 4 * 3 + (text_len % 4 ? text_len % 4 - 1 : 0);
  if (need > out_cap) return out ? SB_ERR_BUF : SB_ERR_ARG;
  if (text_len == 0) return SB_OK;
  /* b64_end == NULL makes libsodium fail unless every character is used,
   * and it rejects non-zero padding bits. */
  size_t n = 0;
  if (sodium_base642bin(out, out_cap, text, text_len, NULL, &n, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return SB_ERR_BASE64;
  *out_len = n;
  return SB_OK;
}
