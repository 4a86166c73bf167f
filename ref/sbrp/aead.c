#include "sbrp/aead.h"

#include <sodium.h>

#include "common/bytes.h"
#include "common/error.h"

void sb_sbrp_aead_nonce(uint32_t direction, uint64_t seq, uint8_t out[SB_SBRP_NONCE_BYTES]) {
  sb_store_u32be(out, direction);
  sb_store_u64be(out + 4, seq);
}

int sb_sbrp_aead_seal(const uint8_t key[SB_SBRP_KEY_BYTES], uint32_t direction, uint64_t seq,
                      uint64_t session_id, const uint8_t *pt, size_t pt_len, uint8_t *frame,
                      size_t frame_cap, size_t *frame_len) {
  if (!key || !frame_len || (pt_len && !pt)) return SB_ERR_ARG;
  if (direction != SB_SBRP_C2D && direction != SB_SBRP_D2C) return SB_ERR_ARG;
  if (session_id == 0) return SB_ERR_SBRP_SID_ZERO;
  if (pt_len > SB_SBRP_DATA_MAX_PLAINTEXT) return SB_ERR_SBRP_PAYLOAD_TOO_LARGE;
  *frame_len = SB_SBRP_AEAD_FRAME_BYTES(pt_len);
  if (!frame || frame_cap < *frame_len) return SB_ERR_BUF;
  uint8_t *nonce = frame + SB_SBRP_HEADER_BYTES;
  uint8_t *ct = frame + SB_SBRP_AEAD_CIPHERTEXT_OFFSET;
  sb_sbrp_header_write(frame, SB_SBRP_DATA, (uint32_t)(pt_len + SB_SBRP_DATA_MIN_BYTES),
                       session_id);
  sb_sbrp_aead_nonce(direction, seq, nonce);
  /* Empty AAD (SBRP-CRYPTO-022); libsodium allows ct == pt. */
  if (crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, ct + pt_len, NULL, pt_len ? pt : ct,
                                                         pt_len, NULL, 0, NULL, nonce, key) != 0)
    return SB_ERR_CRYPTO;
  return SB_OK;
}

int sb_sbrp_aead_open(const uint8_t key[SB_SBRP_KEY_BYTES], const sb_sbrp_data_view *d,
                      uint32_t expect_direction, uint8_t *pt, size_t pt_cap, size_t *pt_len) {
  if (!key || !d || !pt_len) return SB_ERR_ARG;
  *pt_len = d->ciphertext_len;
  if (pt_cap < d->ciphertext_len || (!pt && d->ciphertext_len)) return SB_ERR_BUF;
  if (expect_direction && d->direction != expect_direction) return SB_ERR_SBRP_DIRECTION;
  /* The nonce is taken as received, bytes 0-11 (SBRP-CRYPTO-024). */
  uint8_t empty;
  if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt ? pt : &empty, NULL, d->ciphertext,
                                                         d->ciphertext_len, d->tag, NULL, 0,
                                                         d->nonce, key) != 0) {
    if (pt && d->ciphertext_len) sodium_memzero(pt, d->ciphertext_len);
    return SB_ERR_SBRP_DECRYPT;
  }
  return SB_OK;
}
