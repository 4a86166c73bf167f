#include "sbrp/frame.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

/* Upstream's SbrpErrorCode string for one of our errors ("malformed_frame"). */
static bool upstream_ok(const cJSON *outcome) { return cJSON_IsTrue(sbt_get(outcome, "ok")); }

/* Header fields of an upstream `readFrameHeader`/`decodeFrame` result. */
static bool header_matches(const sb_sbrp_header *h, const cJSON *result) {
  const cJSON *type = sbt_get(result, "type"), *length = sbt_get(result, "length");
  const char *sid = sbt_str(result, "sessionId");
  return cJSON_IsNumber(type) && cJSON_IsNumber(length) && sid &&
         h->type == (uint8_t)type->valuedouble && h->length == (uint32_t)length->valuedouble &&
         h->session_id == sbt_u64(sid);
}

static void upstream_frames_encode_and_decode_headers(void) {
  /* SBRP-WIRE-010 SBRP-WIRE-002 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *frames = sbt_get(root, "frames"), *c;
  SBT_CHECK(cJSON_GetArraySize(frames) == 23, "23 frame cases");
  cJSON_ArrayForEach(c, frames) {
    const char *name = sbt_str(c, "name");
    const cJSON *layout = sbt_get(c, "layout"), *dec = sbt_get(c, "decode");
    size_t n, plen, tlen, llen, slen;
    uint8_t *wire = sbt_unhex(sbt_str(sbt_get(c, "encode"), "result"), &n);
    uint8_t *payload = sbt_unhex(sbt_str(layout, "payload"), &plen);
    uint8_t *type = sbt_unhex(sbt_str(layout, "type"), &tlen);
    uint8_t *lenbe = sbt_unhex(sbt_str(layout, "length_be"), &llen);
    uint8_t *sidbe = sbt_unhex(sbt_str(layout, "session_id_be"), &slen);
    if (!wire || !payload || !type || !lenbe || !sidbe || tlen != 1 || slen != 8) {
      SBT_CHECK(false, "%s: layout unreadable", name);
    } else {
      /* Encode from the layout fields. */
      uint64_t sid = 0;
      for (size_t i = 0; i < 8; i++) sid = sid << 8 | sidbe[i];
      uint8_t out[256];
      size_t out_len = 0;
      int rc = sb_sbrp_frame_encode(type[0], sid, payload, plen, out, sizeof out, &out_len);
      if (SBT_OK(rc) && SBT_HEX_EQ(out, out_len, sbt_str(sbt_get(c, "encode"), "result")))
        sbt_count_upstream_value();
      /* The header decoder and the whole-message decoder. */
      sb_sbrp_header h;
      rc = sb_sbrp_header_decode(wire, n, &h);
      const cJSON *want = sbt_get(sbt_get(dec, "readFrameHeader"), "result");
      bool ok = SBT_OK(rc) && header_matches(&h, want);
      SBT_CHECK(ok, "%s: readFrameHeader fields", name);
      if (ok) sbt_count_upstream_value();
      sb_sbrp_frame f;
      rc = sb_sbrp_frame_decode(wire, n, &f);
      want = sbt_get(sbt_get(dec, "decodeFrame"), "result");
      ok = SBT_OK(rc) && header_matches(&f.hdr, want) && f.payload == wire + 13 &&
           SBT_HEX_EQ(f.payload, f.payload_len, sbt_str(want, "payload"));
      SBT_CHECK(ok, "%s: decodeFrame", name);
      if (ok) sbt_count_upstream_value();
      SBT_EQ_U64(llen, 4);
      SBT_EQ_U64(f.hdr.length, plen);
    }
    free(wire), free(payload), free(type), free(lenbe), free(sidbe);
  }
  cJSON_Delete(root);
}

/* Cases where upstream's header decoder differs from the documents (errata
 * E-SBRP-WIRE-1, E-SBRP-WIRE-2): what the documents require instead. */
static const struct {
  const char *name;
  int expect;
} header_deviations[] = {
    {"type_0x30_with_length_over_max", SB_ERR_SBRP_PAYLOAD_TOO_LARGE},
    {"handshake_init_sid0", SB_ERR_SBRP_SID_ZERO},
    {"handshake_accept_sid0", SB_ERR_SBRP_SID_ZERO},
    {"data_sid0", SB_ERR_SBRP_SID_ZERO},
    {"signal_sid0", SB_ERR_SBRP_SID_ZERO},
    {"ping_nonzero_sid", SB_ERR_SBRP_SID_NONZERO},
    {"pong_nonzero_sid", SB_ERR_SBRP_SID_NONZERO},
};

