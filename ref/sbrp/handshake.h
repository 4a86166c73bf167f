/*
 * SBRP handshake cryptography (sbrp.md 5.1-5.2, 12): Ed25519 identity,
 * X25519 ephemerals, signature input, transcript hash, HKDF session keys,
 * both endpoint sides, and the identity fingerprint.
 *
 *   sigInput = SHA-256(CTX_SIG | did | cEphPub | dEphPub)         (signed as a 32-byte message)
 *   th       = SHA-256(CTX_TR  | did | cEphPub | dEphPub | sig)
 *   okm      = HKDF-SHA256(ikm = X25519 shared secret, salt = th, info = INFO, L = 64)
 *   K_c2d = okm[0..31], K_d2c = okm[32..63]
 *
 * `did` is the daemon ID as UTF-8 bytes, unframed (no length, no NUL).
 * Keys come from caller bytes or from an sb_rng; nothing here calls a global
 * RNG. Ephemeral private keys and shared secrets are wiped before the side
 * functions return, on success and on failure (SBRP-CRYPTO-007); on failure
 * the output keys are zero. The client first requires the advertised
 * identity key to equal the pinned one (identity_key_changed), then verifies
 * the signature with the pinned key (handshake_failed), then agrees.
 */
#ifndef SB_SBRP_HANDSHAKE_H
#define SB_SBRP_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"
#include "sbrp/payload.h"

#define SB_SBRP_CTX_SIG "sbrp-v1-handshake"
#define SB_SBRP_CTX_TR "sbrp-v1-transcript"
#define SB_SBRP_KEYS_INFO "sbrp-session-keys"

#define SB_SBRP_SEED_BYTES 32u
#define SB_SBRP_HASH_BYTES 32u
#define SB_SBRP_IDENTITY_SECRET_BYTES 64u /* libsodium form: seed | public */
#define SB_SBRP_SESSION_KEYS_BYTES 64u
/* "SHA256:" + 32 pairs joined by ':' = 7 + 95 characters (SBRP-TOFU-007). */
#define SB_SBRP_FINGERPRINT_LEN 102u
#define SB_SBRP_FINGERPRINT_SIZE (SB_SBRP_FINGERPRINT_LEN + 1u)

/* Bytes of the signature / transcript preimages for a daemon ID of n bytes. */
#define SB_SBRP_SIG_PREIMAGE_BYTES(n) ((sizeof SB_SBRP_CTX_SIG - 1) + (n) + 2 * SB_SBRP_KEY_BYTES)
#define SB_SBRP_TR_PREIMAGE_BYTES(n) \
  ((sizeof SB_SBRP_CTX_TR - 1) + (n) + 2 * SB_SBRP_KEY_BYTES + SB_SBRP_SIG_BYTES)

/* Daemon identity (Ed25519). */
typedef struct sb_sbrp_identity {
  uint8_t pub[SB_SBRP_KEY_BYTES];
  uint8_t secret[SB_SBRP_IDENTITY_SECRET_BYTES];
} sb_sbrp_identity;

/* One X25519 keypair for one handshake attempt. */
typedef struct sb_sbrp_ephemeral {
  uint8_t priv[SB_SBRP_KEY_BYTES];
  uint8_t pub[SB_SBRP_KEY_BYTES];
} sb_sbrp_ephemeral;

/* The two traffic keys, in HKDF output order (SBRP-CRYPTO-006). */
typedef struct sb_sbrp_session_keys {
  uint8_t c2d[SB_SBRP_KEY_BYTES]; /* client -> daemon */
  uint8_t d2c[SB_SBRP_KEY_BYTES]; /* daemon -> client */
} sb_sbrp_session_keys;

/* Identity keypair from a 32-byte seed (RFC 8032 secret key). SB_ERR_ARG on NULL. */
SB_NODISCARD int sb_sbrp_handshake_identity_from_seed(const uint8_t seed[SB_SBRP_SEED_BYTES],
                                                      sb_sbrp_identity *out);

/* Identity keypair from 32 bytes of `rng`; SB_ERR_RNG if it fails. */
SB_NODISCARD int sb_sbrp_handshake_identity_generate(const sb_rng *rng, sb_sbrp_identity *out);

/* Ephemeral keypair from a private key (copied; X25519 clamps it when used). */
SB_NODISCARD int sb_sbrp_handshake_ephemeral_from_private(const uint8_t priv[SB_SBRP_KEY_BYTES],
                                                          sb_sbrp_ephemeral *out);

