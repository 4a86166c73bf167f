/*
 * SBRP traffic encryption (sbrp.md 4.3, 5.3): ChaCha20-Poly1305 (IETF, RFC
 * 8439), empty AAD, nonce = u32be(direction) | u64be(seq), carried verbatim
 * as the first 12 bytes of the Data payload:
 *
 *   Data frame = header(13) | nonce(12) | ciphertext(N) | tag(16)
 *
 * Zero-copy: sealing encrypts straight into the caller's frame buffer (the
 * plaintext may already sit at SB_SBRP_AEAD_CIPHERTEXT_OFFSET: sealed in
 * place; no other overlap), opening decrypts straight into the caller's
 * plaintext buffer, which is zeroed when the tag does not verify. Sequence
 * numbering and the replay window live in sbrp/session.h; these are the
 * raw operations (any u64 sequence number, no state).
 */
#ifndef SB_SBRP_AEAD_H
#define SB_SBRP_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

/* Where the ciphertext starts in a Data frame: plaintext placed here by the
 * caller is sealed in place. */
#define SB_SBRP_AEAD_CIPHERTEXT_OFFSET (SB_SBRP_HEADER_BYTES + SB_SBRP_NONCE_BYTES) /* 25 */
#define SB_SBRP_AEAD_FRAME_OVERHEAD (SB_SBRP_HEADER_BYTES + SB_SBRP_DATA_MIN_BYTES) /* 41 */
#define SB_SBRP_AEAD_FRAME_BYTES(n) ((size_t)(n) + SB_SBRP_AEAD_FRAME_OVERHEAD)

/* The 12-byte nonce for `direction` (any u32, as written) and `seq`. */
void sb_sbrp_aead_nonce(uint32_t direction, uint64_t seq, uint8_t out[SB_SBRP_NONCE_BYTES]);

/* Seal `pt` (may already sit at the ciphertext offset) into a Data frame; `*frame_len` = size.
 * SB_ERR_ARG (direction not 1/2), SB_ERR_SBRP_SID_ZERO, SB_ERR_SBRP_PAYLOAD_TOO_LARGE, SB_ERR_BUF.
 */
SB_NODISCARD int sb_sbrp_aead_seal(const uint8_t key[SB_SBRP_KEY_BYTES], uint32_t direction,
                                   uint64_t seq, uint64_t session_id, const uint8_t *pt,
                                   size_t pt_len, uint8_t *frame, size_t frame_cap,
                                   size_t *frame_len);

/* Open Data with the inbound key into `pt`; expect_direction 0 = any (upstream, O-5), else
 * SB_ERR_SBRP_DIRECTION. SB_ERR_BUF (`*pt_len` = need), SB_ERR_SBRP_DECRYPT (`pt` zeroed). */
SB_NODISCARD int sb_sbrp_aead_open(const uint8_t key[SB_SBRP_KEY_BYTES], const sb_sbrp_data_view *d,
                                   uint32_t expect_direction, uint8_t *pt, size_t pt_cap,
                                   size_t *pt_len);

#endif
