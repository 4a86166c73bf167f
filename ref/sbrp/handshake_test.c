#include "sbrp/handshake.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/rng.h"
#include "sbrp/aead.h"
#include "sbrp/hkdf.h"
#include "sbrp/payload.h"
#include "test/sbt.h"

/* Decode exactly n bytes of hex from a JSON/spec string into `out`. */
/* The inputs of one upstream handshake (upstream-handshake.json handshakes[i]). */
typedef struct hs_inputs {
  uint8_t seed[32], c_priv[32], d_priv[32];
  uint8_t did[256];
  size_t did_len;
  uint64_t sid;
} hs_inputs;

static bool load_inputs(const cJSON *h, hs_inputs *in) {
  const cJSON *i = sbt_get(h, "inputs");
  const char *did = sbt_str(i, "daemon_id");
  bool ok = sbt_unhex_exact(sbt_str(i, "identity_seed"), in->seed, 32) &&
            sbt_unhex_exact(sbt_str(i, "client_ephemeral_private"), in->c_priv, 32) &&
            sbt_unhex_exact(sbt_str(i, "daemon_ephemeral_private"), in->d_priv, 32) && did &&
            strlen(did) < sizeof in->did;
  if (!ok) return false;
  in->did_len = strlen(did);
  memcpy(in->did, did, in->did_len);
  in->sid = sbt_u64(sbt_str(i, "session_id"));
  /* cJSON hands out the UTF-8 bytes; they must be upstream's daemon_id_utf8. */
  return SBT_HEX_EQ(in->did, in->did_len, sbt_str(i, "daemon_id_utf8"));
}

