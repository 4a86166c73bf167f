/*
 * Vector generator for the SBRP crypto side (sbrp.md sections 5, 6, 12, 15):
 *
 *   sbrp-handshake.json  sbrp.handshake (the section 15 vector, upstream's two
 *                        handshakes, varied daemon IDs) and sbrp.handshake.finish
 *                        (the client's TOFU and signature checks)
 *   sbrp-data.json       sbrp.data.seal / sbrp.data.open: published frames,
 *                        size and sequence boundaries, tampering, wrong keys
 *   sbrp-replay.json     sbrp.replay: the section 6 table, upstream's sequences,
 *                        window edges for W = 64, 128, 2048
 *
 * Keys come from fixed inputs (the published vectors) or sbv_gen_bytes; the
 * HandshakeAccept payloads and Data frames that cases tamper with are built
 * here with the reference's own primitives, and the published values are
 * checked before they are used.
 */
#include "gen.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "sbrp/aead.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"

#define SID_ONE UINT64_C(1)
#define SID_S UINT64_C(0x0123456789abcdef) /* upstream's handshake session */
#define SEQ_2P63 (UINT64_C(1) << 63)

/* ---- small helpers -------------------------------------------------------- */

/* `n` bytes from hex text written in the source (published values). */
static void unhex(sbv_gen *g, const char *hex, uint8_t *out, size_t n) {
  size_t got = 0;
  if (strlen(hex) != 2 * n || sb_hex_decode(hex, strlen(hex), out, n, &got) != 0 || got != n)
    sbv_gen_error(g, "bad curated hex %.40s...", hex);
}

/* Compare bytes the reference produced with a published value. */
static void expect_hex(sbv_gen *g, const char *what, const uint8_t *buf, size_t n,
                       const char *hex) {
  char *got = sbv_gen_hex(buf, n);
  if (!got || strcmp(got, hex))
    sbv_gen_error(g, "%s: reference gives %s, published %s", what, got, hex);
  free(got);
}

static void u64_text(uint64_t v, char out[24]) { snprintf(out, 24, "%llu", (unsigned long long)v); }

static void add_hex(cJSON *o, const char *key, const uint8_t *buf, size_t n) {
  char *hex = sbv_gen_hex(buf, n);
  cJSON_AddStringToObject(o, key, hex ? hex : "");
  free(hex);
}

/* ---- handshake material --------------------------------------------------- */

/* Inputs of one handshake and what the daemon side computes from them. */
typedef struct hs {
  const char *label; /* for comments */
  uint8_t seed[32], c_priv[32], d_priv[32];
  const char *did;
  /* computed */
  sb_sbrp_identity id;
  uint8_t c_pub[32];
  sb_sbrp_accept acc;
  sb_sbrp_session_keys keys;
} hs;

static void hs_run(sbv_gen *g, hs *h) {
  sb_sbrp_ephemeral ce;
  uint8_t d_priv[32];
  memcpy(d_priv, h->d_priv, 32);
  if (sb_sbrp_handshake_identity_from_seed(h->seed, &h->id) != 0 ||
      sb_sbrp_handshake_ephemeral_from_private(h->c_priv, &ce) != 0 ||
      sb_sbrp_handshake_daemon_accept(&h->id, (const uint8_t *)h->did, strlen(h->did), ce.pub,
                                      d_priv, &h->acc, &h->keys) != 0)
    sbv_gen_error(g, "handshake %s failed in the reference", h->label);
  memcpy(h->c_pub, ce.pub, 32);
}

static void accept_bytes(const sb_sbrp_accept *a, uint8_t out[128]) {
  memcpy(out, a->identity_pub, 32);
  memcpy(out + 32, a->ephemeral_pub, 32);
  memcpy(out + 64, a->signature, 64);
}

