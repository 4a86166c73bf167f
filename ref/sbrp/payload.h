/*
 * SBRP payload layouts per frame type (sbrp.md section 4).
 *
 *   HandshakeInit   32   client ephemeral X25519 public key
 *   HandshakeAccept 128  identity Ed25519 public key | ephemeral X25519 | signature
 *   Data            >=28 nonce (u32be direction | u64be seq) | ciphertext | tag(16)
 *   Signal          2    signal code | reason code
 *   Ping / Pong     0-8  opaque
 *   Control         >=2  u16be code | optional UTF-8 text
 *
 * Decoders take a frame already checked by sb_sbrp_frame_decode and return
 * views into its payload. Encoders write a whole frame (header included).
 */
#ifndef SB_SBRP_PAYLOAD_H
#define SB_SBRP_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"

#define SB_SBRP_KEY_BYTES 32u
#define SB_SBRP_SIG_BYTES 64u
#define SB_SBRP_HANDSHAKE_INIT_BYTES 32u
#define SB_SBRP_HANDSHAKE_ACCEPT_BYTES 128u
#define SB_SBRP_NONCE_BYTES 12u
#define SB_SBRP_TAG_BYTES 16u
#define SB_SBRP_DATA_MIN_BYTES (SB_SBRP_NONCE_BYTES + SB_SBRP_TAG_BYTES) /* 28 */
#define SB_SBRP_DATA_MAX_PLAINTEXT (SB_SBRP_MAX_PAYLOAD - SB_SBRP_DATA_MIN_BYTES) /* 65508 */
#define SB_SBRP_SIGNAL_BYTES 2u
#define SB_SBRP_PING_MAX_BYTES 8u
#define SB_SBRP_CONTROL_MIN_BYTES 2u

/* Nonce direction field (SBRP-CRYPTO-020). */
typedef enum sb_sbrp_direction {
  SB_SBRP_C2D = 1, /* client -> daemon */
  SB_SBRP_D2C = 2  /* daemon -> client */
} sb_sbrp_direction;

/* Signal codes and reasons (sbrp.md section 8). */
typedef enum sb_sbrp_signal_code { SB_SBRP_SIGNAL_READY = 0x00, SB_SBRP_SIGNAL_CLOSE = 0x01 } sb_sbrp_signal_code;

typedef enum sb_sbrp_signal_reason {
  SB_SBRP_REASON_NONE = 0x00,
  SB_SBRP_REASON_STATE_LOST = 0x01,
  SB_SBRP_REASON_SHUTDOWN = 0x02,
  SB_SBRP_REASON_POLICY = 0x03,
  SB_SBRP_REASON_ERROR = 0x04
} sb_sbrp_signal_reason;

typedef struct sb_sbrp_accept {
  uint8_t identity_pub[SB_SBRP_KEY_BYTES];  /* Ed25519, used for TOFU */
  uint8_t ephemeral_pub[SB_SBRP_KEY_BYTES]; /* X25519 */
  uint8_t signature[SB_SBRP_SIG_BYTES];
} sb_sbrp_accept;

/* A Data payload split into its parts (views into the frame). */
typedef struct sb_sbrp_data_view {
  uint32_t direction;          /* raw field; 1 or 2 from a conformant sender */
  uint64_t seq;
  const uint8_t *nonce;        /* 12 bytes = payload bytes 0..11 */
  const uint8_t *ciphertext;   /* ciphertext_len bytes */
  size_t ciphertext_len;
  const uint8_t *tag;          /* 16 bytes */
} sb_sbrp_data_view;

typedef struct sb_sbrp_signal {
  uint8_t code;
  uint8_t reason;
} sb_sbrp_signal;

typedef struct sb_sbrp_control {
  uint16_t code;
  const uint8_t *text; /* raw bytes, not validated (SBRP-WIRE-026) */
  size_t text_len;
} sb_sbrp_control;

/* Typed decoders. Each checks the frame type (SB_ERR_ARG if wrong) and its
 * size rule: SB_ERR_SBRP_PAYLOAD_SIZE (Init/Accept/Signal exact sizes,
 * SBRP-WIRE-020), SB_ERR_SBRP_DATA_SHORT (SBRP-WIRE-021),
 * SB_ERR_SBRP_PING_TOO_LARGE (SBRP-WIRE-022), SB_ERR_SBRP_CONTROL_SHORT
 * (SBRP-WIRE-023). Views point into the frame's payload (no copy). */
SB_NODISCARD int sb_sbrp_handshake_init_decode(const sb_sbrp_frame *f,
                                               uint8_t client_eph_pub[SB_SBRP_KEY_BYTES]);