static bool deviation(const char *name, int *expect) {
  for (size_t i = 0; i < SB_ARRAY_LEN(header_deviations); i++)
    if (strcmp(header_deviations[i].name, name) == 0) {
      *expect = header_deviations[i].expect;
      return true;
    }
  return false;
}

/* One decoder outcome against upstream's: same success and fields, or the
 * same SbrpErrorCode. Returns whether it matched. */
static bool outcome_matches(const char *name, const char *what, int rc, const sb_sbrp_header *h,
                            const cJSON *outcome) {
  if (upstream_ok(outcome)) {
    bool ok = rc == SB_OK && header_matches(h, sbt_get(outcome, "result"));
    SBT_CHECK(ok, "%s %s: upstream succeeds, we got %s", name, what, sb_err_name(rc));
    return ok;
  }
  const char *code = sbt_upstream_error_code(outcome);
  bool ok = rc != SB_OK && code && strcmp(sbt_proto_name(rc), code) == 0;
  SBT_CHECK(ok, "%s %s: upstream %s, we got %s", name, what, code ? code : "?",
            sb_err_name(rc));
  return ok;
}

static void upstream_decoder_malformed_header_outcomes(void) {
  /* SBRP-WIRE-002 SBRP-WIRE-011 SBRP-WIRE-012 SBRP-WIRE-013 SBRP-WIRE-014
   * SBRP-RELAY-010 SBRP-RELAY-012 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *c;
  unsigned deviations = 0;
  cJSON_ArrayForEach(c, sbt_get(root, "decoder_malformed")) {
    const char *name = sbt_str(c, "name");
    size_t n;
    uint8_t *msg = sbt_unhex(sbt_str(c, "bytes"), &n);
    if (!msg) continue;
    sb_sbrp_header h = {0};
    sb_sbrp_frame f = {0};
    int rc_h = sb_sbrp_header_decode(msg, n, &h);
    int rc_f = sb_sbrp_frame_decode(msg, n, &f);
    int expect;
    if (deviation(name, &expect)) {
      /* The documents' outcome, for the header and the whole message. */
      SBT_ERR_EQ(rc_h, expect);
      SBT_ERR_EQ(rc_f, expect);
      deviations++;
    } else {
      if (outcome_matches(name, "readFrameHeader", rc_h, &h, sbt_get(c, "readFrameHeader")))
        sbt_count_upstream_value();
      if (outcome_matches(name, "decodeFrame", rc_f, &f.hdr, sbt_get(c, "decodeFrame")))
        sbt_count_upstream_value();
    }
    free(msg);
  }
  SBT_CHECK(deviations == SB_ARRAY_LEN(header_deviations), "every deviation case found (%u)",
            deviations);
  cJSON_Delete(root);
}

static void upstream_max_size_frame_round_trips(void) {
  /* SBRP-WIRE-011: Length 65536 is allowed, the frame is 65 549 bytes. */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *m = sbt_get(root, "max_size");
  SBT_CHECK(sodium_init() >= 0, "libsodium initialised");
  uint8_t *payload = malloc(SB_SBRP_MAX_PAYLOAD + 1);
  uint8_t *out = malloc(SB_SBRP_MAX_FRAME + 1);
  for (size_t i = 0; i <= SB_SBRP_MAX_PAYLOAD; i++) payload[i] = (uint8_t)(i & 0xff);
  size_t n = 0;
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_DATA, 0x0123456789abcdefULL, payload, SB_SBRP_MAX_PAYLOAD,
                              out, SB_SBRP_MAX_FRAME, &n));
  const cJSON *len = sbt_get(m, "frame_len");
  if (cJSON_IsNumber(len) && SBT_EQ_U64(n, (uint64_t)len->valuedouble)) sbt_count_upstream_value();
  if (SBT_HEX_EQ(out, 13, sbt_str(m, "header_hex"))) sbt_count_upstream_value();
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, out, n);
  if (SBT_HEX_EQ(digest, sizeof digest, sbt_str(m, "frame_sha256"))) sbt_count_upstream_value();
  sb_sbrp_frame f;
  const cJSON *dec = sbt_get(sbt_get(m, "decodeFrame_ok"), "result");
  if (SBT_OK(sb_sbrp_frame_decode(out, n, &f)) && cJSON_IsNumber(dec) &&
      SBT_EQ_U64(f.payload_len, (uint64_t)dec->valuedouble))
    sbt_count_upstream_value();
  /* One byte more is refused before anything is written. */
  memset(out, 0xee, 13);
  int rc = sb_sbrp_frame_encode(SB_SBRP_DATA, 1, payload, SB_SBRP_MAX_PAYLOAD + 1, out,
                                SB_SBRP_MAX_FRAME + 1, &n);
  const char *code = sbt_upstream_error_code(sbt_get(m, "encode_65537"));
  if (SBT_ERR_EQ(rc, SB_ERR_SBRP_PAYLOAD_TOO_LARGE) && code &&
      strcmp(sbt_proto_name(rc), code) == 0)
    sbt_count_upstream_value();
  SBT_EQ_U64(out[0], 0xee);
  free(payload);
  free(out);
  cJSON_Delete(root);
}