/* sbrp.md section 15. */
static void hs_section15(sbv_gen *g, hs *h) {
  memset(h, 0, sizeof *h);
  h->label = "section 15";
  for (int i = 0; i < 32; i++) h->seed[i] = (uint8_t)i;
  memset(h->c_priv, 0x11, 32);
  memset(h->d_priv, 0x22, 32);
  h->did = "d_abc123";
  hs_run(g, h);
  expect_hex(g, "section 15 identity public", h->id.pub, 32,
             "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
  expect_hex(g, "section 15 signature", h->acc.signature, 64,
             "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
             "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007");
  expect_hex(g, "section 15 K_c2d", h->keys.c2d, 32,
             "ba2c7e00c4e4d5296132f660093c56591fb9da74c807523184a3fe651398f556");
  expect_hex(g, "section 15 K_d2c", h->keys.d2c, 32,
             "3d2340e0877a00096262833ea8e499d069ad33c65f324a138b9a4e245df37a1b");
}

/* upstream-handshake.json handshakes[0]: RFC 8032 test 1 seed, RFC 7748 6.1 keys. */
static void hs_upstream_rfc(sbv_gen *g, hs *h) {
  memset(h, 0, sizeof *h);
  h->label = "upstream rfc_vectors_ascii_daemon_id";
  unhex(g, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", h->seed, 32);
  unhex(g, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", h->c_priv, 32);
  unhex(g, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", h->d_priv, 32);
  h->did = "daemon-001";
  hs_run(g, h);
  expect_hex(g, "upstream rfc K_c2d", h->keys.c2d, 32,
             "9aed6a2acec2cc049b01efa7677698845126f24a2dbdb9ee9570531b1e7d83f3");
  expect_hex(g, "upstream rfc K_d2c", h->keys.d2c, 32,
             "463c1015db09e30fb5f6c1da5391835b758ba2f62872343e52a8350bee90f56e");
}

/* upstream-handshake.json handshakes[1]: Latin-1, CJK and a 4-byte emoji. */
static void hs_upstream_non_ascii(sbv_gen *g, hs *h) {
  memset(h, 0, sizeof *h);
  h->label = "upstream non_ascii_daemon_id";
  unhex(g, "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f", h->seed, 32);
  unhex(g, "55545756515053525d5c5f5e59585b5a45444746414043424d4c4f4e49484b4a", h->c_priv, 32);
  unhex(g, "aaa9aca3a6a5b8bfb2b1b48b8e8d80879a999c939695e8efe2e1e4fbfefdf0f7", h->d_priv, 32);
  h->did = "d\xc3\xa9mon-\xe6\x9d\xb1\xe4\xba\xac-\xf0\x9f\x9a\x80"; /* démon-東京-🚀 */
  hs_run(g, h);
  expect_hex(g, "upstream non-ASCII K_c2d", h->keys.c2d, 32,
             "6eb86987f77937cc7fcc216f480a1cc2e6307a9f2af7a9bc7821173111905655");
  expect_hex(g, "upstream non-ASCII K_d2c", h->keys.d2c, 32,
             "9dc8acad2536c7e3afb1d85f607fc61f23b9fd93e3b667d332ccf1a849e68456");
}

/* Keys from sbv_gen_bytes streams named after the case. */
static void hs_generated(sbv_gen *g, hs *h, const char *label, const char *did) {
  char name[96];
  memset(h, 0, sizeof *h);
  h->label = label;
  h->did = did;
  snprintf(name, sizeof name, "sbrp-hs %s identity", label);
  sbv_gen_bytes(name, h->seed, 32);
  snprintf(name, sizeof name, "sbrp-hs %s client", label);
  sbv_gen_bytes(name, h->c_priv, 32);
  snprintf(name, sizeof name, "sbrp-hs %s daemon", label);
  sbv_gen_bytes(name, h->d_priv, 32);
  hs_run(g, h);
}

static cJSON *hs_input(const hs *h) {
  cJSON *in = cJSON_CreateObject();
  add_hex(in, "identitySeed", h->seed, 32);
  cJSON_AddStringToObject(in, "daemonId", h->did);
  add_hex(in, "clientEphemeralPrivate", h->c_priv, 32);
  add_hex(in, "daemonEphemeralPrivate", h->d_priv, 32);
  return in;
}

/* sbrp.handshake.finish input: `accept` payload, optional pin. */
static cJSON *finish_input(const char *did, const uint8_t c_priv[32], const uint8_t accept[128],
                           const uint8_t *pin) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "daemonId", did);
  add_hex(in, "clientEphemeralPrivate", c_priv, 32);
  add_hex(in, "accept", accept, 128);
  if (pin) add_hex(in, "pinnedIdentity", pin, 32);
  return in;
}

/* ---- sbrp-handshake.json -------------------------------------------------- */

#define HS_REQS "SBRP-CRYPTO-001 SBRP-CRYPTO-002 SBRP-CRYPTO-005 SBRP-CRYPTO-006 SBRP-TOFU-007"

static void handshake_group(sbv_gen *g, hs *s15, hs *rfc, hs *nonascii) {
  sbv_gen_group(g, "sbrp.handshake");
  sbv_gen_case(g, "sbrp.md section 15: daemonId \"d_abc123\", seed 00..1f, ephemerals 11.. / 22..",
               HS_REQS, NULL, hs_input(s15), "valid");
  sbv_gen_case(g,
               "upstream rfc_vectors_ascii_daemon_id: RFC 8032 test 1 seed, RFC 7748 6.1 "
               "Alice (client) / Bob (daemon), daemonId \"daemon-001\"",
               HS_REQS, NULL, hs_input(rfc), "valid");
  sbv_gen_case(g,
               "upstream non_ascii_daemon_id: \"d\\u00e9mon-\\u6771\\u4eac-\\U0001f680\" "
               "(Latin-1, CJK, 4-byte emoji; 18 UTF-8 bytes)",
               HS_REQS, NULL, hs_input(nonascii), "valid");

  /* Varied daemon IDs: the ID is hashed as its UTF-8 bytes, unframed (sbrp.md 5.1, O-7). */
  static char long_id[1025];
  for (size_t i = 0; i < 1024; i++) long_id[i] = "0123456789abcdefghijklmnopqrstuvwxyz-_"[i % 38];
  long_id[1024] = '\0';
  static const struct {
    const char *label, *did, *comment;
  } ids[] = {
      {"greek-cyrillic-arabic-devanagari",
       "\xce\xb4\xce\xb1\xce\xaf\xce\xbc\xcf\x89\xce\xbd-\xd0\xb4\xd0\xb5\xd0\xbc\xd0\xbe\xd0\xbd-"
       "\xd8\xae\xd8\xa7\xd8\xaf\xd9\x85-\xe0\xa4\xa6\xe0\xa4\xbe\xe0\xa4\xa8\xe0\xa4\xb5",
       "daemonId in Greek, Cyrillic, Arabic (right-to-left) and Devanagari scripts"},
      {"cjk-hangul-kana",
       "\xe5\xae\x88\xe6\x8a\xa4\xe8\xbf\x9b\xe7\xa8\x8b-\xeb\x8d\xb0\xeb\xaa\xac-"
       "\xe3\x83\x87\xe3\x83\xbc\xe3\x83\xa2\xe3\x83\xb3",
       "daemonId in Chinese, Hangul and Katakana (3-byte UTF-8 sequences)"},
      {"emoji-zwj",
       "\xf0\x9f\x91\xa9\xf0\x9f\x8f\xbd\xe2\x80\x8d\xf0\x9f\x92\xbb-daemon-\xf0\x9f\x9b\xb0"
       "\xef\xb8\x8f",
       "daemonId with an emoji ZWJ sequence, a skin-tone modifier and a variation selector"},
      {"nfd-combining", "de\xcc\x81mon",
       "daemonId \"de\\u0301mon\" (NFD, combining acute): hashed as its bytes, no normalisation"},
      {"nfc-precomposed", "d\xc3\xa9mon",
       "daemonId \"d\\u00e9mon\" (NFC): same text as the NFD case, different bytes, different "
       "keys"},
      {"one-char", "x", "one-character daemonId"},
      {"spaces-punctuation", " my daemon: \"prod\" #1 (eu-west) / a\\b ; 100% ok? ",
       "daemonId with leading/trailing spaces, quotes, backslash and punctuation"},
      {"uuid-like", "d_3f2a9c4e-7b1d-4e8a-9c0f-5d6e7f8a9b0c", "daemonId shaped like a UUID"},
      {"long-1KiB", long_id, "1024-byte daemonId"},
      {"empty", "",
       "empty daemonId: the handshake itself does not forbid it (tokens need a non-empty `did`, "
       "AUTH-V11, so no relay would pair such a daemon)"},
  };
  hs h;
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    hs_generated(g, &h, ids[i].label, ids[i].did);
    sbv_gen_case(g, ids[i].comment, HS_REQS, NULL, hs_input(&h), "valid");
  }
  /* The same keys under two daemon IDs that differ in one byte. */
  hs a, b;
  hs_generated(g, &a, "same-keys", "daemon-001");
  hs_generated(g, &b, "same-keys", "daemon-002");
  sbv_gen_case(g, "keys of the case \"same-keys\" with daemonId \"daemon-001\"", HS_REQS, NULL,
               hs_input(&a), "valid");
  sbv_gen_case(g, "same keys with daemonId \"daemon-002\": signature and session keys change",
               HS_REQS, NULL, hs_input(&b), "valid");
  /* X25519 private keys are clamped (RFC 7748): a key differing only in the
   * clamped bits gives the same handshake. */
  hs c = *s15;
  c.label = "section 15, client key unclamped";
  c.c_priv[0] |= 0x07;  /* low 3 bits cleared by clamping */
  c.c_priv[31] |= 0x80; /* bit 255 cleared by clamping */
  sbv_gen_case(g,
               "section 15 with client private key bits 0-2 and 255 set: clamping gives the "
               "section 15 results",
               HS_REQS, NULL, hs_input(&c), "valid");
}

static void finish_group(sbv_gen *g, hs *s15, hs *rfc) {
  uint8_t acc[128], mod[128], other_pub[32];
  sb_sbrp_identity other;
  uint8_t other_seed[32];
  sbv_gen_bytes("sbrp-hs other identity", other_seed, 32);
  if (sb_sbrp_handshake_identity_from_seed(other_seed, &other) != 0)
    sbv_gen_error(g, "other identity failed");
  memcpy(other_pub, other.pub, 32);

  sbv_gen_group(g, "sbrp.handshake.finish");
  const struct {
    hs *h;
    const char *name;
  } base[] = {{s15, "section 15"}, {rfc, "upstream rfc"}};
  char c[200];
  for (size_t i = 0; i < 2; i++) {
    hs *h = base[i].h;
    accept_bytes(&h->acc, acc);
    snprintf(c, sizeof c, "%s: first use (no pin), signature verifies", base[i].name);
    sbv_gen_case(g, c, "SBRP-CRYPTO-002 SBRP-CRYPTO-005 SBRP-CRYPTO-006 SBRP-TOFU-007", NULL,
                 finish_input(h->did, h->c_priv, acc, NULL), "valid");
    snprintf(c, sizeof c, "%s: pinned key equals the advertised key", base[i].name);
    sbv_gen_case(g, c, "SBRP-CRYPTO-004 SBRP-CRYPTO-005 SBRP-CRYPTO-006", NULL,
                 finish_input(h->did, h->c_priv, acc, h->id.pub), "valid");
  }

  /* upstream handshake_failures, as mutations of the upstream rfc handshake. */
  hs *h = rfc;
  accept_bytes(&h->acc, acc);
  sbv_gen_case(g, "upstream pinned_key_differs: pin is another key",
               "SBRP-TOFU-004 SBRP-CRYPTO-004", NULL,
               finish_input(h->did, h->c_priv, acc, other_pub), "invalid:identity_key_changed");
  memcpy(mod, acc, 128);
  memcpy(mod, other_pub, 32);
  sbv_gen_case(g,
               "upstream advertised_identity_swapped_pinned_correct: advertised key replaced, "
               "pin is the signer's key",
               "SBRP-TOFU-004 SBRP-CRYPTO-004", "E-SBRP-CRYPTO-4",
               finish_input(h->did, h->c_priv, mod, h->id.pub), "invalid:identity_key_changed");
  sbv_gen_case(g, "advertised identity replaced, no pin: verified with the advertised key, fails",
               "SBRP-CRYPTO-004 SBRP-CRYPTO-002", NULL, finish_input(h->did, h->c_priv, mod, NULL),
               "invalid:handshake_failed");
  sbv_gen_case(g,
               "advertised identity replaced and pinned (attacker key pinned earlier): the "
               "signature by the real key fails",
               "SBRP-CRYPTO-004", NULL, finish_input(h->did, h->c_priv, mod, other_pub),
               "invalid:handshake_failed");
  const struct {
    size_t offset;
    const char *name;
  } flips[] = {{64, "upstream signature_byte0_flipped: signature byte 0 flipped"},
               {127, "upstream signature_byte63_flipped: signature byte 63 flipped"},
               {32, "upstream accept_public_key_flipped: daemon ephemeral key byte 0 flipped"},
               {63, "daemon ephemeral key byte 31 flipped"},
               {96, "signature byte 32 (first byte of S) flipped"}};
  for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
    memcpy(mod, acc, 128);
    mod[flips[i].offset] ^= 0x01;
    sbv_gen_case(g, flips[i].name, "SBRP-CRYPTO-002 SBRP-CRYPTO-004", NULL,
                 finish_input(h->did, h->c_priv, mod, NULL), "invalid:handshake_failed");
  }
  memcpy(mod, acc, 128);
  mod[64] ^= 0x01;
  sbv_gen_case(g, "signature byte 0 flipped, pin correct", "SBRP-CRYPTO-004", NULL,
               finish_input(h->did, h->c_priv, mod, h->id.pub), "invalid:handshake_failed");
  sbv_gen_case(g, "pin differs and signature flipped: the pin comparison comes first",
               "SBRP-TOFU-004 SBRP-CRYPTO-004", "E-SBRP-CRYPTO-4",
               finish_input(h->did, h->c_priv, mod, other_pub), "invalid:identity_key_changed");
  sbv_gen_case(g, "upstream wrong_daemon_id: client expects \"daemon-002\"", "SBRP-CRYPTO-002",
               NULL, finish_input("daemon-002", h->c_priv, acc, NULL), "invalid:handshake_failed");
  sbv_gen_case(g, "client expects \"Daemon-001\" (case differs)", "SBRP-CRYPTO-002", NULL,
               finish_input("Daemon-001", h->c_priv, acc, NULL), "invalid:handshake_failed");
  sbv_gen_case(g, "client expects \"daemon-001 \" (one trailing space)", "SBRP-CRYPTO-002", NULL,
               finish_input("daemon-001 ", h->c_priv, acc, NULL), "invalid:handshake_failed");
  uint8_t wrong_c[32];
  memcpy(wrong_c, h->c_priv, 32);
  wrong_c[1] ^= 0x01;
  sbv_gen_case(g,
               "upstream wrong_client_ephemeral_public: the client's own ephemeral key is not "
               "the one the daemon signed",
               "SBRP-CRYPTO-002 SBRP-CRYPTO-001", NULL, finish_input(h->did, wrong_c, acc, NULL),
               "invalid:handshake_failed");
  /* section 15 accept presented to the upstream client (another session). */
  accept_bytes(&s15->acc, mod);
  sbv_gen_case(g, "HandshakeAccept of another session (section 15) replayed to this client",
               "SBRP-CRYPTO-002", NULL, finish_input(h->did, h->c_priv, mod, NULL),
               "invalid:handshake_failed");
  /* NFC vs NFD daemon IDs: no normalisation. */
  hs nfc;
  hs_generated(g, &nfc, "nfc-precomposed", "d\xc3\xa9mon");
  accept_bytes(&nfc.acc, mod);
  sbv_gen_case(g, "daemon signed \"d\\u00e9mon\" (NFC), client expects \"de\\u0301mon\" (NFD)",
               "SBRP-CRYPTO-002", NULL, finish_input("de\xcc\x81mon", nfc.c_priv, mod, NULL),
               "invalid:handshake_failed");
  sbv_gen_case(g, "daemon signed \"d\\u00e9mon\" (NFC), client expects the same bytes",
               "SBRP-CRYPTO-002 SBRP-CRYPTO-005", NULL,
               finish_input("d\xc3\xa9mon", nfc.c_priv, mod, NULL), "valid");

  /* A validly signed Accept whose daemon ephemeral is a low-order point: the
   * signature verifies, X25519 gives all zeros, the handshake fails. */
  static const struct {
    const char *name;
    uint8_t first;
  } low[] = {{"all-zero", 0x00}, {"order-1 point (u = 1)", 0x01}};
  for (size_t i = 0; i < 2; i++) {
    uint8_t sig_input[32];
    memcpy(mod, s15->id.pub, 32);
    memset(mod + 32, 0, 32);
    mod[32] = low[i].first;
    if (sb_sbrp_handshake_sig_input((const uint8_t *)s15->did, strlen(s15->did), s15->c_pub,
                                    mod + 32, sig_input) != 0 ||
        crypto_sign_detached(mod + 64, NULL, sig_input, 32, s15->id.secret) != 0)
      sbv_gen_error(g, "signing the low-order Accept failed");
    snprintf(c, sizeof c,
             "daemon ephemeral is the %s, correctly signed: X25519 result is all "
             "zero, handshake fails",
             low[i].name);
    sbv_gen_case(g, c, "SBRP-CRYPTO-001", "E-SBRP-CRYPTO-5",
                 finish_input(s15->did, s15->c_priv, mod, s15->id.pub), "invalid:handshake_failed");
  }
}