/* Ephemeral keypair from 32 bytes of `rng`; SB_ERR_RNG if it fails. */
SB_NODISCARD int sb_sbrp_handshake_ephemeral_generate(const sb_rng *rng, sb_sbrp_ephemeral *out);

/* CTX_SIG | did | cEphPub | dEphPub into `out`; `*out_len` = size written
 * (or needed, with SB_ERR_BUF). SB_ERR_ARG on NULL inputs. */
SB_NODISCARD int sb_sbrp_handshake_sig_preimage(const uint8_t *did, size_t did_len,
                                                const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                                const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                                uint8_t *out, size_t out_cap, size_t *out_len);

/* sigInput = SHA-256 of the signature preimage (SBRP-CRYPTO-002). */
SB_NODISCARD int sb_sbrp_handshake_sig_input(const uint8_t *did, size_t did_len,
                                             const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                             const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                             uint8_t out[SB_SBRP_HASH_BYTES]);

/* CTX_TR | did | cEphPub | dEphPub | sig into `out` (sizes as above). */
SB_NODISCARD int sb_sbrp_handshake_transcript_preimage(const uint8_t *did, size_t did_len,
                                                       const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                                       const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                                       const uint8_t sig[SB_SBRP_SIG_BYTES],
                                                       uint8_t *out, size_t out_cap,
                                                       size_t *out_len);

/* th = SHA-256 of the transcript preimage (SBRP-CRYPTO-005). */
SB_NODISCARD int sb_sbrp_handshake_transcript_hash(const uint8_t *did, size_t did_len,
                                                   const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                                   const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                                   const uint8_t sig[SB_SBRP_SIG_BYTES],
                                                   uint8_t out[SB_SBRP_HASH_BYTES]);

/* ss = X25519(priv, peer_pub), bit 255 of peer_pub ignored (RFC 7748).
 * SB_ERR_SBRP_WEAK_KEY if the result is all zero (low-order peer key). */
SB_NODISCARD int sb_sbrp_handshake_shared_secret(const uint8_t priv[SB_SBRP_KEY_BYTES],
                                                 const uint8_t peer_pub[SB_SBRP_KEY_BYTES],
                                                 uint8_t out[SB_SBRP_KEY_BYTES]);

/* HKDF(ikm = ss, salt = th, info = INFO, 64) split into K_c2d, K_d2c. */
SB_NODISCARD int sb_sbrp_handshake_derive_keys(const uint8_t ss[SB_SBRP_KEY_BYTES],
                                               const uint8_t th[SB_SBRP_HASH_BYTES],
                                               sb_sbrp_session_keys *out);

/* Daemon side (H4-H9): HandshakeAccept payload and keys; wipes `d_eph_priv` in any case.
 * SB_ERR_SBRP_WEAK_KEY if the client's key is a low-order point. */
SB_NODISCARD int sb_sbrp_handshake_daemon_accept(const sb_sbrp_identity *id, const uint8_t *did,
                                                 size_t did_len,
                                                 const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                                 uint8_t d_eph_priv[SB_SBRP_KEY_BYTES],
                                                 sb_sbrp_accept *accept,
                                                 sb_sbrp_session_keys *keys);

/* Client side (H10-H12) with the pinned key (NULL: trust the advertised one); wipes eph->priv.
 * SB_ERR_SBRP_IDENTITY_CHANGED, SB_ERR_SBRP_HANDSHAKE_FAILED, SB_ERR_SBRP_WEAK_KEY (keys zeroed).
 */
SB_NODISCARD int sb_sbrp_handshake_client_finish(const uint8_t *trusted_pub, const uint8_t *did,
                                                 size_t did_len, sb_sbrp_ephemeral *eph,
                                                 const sb_sbrp_accept *accept,
                                                 sb_sbrp_session_keys *keys);

/* "SHA256:AB:CD:..." (upper-case hex pairs of SHA-256(pub), SBRP-TOFU-007), NUL-terminated.
 * SB_ERR_BUF if `cap` < SB_SBRP_FINGERPRINT_SIZE. */
SB_NODISCARD int sb_sbrp_handshake_fingerprint(const uint8_t pub[SB_SBRP_KEY_BYTES], char *out,
                                               size_t cap);

/* Zero `len` bytes of key material in a way the compiler cannot drop. */
void sb_sbrp_handshake_wipe(void *p, size_t len);

#endif
