#include "sbrp/payload.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"
#include "sbrp/control.h"
#include "test/sbt.h"

static bool num_is(const cJSON *obj, const char *key, double v) {
  const cJSON *n = sbt_get(obj, key);
  return cJSON_IsNumber(n) && n->valuedouble == v;
}

static bool hex_is(const uint8_t *got, size_t len, const char *hex) {
  return hex && SBT_HEX_EQ(got, len, hex);
}

/* Run our typed decoder for the frame's type (upstream's strict reading of
 * signal and control codes when `strict`) and compare with upstream's typed
 * result. `*rc` gets our return code. */
static bool typed_matches(const sb_sbrp_frame *f, bool strict, const cJSON *want, int *rc) {
  switch (f->hdr.type) {
    case SB_SBRP_HANDSHAKE_INIT: {
      uint8_t key[32];
      *rc = sb_sbrp_handshake_init_decode(f, key);
      return *rc == SB_OK && hex_is(key, 32, sbt_str(want, "initPublicKey"));
    }
    case SB_SBRP_HANDSHAKE_ACCEPT: {
      sb_sbrp_accept a;
      *rc = sb_sbrp_handshake_accept_decode(f, &a);
      return *rc == SB_OK && hex_is(a.identity_pub, 32, sbt_str(want, "identityPublicKey")) &&
             hex_is(a.ephemeral_pub, 32, sbt_str(want, "acceptPublicKey")) &&
             hex_is(a.signature, 64, sbt_str(want, "signature"));
    }
    case SB_SBRP_DATA: {
      sb_sbrp_data_view d;
      *rc = sb_sbrp_data_decode(f, &d);
      const char *seq = sbt_str(want, "seq");
      return *rc == SB_OK && seq && d.seq == sbt_u64(seq) &&
             hex_is(f->payload, f->payload_len, sbt_str(want, "data"));
    }
    case SB_SBRP_SIGNAL: {
      sb_sbrp_signal s;
      *rc = sb_sbrp_signal_decode(f, strict, &s);
      return *rc == SB_OK && num_is(want, "signal", s.code) && num_is(want, "reason", s.reason);
    }
    case SB_SBRP_PING:
    case SB_SBRP_PONG: {
      const uint8_t *p;
      size_t n;
      *rc = sb_sbrp_ping_decode(f, &p, &n);
      return *rc == SB_OK && hex_is(p, n, sbt_str(want, "payload"));
    }
    case SB_SBRP_CONTROL: {
      sb_sbrp_control c;
      *rc = sb_sbrp_control_decode(f, strict, &c);
      if (*rc != SB_OK) return false;
      /* Upstream's message is the lenient UTF-8 decoding of the text. */
      uint8_t text[256];
      size_t tn = 0;
      const char *msg = sbt_str(want, "message");
      const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(c.code);
      const cJSON *term = sbt_get(want, "terminal");
      return sb_utf8_lossy(c.text, c.text_len, text, sizeof text, &tn) == SB_OK && msg &&
             tn == strlen(msg) && memcmp(text, msg, tn) == 0 && num_is(want, "code", c.code) &&
             info && sbt_str(want, "sbrpCode") && !strcmp(info->name, sbt_str(want, "sbrpCode")) &&
             cJSON_IsBool(term) && cJSON_IsTrue(term) == sb_sbrp_control_is_terminal(c.code);
    }
    default: *rc = SB_ERR_ARG; return false;
  }
}