static void gen_handshake_file(sbv_gen *g, hs *s15, hs *rfc, hs *nonascii) {
  sbv_gen_file(g, "sbrp-handshake.json", "sbrp",
               "SBRP handshakes with varied daemon IDs, and the client's verification of "
               "HandshakeAccept (TOFU pin, signature, key agreement)");
  sbv_gen_note(g, "E-SBRP-CRYPTO-4",
               "the advertised identity key must equal the pinned key, compared before the "
               "signature is verified (identity_key_changed); documents silent, upstream's order",
               NULL);
  sbv_gen_note(g, "E-SBRP-CRYPTO-5",
               "X25519 results that are all zero (low-order peer keys) fail the handshake; "
               "upstream's noble library throws a generic error for them (documents silent, O-6)",
               NULL);
  handshake_group(g, s15, rfc, nonascii);
  finish_group(g, s15, rfc);
  sbv_gen_end(g);
}

/* ---- sbrp-data.json ------------------------------------------------------- */

static cJSON *seal_input(const uint8_t key[32], const char *dir, uint64_t seq, uint64_t sid,
                         const uint8_t *pt, size_t n) {
  char t[24];
  cJSON *in = cJSON_CreateObject();
  add_hex(in, "key", key, 32);
  cJSON_AddStringToObject(in, "direction", dir);
  u64_text(seq, t);
  cJSON_AddStringToObject(in, "seq", t);
  u64_text(sid, t);
  cJSON_AddStringToObject(in, "sessionId", t);
  add_hex(in, "plaintext", pt, n);
  return in;
}

