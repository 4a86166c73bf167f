#include "sbrp/handshake.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "sbrp/hkdf.h"

#define INFO_LEN (sizeof SB_SBRP_KEYS_INFO - 1)

void sb_sbrp_handshake_wipe(void *p, size_t len) {
  if (p && len) sodium_memzero(p, len);
}

int sb_sbrp_handshake_identity_from_seed(const uint8_t seed[SB_SBRP_SEED_BYTES],
                                         sb_sbrp_identity *out) {
  if (!seed || !out) return SB_ERR_ARG;
  if (crypto_sign_seed_keypair(out->pub, out->secret, seed) != 0) return SB_ERR_CRYPTO;
  return SB_OK;
}

int sb_sbrp_handshake_identity_generate(const sb_rng *rng, sb_sbrp_identity *out) {
  uint8_t seed[SB_SBRP_SEED_BYTES];
  int rc = sb_rng_bytes(rng, seed, sizeof seed);
  if (rc == SB_OK) rc = sb_sbrp_handshake_identity_from_seed(seed, out);
  sodium_memzero(seed, sizeof seed);
  return rc;
}

int sb_sbrp_handshake_ephemeral_from_private(const uint8_t priv[SB_SBRP_KEY_BYTES],
                                             sb_sbrp_ephemeral *out) {
  if (!priv || !out) return SB_ERR_ARG;
  memmove(out->priv, priv, SB_SBRP_KEY_BYTES);
  if (crypto_scalarmult_base(out->pub, out->priv) != 0) {
    sodium_memzero(out, sizeof *out);
    return SB_ERR_CRYPTO;
  }
  return SB_OK;
}

int sb_sbrp_handshake_ephemeral_generate(const sb_rng *rng, sb_sbrp_ephemeral *out) {
  uint8_t priv[SB_SBRP_KEY_BYTES];
  int rc = sb_rng_bytes(rng, priv, sizeof priv);
  if (rc == SB_OK) rc = sb_sbrp_handshake_ephemeral_from_private(priv, out);
  sodium_memzero(priv, sizeof priv);
  return rc;
}

/* The preimages are concatenations of up to five parts; one writer serves
 * both the byte form (for vectors) and, streamed, the hashes. */
typedef struct part {
  const uint8_t *p;
  size_t n;
} part;

static int write_parts(const part *parts, size_t nparts, uint8_t *out, size_t out_cap,
                       size_t *out_len) {
  size_t total = 0;
  for (size_t i = 0; i < nparts; i++) total += parts[i].n;
  if (!out_len) return SB_ERR_ARG;
  *out_len = total;
  if (!out || out_cap < total) return SB_ERR_BUF;
  for (size_t i = 0, at = 0; i < nparts; at += parts[i].n, i++)
    if (parts[i].n) memcpy(out + at, parts[i].p, parts[i].n);
  return SB_OK;
}

static void hash_parts(const part *parts, size_t nparts, uint8_t out[SB_SBRP_HASH_BYTES]) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (size_t i = 0; i < nparts; i++)
    if (parts[i].n) crypto_hash_sha256_update(&st, parts[i].p, parts[i].n);
  crypto_hash_sha256_final(&st, out);
}

static bool parts_ok(const uint8_t *did, size_t did_len, const uint8_t *c_pub,
                     const uint8_t *d_pub) {
  return (did || !did_len) && c_pub && d_pub;
}

/* The parts of a preimage: ctx | did | cEphPub | dEphPub, then sig for the
 * transcript (sig NULL for the signature input). Returns the part count. */
static size_t preimage_parts(part out[5], const char *ctx, const uint8_t *did, size_t did_len,
                             const uint8_t *c_pub, const uint8_t *d_pub, const uint8_t *sig) {
  out[0] = (part){(const uint8_t *)ctx, strlen(ctx)};
  out[1] = (part){did, did_len};
  out[2] = (part){c_pub, SB_SBRP_KEY_BYTES};
  out[3] = (part){d_pub, SB_SBRP_KEY_BYTES};
  out[4] = (part){sig, sig ? SB_SBRP_SIG_BYTES : 0};
  return sig ? 5 : 4;
}

int sb_sbrp_handshake_sig_preimage(const uint8_t *did, size_t did_len,
                                   const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                   const uint8_t d_pub[SB_SBRP_KEY_BYTES], uint8_t *out,
                                   size_t out_cap, size_t *out_len) {
  if (!parts_ok(did, did_len, c_pub, d_pub)) return SB_ERR_ARG;
  part parts[5];
  size_t np = preimage_parts(parts, SB_SBRP_CTX_SIG, did, did_len, c_pub, d_pub, NULL);
  return write_parts(parts, np, out, out_cap, out_len);
}