static void upstream_frames_typed_decode(void) {
  /* SBRP-WIRE-020 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-023 SBRP-SIG-001 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *c;
  cJSON_ArrayForEach(c, sbt_get(root, "frames")) {
    const char *name = sbt_str(c, "name");
    size_t n;
    uint8_t *wire = sbt_unhex(sbt_str(sbt_get(c, "encode"), "result"), &n);
    sb_sbrp_frame f;
    if (!wire || !SBT_OK(sb_sbrp_frame_decode(wire, n, &f))) {
      free(wire);
      continue;
    }
    /* A valid frame decodes the same under both readings. */
    for (int strict = 0; strict <= 1; strict++) {
      int rc;
      bool ok = typed_matches(&f, strict, sbt_get(sbt_get(sbt_get(c, "decode"), "typed"), "result"),
                              &rc);
      SBT_CHECK(ok, "%s: typed decode (strict %d) matches upstream, rc %s", name, strict,
                sb_err_name(rc));
      if (ok && strict) sbt_count_upstream_value();
    }
    free(wire);
  }
  cJSON_Delete(root);
}

/* Build the frame of an upstream `frames` case with our typed encoder. */
static int typed_encode(const sb_sbrp_frame *f, uint8_t *out, size_t cap, size_t *n) {
  const uint8_t *p = f->payload;
  uint64_t sid = f->hdr.session_id;
  switch (f->hdr.type) {
    case SB_SBRP_HANDSHAKE_INIT: return sb_sbrp_handshake_init_encode(sid, p, out, cap, n);
    case SB_SBRP_HANDSHAKE_ACCEPT: {
      sb_sbrp_accept a;
      memcpy(a.identity_pub, p, 32);
      memcpy(a.ephemeral_pub, p + 32, 32);
      memcpy(a.signature, p + 64, 64);
      return sb_sbrp_handshake_accept_encode(sid, &a, out, cap, n);
    }
    case SB_SBRP_DATA: return sb_sbrp_data_encode(sid, p, f->payload_len, out, cap, n);
    case SB_SBRP_SIGNAL: return sb_sbrp_signal_encode(sid, p[0], p[1], out, cap, n);
    case SB_SBRP_PING:
    case SB_SBRP_PONG: return sb_sbrp_ping_encode(f->hdr.type, p, f->payload_len, out, cap, n);
    case SB_SBRP_CONTROL:
      return sb_sbrp_control_encode(sid, (uint16_t)(p[0] << 8 | p[1]), p + 2, f->payload_len - 2,
                                    out, cap, n);
    default: return SB_ERR_ARG;
  }
}

static void upstream_frames_typed_encode(void) {
  /* SBRP-WIRE-020 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-023 SBRP-SIG-001 SBRP-WIRE-015 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *c;
  cJSON_ArrayForEach(c, sbt_get(root, "frames")) {
    const char *hex = sbt_str(sbt_get(c, "encode"), "result");
    size_t n;
    uint8_t *wire = sbt_unhex(hex, &n);
    sb_sbrp_frame f;
    if (wire && SBT_OK(sb_sbrp_frame_decode(wire, n, &f))) {
      uint8_t out[256];
      size_t out_len = 0;
      int rc = typed_encode(&f, out, sizeof out, &out_len);
      SBT_CHECK(rc == SB_OK, "%s: typed encode: %s", sbt_str(c, "name"), sb_err_name(rc));
      if (rc == SB_OK && SBT_HEX_EQ(out, out_len, hex)) sbt_count_upstream_value();
    }
    free(wire);
  }
  cJSON_Delete(root);
}

/* Typed outcomes where we follow the documents, not upstream (errata
 * E-SBRP-WIRE-4): Ping/Pong payloads over 8 bytes. */
static bool typed_deviation(const char *name) {
  return !strcmp(name, "ping_payload_9") || !strcmp(name, "pong_payload_100");
}

static void upstream_decoder_malformed_typed_outcomes(void) {
  /* SBRP-WIRE-020 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-023 SBRP-WIRE-026 SBRP-SIG-001 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *c;
  unsigned compared = 0, deviations = 0;
  cJSON_ArrayForEach(c, sbt_get(root, "decoder_malformed")) {
    const char *name = sbt_str(c, "name");
    size_t n;
    uint8_t *msg = sbt_unhex(sbt_str(c, "bytes"), &n);
    sb_sbrp_frame f;
    /* Frames refused by the frame decoder are checked in frame_test.c. */
    if (!msg || sb_sbrp_frame_decode(msg, n, &f) != SB_OK) {
      free(msg);
      continue;
    }
    const cJSON *typed = sbt_get(c, "typed");
    int rc;
    bool ok = typed_matches(&f, true, sbt_get(typed, "result"), &rc);
    if (typed_deviation(name)) {
      SBT_ERR_EQ(rc, SB_ERR_SBRP_PING_TOO_LARGE);
      deviations++;
    } else if (cJSON_IsTrue(sbt_get(typed, "ok"))) {
      SBT_CHECK(ok, "%s: upstream decodes, we got %s", name, sb_err_name(rc));
      if (ok) sbt_count_upstream_value();
    } else {
      const char *code = sbt_upstream_error_code(typed);
      ok = rc != SB_OK && code && !strcmp(sbt_proto_name(rc), code);
      SBT_CHECK(ok, "%s: upstream %s, we got %s", name, code ? code : "?", sb_err_name(rc));
      if (ok) sbt_count_upstream_value();
    }
    compared++;
    free(msg);
  }
  SBT_EQ_U64(compared, 28);
  SBT_EQ_U64(deviations, 2);
  cJSON_Delete(root);
}