static cJSON *open_input(const uint8_t key[32], const char *dir, const uint8_t *frame, size_t n) {
  cJSON *in = cJSON_CreateObject();
  add_hex(in, "key", key, 32);
  cJSON_AddStringToObject(in, "direction", dir);
  add_hex(in, "frame", frame, n);
  return in;
}

/* Seal with the reference's raw primitive (any u64 sequence number). */
static size_t seal_raw(sbv_gen *g, const uint8_t key[32], uint32_t dir, uint64_t seq, uint64_t sid,
                       const uint8_t *pt, size_t n, uint8_t *frame, size_t cap) {
  size_t len = 0;
  if (sb_sbrp_aead_seal(key, dir, seq, sid, pt, n, frame, cap, &len) != 0)
    sbv_gen_error(g, "sealing a curated frame failed");
  return len;
}

/* upstream-handshake.json data_*: four plaintexts at seq 0, 1, 2, 2^63+5. */
static const char upstream_sbp_frame_hex[] =
    "0100a0a1a2a3a4a5a6a7a8a9aaabacadaeaf050000006576656e747b2274223a224e222c2265223a227469636b227"
    "d";

static void data_seal_group(sbv_gen *g, const hs *s15, const hs *rfc, const hs *nonascii,
                            uint8_t *big) {
  sbv_gen_group(g, "sbrp.data.seal");
  sbv_gen_case(g, "section 15: client seals \"hello\", seq 0, K_c2d",
               "SBRP-CRYPTO-020 SBRP-CRYPTO-021 SBRP-CRYPTO-022 SBRP-CRYPTO-023 SBRP-CRYPTO-030",
               NULL, seal_input(s15->keys.c2d, "c2d", 0, SID_ONE, (const uint8_t *)"hello", 5),
               "valid");
  sbv_gen_case(g, "section 15: daemon seals \"world\", seq 0, K_d2c",
               "SBRP-CRYPTO-020 SBRP-CRYPTO-021 SBRP-CRYPTO-022 SBRP-CRYPTO-023 SBRP-CRYPTO-030",
               NULL, seal_input(s15->keys.d2c, "d2c", 0, SID_ONE, (const uint8_t *)"world", 5),
               "valid");

  uint8_t sbp[47], counting[64];
  unhex(g, upstream_sbp_frame_hex, sbp, sizeof sbp);
  for (int i = 0; i < 64; i++) counting[i] = (uint8_t)i;
  const struct {
    uint64_t seq;
    const uint8_t *pt;
    size_t n;
    const char *what;
  } msgs[] = {{0, (const uint8_t *)"hello daemon", 12, "\"hello daemon\""},
              {1, (const uint8_t *)"", 0, "empty plaintext"},
              {2, sbp, sizeof sbp, "an SBP event frame (47 bytes)"},
              {SEQ_2P63 + 5, counting, 64, "64 counting bytes"}};
  const struct {
    const hs *h;
    uint64_t sid;
    const char *name;
  } sessions[] = {{rfc, SID_S, "upstream rfc"}, {nonascii, SID_ONE, "upstream non-ASCII"}};
  char c[200];
  for (size_t s = 0; s < 2; s++) {
    for (int d = 0; d < 2; d++) {
      for (size_t m = 0; m < 4; m++) {
        snprintf(c, sizeof c, "%s: %s seals %s, seq %llu", sessions[s].name,
                 d ? "daemon (d2c)" : "client (c2d)", msgs[m].what,
                 (unsigned long long)msgs[m].seq);
        sbv_gen_case(
            g, c, "SBRP-CRYPTO-020 SBRP-CRYPTO-021 SBRP-CRYPTO-023 SBRP-CRYPTO-030", NULL,
            seal_input(d ? sessions[s].h->keys.d2c : sessions[s].h->keys.c2d, d ? "d2c" : "c2d",
                       msgs[m].seq, sessions[s].sid, msgs[m].pt, msgs[m].n),
            "valid");
      }
    }
  }
  uint8_t fixed_key[32];
  for (int i = 0; i < 32; i++) fixed_key[i] = (uint8_t)i;
  sbv_gen_case(g, "upstream encrypt_fixed_key_vector: key 00..1f, d2c, seq 7, \"fixed-key vector\"",
               "SBRP-CRYPTO-020 SBRP-CRYPTO-023", NULL,
               seal_input(fixed_key, "d2c", 7, SID_ONE, (const uint8_t *)"fixed-key vector", 16),
               "valid");

  /* Size boundaries: 65508 is the largest plaintext (65536 - 28). */
  sbv_gen_case(g, "plaintext 65508 bytes: payload exactly 65536", "SBRP-WIRE-011 SBRP-CRYPTO-023",
               NULL, seal_input(s15->keys.c2d, "c2d", 3, SID_ONE, big, 65508), "valid");
  sbv_gen_case(g, "plaintext 65509 bytes: payload 65537, one over", "SBRP-WIRE-011", NULL,
               seal_input(s15->keys.c2d, "c2d", 3, SID_ONE, big, 65509),
               "invalid:payload_too_large");

  /* Sequence boundaries. */
  const struct {
    uint64_t seq;
    const char *comment, *reqs, *flags, *expect;
  } seqs[] = {
      {SEQ_2P63, "seq 2^63 (top bit set)", "SBRP-CRYPTO-020 SBRP-CRYPTO-031", NULL, "valid"},
      {UINT64_MAX - 1, "seq 2^64-2: the last number a sender may use",
       "SBRP-CRYPTO-031 SBRP-CRYPTO-032", NULL, "valid"},
      {UINT64_MAX,
       "seq 2^64-1 (upstream encrypt_at_2pow64_minus_1): the counter is exhausted, the "
       "sender stops",
       "SBRP-CRYPTO-031 SBRP-CRYPTO-032", "E-SBRP-CRYPTO-1", "invalid:sequence_exhausted"},
  };
  for (size_t i = 0; i < 3; i++) {
    sbv_gen_case(g, seqs[i].comment, seqs[i].reqs, seqs[i].flags,
                 seal_input(rfc->keys.c2d, "c2d", seqs[i].seq, SID_S, (const uint8_t *)"last", 4),
                 seqs[i].expect);
  }
  sbv_gen_case(g, "seq 2^64-1 with an empty plaintext: still exhausted", "SBRP-CRYPTO-032",
               "E-SBRP-CRYPTO-1", seal_input(s15->keys.d2c, "d2c", UINT64_MAX, SID_ONE, NULL, 0),
               "invalid:sequence_exhausted");
  sbv_gen_case(g, "SessionID 0: a Data frame needs a session", "SBRP-WIRE-013", "E-SBRP-WIRE-2",
               seal_input(s15->keys.c2d, "c2d", 0, 0, (const uint8_t *)"hello", 5),
               "invalid:invalid_session_id");
  sbv_gen_case(g, "SessionID 2^64-1", "SBRP-WIRE-013 SBRP-CRYPTO-022", NULL,
               seal_input(s15->keys.c2d, "c2d", 0, UINT64_MAX, (const uint8_t *)"hello", 5),
               "valid");
  sbv_gen_case(g, "daemon seals with K_d2c at seq 1 (directions count independently)",
               "SBRP-CRYPTO-030 SBRP-CRYPTO-021", NULL,
               seal_input(s15->keys.d2c, "d2c", 1, SID_ONE, (const uint8_t *)"world", 5), "valid");
}