/* The header examples of sbrp.md section 4 (wire-crypto.md@c9404ba section 5),
 * payloads filled with a marker byte where the example elides them. */
static void spec_header_examples_decode(void) {
  /* SBRP-WIRE-010 SBRP-WIRE-015 */
  static const struct {
    const char *hdr;
    uint8_t type;
    uint32_t length;
    uint64_t sid;
  } ex[] = {
      {"01000000200000000000000001", SB_SBRP_HANDSHAKE_INIT, 32, 1},
      {"02000000800000000000000001", SB_SBRP_HANDSHAKE_ACCEPT, 128, 1},
      {"030000003c0000000000000001", SB_SBRP_DATA, 60, 1},
      {"10000000080000000000000000", SB_SBRP_PING, 8, 0},
      {"04000000020000000000000001", SB_SBRP_SIGNAL, 2, 1},
      {"20000000020000000000000001", SB_SBRP_CONTROL, 2, 1},
      {"20000000150000000000000001", SB_SBRP_CONTROL, 21, 1},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(ex); i++) {
    uint8_t msg[13 + 128];
    size_t n;
    uint8_t *h = sbt_unhex(ex[i].hdr, &n);
    if (!h) continue;
    memcpy(msg, h, 13);
    memset(msg + 13, 0xa5, ex[i].length);
    sb_sbrp_frame f;
    SBT_OK(sb_sbrp_frame_decode(msg, 13 + ex[i].length, &f));
    SBT_EQ_U64(f.hdr.type, ex[i].type);
    SBT_EQ_U64(f.hdr.length, ex[i].length);
    SBT_EQ_U64(f.hdr.session_id, ex[i].sid);
    /* And the header writer produces the same 13 bytes. */
    uint8_t back[13];
    sb_sbrp_header_write(back, ex[i].type, ex[i].length, ex[i].sid);
    SBT_HEX_EQ(back, 13, ex[i].hdr);
    free(h);
  }
}

static void header_needs_13_bytes(void) {
  /* SBRP-WIRE-010 SBRP-RELAY-012: 12 bytes are malformed, 13 are a header. */
  const uint8_t ping[13] = {0x10};
  sb_sbrp_header h;
  SBT_ERR_EQ(sb_sbrp_header_decode(ping, 12, &h), SB_ERR_SBRP_HEADER_SHORT);
  SBT_ERR_EQ(sb_sbrp_header_decode(NULL, 0, &h), SB_ERR_SBRP_HEADER_SHORT);
  SBT_OK(sb_sbrp_header_decode(ping, 13, &h));
  SBT_EQ_U64(h.type, SB_SBRP_PING);
  SBT_EQ_U64(h.length, 0);
  SBT_EQ_U64(h.session_id, 0);
  /* Even a 12-byte prefix of an invalid type is "too short" first. */
  const uint8_t bad[12] = {0x30};
  SBT_ERR_EQ(sb_sbrp_header_decode(bad, 12, &h), SB_ERR_SBRP_HEADER_SHORT);
}