/* Look up one `encoder_errors` case by name. */
static const cJSON *enc_case(const cJSON *root, const char *name) {
  const cJSON *c;
  cJSON_ArrayForEach(c, sbt_get(root, "encoder_errors")) {
    const char *n = sbt_str(c, "name");
    if (n && !strcmp(n, name)) return sbt_get(c, "outcome");
  }
  SBT_CHECK(false, "encoder_errors case %s missing", name);
  return NULL;
}

/* Our error carries upstream's SbrpErrorCode for that case. */
static void expect_same_error(const cJSON *root, const char *name, int rc, int expect) {
  const char *code = sbt_upstream_error_code(enc_case(root, name));
  if (SBT_ERR_EQ(rc, expect) && code && !strcmp(sbt_proto_name(rc), code))
    sbt_count_upstream_value();
  else
    SBT_CHECK(false, "%s: upstream %s, we %s", name, code ? code : "?", sbt_proto_name(rc));
}

static void expect_same_bytes(const cJSON *root, const char *name, const uint8_t *out, size_t n) {
  const cJSON *o = enc_case(root, name);
  if (cJSON_IsTrue(sbt_get(o, "ok")) && SBT_HEX_EQ(out, n, sbt_str(o, "result")))
    sbt_count_upstream_value();
}