static void data_open_group(sbv_gen *g, const hs *s15, const hs *rfc, uint8_t *big, uint8_t *frame,
                            size_t cap) {
  sbv_gen_group(g, "sbrp.data.open");
  const sb_sbrp_session_keys *k = &s15->keys;
  size_t n;
  char c[200];
  /* The published frames. */
  uint8_t f15[64];
  n = seal_raw(g, k->c2d, SB_SBRP_C2D, 0, SID_ONE, (const uint8_t *)"hello", 5, f15, sizeof f15);
  expect_hex(g, "section 15 Data c2d", f15, n,
             "03000000210000000000000001000000010000000000000000b09c3d389b"
             "38f8f283baa0ddde3ea8197e4b7f0418");
  sbv_gen_case(g, "section 15 Data c2d seq 0: the daemon opens \"hello\" with K_c2d",
               "SBRP-CRYPTO-024 SBRP-CRYPTO-021", NULL, open_input(k->c2d, "c2d", f15, n), "valid");
  n = seal_raw(g, k->d2c, SB_SBRP_D2C, 0, SID_ONE, (const uint8_t *)"world", 5, f15, sizeof f15);
  expect_hex(g, "section 15 Data d2c", f15, n,
             "03000000210000000000000001000000020000000000000000e476c0c9a2"
             "b5959fb9e82e924f98d5d1a6ad8033af");
  sbv_gen_case(g, "section 15 Data d2c seq 0: the client opens \"world\" with K_d2c",
               "SBRP-CRYPTO-024 SBRP-CRYPTO-021", NULL, open_input(k->d2c, "d2c", f15, n), "valid");

  uint8_t sbp[47];
  unhex(g, upstream_sbp_frame_hex, sbp, sizeof sbp);
  n = seal_raw(g, rfc->keys.c2d, SB_SBRP_C2D, 2, SID_S, sbp, sizeof sbp, frame, cap);
  sbv_gen_case(g, "upstream rfc Data c2d seq 2 (an SBP event frame)", "SBRP-CRYPTO-024", NULL,
               open_input(rfc->keys.c2d, "c2d", frame, n), "valid");
  n = seal_raw(g, rfc->keys.d2c, SB_SBRP_D2C, SEQ_2P63 + 5, SID_S, big, 64, frame, cap);
  sbv_gen_case(g, "upstream rfc Data d2c seq 2^63+5", "SBRP-CRYPTO-024 SBRP-CRYPTO-031", NULL,
               open_input(rfc->keys.d2c, "d2c", frame, n), "valid");
  n = seal_raw(g, rfc->keys.c2d, SB_SBRP_C2D, 1, SID_S, NULL, 0, frame, cap);
  sbv_gen_case(g, "empty plaintext: 28-byte payload (nonce + tag)", "SBRP-CRYPTO-024 SBRP-WIRE-021",
               NULL, open_input(rfc->keys.c2d, "c2d", frame, n), "valid");
  n = seal_raw(g, k->c2d, SB_SBRP_C2D, 3, SID_ONE, big, 65508, frame, cap);
  sbv_gen_case(g, "plaintext 65508 bytes: the largest frame (65549 bytes)",
               "SBRP-CRYPTO-024 SBRP-WIRE-011", NULL, open_input(k->c2d, "c2d", frame, n), "valid");
  n = seal_raw(g, rfc->keys.c2d, SB_SBRP_C2D, UINT64_MAX, SID_S, (const uint8_t *)"last", 4, frame,
               cap);
  expect_hex(g, "upstream encrypt_at_2pow64_minus_1", frame + 13, n - 13,
             "00000001ffffffffffffffff04d3b4d30e63efcbcaccdccd9d05b6f3474f559a");
  sbv_gen_case(g,
               "upstream encrypt_at_2pow64_minus_1: a sender that did not stop; the receiver "
               "opens it (the window decides, sbrp-replay.json)",
               "SBRP-CRYPTO-024 SBRP-CRYPTO-031", NULL, open_input(rfc->keys.c2d, "c2d", frame, n),
               "valid");

  /* Tampering, one field at a time (frame offsets: payload starts at 13). */
  uint8_t base[64];
  size_t bn = seal_raw(g, k->c2d, SB_SBRP_C2D, 5, SID_ONE, (const uint8_t *)"tamper me", 9, base,
                       sizeof base);
  sbv_gen_case(g, "untampered reference frame: c2d seq 5 \"tamper me\"", "SBRP-CRYPTO-024", NULL,
               open_input(k->c2d, "c2d", base, bn), "valid");
  const struct {
    size_t off;
    uint8_t mask;
    const char *what, *reqs;
  } t[] = {
      {13 + 3, 0x03, "nonce direction byte 01 -> 02", "SBRP-CRYPTO-020 SBRP-CRYPTO-024"},
      {13 + 0, 0x80, "nonce direction high byte", "SBRP-CRYPTO-020 SBRP-CRYPTO-024"},
      {13 + 11, 0x01, "nonce sequence low byte (seq 5 -> 4)", "SBRP-CRYPTO-020 SBRP-CRYPTO-024"},
      {13 + 4, 0x80, "nonce sequence high byte", "SBRP-CRYPTO-020 SBRP-CRYPTO-024"},
      {13 + 12, 0x01, "first ciphertext byte", "SBRP-CRYPTO-023 SBRP-CRYPTO-024"},
      {13 + 20, 0x80, "last ciphertext byte", "SBRP-CRYPTO-023 SBRP-CRYPTO-024"},
      {13 + 21, 0x01, "first tag byte", "SBRP-CRYPTO-023 SBRP-CRYPTO-024"},
      {13 + 36, 0x80, "last tag byte", "SBRP-CRYPTO-023 SBRP-CRYPTO-024"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint8_t m[64];
    memcpy(m, base, bn);
    m[t[i].off] ^= t[i].mask;
    snprintf(c, sizeof c, "tampered %s: decrypt_failed", t[i].what);
    sbv_gen_case(g, c, t[i].reqs, NULL, open_input(k->c2d, "c2d", m, bn), "invalid:decrypt_failed");
  }
  {
    /* The header is not authenticated (empty AAD): a changed SessionID opens. */
    uint8_t m[64];
    memcpy(m, base, bn);
    m[12] ^= 0x03;
    sbv_gen_case(g, "header SessionID changed 1 -> 2: the header is not in the AAD, it opens",
                 "SBRP-CRYPTO-022 SBRP-CRYPTO-024", NULL, open_input(k->c2d, "c2d", m, bn),
                 "valid");
  }
  uint8_t wrong[32];
  sbv_gen_bytes("sbrp-data wrong key", wrong, 32);
  sbv_gen_case(g, "unrelated key: decrypt_failed", "SBRP-CRYPTO-024", NULL,
               open_input(wrong, "c2d", base, bn), "invalid:decrypt_failed");
  sbv_gen_case(g, "the other direction's key (K_d2c for a c2d frame): decrypt_failed",
               "SBRP-CRYPTO-021 SBRP-CRYPTO-024", NULL, open_input(k->d2c, "c2d", base, bn),
               "invalid:decrypt_failed");
  memcpy(wrong, k->c2d, 32);
  wrong[31] ^= 0x01;
  sbv_gen_case(g, "K_c2d with its last bit flipped: decrypt_failed", "SBRP-CRYPTO-024", NULL,
               open_input(wrong, "c2d", base, bn), "invalid:decrypt_failed");
  sbv_gen_case(g, "another session's K_c2d (upstream rfc): decrypt_failed", "SBRP-CRYPTO-024", NULL,
               open_input(rfc->keys.c2d, "c2d", base, bn), "invalid:decrypt_failed");
  n = seal_raw(g, k->d2c, SB_SBRP_D2C, 5, SID_ONE, (const uint8_t *)"tamper me", 9, frame, cap);
  sbv_gen_case(g, "d2c frame opened with K_c2d: decrypt_failed", "SBRP-CRYPTO-021 SBRP-CRYPTO-024",
               NULL, open_input(k->c2d, "c2d", frame, n), "invalid:decrypt_failed");

  /* Layout and header faults. */
  uint8_t m[64];
  memcpy(m, base, 13 + 27);
  sb_sbrp_header_write(m, 0x03, 27, SID_ONE);
  sbv_gen_case(g, "Data payload 27 bytes (one short of nonce + tag): malformed_frame",
               "SBRP-WIRE-021", NULL, open_input(k->c2d, "c2d", m, 13 + 27),
               "invalid:malformed_frame");
  memcpy(m, base, bn);
  sb_sbrp_header_write(m, 0x03, (uint32_t)(bn - 13), 0);
  sbv_gen_case(g, "Data with SessionID 0: invalid_session_id before any decryption",
               "SBRP-WIRE-013", "E-SBRP-WIRE-2", open_input(k->c2d, "c2d", m, bn),
               "invalid:invalid_session_id");
  sbv_gen_case(g, "Data frame cut one byte short: malformed_frame", "SBRP-WIRE-002", NULL,
               open_input(k->c2d, "c2d", base, bn - 1), "invalid:malformed_frame");
  memset(m, 0, sizeof m);
  sb_sbrp_header_write(m, 0x03, 28, SID_ONE);
  m[13 + 3] = 0x01;
  sbv_gen_case(g, "28-byte payload of zeros after a c2d nonce (forged tag): decrypt_failed",
               "SBRP-CRYPTO-024", NULL, open_input(k->c2d, "c2d", m, 13 + 28),
               "invalid:decrypt_failed");

  /* A buggy sender: right key, wrong direction field. */
  n = seal_raw(g, k->c2d, SB_SBRP_D2C, 9, SID_ONE, (const uint8_t *)"mislabelled", 11, frame, cap);
  sbv_gen_case(g,
               "sealed with K_c2d but direction field 2: opens unless the receiver checks the "
               "field (documents silent)",
               "SBRP-CRYPTO-020 SBRP-CRYPTO-024", "E-SBRP-CRYPTO-3",
               open_input(k->c2d, "c2d", frame, n), "acceptable");
  n = seal_raw(g, k->d2c, SB_SBRP_C2D, 9, SID_ONE, (const uint8_t *)"mislabelled", 11, frame, cap);
  sbv_gen_case(g,
               "sealed with K_d2c but direction field 1: opens unless the receiver checks the "
               "field",
               "SBRP-CRYPTO-020 SBRP-CRYPTO-024", "E-SBRP-CRYPTO-3",
               open_input(k->d2c, "d2c", frame, n), "acceptable");
}

static void gen_data_file(sbv_gen *g, const hs *s15, const hs *rfc, const hs *nonascii) {
  uint8_t *big = malloc(65509);
  size_t cap = SB_SBRP_AEAD_FRAME_BYTES(65509);
  uint8_t *frame = malloc(cap);
  if (!big || !frame) {
    sbv_gen_error(g, "out of memory");
    free(big);
    free(frame);
    return;
  }
  sbv_gen_bytes("sbrp-data plaintext", big, 65509);
  sbv_gen_file(g, "sbrp-data.json", "sbrp",
               "SBRP Data frames sealed and opened: published frames, size and sequence "
               "boundaries, tampering, wrong keys");
  sbv_gen_note(g, "E-SBRP-CRYPTO-1",
               "a sender stops when its counter reaches 2^64-1 and never sends that number "
               "(sbrp.md O-4); upstream sends it and then wraps to 0",
               "upstream");
  sbv_gen_note(
      g, "E-SBRP-WIRE-2",
      "a SessionID scope violation is invalid_session_id; upstream reports malformed_frame",
      "upstream");
  sbv_gen_note(
      g, "E-SBRP-CRYPTO-3",
      "no document says whether a receiver checks the nonce direction field (sbrp.md O-5); "
      "upstream does not, so the frame opens; a strict receiver refuses it (decrypt_failed)",
      NULL);
  data_seal_group(g, s15, rfc, nonascii, big);
  data_open_group(g, s15, rfc, big, frame, cap);
  sbv_gen_end(g);
  free(big);
  free(frame);
}

/* ---- sbrp-replay.json ----------------------------------------------------- */

#define SEQ_MAX UINT64_MAX

/* One case: `window`, the numbers fed in order. */
static void replay_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                        unsigned window, const uint64_t *seqs, size_t n) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddNumberToObject(in, "window", window);
  cJSON *a = cJSON_AddArrayToObject(in, "seqs");
  for (size_t i = 0; i < n; i++) {
    char t[24];
    u64_text(seqs[i], t);
    cJSON_AddItemToArray(a, cJSON_CreateString(t));
  }
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