static void length_65536_is_allowed_and_65537_is_too_large(void) {
  /* SBRP-WIRE-011: the limit is inclusive; the header alone decides. */
  uint8_t m[13];
  sb_sbrp_header h;
  sb_sbrp_header_write(m, SB_SBRP_DATA, 65536, 7);
  SBT_OK(sb_sbrp_header_decode(m, 13, &h));
  SBT_EQ_U64(h.length, 65536);
  sb_sbrp_header_write(m, SB_SBRP_DATA, 65537, 7);
  SBT_ERR_EQ(sb_sbrp_header_decode(m, 13, &h), SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  sb_sbrp_header_write(m, SB_SBRP_CONTROL, 0xffffffffu, 0);
  SBT_ERR_EQ(sb_sbrp_header_decode(m, 13, &h), SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
}

static void size_is_checked_before_type_and_session_id(void) {
  /* SBRP-RELAY-010: documents' order, step 2 (size) before step 3 (type)
   * and step 4 (SessionID). Upstream checks type first (errata). */
  uint8_t m[13];
  sb_sbrp_header h;
  sb_sbrp_header_write(m, 0x30, 0x00011170u, 0x0123456789abcdefULL);
  SBT_ERR_EQ(sb_sbrp_header_decode(m, 13, &h), SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  sb_sbrp_header_write(m, SB_SBRP_DATA, 65537, 0);
  SBT_ERR_EQ(sb_sbrp_header_decode(m, 13, &h), SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  /* Type (step 3) before SessionID (step 4): unknown type with SID 0. */
  sb_sbrp_header_write(m, 0x05, 2, 0);
  SBT_ERR_EQ(sb_sbrp_header_decode(m, 13, &h), SB_ERR_SBRP_FRAME_TYPE);
}

static void exactly_seven_types_are_defined(void) {
  /* SBRP-WIRE-012: every other byte, 0x00 included, is invalid_frame_type. */
  unsigned known = 0;
  for (unsigned t = 0; t < 256; t++) {
    uint8_t m[13];
    sb_sbrp_header h;
    bool session_bound = t >= 1 && t <= 4;
    sb_sbrp_header_write(m, (uint8_t)t, 0, session_bound ? 1 : 0);
    int rc = sb_sbrp_header_decode(m, 13, &h);
    if (sb_sbrp_type_known((uint8_t)t)) {
      known++;
      SBT_OK(rc);
      SBT_CHECK(sb_sbrp_type_name((uint8_t)t) != NULL, "type 0x%02x has a name", t);
    } else {
      SBT_ERR_EQ(rc, SB_ERR_SBRP_FRAME_TYPE);
      SBT_CHECK(sb_sbrp_type_name((uint8_t)t) == NULL, "type 0x%02x has no name", t);
    }
  }
  SBT_EQ_U64(known, 7);
  SBT_STR_EQ(sb_sbrp_type_name(0x20), "Control");
  SBT_STR_EQ(sb_sbrp_type_name(0x02), "HandshakeAccept");
}

static void session_id_scope_is_invalid_session_id(void) {
  /* SBRP-WIRE-013 SBRP-WIRE-014 SBRP-WIRE-015 */
  static const uint8_t bound[] = {0x01, 0x02, 0x03, 0x04};
  for (size_t i = 0; i < sizeof bound; i++) {
    SBT_ERR_EQ(sb_sbrp_check_session_scope(bound[i], 0), SB_ERR_SBRP_SID_ZERO);
    SBT_OK(sb_sbrp_check_session_scope(bound[i], 1));
    SBT_OK(sb_sbrp_check_session_scope(bound[i], UINT64_MAX));
    SBT_CHECK(sb_sbrp_type_session_bound(bound[i]), "0x%02x is session-bound", bound[i]);
  }
  SBT_ERR_EQ(sb_sbrp_check_session_scope(SB_SBRP_PING, 1), SB_ERR_SBRP_SID_NONZERO);
  SBT_ERR_EQ(sb_sbrp_check_session_scope(SB_SBRP_PONG, UINT64_MAX), SB_ERR_SBRP_SID_NONZERO);
  SBT_OK(sb_sbrp_check_session_scope(SB_SBRP_PING, 0));
  /* Control carries either. */
  SBT_OK(sb_sbrp_check_session_scope(SB_SBRP_CONTROL, 0));
  SBT_OK(sb_sbrp_check_session_scope(SB_SBRP_CONTROL, 42));
  SBT_CHECK(!sb_sbrp_type_session_bound(SB_SBRP_CONTROL), "Control is not session-bound");
  /* Both SessionID errors are reported as invalid_session_id (0x0404). */
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_SID_ZERO)->proto_code, 0x0404);
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_SID_NONZERO)->proto_code, 0x0404);
}