int sb_sbrp_handshake_sig_input(const uint8_t *did, size_t did_len,
                                const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                uint8_t out[SB_SBRP_HASH_BYTES]) {
  if (!parts_ok(did, did_len, c_pub, d_pub) || !out) return SB_ERR_ARG;
  part parts[5];
  size_t np = preimage_parts(parts, SB_SBRP_CTX_SIG, did, did_len, c_pub, d_pub, NULL);
  hash_parts(parts, np, out);
  return SB_OK;
}

int sb_sbrp_handshake_transcript_preimage(const uint8_t *did, size_t did_len,
                                          const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                          const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                          const uint8_t sig[SB_SBRP_SIG_BYTES], uint8_t *out,
                                          size_t out_cap, size_t *out_len) {
  if (!parts_ok(did, did_len, c_pub, d_pub) || !sig) return SB_ERR_ARG;
  part parts[5];
  size_t np = preimage_parts(parts, SB_SBRP_CTX_TR, did, did_len, c_pub, d_pub, sig);
  return write_parts(parts, np, out, out_cap, out_len);
}

int sb_sbrp_handshake_transcript_hash(const uint8_t *did, size_t did_len,
                                      const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                      const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                                      const uint8_t sig[SB_SBRP_SIG_BYTES],
                                      uint8_t out[SB_SBRP_HASH_BYTES]) {
  if (!parts_ok(did, did_len, c_pub, d_pub) || !sig || !out) return SB_ERR_ARG;
  part parts[5];
  size_t np = preimage_parts(parts, SB_SBRP_CTX_TR, did, did_len, c_pub, d_pub, sig);
  hash_parts(parts, np, out);
  return SB_OK;
}

int sb_sbrp_handshake_shared_secret(const uint8_t priv[SB_SBRP_KEY_BYTES],
                                    const uint8_t peer_pub[SB_SBRP_KEY_BYTES],
                                    uint8_t out[SB_SBRP_KEY_BYTES]) {
  if (!priv || !peer_pub || !out) return SB_ERR_ARG;
  /* libsodium fails for small-order points and for an all-zero result; the
   * second test is ours too, so the rule does not depend on its version. */
  if (crypto_scalarmult(out, priv, peer_pub) != 0 || sodium_is_zero(out, SB_SBRP_KEY_BYTES)) {
    sodium_memzero(out, SB_SBRP_KEY_BYTES);
    return SB_ERR_SBRP_WEAK_KEY;
  }
  return SB_OK;
}

int sb_sbrp_handshake_derive_keys(const uint8_t ss[SB_SBRP_KEY_BYTES],
                                  const uint8_t th[SB_SBRP_HASH_BYTES], sb_sbrp_session_keys *out) {
  if (!ss || !th || !out) return SB_ERR_ARG;
  uint8_t okm[SB_SBRP_SESSION_KEYS_BYTES];
  int rc = sb_sbrp_hkdf(th, SB_SBRP_HASH_BYTES, ss, SB_SBRP_KEY_BYTES,
                        (const uint8_t *)SB_SBRP_KEYS_INFO, INFO_LEN, okm, sizeof okm);
  if (rc == SB_OK) {
    memcpy(out->c2d, okm, SB_SBRP_KEY_BYTES);
    memcpy(out->d2c, okm + SB_SBRP_KEY_BYTES, SB_SBRP_KEY_BYTES);
  }
  sodium_memzero(okm, sizeof okm);
  return rc;
}

/* ss -> th -> keys, shared by both sides (H7-H8, H12). */
static int agree_and_derive(const uint8_t priv[SB_SBRP_KEY_BYTES],
                            const uint8_t peer_pub[SB_SBRP_KEY_BYTES], const uint8_t *did,
                            size_t did_len, const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                            const uint8_t d_pub[SB_SBRP_KEY_BYTES],
                            const uint8_t sig[SB_SBRP_SIG_BYTES], sb_sbrp_session_keys *keys) {
  uint8_t ss[SB_SBRP_KEY_BYTES], th[SB_SBRP_HASH_BYTES];
  int rc = sb_sbrp_handshake_shared_secret(priv, peer_pub, ss);
  if (rc == SB_OK) rc = sb_sbrp_handshake_transcript_hash(did, did_len, c_pub, d_pub, sig, th);
  if (rc == SB_OK) rc = sb_sbrp_handshake_derive_keys(ss, th, keys);
  sodium_memzero(ss, sizeof ss);
  return rc;
}