#define REPLAY(g, comment, reqs, flags, w, ...)                                     \
  do {                                                                              \
    const uint64_t seqs_[] = {__VA_ARGS__};                                         \
    replay_case(g, comment, reqs, flags, w, seqs_, sizeof seqs_ / sizeof seqs_[0]); \
  } while (0)

static void replay_upstream(sbv_gen *g) {
  REPLAY(g,
         "sbrp.md section 6 table, W = 128: 0 0 2 1 1 129 1 2 3 130 2 1000000 999873 999872 "
         "1000000 2^64-1 1000001",
         "SBRP-REPLAY-001 SBRP-REPLAY-002 SBRP-REPLAY-004 SBRP-REPLAY-005 SBRP-REPLAY-006", NULL,
         128, 0, 0, 2, 1, 1, 129, 1, 2, 3, 130, 2, 1000000, 999873, 999872, 1000000, SEQ_MAX,
         1000001);
  REPLAY(g, "upstream in_order_0_to_9 (W = 128)", "SBRP-REPLAY-001", NULL, 128, 0, 1, 2, 3, 4, 5, 6,
         7, 8, 9);
  REPLAY(g, "upstream first_message_nonzero_then_older (W = 128)",
         "SBRP-REPLAY-001 SBRP-REPLAY-005", NULL, 128, 1000, 999, 1000, 990, 873, 872, 871, 0);
  REPLAY(g, "upstream out_of_order_within_window (W = 128)", "SBRP-REPLAY-001 SBRP-REPLAY-005",
         NULL, 128, 10, 5, 7, 6, 9, 8, 5, 11, 4);
  REPLAY(g, "upstream jump_window_minus_1_keeps_history (W = 128)",
         "SBRP-REPLAY-001 SBRP-REPLAY-005", NULL, 128, 5, 132, 5, 6, 4);
  REPLAY(g, "upstream near_uint64_max (W = 128)", "SBRP-REPLAY-006 SBRP-REPLAY-005", NULL, 128,
         SEQ_MAX - 2, SEQ_MAX, SEQ_MAX, SEQ_MAX - 1, SEQ_MAX - 2, SEQ_MAX - 127, SEQ_MAX - 128, 0);
  REPLAY(g, "upstream start_at_uint64_max (W = 128)", "SBRP-REPLAY-006", NULL, 128, SEQ_MAX,
         SEQ_MAX, SEQ_MAX - 1, 0);
  REPLAY(g, "upstream window64_boundary (W = 64)", "SBRP-REPLAY-001 SBRP-REPLAY-005",
         "E-SBRP-CRYPTO-6", 64, 200, 137, 136, 201, 137, 138);
  REPLAY(g, "upstream window1 (W = 1, below the protocol minimum)", "SBRP-REPLAY-001",
         "E-SBRP-CRYPTO-6", 1, 5, 5, 4, 6, 7, 6);
  REPLAY(g, "upstream replay_sequence: m0, m0 again, m1 (W = 128)", "SBRP-REPLAY-005", NULL, 128, 0,
         0, 1);
  REPLAY(g, "upstream receiver_accepts_2pow64_minus_1_then_wrapped: 2^64-1 then the wrapped 0",
         "SBRP-REPLAY-006 SBRP-CRYPTO-031", NULL, 128, SEQ_MAX, 0);
}