static void upstream_encoder_errors(void) {
  /* SBRP-WIRE-011 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-015 SBRP-CTRL-004 SBRP-WIRE-012 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  static uint8_t big[SB_SBRP_MAX_PAYLOAD + 1];
  uint8_t out[64], zero[32] = {0};
  size_t n;
  const uint64_t sid = 0x0123456789abcdefULL;
  expect_same_error(root, "encodeFrame_payload_65537",
                    sb_sbrp_frame_encode(SB_SBRP_DATA, sid, big, sizeof big, NULL, 0, &n),
                    SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  expect_same_error(root, "encodePing_9_bytes",
                    sb_sbrp_ping_encode(SB_SBRP_PING, zero, 9, out, sizeof out, &n),
                    SB_ERR_SBRP_PING_TOO_LARGE);
  expect_same_error(root, "encodePong_9_bytes",
                    sb_sbrp_ping_encode(SB_SBRP_PONG, zero, 9, out, sizeof out, &n),
                    SB_ERR_SBRP_PING_TOO_LARGE);
  expect_same_error(root, "encodeData_27_bytes",
                    sb_sbrp_data_encode(sid, zero, 27, out, sizeof out, &n),
                    SB_ERR_SBRP_DATA_SHORT);
  /* Control may carry any SessionID, even for a session-scoped code. */
  const uint8_t snf[2] = {0x03, 0x01};
  SBT_OK(sb_sbrp_control_encode(UINT64_MAX, 0x0301, NULL, 0, out, sizeof out, &n));
  expect_same_bytes(root, "encodeControl_ping_session_semantics_sid_max", out, n);
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_CONTROL, UINT64_MAX, snf, 2, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "2000000002ffffffffffffffff0301");

  /* Upstream reports SessionID scope errors as malformed_frame; the
   * documents call them invalid_session_id (errata E-SBRP-WIRE-2). */
  SBT_ERR_EQ(sb_sbrp_handshake_init_encode(0, zero, out, sizeof out, &n), SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_data_encode(0, zero, 28, out, sizeof out, &n), SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_signal_encode(0, 0, 0, out, sizeof out, &n), SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_PING, 1, NULL, 0, out, sizeof out, &n),
             SB_ERR_SBRP_SID_NONZERO);
  SBT_STR_EQ(sbt_upstream_error_code(enc_case(root, "encodeFrame_data_sid0")), "malformed_frame");

  /* Upstream's encoders emit an undefined type, signal code/reason and
   * control code; ours refuse them (errata E-SBRP-WIRE-5). The raw bytes
   * are still reproducible through the header writer / frame encoder. */
  const uint8_t ab = 0xab;
  SBT_ERR_EQ(sb_sbrp_frame_encode(0x30, 1, &ab, 1, out, sizeof out, &n), SB_ERR_SBRP_FRAME_TYPE);
  sb_sbrp_header_write(out, 0x30, 1, 7);
  out[13] = 0xab;
  expect_same_bytes(root, "encodeFrame_unknown_type_0x30", out, 14);
  SBT_ERR_EQ(sb_sbrp_signal_encode(sid, 0x07, 0x09, out, sizeof out, &n), SB_ERR_SBRP_SIGNAL_CODE);
  SBT_ERR_EQ(sb_sbrp_signal_encode(sid, 0x01, 0x09, out, sizeof out, &n),
             SB_ERR_SBRP_SIGNAL_REASON);
  const uint8_t sig[2] = {0x07, 0x09};
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_SIGNAL, sid, sig, 2, out, sizeof out, &n));
  expect_same_bytes(root, "encodeSignal_invalid_code_and_reason", out, n);
  SBT_ERR_EQ(sb_sbrp_control_encode(0, 0x7777, (const uint8_t *)"x", 1, out, sizeof out, &n),
             SB_ERR_SBRP_CONTROL_UNKNOWN);
  const uint8_t ctl[3] = {0x77, 0x77, 'x'};
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_CONTROL, 0, ctl, 3, out, sizeof out, &n));
  expect_same_bytes(root, "encodeControl_unknown_code", out, n);
  cJSON_Delete(root);
}

/* sbrp.md section 15 (derived vectors): the frames, built by the typed
 * encoders and read back by the typed decoders. */