/* Check `got` against string member `key` of `obj` and count it once. */
static void upstream_handshakes_reproduced_field_by_field(void) {
  /* SBRP-CRYPTO-001 (Ed25519 identity, X25519 ephemerals), SBRP-CRYPTO-002
   * (signature input), SBRP-CRYPTO-005 (transcript hash, HKDF),
   * SBRP-CRYPTO-006 (key split), SBRP-CRYPTO-007 (ephemerals wiped),
   * SBRP-TOFU-007 (fingerprint): every intermediate of both upstream
   * handshakes, and the HandshakeInit/Accept frames. */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *h;
  int n = 0;
  cJSON_ArrayForEach(h, sbt_get(doc, "handshakes")) {
    hs_inputs in;
    if (!load_inputs(h, &in)) continue;
    n++;
    sb_sbrp_identity id;
    sb_sbrp_ephemeral ce, de;
    SBT_OK(sb_sbrp_handshake_identity_from_seed(in.seed, &id));
    sbt_expect_upstream_hex(id.pub, 32, h, "identity_public_key");
    char fp[SB_SBRP_FINGERPRINT_SIZE];
    SBT_OK(sb_sbrp_handshake_fingerprint(id.pub, fp, sizeof fp));
    if (SBT_STR_EQ(fp, sbt_str(h, "fingerprint"))) sbt_count_upstream_value();
    SBT_OK(sb_sbrp_handshake_ephemeral_from_private(in.c_priv, &ce));
    SBT_OK(sb_sbrp_handshake_ephemeral_from_private(in.d_priv, &de));
    sbt_expect_upstream_hex(ce.pub, 32, h, "client_ephemeral_public");
    sbt_expect_upstream_hex(de.pub, 32, h, "daemon_ephemeral_public");

    uint8_t pre[512], hash[32];
    size_t pre_len;
    SBT_OK(sb_sbrp_handshake_sig_preimage(in.did, in.did_len, ce.pub, de.pub, pre, sizeof pre,
                                          &pre_len));
    sbt_expect_upstream_hex(pre, pre_len, h, "signature_payload_preimage");
    SBT_EQ_U64(pre_len, SB_SBRP_SIG_PREIMAGE_BYTES(in.did_len));
    SBT_OK(sb_sbrp_handshake_sig_input(in.did, in.did_len, ce.pub, de.pub, hash));
    sbt_expect_upstream_hex(hash, 32, h, "signature_payload");

    /* Daemon side from its own ephemeral private key. */
    sb_sbrp_accept acc;
    sb_sbrp_session_keys dk, ck;
    uint8_t d_priv[32];
    memcpy(d_priv, in.d_priv, 32);
    SBT_OK(sb_sbrp_handshake_daemon_accept(&id, in.did, in.did_len, ce.pub, d_priv, &acc, &dk));
    SBT_CHECK(sbt_all_zero(d_priv, 32), "daemon ephemeral private key wiped (SBRP-CRYPTO-007)");
    sbt_expect_upstream_hex(acc.signature, 64, h, "signature");
    SBT_HEX_EQ(acc.ephemeral_pub, 32, sbt_str(h, "daemon_ephemeral_public"));
    SBT_HEX_EQ(acc.identity_pub, 32, sbt_str(h, "identity_public_key"));

    uint8_t ss[32], ss2[32];
    SBT_OK(sb_sbrp_handshake_shared_secret(de.priv, ce.pub, ss));
    SBT_OK(sb_sbrp_handshake_shared_secret(ce.priv, de.pub, ss2));
    sbt_expect_upstream_hex(ss, 32, h, "shared_secret");
    SBT_CHECK(memcmp(ss, ss2, 32) == 0, "shared secret symmetric");

    SBT_OK(sb_sbrp_handshake_transcript_preimage(in.did, in.did_len, ce.pub, de.pub, acc.signature,
                                                 pre, sizeof pre, &pre_len));
    sbt_expect_upstream_hex(pre, pre_len, h, "transcript_preimage");
    SBT_EQ_U64(pre_len, SB_SBRP_TR_PREIMAGE_BYTES(in.did_len));
    SBT_OK(
        sb_sbrp_handshake_transcript_hash(in.did, in.did_len, ce.pub, de.pub, acc.signature, hash));
    sbt_expect_upstream_hex(hash, 32, h, "transcript_hash");

    sb_sbrp_session_keys k;
    SBT_OK(sb_sbrp_handshake_derive_keys(ss, hash, &k));
    sbt_expect_upstream_hex(k.c2d, 32, h, "client_to_daemon_key");
    sbt_expect_upstream_hex(k.d2c, 32, h, "daemon_to_client_key");
    SBT_CHECK(memcmp(&k, &dk, sizeof k) == 0, "daemon side derived the same keys");

    /* Frames on the wire, and the client side from the decoded Accept. */
    uint8_t frame[256];
    size_t flen;
    SBT_OK(sb_sbrp_handshake_init_encode(in.sid, ce.pub, frame, sizeof frame, &flen));
    sbt_expect_upstream_hex(frame, flen, h, "handshake_init_frame");
    sb_sbrp_frame f;
    uint8_t init_pub[32];
    SBT_OK(sb_sbrp_frame_decode(frame, flen, &f));
    SBT_OK(sb_sbrp_handshake_init_decode(&f, init_pub));
    sbt_expect_upstream_hex(init_pub, 32, h, "decoded_init_public");

    SBT_OK(sb_sbrp_handshake_accept_encode(in.sid, &acc, frame, sizeof frame, &flen));
    sbt_expect_upstream_hex(frame, flen, h, "handshake_accept_frame");
    sb_sbrp_accept got;
    SBT_OK(sb_sbrp_frame_decode(frame, flen, &f));
    SBT_OK(sb_sbrp_handshake_accept_decode(&f, &got));
    const cJSON *dec = sbt_get(h, "decoded_accept");
    sbt_expect_upstream_hex(got.identity_pub, 32, dec, "identity");
    sbt_expect_upstream_hex(got.ephemeral_pub, 32, dec, "accept");
    sbt_expect_upstream_hex(got.signature, 64, dec, "signature");

    SBT_OK(sb_sbrp_handshake_client_finish(id.pub, in.did, in.did_len, &ce, &got, &ck));
    SBT_CHECK(memcmp(&ck, &dk, sizeof ck) == 0, "client keys equal daemon keys");
    SBT_CHECK(cJSON_IsTrue(sbt_get(sbt_get(h, "checks"), "client_keys_equal_daemon_keys")),
              "upstream agrees");
    /* upstream checks.client_eph_private_zeroized_by_processHandshakeAccept */
    bool wiped = sbt_all_zero(ce.priv, 32);
    SBT_CHECK(wiped, "client ephemeral private key wiped (SBRP-CRYPTO-007)");
    if (wiped && cJSON_IsTrue(sbt_get(sbt_get(h, "checks"),
                                      "client_eph_private_zeroized_by_processHandshakeAccept")))
      sbt_count_upstream_value();
  }
  SBT_CHECK(n == 2, "two upstream handshakes, got %d", n);
  cJSON_Delete(doc);
}