/* Window edges for one W; M is a first number far from both ends. */
static void replay_window(sbv_gen *g, unsigned w) {
  const uint64_t W = w, M = 1000000;
  const char *reqs = w >= 256   ? "SBRP-REPLAY-001 SBRP-REPLAY-003"
                     : w >= 128 ? "SBRP-REPLAY-001 SBRP-REPLAY-002"
                                : "SBRP-REPLAY-001";
  const char *flag = w < 128 ? "E-SBRP-CRYPTO-6" : NULL;
  char c[200], r[160];
#define RC(text) (snprintf(c, sizeof c, "W = %u: %s", w, text), c)
#define RQ(more) (snprintf(r, sizeof r, "%s %s", reqs, more), r)
  REPLAY(g, RC("max, then max-(W-1): inside the window, accepted"), reqs, flag, w, M, M - (W - 1));
  REPLAY(g, RC("max, then max-W: too old"), RQ("SBRP-REPLAY-005"), flag, w, M, M - W);
  REPLAY(g, RC("max, then max-(W+1): too old"), RQ("SBRP-REPLAY-005"), flag, w, M, M - W - 1);
  REPLAY(g, RC("max-(W-1) twice: second is a replay at the window's edge"), RQ("SBRP-REPLAY-005"),
         flag, w, M, M - (W - 1), M - (W - 1));
  REPLAY(g, RC("duplicates: max twice, max-3 twice"), RQ("SBRP-REPLAY-005"), flag, w, M, M, M - 3,
         M - 3);
  REPLAY(g, RC("out of order inside the window, then each again"), RQ("SBRP-REPLAY-005"), flag, w,
         M, M - 2, M + 1, M - 1, M, M - 2, M + 1, M - 1);
  REPLAY(g, RC("jump of 1: the old max stays seen, the one before it is unseen"),
         RQ("SBRP-REPLAY-005"), flag, w, M, M + 1, M, M - 1);
  REPLAY(g, RC("jump of W-1: the old max is at the edge and seen, one below is too old"),
         RQ("SBRP-REPLAY-005"), flag, w, M, M + W - 1, M, M - 1, M + 1);
  REPLAY(g, RC("jump of W: the bitmap resets, the old max is too old"),
         RQ("SBRP-REPLAY-004 SBRP-REPLAY-005"), flag, w, M, M + W, M, M + 1, M + W);
  REPLAY(g, RC("jump of W+1: reset; old max too old, max-(W-1) accepted, max-W too old"),
         RQ("SBRP-REPLAY-004 SBRP-REPLAY-005"), flag, w, M, M + W + 1, M, M + 2, M + 1);
  REPLAY(g, RC("0 .. 4, then a jump to W+10 clears every bit: W+9, W+6, W+3 unseen, 3 too old"),
         RQ("SBRP-REPLAY-004"), flag, w, 0, 1, 2, 3, 4, W + 10, W + 9, W + 6, W + 3, 3);
  REPLAY(g, RC("a too-old number leaves no trace: max, max-W-10 (too old), then max-10 accepted"),
         RQ("SBRP-REPLAY-005"), flag, w, M, M - W - 10, M - 10, M - 2 * W - 10, M - 10);
  REPLAY(g, RC("jump of 2^63 from 0, then 0 again and a number just below the new max"),
         RQ("SBRP-REPLAY-004 SBRP-REPLAY-006"), flag, w, 0, SEQ_2P63, 0, SEQ_2P63 - 1);
  REPLAY(g, RC("jump from 0 to 2^64-1, then 5, 2^64-1-(W-1) (accepted), 2^64-1-W (too old)"),
         RQ("SBRP-REPLAY-004 SBRP-REPLAY-006"), flag, w, 0, SEQ_MAX, 5, SEQ_MAX - (W - 1),
         SEQ_MAX - W);
  REPLAY(g, RC("first number W+5, then 0 and 5 (too old), 6 (the edge), W+4, W+5 (replay)"),
         RQ("SBRP-REPLAY-005"), flag, w, W + 5, 0, 5, 6, W + 4, W + 5);
  REPLAY(g, RC("first number 2^64-3, then 2^64-1, 2^64-2, 2^64-3 again"),
         RQ("SBRP-REPLAY-006 SBRP-REPLAY-005"), flag, w, SEQ_MAX - 2, SEQ_MAX, SEQ_MAX - 1,
         SEQ_MAX - 2);
  REPLAY(g, RC("wrap attempt: 2^64-2, 2^64-1, then 0, 1, 2"), RQ("SBRP-REPLAY-006"), flag, w,
         SEQ_MAX - 1, SEQ_MAX, 0, 1, 2);
  REPLAY(g, RC("wrap attempt: 2^64-1, then W-1 and W-2 (W and W-1 ahead modulo 2^64)"),
         RQ("SBRP-REPLAY-006"), flag, w, SEQ_MAX, W - 1, W - 2);
  REPLAY(g, RC("0, 1, 2, W-1, W, W+1, then 0 and 1 (too old) and 2 (seen, at the edge)"),
         RQ("SBRP-REPLAY-005"), flag, w, 0, 1, 2, W - 1, W, W + 1, 0, 1, 2);
#undef RC
#undef RQ
}