SB_NODISCARD int sb_sbrp_handshake_accept_decode(const sb_sbrp_frame *f, sb_sbrp_accept *out);
SB_NODISCARD int sb_sbrp_data_decode(const sb_sbrp_frame *f, sb_sbrp_data_view *out);
/* Ping or Pong: the 0-8 opaque bytes. */
SB_NODISCARD int sb_sbrp_ping_decode(const sb_sbrp_frame *f, const uint8_t **payload,
                                     size_t *len);

/* Control: code and raw text. Without `strict_codes` any code is returned
 * (the receiver treats one it does not know as terminal, SBRP-CTRL-005,
 * sbrp/control.h); with it a code outside the wire table is
 * SB_ERR_SBRP_CONTROL_UNKNOWN, upstream decodeControl's reading. The text is
 * not checked: decode it leniently with sb_utf8_lossy (SBRP-WIRE-026). */
SB_NODISCARD int sb_sbrp_control_decode(const sb_sbrp_frame *f, bool strict_codes,
                                        sb_sbrp_control *out);

/* Signal decoding has two readings: `strict_codes` rejects an unknown signal
 * code (SB_ERR_SBRP_SIGNAL_CODE, checked first) and an unknown reason
 * (SB_ERR_SBRP_SIGNAL_REASON) as upstream's decoder does; without it the raw
 * values are returned and the caller applies SBRP-SIG-004 (unknown reason =
 * none, sb_sbrp_signal_reason_normalize). */
SB_NODISCARD int sb_sbrp_signal_decode(const sb_sbrp_frame *f, bool strict_codes,
                                       sb_sbrp_signal *out);

/* Frame encoders: write header + payload into `out`; `*out_len` gets the
 * size written (or needed, with SB_ERR_BUF). They refuse what a conformant
 * sender never emits (SessionID scope and Length as sb_sbrp_frame_encode;
 * the size rules above); sb_sbrp_frame_encode stays the raw way to build any
 * payload (tests, fault injection). */
SB_NODISCARD int sb_sbrp_handshake_init_encode(uint64_t session_id,
                                               const uint8_t client_eph_pub[SB_SBRP_KEY_BYTES],
                                               uint8_t *out, size_t out_cap, size_t *out_len);
SB_NODISCARD int sb_sbrp_handshake_accept_encode(uint64_t session_id, const sb_sbrp_accept *a,
                                                 uint8_t *out, size_t out_cap, size_t *out_len);
/* Data: `payload` is nonce | ciphertext | tag, at least 28 bytes
 * (SB_ERR_SBRP_DATA_SHORT); it may already sit at out + 13. */
SB_NODISCARD int sb_sbrp_data_encode(uint64_t session_id, const uint8_t *payload, size_t len,
                                     uint8_t *out, size_t out_cap, size_t *out_len);
/* Signal: an undefined code is SB_ERR_SBRP_SIGNAL_CODE, an undefined reason
 * SB_ERR_SBRP_SIGNAL_REASON; any defined reason goes with either code
 * (`ready` SHOULD use `none`, SBRP-SIG-002, but upstream emits others). */
SB_NODISCARD int sb_sbrp_signal_encode(uint64_t session_id, uint8_t code, uint8_t reason,
                                       uint8_t *out, size_t out_cap, size_t *out_len);
/* Ping or Pong with SessionID 0; over 8 bytes is SB_ERR_SBRP_PING_TOO_LARGE,
 * another type SB_ERR_ARG. */
SB_NODISCARD int sb_sbrp_ping_encode(uint8_t type /* PING or PONG */, const uint8_t *payload,
                                     size_t len, uint8_t *out, size_t out_cap, size_t *out_len);
/* Control with the SessionID given (sb_sbrp_control_build in sbrp/control.h
 * picks it from the code's scope). A code outside the wire table, including
 * the endpoint-only 0xE0xx codes, is SB_ERR_SBRP_CONTROL_UNKNOWN
 * (SBRP-CTRL-004); text that is not UTF-8 is SB_ERR_UTF8. */
SB_NODISCARD int sb_sbrp_control_encode(uint64_t session_id, uint16_t code, const uint8_t *text,
                                        size_t text_len, uint8_t *out, size_t out_cap,
                                        size_t *out_len);

/* Names of signal codes and reasons ("ready", "state_lost"...), or NULL. */
const char *sb_sbrp_signal_code_name(uint8_t code);
const char *sb_sbrp_signal_reason_name(uint8_t reason);

/* The reason a relay acts on: `reason` if defined, else `none` (SBRP-SIG-004). */
uint8_t sb_sbrp_signal_reason_normalize(uint8_t reason);

#endif