static void message_must_hold_exactly_13_plus_length(void) {
  /* SBRP-WIRE-002: one message, one frame; truncated and trailing are malformed. */
  uint8_t m[13 + 9] = {0};
  sb_sbrp_frame f;
  sb_sbrp_header_write(m, SB_SBRP_PING, 8, 0);
  SBT_ERR_EQ(sb_sbrp_frame_decode(m, 20, &f), SB_ERR_SBRP_BODY_TRUNCATED);
  SBT_ERR_EQ(sb_sbrp_frame_decode(m, 22, &f), SB_ERR_SBRP_BODY_TRAILING);
  SBT_OK(sb_sbrp_frame_decode(m, 21, &f));
  SBT_EQ_U64(f.payload_len, 8);
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_BODY_TRUNCATED)->proto_code, 0x0401);
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_BODY_TRAILING)->proto_code, 0x0401);
  /* Header errors win over a wrong body length. */
  sb_sbrp_header_write(m, SB_SBRP_DATA, 8, 0);
  SBT_ERR_EQ(sb_sbrp_frame_decode(m, 13, &f), SB_ERR_SBRP_SID_ZERO);
}

static void encode_refuses_what_no_sender_emits(void) {
  /* SBRP-WIRE-011 SBRP-WIRE-012 SBRP-WIRE-013 SBRP-WIRE-014 */
  uint8_t out[64], p[4] = {1, 2, 3, 4};
  size_t n = 0;
  SBT_ERR_EQ(sb_sbrp_frame_encode(0x30, 1, p, 1, out, sizeof out, &n), SB_ERR_SBRP_FRAME_TYPE);
  SBT_ERR_EQ(sb_sbrp_frame_encode(0x00, 1, p, 1, out, sizeof out, &n), SB_ERR_SBRP_FRAME_TYPE);
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_DATA, 0, p, 4, out, sizeof out, &n),
             SB_ERR_SBRP_SID_ZERO);
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_PING, 3, p, 4, out, sizeof out, &n),
             SB_ERR_SBRP_SID_NONZERO);
  /* Size query and short buffer: SB_ERR_BUF with the size needed. */
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_PING, 0, p, 4, NULL, 0, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 17);
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_PING, 0, p, 4, out, 16, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 17);
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_PING, 0, p, 4, out, 17, &n));
  SBT_HEX_EQ(out, n, "1000000004000000000000000001020304");
  SBT_ERR_EQ(sb_sbrp_frame_encode(SB_SBRP_PING, 0, NULL, 4, out, sizeof out, &n), SB_ERR_ARG);
}

static void encode_accepts_payload_built_in_place(void) {
  /* SBRP-WIRE-010: the payload may already sit after the header. */
  uint8_t out[13 + 3];
  out[13] = 0xaa, out[14] = 0xbb, out[15] = 0xcc;
  size_t n;
  SBT_OK(sb_sbrp_frame_encode(SB_SBRP_CONTROL, 0xffffffffffffffffULL, out + 13, 3, out,
                              sizeof out, &n));
  SBT_HEX_EQ(out, n, "2000000003ffffffffffffffffaabbcc");
}

SBT_SUITE(sbrp_frame, "sbrp/frame", SBT_CASE(upstream_frames_encode_and_decode_headers),
          SBT_CASE(upstream_decoder_malformed_header_outcomes),
          SBT_CASE(upstream_max_size_frame_round_trips), SBT_CASE(spec_header_examples_decode),
          SBT_CASE(header_needs_13_bytes),
          SBT_CASE(length_65536_is_allowed_and_65537_is_too_large),
          SBT_CASE(size_is_checked_before_type_and_session_id),
          SBT_CASE(exactly_seven_types_are_defined),
          SBT_CASE(session_id_scope_is_invalid_session_id),
          SBT_CASE(message_must_hold_exactly_13_plus_length),
          SBT_CASE(encode_refuses_what_no_sender_emits),
          SBT_CASE(encode_accepts_payload_built_in_place))