static void spec_section15_vectors_every_line(void) {
  /* sbrp.md section 15 (derived vectors, daemonId "d_abc123", SID 1):
   * SBRP-CRYPTO-002, SBRP-CRYPTO-005, SBRP-CRYPTO-006, SBRP-CRYPTO-020,
   * SBRP-CRYPTO-021, SBRP-CRYPTO-023, SBRP-TOFU-007. */
  static const uint8_t did[] = "d_abc123";
  const size_t did_len = sizeof did - 1;
  uint8_t seed[32], c_priv[32], d_priv[32];
  for (int i = 0; i < 32; i++) seed[i] = (uint8_t)i;
  memset(c_priv, 0x11, 32);
  memset(d_priv, 0x22, 32);
  SBT_HEX_EQ(did, did_len, "645f616263313233");

  sb_sbrp_identity id;
  sb_sbrp_ephemeral ce, de;
  SBT_OK(sb_sbrp_handshake_identity_from_seed(seed, &id));
  SBT_HEX_EQ(id.pub, 32, "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  SBT_OK(sb_sbrp_handshake_fingerprint(id.pub, fp, sizeof fp));
  SBT_STR_EQ(fp,
             "SHA256:56:47:5A:A7:54:63:47:4C:02:85:DF:5D:BF:2B:CA:B7:3D:A6:51:35:88:39:E9:B7:"
             "74:81:B2:EA:B1:07:70:8C");
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(d_priv, &de));
  SBT_HEX_EQ(ce.pub, 32, "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");
  SBT_HEX_EQ(de.pub, 32, "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20");
  uint8_t h[32], ss[32];
  SBT_OK(sb_sbrp_handshake_sig_input(did, did_len, ce.pub, de.pub, h));
  SBT_HEX_EQ(h, 32, "34814a718b9d0ccce421947fe5c0713e50976acb5c2ade2166be7a08a1b99e5b");

  sb_sbrp_accept acc;
  sb_sbrp_session_keys dk, ck;
  SBT_OK(sb_sbrp_handshake_daemon_accept(&id, did, did_len, ce.pub, de.priv, &acc, &dk));
  SBT_HEX_EQ(acc.signature, 64,
             "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
             "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007");
  SBT_OK(sb_sbrp_handshake_shared_secret(ce.priv, de.pub, ss));
  SBT_HEX_EQ(ss, 32, "9e004098efc091d4ec2663b4e9f5cfd4d7064571690b4bea97ab146ab9f35056");
  SBT_OK(sb_sbrp_handshake_transcript_hash(did, did_len, ce.pub, de.pub, acc.signature, h));
  SBT_HEX_EQ(h, 32, "4f95f0b2d5519095dcde67d5d632f5f2563d67de03ae0d9758667654eb4226e3");
  SBT_HEX_EQ(dk.c2d, 32, "ba2c7e00c4e4d5296132f660093c56591fb9da74c807523184a3fe651398f556");
  SBT_HEX_EQ(dk.d2c, 32, "3d2340e0877a00096262833ea8e499d069ad33c65f324a138b9a4e245df37a1b");
  SBT_OK(sb_sbrp_handshake_client_finish(id.pub, did, did_len, &ce, &acc, &ck));
  SBT_CHECK(memcmp(&ck, &dk, sizeof ck) == 0, "client derives the same keys");

  uint8_t frame[256];
  size_t n;
  SBT_OK(sb_sbrp_handshake_init_encode(1, ce.pub, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "01000000200000000000000001"
             "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");
  SBT_OK(sb_sbrp_handshake_accept_encode(1, &acc, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "02000000800000000000000001"
             "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
             "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
             "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
             "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007");
  SBT_OK(sb_sbrp_aead_seal(dk.c2d, SB_SBRP_C2D, 0, 1, (const uint8_t *)"hello", 5, frame,
                           sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "03000000210000000000000001000000010000000000000000b09c3d389b"
             "38f8f283baa0ddde3ea8197e4b7f0418");
  SBT_OK(sb_sbrp_aead_seal(dk.d2c, SB_SBRP_D2C, 0, 1, (const uint8_t *)"world", 5, frame,
                           sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "03000000210000000000000001000000020000000000000000e476c0c9a2"
             "b5959fb9e82e924f98d5d1a6ad8033af");
  SBT_OK(
      sb_sbrp_signal_encode(1, SB_SBRP_SIGNAL_READY, SB_SBRP_REASON_NONE, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "0400000002000000000000000100"
             "00");
  SBT_OK(sb_sbrp_signal_encode(1, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_STATE_LOST, frame,
                               sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "0400000002000000000000000101"
             "01");
  const uint8_t ping[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PING, ping, sizeof ping, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "10000000080000000000000000"
             "0102030405060708");
  SBT_OK(sb_sbrp_control_encode(1, 0x1001, NULL, 0, frame, sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "20000000020000000000000001"
             "1001");
  SBT_OK(sb_sbrp_control_encode(1, 0x1001, (const uint8_t *)"Daemon disconnected", 19, frame,
                                sizeof frame, &n));
  SBT_HEX_EQ(frame, n,
             "20000000150000000000000001"
             "1001"
             "4461656d6f6e20646973636f6e6e6563746564");
}

/* Mutations of handshake 0 named as upstream's handshake_failures cases. */
typedef struct hs_case {
  uint8_t trusted[32];
  bool have_trusted;
  uint8_t did[64];
  size_t did_len;
  sb_sbrp_ephemeral eph;
  sb_sbrp_accept acc;
} hs_case;

static bool mutate_for(const char *name, hs_case *c, const uint8_t other_pub[32]) {
  if (!strcmp(name, "valid_reference")) return true;
  if (!strcmp(name, "pinned_key_differs")) {
    memcpy(c->trusted, other_pub, 32);
  } else if (!strcmp(name, "advertised_identity_swapped_pinned_correct")) {
    memcpy(c->acc.identity_pub, other_pub, 32);
  } else if (!strcmp(name, "signature_byte0_flipped")) {
    c->acc.signature[0] ^= 0x01;
  } else if (!strcmp(name, "signature_byte63_flipped")) {
    c->acc.signature[63] ^= 0x01;
  } else if (!strcmp(name, "accept_public_key_flipped")) {
    c->acc.ephemeral_pub[0] ^= 0x01;
  } else if (!strcmp(name, "wrong_daemon_id")) {
    memcpy(c->did, "daemon-002", 10);
    c->did_len = 10;
  } else if (!strcmp(name, "wrong_client_ephemeral_public")) {
    c->eph.pub[31] ^= 0x01;
  } else {
    return false;
  }
  return true;
}

static void upstream_handshake_failures_same_outcome_class(void) {
  /* SBRP-CRYPTO-004 (verify with the pinned key; the advertised key must be
   * the pinned one), SBRP-TOFU-004 (mismatch -> identity_key_changed),
   * SBRP-CRYPTO-002 (signature binds did and both ephemerals). */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *hs = sbt_get(doc, "handshakes");
  const cJSON *h0 = cJSON_GetArrayItem(hs, 0), *h1 = cJSON_GetArrayItem(hs, 1);
  hs_inputs in;
  uint8_t other_pub[32];
  if (!load_inputs(h0, &in) || !sbt_unhex_exact(sbt_str(h1, "identity_public_key"), other_pub, 32)) {
    cJSON_Delete(doc);
    return;
  }
  sb_sbrp_identity id;
  SBT_OK(sb_sbrp_handshake_identity_from_seed(in.seed, &id));
  const cJSON *fc;
  int n = 0;
  cJSON_ArrayForEach(fc, sbt_get(doc, "handshake_failures")) {
    const char *name = sbt_str(fc, "name");
    const cJSON *out = sbt_get(fc, "outcome");
    hs_case c;
    uint8_t d_priv[32];
    sb_sbrp_session_keys dk, ck;
    memset(&c, 0, sizeof c);
    memcpy(c.trusted, id.pub, 32);
    memcpy(c.did, in.did, in.did_len);
    c.did_len = in.did_len;
    memcpy(d_priv, in.d_priv, 32);
    SBT_OK(sb_sbrp_handshake_ephemeral_from_private(in.c_priv, &c.eph));
    SBT_OK(
        sb_sbrp_handshake_daemon_accept(&id, in.did, in.did_len, c.eph.pub, d_priv, &c.acc, &dk));
    SBT_CHECK(mutate_for(name, &c, other_pub), "known case %s", name);
    int rc = sb_sbrp_handshake_client_finish(c.trusted, c.did, c.did_len, &c.eph, &c.acc, &ck);
    bool ok;
    if (cJSON_IsTrue(sbt_get(out, "ok"))) {
      const cJSON *res = sbt_get(out, "result");
      ok = rc == SB_OK && SBT_HEX_EQ(ck.c2d, 32, sbt_str(res, "clientToDaemon")) &&
           SBT_HEX_EQ(ck.d2c, 32, sbt_str(res, "daemonToClient"));
    } else {
      const char *code = sbt_str(sbt_get(out, "error"), "code");
      const sb_err_info *e = sb_err_lookup(rc);
      ok = e && e->proto_name && code && !strcmp(e->proto_name, code);
      SBT_CHECK(ok, "%s: upstream %s, we %s", name, code ? code : "?", sb_err_name(rc));
      SBT_CHECK(sbt_all_zero((const uint8_t *)&ck, sizeof ck), "%s: no keys on failure", name);
    }
    SBT_CHECK(sbt_all_zero(c.eph.priv, 32), "%s: ephemeral wiped (SBRP-CRYPTO-007)", name);
    if (ok) sbt_count_upstream_value();
    n++;
  }
  SBT_CHECK(n == 8, "8 upstream failure cases, got %d", n);
  cJSON_Delete(doc);
}

static void upstream_x25519_low_order_keys_fail_and_high_bit_is_masked(void) {
  /* SBRP-CRYPTO-001, sbrp.md O-6: upstream-handshake.json crypto_edges
   * x25519_zero_public_key, x25519_public_key_one (both rejected) and
   * x25519_public_key_high_bit_set (bit 255 ignored, RFC 7748 5). */
  cJSON *doc = sbt_load_json("upstream/upstream-handshake.json");
  const cJSON *edges = sbt_get(doc, "crypto_edges");
  const cJSON *h0 = cJSON_GetArrayItem(sbt_get(doc, "handshakes"), 0);
  hs_inputs in;
  if (!load_inputs(h0, &in)) {
    cJSON_Delete(doc);
    return;
  }
  uint8_t zero[32] = {0}, one[32] = {1}, ss[32];
  SBT_CHECK(!cJSON_IsTrue(sbt_get(sbt_get(edges, "x25519_zero_public_key"), "ok")),
            "upstream fails");
  if (SBT_ERR_EQ(sb_sbrp_handshake_shared_secret(in.d_priv, zero, ss), SB_ERR_SBRP_WEAK_KEY))
    sbt_count_upstream_value();
  SBT_CHECK(sbt_all_zero(ss, 32), "no secret left behind");
  SBT_CHECK(!cJSON_IsTrue(sbt_get(sbt_get(edges, "x25519_public_key_one"), "ok")),
            "upstream fails");
  if (SBT_ERR_EQ(sb_sbrp_handshake_shared_secret(in.d_priv, one, ss), SB_ERR_SBRP_WEAK_KEY))
    sbt_count_upstream_value();
  const cJSON *hb = sbt_get(edges, "x25519_public_key_high_bit_set");
  uint8_t pub[32];
  if (sbt_unhex_exact(sbt_str(hb, "pub"), pub, 32)) {
    SBT_CHECK(pub[31] & 0x80, "bit 255 set in the input");
    SBT_OK(sb_sbrp_handshake_shared_secret(in.d_priv, pub, ss));
    sbt_expect_upstream_hex(ss, 32, sbt_get(hb, "outcome"), "result");
    sbt_expect_upstream_hex(ss, 32, sbt_get(hb, "outcome_unmasked"), "result");
  }
  cJSON_Delete(doc);
}

static void daemon_refuses_low_order_client_key(void) {
  /* SBRP-CRYPTO-001: the daemon aborts on a zero shared secret (outcome
   * handshake_failed) and wipes its ephemeral all the same. */
  sb_sbrp_identity id;
  uint8_t seed[32] = {9}, d_priv[32], zero[32] = {0};
  sb_sbrp_accept acc;
  sb_sbrp_session_keys k;
  memset(d_priv, 0x22, 32);
  SBT_OK(sb_sbrp_handshake_identity_from_seed(seed, &id));
  SBT_ERR_EQ(sb_sbrp_handshake_daemon_accept(&id, (const uint8_t *)"d", 1, zero, d_priv, &acc, &k),
             SB_ERR_SBRP_WEAK_KEY);
  SBT_CHECK(sbt_all_zero(d_priv, 32), "ephemeral wiped on failure (SBRP-CRYPTO-007)");
  SBT_CHECK(sbt_all_zero((const uint8_t *)&k, sizeof k), "no keys");
  SBT_STR_EQ(sb_err_lookup(SB_ERR_SBRP_WEAK_KEY)->proto_name, "handshake_failed");
}

static void client_refuses_signed_low_order_daemon_key(void) {
  /* SBRP-CRYPTO-001: a daemon (or anyone holding its key) that signs a
   * low-order ephemeral passes the signature but fails the agreement. */
  static const uint8_t did[] = "d_abc123";
  sb_sbrp_identity id;
  sb_sbrp_ephemeral ce;
  uint8_t seed[32] = {3}, c_priv[32], sig_input[32];
  sb_sbrp_accept acc;
  sb_sbrp_session_keys k;
  memset(c_priv, 0x11, 32);
  SBT_OK(sb_sbrp_handshake_identity_from_seed(seed, &id));
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  memcpy(acc.identity_pub, id.pub, 32);
  memset(acc.ephemeral_pub, 0, 32);
  SBT_OK(sb_sbrp_handshake_sig_input(did, 8, ce.pub, acc.ephemeral_pub, sig_input));
  SBT_CHECK(crypto_sign_detached(acc.signature, NULL, sig_input, 32, id.secret) == 0, "signed");
  SBT_ERR_EQ(sb_sbrp_handshake_client_finish(id.pub, did, 8, &ce, &acc, &k), SB_ERR_SBRP_WEAK_KEY);
  SBT_CHECK(sbt_all_zero(ce.priv, 32), "ephemeral wiped");
}

static void client_verifies_with_the_trusted_key_not_the_advertised_one(void) {
  /* SBRP-CRYPTO-004: the signature is checked against the pinned key;
   * SBRP-TOFU-004: an advertised key that differs from the pin aborts with
   * identity_key_changed before any key is derived. */
  static const uint8_t did[] = "d_x";
  sb_sbrp_identity real, impostor;
  uint8_t s1[32] = {1}, s2[32] = {2}, c_priv[32], d_priv[32];
  memset(c_priv, 0x44, 32);
  SBT_OK(sb_sbrp_handshake_identity_from_seed(s1, &real));
  SBT_OK(sb_sbrp_handshake_identity_from_seed(s2, &impostor));
  sb_sbrp_ephemeral ce;
  sb_sbrp_accept acc;
  sb_sbrp_session_keys dk, ck;

  /* The impostor answers honestly with its own key. */
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  memset(d_priv, 0x55, 32);
  SBT_OK(sb_sbrp_handshake_daemon_accept(&impostor, did, 3, ce.pub, d_priv, &acc, &dk));
  SBT_ERR_EQ(sb_sbrp_handshake_client_finish(real.pub, did, 3, &ce, &acc, &ck),
             SB_ERR_SBRP_IDENTITY_CHANGED);
  /* Without a pin (first use, caller's policy trusts it) the same accept works. */
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  SBT_OK(sb_sbrp_handshake_client_finish(NULL, did, 3, &ce, &acc, &ck));
  SBT_CHECK(memcmp(&ck, &dk, sizeof ck) == 0, "keys agree");
  /* The impostor advertises the real key but cannot sign for it. */
  memcpy(acc.identity_pub, real.pub, 32);
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  SBT_ERR_EQ(sb_sbrp_handshake_client_finish(real.pub, did, 3, &ce, &acc, &ck),
             SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_OK(sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce));
  SBT_ERR_EQ(sb_sbrp_handshake_client_finish(NULL, did, 3, &ce, &acc, &ck),
             SB_ERR_SBRP_HANDSHAKE_FAILED);
  SBT_STR_EQ(sb_err_lookup(SB_ERR_SBRP_IDENTITY_CHANGED)->proto_name, "identity_key_changed");
  SBT_STR_EQ(sb_err_lookup(SB_ERR_SBRP_HANDSHAKE_FAILED)->proto_name, "handshake_failed");
}

static void handshake_with_rng_keys_agrees_and_is_reproducible(void) {
  /* SBRP-CRYPTO-001: fresh ephemerals on both sides from the caller's
   * sb_rng; the same seed gives the same keys (determinism), another seed
   * other keys. */
  sb_xoshiro x;
  sb_sbrp_identity id, id2;
  sb_sbrp_ephemeral ce, de, ce2;
  sb_sbrp_accept acc;
  sb_sbrp_session_keys dk, ck;
  static const uint8_t did[] = "d_rng";
  sb_xoshiro_seed(&x, 42);
  sb_rng rng = sb_xoshiro_rng(&x);
  SBT_OK(sb_sbrp_handshake_identity_generate(&rng, &id));
  SBT_OK(sb_sbrp_handshake_ephemeral_generate(&rng, &ce));
  SBT_OK(sb_sbrp_handshake_ephemeral_generate(&rng, &de));
  SBT_CHECK(memcmp(ce.pub, de.pub, 32) != 0, "two different ephemerals");
  SBT_OK(sb_sbrp_handshake_daemon_accept(&id, did, 5, ce.pub, de.priv, &acc, &dk));
  SBT_OK(sb_sbrp_handshake_client_finish(id.pub, did, 5, &ce, &acc, &ck));
  SBT_CHECK(memcmp(&ck, &dk, sizeof ck) == 0, "both sides agree");
  SBT_CHECK(memcmp(dk.c2d, dk.d2c, 32) != 0, "directional keys differ");

  sb_xoshiro_seed(&x, 42);
  SBT_OK(sb_sbrp_handshake_identity_generate(&rng, &id2));
  SBT_OK(sb_sbrp_handshake_ephemeral_generate(&rng, &ce2));
  SBT_CHECK(memcmp(id.pub, id2.pub, 32) == 0, "same seed, same identity");
  SBT_CHECK(memcmp(ce.pub, ce2.pub, 32) == 0, "same seed, same ephemeral");
  sb_xoshiro_seed(&x, 43);
  SBT_OK(sb_sbrp_handshake_identity_generate(&rng, &id2));
  SBT_CHECK(memcmp(id.pub, id2.pub, 32) != 0, "other seed, other identity");

  sb_rng bad = sbt_failing_rng();
  SBT_ERR_EQ(sb_sbrp_handshake_identity_generate(&bad, &id2), SB_ERR_RNG);
  SBT_ERR_EQ(sb_sbrp_handshake_ephemeral_generate(&bad, &ce2), SB_ERR_RNG);
}

static void fingerprint_is_102_upper_case_characters(void) {
  /* SBRP-TOFU-007: "SHA256:" + 32 upper-case pairs joined by ':'. */
  uint8_t pub[32] = {0};
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  SBT_OK(sb_sbrp_handshake_fingerprint(pub, fp, sizeof fp));
  SBT_EQ_U64(strlen(fp), 102);
  /* SHA-256 of 32 zero bytes is 66687aad...925: upper case, colons. */
  SBT_STR_EQ(fp,
             "SHA256:66:68:7A:AD:F8:62:BD:77:6C:8F:C1:8B:8E:9F:8E:20:08:97:14:85:6E:E2:33:B3:"
             "90:2A:59:1D:0D:5F:29:25");
  SBT_ERR_EQ(sb_sbrp_handshake_fingerprint(pub, fp, SB_SBRP_FINGERPRINT_LEN), SB_ERR_BUF);
}

static void preimages_report_the_size_they_need(void) {
  /* SBRP-CRYPTO-002, SBRP-CRYPTO-005: unframed concatenation, so the size
   * is the sum of the parts. */
  uint8_t k[32] = {0}, sig[64] = {0}, small[10];
  size_t n = 0;
  SBT_ERR_EQ(
      sb_sbrp_handshake_sig_preimage((const uint8_t *)"abc", 3, k, k, small, sizeof small, &n),
      SB_ERR_BUF);
  SBT_EQ_U64(n, 17 + 3 + 64);
  SBT_ERR_EQ(
      sb_sbrp_handshake_transcript_preimage((const uint8_t *)"abc", 3, k, k, sig, NULL, 0, &n),
      SB_ERR_BUF);
  SBT_EQ_U64(n, 18 + 3 + 64 + 64);
  SBT_ERR_EQ(sb_sbrp_handshake_sig_input(NULL, 3, k, k, sig), SB_ERR_ARG);
}

static void wipe_zeroes_key_material(void) {
  /* SBRP-CRYPTO-007: key material can be wiped on close. */
  sb_sbrp_session_keys k;
  memset(&k, 0xa5, sizeof k);
  sb_sbrp_handshake_wipe(&k, sizeof k);
  SBT_CHECK(sbt_all_zero((const uint8_t *)&k, sizeof k), "wiped");
}

SBT_SUITE(sbrp_handshake, "sbrp/handshake", SBT_CASE(upstream_handshakes_reproduced_field_by_field),
          SBT_CASE(spec_section15_vectors_every_line),
          SBT_CASE(upstream_handshake_failures_same_outcome_class),
          SBT_CASE(upstream_x25519_low_order_keys_fail_and_high_bit_is_masked),
          SBT_CASE(daemon_refuses_low_order_client_key),
          SBT_CASE(client_refuses_signed_low_order_daemon_key),
          SBT_CASE(client_verifies_with_the_trusted_key_not_the_advertised_one),
          SBT_CASE(handshake_with_rng_keys_agrees_and_is_reproducible),
          SBT_CASE(fingerprint_is_102_upper_case_characters),
          SBT_CASE(preimages_report_the_size_they_need), SBT_CASE(wipe_zeroes_key_material))