int sb_sbrp_handshake_daemon_accept(const sb_sbrp_identity *id, const uint8_t *did, size_t did_len,
                                    const uint8_t c_pub[SB_SBRP_KEY_BYTES],
                                    uint8_t d_eph_priv[SB_SBRP_KEY_BYTES], sb_sbrp_accept *accept,
                                    sb_sbrp_session_keys *keys) {
  int rc = SB_ERR_ARG;
  uint8_t sig_input[SB_SBRP_HASH_BYTES];
  if (!id || !c_pub || (!did && did_len) || !d_eph_priv || !accept || !keys) goto done;
  memcpy(accept->identity_pub, id->pub, SB_SBRP_KEY_BYTES);
  rc = crypto_scalarmult_base(accept->ephemeral_pub, d_eph_priv) == 0 ? SB_OK : SB_ERR_CRYPTO;
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_sig_input(did, did_len, c_pub, accept->ephemeral_pub, sig_input);
  if (rc == SB_OK &&
      crypto_sign_detached(accept->signature, NULL, sig_input, sizeof sig_input, id->secret) != 0)
    rc = SB_ERR_CRYPTO;
  if (rc == SB_OK)
    rc = agree_and_derive(d_eph_priv, c_pub, did, did_len, c_pub, accept->ephemeral_pub,
                          accept->signature, keys);
done:
  if (d_eph_priv) sodium_memzero(d_eph_priv, SB_SBRP_KEY_BYTES);
  if (rc != SB_OK && keys) sodium_memzero(keys, sizeof *keys);
  return rc;
}

int sb_sbrp_handshake_client_finish(const uint8_t *trusted_pub, const uint8_t *did, size_t did_len,
                                    sb_sbrp_ephemeral *eph, const sb_sbrp_accept *accept,
                                    sb_sbrp_session_keys *keys) {
  int rc = SB_ERR_ARG;
  uint8_t sig_input[SB_SBRP_HASH_BYTES];
  if (!eph || !accept || !keys || (!did && did_len)) goto done;
  /* The advertised key must be the trusted one: otherwise a relay could
   * swap the field shown to higher layers even though the signature is
   * checked against the pin (SBRP-CRYPTO-004, SBRP-TOFU-004). */
  const uint8_t *key = trusted_pub ? trusted_pub : accept->identity_pub;
  if (trusted_pub && sodium_memcmp(trusted_pub, accept->identity_pub, SB_SBRP_KEY_BYTES) != 0) {
    rc = SB_ERR_SBRP_IDENTITY_CHANGED;
    goto done;
  }
  rc = sb_sbrp_handshake_sig_input(did, did_len, eph->pub, accept->ephemeral_pub, sig_input);
  if (rc == SB_OK &&
      crypto_sign_verify_detached(accept->signature, sig_input, sizeof sig_input, key) != 0)
    rc = SB_ERR_SBRP_HANDSHAKE_FAILED;
  if (rc == SB_OK)
    rc = agree_and_derive(eph->priv, accept->ephemeral_pub, did, did_len, eph->pub,
                          accept->ephemeral_pub, accept->signature, keys);
done:
  if (eph) sodium_memzero(eph->priv, SB_SBRP_KEY_BYTES);
  if (rc != SB_OK && keys) sodium_memzero(keys, sizeof *keys);
  return rc;
}

int sb_sbrp_handshake_fingerprint(const uint8_t pub[SB_SBRP_KEY_BYTES], char *out, size_t cap) {
  static const char digits[] = "0123456789ABCDEF";
  if (!pub || !out) return SB_ERR_ARG;
  if (cap < SB_SBRP_FINGERPRINT_SIZE) return SB_ERR_BUF;
  uint8_t h[SB_SBRP_HASH_BYTES];
  crypto_hash_sha256(h, pub, SB_SBRP_KEY_BYTES);
  memcpy(out, "SHA256:", 7);
  char *p = out + 7;
  for (size_t i = 0; i < sizeof h; i++) {
    if (i) *p++ = ':';
    *p++ = digits[h[i] >> 4];
    *p++ = digits[h[i] & 0xf];
  }
  *p = '\0';
  return SB_OK;
}