static void replay_in_order_long(sbv_gen *g, unsigned w) {
  /* W+3 numbers in order, then all of them again: the oldest three are too old. */
  size_t n = 2 * ((size_t)w + 3);
  uint64_t *s = malloc(n * sizeof *s);
  if (!s) return;
  for (size_t i = 0; i < n; i++) s[i] = i % ((size_t)w + 3);
  char c[160];
  snprintf(c, sizeof c, "W = %u: 0 .. W+2 in order, then all again (every one rejected)", w);
  replay_case(g, c,
              w >= 256 ? "SBRP-REPLAY-001 SBRP-REPLAY-003 SBRP-REPLAY-005"
                       : "SBRP-REPLAY-001 SBRP-REPLAY-005",
              w < 128 ? "E-SBRP-CRYPTO-6" : NULL, w, s, n);
  free(s);
}

static void gen_replay_file(sbv_gen *g) {
  sbv_gen_file(g, "sbrp-replay.json", "sbrp",
               "The SBRP receive window (sbrp.md section 6): the published table, upstream's "
               "sequences, window edges and u64 limits for W = 64, 128 and 2048");
  sbv_gen_note(g, "E-SBRP-CRYPTO-6",
               "W below 128 (the SHOULD) or below 64 (the MUST) is not a window an endpoint may "
               "use; the algorithm is the same for every W, the vector shows it",
               NULL);
  sbv_gen_group(g, "sbrp.replay");
  replay_upstream(g);
  const unsigned windows[] = {64, 128, 2048};
  for (size_t i = 0; i < 3; i++) {
    replay_window(g, windows[i]);
    replay_in_order_long(g, windows[i]);
  }
  sbv_gen_end(g);
}

void sbv_gen_sbrp_crypto(sbv_gen *g) {
  hs s15, rfc, nonascii;
  hs_section15(g, &s15);
  hs_upstream_rfc(g, &rfc);
  hs_upstream_non_ascii(g, &nonascii);
  gen_handshake_file(g, &s15, &rfc, &nonascii);
  gen_data_file(g, &s15, &rfc, &nonascii);
  gen_replay_file(g);
  sb_sbrp_handshake_wipe(&s15, sizeof s15);
  sb_sbrp_handshake_wipe(&rfc, sizeof rfc);
  sb_sbrp_handshake_wipe(&nonascii, sizeof nonascii);
}