static void spec_section15_frames(void) {
  /* SBRP-WIRE-020 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-023 SBRP-SIG-001 SBRP-WIRE-010 */
  uint8_t out[256];
  size_t n, kn;
  uint8_t *k =
      sbt_unhex("7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13", &kn);
  SBT_OK(sb_sbrp_handshake_init_encode(1, k, out, sizeof out, &n));
  SBT_HEX_EQ(out, n,
             "0100000020000000000000000"
             "17b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");
  free(k);

  size_t an;
  uint8_t *acc = sbt_unhex(
      "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
      "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
      "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
      "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007",
      &an);
  sb_sbrp_frame f = {.hdr = {SB_SBRP_HANDSHAKE_ACCEPT, 128, 1}, .payload = acc, .payload_len = an};
  sb_sbrp_accept a;
  SBT_OK(sb_sbrp_handshake_accept_decode(&f, &a));
  SBT_HEX_EQ(a.identity_pub, 32, "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
  SBT_HEX_EQ(a.ephemeral_pub, 32, "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20");
  SBT_HEX_EQ(a.signature, 64,
             "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
             "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007");
  SBT_OK(sb_sbrp_handshake_accept_encode(1, &a, out, sizeof out, &n));
  SBT_HEX_EQ(out, 13, "02000000800000000000000001");
  SBT_CHECK(n == 141 && memcmp(out + 13, acc, 128) == 0, "accept payload in order");
  free(acc);

  /* Data d2c seq 0 "world": the view splits nonce, ciphertext and tag. */
  size_t dn;
  uint8_t *data = sbt_unhex(
      "03000000210000000000000001000000020000000000000000e476c0c9a2b5959fb9e82e924f98d5d1a6ad8033af",
      &dn);
  SBT_OK(sb_sbrp_frame_decode(data, dn, &f));
  sb_sbrp_data_view d;
  SBT_OK(sb_sbrp_data_decode(&f, &d));
  SBT_EQ_U64(d.direction, SB_SBRP_D2C);
  SBT_EQ_U64(d.seq, 0);
  SBT_HEX_EQ(d.nonce, 12, "000000020000000000000000");
  SBT_HEX_EQ(d.ciphertext, d.ciphertext_len, "e476c0c9a2");
  SBT_HEX_EQ(d.tag, 16, "b5959fb9e82e924f98d5d1a6ad8033af");
  SBT_OK(sb_sbrp_data_encode(1, f.payload, f.payload_len, out, sizeof out, &n));
  SBT_HEX_EQ(out, n,
             "03000000210000000000000001000000020000000000000000e476c0c9a2b5959fb9e82e924f98d5d1a6ad8033af");
  free(data);

  SBT_OK(sb_sbrp_signal_encode(1, SB_SBRP_SIGNAL_READY, SB_SBRP_REASON_NONE, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "040000000200000000000000010000");
  SBT_OK(sb_sbrp_signal_encode(1, SB_SBRP_SIGNAL_CLOSE, SB_SBRP_REASON_STATE_LOST, out, sizeof out,
                               &n));
  SBT_HEX_EQ(out, n, "040000000200000000000000010101");
  const uint8_t ping[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PING, ping, 8, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "100000000800000000000000000102030405060708");
  SBT_OK(sb_sbrp_control_encode(1, 0x1001, NULL, 0, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "200000000200000000000000011001");
  /* Length 21 = 2 + 19 (sbrp.md I-3: the older document said 22). */
  SBT_OK(sb_sbrp_control_encode(1, 0x1001, (const uint8_t *)"Daemon disconnected", 19, out,
                                sizeof out, &n));
  SBT_HEX_EQ(out, n,
             "200000001500000000000000011001"
             "4461656d6f6e20646973636f6e6e6563746564");
  sb_sbrp_control c;
  SBT_OK(sb_sbrp_frame_decode(out, n, &f));
  SBT_OK(sb_sbrp_control_decode(&f, false, &c));
  SBT_EQ_U64(c.code, 0x1001);
  SBT_CHECK(c.text_len == 19 && memcmp(c.text, "Daemon disconnected", 19) == 0, "control text");
}

/* A frame of `type` with `len` payload bytes (pattern) and a fitting SID. */
static sb_sbrp_frame mk(uint8_t type, const uint8_t *payload, size_t len) {
  bool conn = type == SB_SBRP_PING || type == SB_SBRP_PONG;
  sb_sbrp_frame f = {.hdr = {type, (uint32_t)len, conn ? 0 : 9}, .payload = payload,
                     .payload_len = len};
  return f;
}

static void payload_size_boundaries(void) {
  /* SBRP-WIRE-020 SBRP-WIRE-021 SBRP-WIRE-022 SBRP-WIRE-023 SBRP-SIG-001 */
  static uint8_t buf[200];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)i;
  uint8_t key[32];
  sb_sbrp_accept a;
  sb_sbrp_data_view d;
  sb_sbrp_signal s;
  sb_sbrp_control c;
  const uint8_t *p;
  size_t n;
  sb_sbrp_frame f;

  f = mk(SB_SBRP_HANDSHAKE_INIT, buf, 31);
  SBT_ERR_EQ(sb_sbrp_handshake_init_decode(&f, key), SB_ERR_SBRP_PAYLOAD_SIZE);
  f = mk(SB_SBRP_HANDSHAKE_INIT, buf, 32);
  SBT_OK(sb_sbrp_handshake_init_decode(&f, key));
  SBT_CHECK(memcmp(key, buf, 32) == 0, "init key copied");
  f = mk(SB_SBRP_HANDSHAKE_INIT, buf, 33);
  SBT_ERR_EQ(sb_sbrp_handshake_init_decode(&f, key), SB_ERR_SBRP_PAYLOAD_SIZE);

  f = mk(SB_SBRP_HANDSHAKE_ACCEPT, buf, 127);
  SBT_ERR_EQ(sb_sbrp_handshake_accept_decode(&f, &a), SB_ERR_SBRP_PAYLOAD_SIZE);
  f = mk(SB_SBRP_HANDSHAKE_ACCEPT, buf, 96); /* pre-0.2.3 layout */
  SBT_ERR_EQ(sb_sbrp_handshake_accept_decode(&f, &a), SB_ERR_SBRP_PAYLOAD_SIZE);
  f = mk(SB_SBRP_HANDSHAKE_ACCEPT, buf, 128);
  SBT_OK(sb_sbrp_handshake_accept_decode(&f, &a));
  SBT_CHECK(a.identity_pub[0] == 0 && a.ephemeral_pub[0] == 32 && a.signature[0] == 64 &&
                a.signature[63] == 127,
            "accept fields at offsets 0, 32, 64");
  f = mk(SB_SBRP_HANDSHAKE_ACCEPT, buf, 129);
  SBT_ERR_EQ(sb_sbrp_handshake_accept_decode(&f, &a), SB_ERR_SBRP_PAYLOAD_SIZE);

  f = mk(SB_SBRP_DATA, buf, 27);
  SBT_ERR_EQ(sb_sbrp_data_decode(&f, &d), SB_ERR_SBRP_DATA_SHORT);
  f = mk(SB_SBRP_DATA, buf, 28);
  SBT_OK(sb_sbrp_data_decode(&f, &d));
  SBT_EQ_U64(d.ciphertext_len, 0);
  SBT_CHECK(d.tag == buf + 12 && d.nonce == buf && d.ciphertext == buf + 12, "empty ciphertext");
  SBT_EQ_U64(d.direction, 0x00010203);
  SBT_EQ_U64(d.seq, 0x0405060708090a0bULL);

  f = mk(SB_SBRP_SIGNAL, buf, 1);
  SBT_ERR_EQ(sb_sbrp_signal_decode(&f, false, &s), SB_ERR_SBRP_PAYLOAD_SIZE);
  f = mk(SB_SBRP_SIGNAL, buf, 2);
  SBT_OK(sb_sbrp_signal_decode(&f, true, &s));
  SBT_CHECK(s.code == 0 && s.reason == 1, "signal bytes read as code 0, reason 1");
  f = mk(SB_SBRP_SIGNAL, buf, 3);
  SBT_ERR_EQ(sb_sbrp_signal_decode(&f, false, &s), SB_ERR_SBRP_PAYLOAD_SIZE);

  f = mk(SB_SBRP_CONTROL, buf, 0);
  SBT_ERR_EQ(sb_sbrp_control_decode(&f, false, &c), SB_ERR_SBRP_CONTROL_SHORT);
  f = mk(SB_SBRP_CONTROL, buf, 1);
  SBT_ERR_EQ(sb_sbrp_control_decode(&f, false, &c), SB_ERR_SBRP_CONTROL_SHORT);
  f = mk(SB_SBRP_CONTROL, buf, 2);
  SBT_OK(sb_sbrp_control_decode(&f, false, &c));
  SBT_EQ_U64(c.code, 0x0001);
  SBT_EQ_U64(c.text_len, 0);

  for (uint8_t t = SB_SBRP_PING; t <= SB_SBRP_PONG; t++) {
    f = mk(t, buf, 8);
    SBT_OK(sb_sbrp_ping_decode(&f, &p, &n));
    SBT_CHECK(p == buf && n == 8, "ping payload view");
    f = mk(t, buf, 0);
    SBT_OK(sb_sbrp_ping_decode(&f, &p, &n));
    SBT_EQ_U64(n, 0);
    f = mk(t, buf, 9);
    SBT_ERR_EQ(sb_sbrp_ping_decode(&f, &p, &n), SB_ERR_SBRP_PING_TOO_LARGE);
  }
  /* The Ping limit maps to payload_too_large (sbrp.md O-8). */
  SBT_STR_EQ(sbt_proto_name(SB_ERR_SBRP_PING_TOO_LARGE), "payload_too_large");
}

static void decoders_refuse_a_frame_of_another_type(void) {
  /* SBRP-WIRE-020 */
  uint8_t buf[128] = {0}, key[32];
  sb_sbrp_frame f = mk(SB_SBRP_DATA, buf, 32);
  sb_sbrp_accept a;
  sb_sbrp_signal s;
  sb_sbrp_control c;
  const uint8_t *p;
  size_t n;
  SBT_ERR_EQ(sb_sbrp_handshake_init_decode(&f, key), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_handshake_accept_decode(&f, &a), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_signal_decode(&f, false, &s), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_control_decode(&f, false, &c), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_ping_decode(&f, &p, &n), SB_ERR_ARG);
  sb_sbrp_data_view d;
  f = mk(SB_SBRP_SIGNAL, buf, 2);
  SBT_ERR_EQ(sb_sbrp_data_decode(&f, &d), SB_ERR_ARG);
}

static void control_text_is_decoded_leniently(void) {
  /* SBRP-WIRE-026: invalid UTF-8 in the text becomes U+FFFD; the code stands. */
  uint8_t wire[] = {0x20, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x01, 'a', 0xff, 'b'};
  sb_sbrp_frame f;
  sb_sbrp_control c;
  SBT_OK(sb_sbrp_frame_decode(wire, sizeof wire, &f));
  SBT_OK(sb_sbrp_control_decode(&f, true, &c));
  SBT_EQ_U64(c.code, SB_SBRP_CTRL_MALFORMED_FRAME);
  uint8_t text[16];
  size_t n;
  SBT_OK(sb_utf8_lossy(c.text, c.text_len, text, sizeof text, &n));
  SBT_HEX_EQ(text, n, "61efbfbd62");
}

static void control_decode_strict_reading_rejects_unknown_codes(void) {
  /* SBRP-CTRL-005: by default an unknown code is returned (and is terminal);
   * upstream's reading refuses it. */
  const uint8_t codes[][2] = {{0x00, 0x00}, {0x01, 0x03}, {0xe0, 0x01}, {0x10, 0x05}};
  for (size_t i = 0; i < SB_ARRAY_LEN(codes); i++) {
    sb_sbrp_frame f = mk(SB_SBRP_CONTROL, codes[i], 2);
    sb_sbrp_control c;
    SBT_OK(sb_sbrp_control_decode(&f, false, &c));
    SBT_CHECK(sb_sbrp_control_is_terminal(c.code), "code 0x%04x is terminal", c.code);
    SBT_ERR_EQ(sb_sbrp_control_decode(&f, true, &c), SB_ERR_SBRP_CONTROL_UNKNOWN);
  }
}

static void signal_reasons_and_codes(void) {
  /* SBRP-SIG-004: an unknown reason reads as none; SBRP-SIG-001. */
  for (unsigned r = 0; r < 256; r++) {
    uint8_t want = r <= 4 ? (uint8_t)r : SB_SBRP_REASON_NONE;
    SBT_EQ_U64(sb_sbrp_signal_reason_normalize((uint8_t)r), want);
  }
  SBT_STR_EQ(sb_sbrp_signal_reason_name(1), "state_lost");
  SBT_STR_EQ(sb_sbrp_signal_reason_name(4), "error");
  SBT_CHECK(sb_sbrp_signal_reason_name(5) == NULL, "reason 5 undefined");
  SBT_STR_EQ(sb_sbrp_signal_code_name(0), "ready");
  SBT_STR_EQ(sb_sbrp_signal_code_name(1), "close");
  SBT_CHECK(sb_sbrp_signal_code_name(2) == NULL, "signal 2 undefined");
  /* Lenient reading keeps the raw values; strict refuses code before reason. */
  const uint8_t both[2] = {0x09, 0x09}, reason[2] = {0x01, 0x05};
  sb_sbrp_frame f = mk(SB_SBRP_SIGNAL, both, 2);
  sb_sbrp_signal s;
  SBT_OK(sb_sbrp_signal_decode(&f, false, &s));
  SBT_CHECK(s.code == 9 && s.reason == 9, "raw values kept");
  SBT_ERR_EQ(sb_sbrp_signal_decode(&f, true, &s), SB_ERR_SBRP_SIGNAL_CODE);
  f = mk(SB_SBRP_SIGNAL, reason, 2);
  SBT_ERR_EQ(sb_sbrp_signal_decode(&f, true, &s), SB_ERR_SBRP_SIGNAL_REASON);
  SBT_OK(sb_sbrp_signal_decode(&f, false, &s));
  SBT_EQ_U64(sb_sbrp_signal_reason_normalize(s.reason), SB_SBRP_REASON_NONE);
}

static void encoders_refuse_invalid_input(void) {
  /* SBRP-CTRL-004 SBRP-WIRE-022 SBRP-WIRE-023 */
  uint8_t out[64];
  size_t n = 0;
  for (uint16_t code = 0xE001; code <= 0xE005; code++)
    SBT_ERR_EQ(sb_sbrp_control_encode(0, code, NULL, 0, out, sizeof out, &n),
               SB_ERR_SBRP_CONTROL_UNKNOWN);
  const uint8_t bad_utf8[] = {'a', 0xc0, 0xaf};
  SBT_ERR_EQ(sb_sbrp_control_encode(0, 0x0401, bad_utf8, 3, out, sizeof out, &n), SB_ERR_UTF8);
  SBT_ERR_EQ(sb_sbrp_ping_encode(SB_SBRP_DATA, NULL, 0, out, sizeof out, &n), SB_ERR_ARG);
  SBT_OK(sb_sbrp_ping_encode(SB_SBRP_PONG, NULL, 0, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "11000000000000000000000000");
  /* Control text is limited by the 64 KiB payload; size queries work. */
  static uint8_t text[SB_SBRP_MAX_PAYLOAD];
  memset(text, 'x', sizeof text);
  SBT_ERR_EQ(sb_sbrp_control_encode(0, 0x0401, text, SB_SBRP_MAX_PAYLOAD - 1, NULL, 0, &n),
             SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  SBT_ERR_EQ(sb_sbrp_control_encode(0, 0x0401, text, SB_SBRP_MAX_PAYLOAD - 2, NULL, 0, &n),
             SB_ERR_BUF);
  SBT_EQ_U64(n, SB_SBRP_MAX_FRAME);
  SBT_ERR_EQ(sb_sbrp_control_encode(0, 0x0401, text, 5, out, 19, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 20);
}

SBT_SUITE(sbrp_payload, "sbrp/payload", SBT_CASE(upstream_frames_typed_decode),
          SBT_CASE(upstream_frames_typed_encode),
          SBT_CASE(upstream_decoder_malformed_typed_outcomes), SBT_CASE(upstream_encoder_errors),
          SBT_CASE(spec_section15_frames), SBT_CASE(payload_size_boundaries),
          SBT_CASE(decoders_refuse_a_frame_of_another_type),
          SBT_CASE(control_text_is_decoded_leniently),
          SBT_CASE(control_decode_strict_reading_rejects_unknown_codes),
          SBT_CASE(signal_reasons_and_codes), SBT_CASE(encoders_refuse_invalid_input))
