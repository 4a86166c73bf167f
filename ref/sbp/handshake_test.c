#include "sbp/handshake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "sbp/frame.h"
#include "test/sbt.h"

static int decode_str(const char *text, sb_sbp_handshake *hs) {
  return sb_sbp_handshake_decode((const uint8_t *)text, strlen(text), hs);
}

/* Decode `text`, expect `want`, and free whatever was decoded. */
static bool decodes_as(const char *text, int want) {
  sb_sbp_handshake hs;
  bool ok = SBT_ERR_EQ(decode_str(text, &hs), want);
  if (want != SB_OK) SBT_CHECK(hs.tree == NULL && hs.peer_id == NULL, "zeroed on failure");
  sb_sbp_handshake_free(&hs);
  return ok;
}

/* Our error for an upstream decodeHandshake failure, from its message. */
static int expected_for_upstream(const char *m) {
  if (!m) return 0;
  if (strstr(m, "Unsupported protocol version")) return SB_ERR_SBP_HS_VERSION_MISMATCH;
  if (strstr(m, "Unsupported protocol:")) return SB_ERR_SBP_HS_PROTOCOL_MISMATCH;
  if (strstr(m, "invalid protocol field")) return SB_ERR_SBP_HS_PROTOCOL_FIELD;
  if (strstr(m, "invalid version field")) return SB_ERR_SBP_HS_VERSION_FIELD;
  if (strstr(m, "invalid peerId field")) return SB_ERR_SBP_HS_PEERID_FIELD;
  if (strstr(m, "in JSON at position")) return SB_ERR_SBP_HS_JSON;           /* JSON.parse */
  if (strstr(m, "Cannot read properties of null")) return SB_ERR_SBP_HS_NOT_OBJECT; /* null */
  return 0;
}

static void upstream_handshake_payload_cases(void) {
  /* SBP-HS-003, SBP-HS-004, SBP-HS-005, SBP-HS-006 */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *cases = sbt_get(root, "handshake_payload");
  SBT_CHECK(cJSON_GetArraySize(cases) >= 9, "handshake_payload present");
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *name = sbt_str(c, "name");
    size_t len = 0;
    uint8_t *buf = sbt_unhex(sbt_str(c, "bytes") ? sbt_str(c, "bytes") : "zz", &len);
    if (!buf) continue;
    const cJSON *decode = sbt_get(c, "decode");
    sb_sbp_handshake hs;
    int rc = sb_sbp_handshake_decode(buf, len, &hs);
    if (cJSON_IsTrue(sbt_get(decode, "ok"))) {
      const cJSON *want = sbt_get(decode, "result");
      bool same = rc == SB_OK && !strcmp(hs.protocol, sbt_str(want, "protocol")) &&
                  !strcmp(hs.version, sbt_str(want, "version")) &&
                  !strcmp(hs.peer_id, sbt_str(want, "peerId"));
      /* caps and metadata: the same JSON value, or both absent */
      const cJSON *caps = sbt_get(want, "caps"), *meta = sbt_get(want, "metadata");
      same = same && (caps ? cJSON_Compare(hs.caps, caps, 1) : hs.caps == NULL);
      same = same && (meta ? cJSON_Compare(hs.metadata, meta, 1) : hs.metadata == NULL);
      SBT_CHECK(same, "%s: decoded handshake differs (%s)", name, sb_err_name(rc));
      if (same) sbt_count_upstream_value();
    } else {
      const cJSON *err = sbt_get(decode, "error");
      int want = expected_for_upstream(sbt_str(err, "message"));
      SBT_CHECK(want != 0, "%s: upstream message understood", name);
      const sb_err_info *info = sb_err_lookup(rc);
      bool same = SBT_ERR_EQ(rc, want) && info &&
                  SBT_EQ_U64(info->proto_code, cJSON_GetNumberValue(sbt_get(err, "code")));
      if (same) sbt_count_upstream_value();
    }
    sb_sbp_handshake_free(&hs);
    free(buf);
  }
  cJSON_Delete(root);
}

static void upstream_handshake_encode_matches_reference_json(void) {
  /* SBP-HS-004, SBP-HS-005: required fields as strings, in the negotiator's
   * compact form and key order */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const char *want_hex = sbt_str(root, "handshake_payload_json_hex");
  const cJSON *valid = NULL, *c;
  cJSON_ArrayForEach(c, sbt_get(root, "handshake_payload"))
    if (!strcmp(sbt_str(c, "name"), "valid")) valid = sbt_get(sbt_get(c, "decode"), "result");
  SBT_CHECK(want_hex && valid, "reference handshake present");
  if (want_hex && valid) {
    uint8_t out[512];
    size_t len = 0;
    SBT_OK(sb_sbp_handshake_encode(sbt_str(valid, "peerId"), sbt_get(valid, "caps"),
                                   sbt_get(valid, "metadata"), out, sizeof out, &len));
    if (SBT_HEX_EQ(out, len, want_hex)) sbt_count_upstream_value();
  }
  /* The Handshake frame of frames[control_handshake] carries the same JSON. */
  cJSON_ArrayForEach(c, sbt_get(root, "frames")) {
    if (strcmp(sbt_str(c, "name"), "control_handshake") != 0) continue;
    size_t len = 0;
    uint8_t *buf = sbt_unhex(sbt_str(sbt_get(c, "encode"), "result"), &len);
    sb_sbp_frame f;
    sb_sbp_handshake hs;
    if (buf && SBT_OK(sb_sbp_frame_decode(buf, len, &f)) &&
        SBT_OK(sb_sbp_handshake_decode(f.control.data, f.control.data_len, &hs))) {
      if (SBT_STR_EQ(hs.peer_id, "peer-alice-01")) sbt_count_upstream_value();
      sb_sbp_handshake_free(&hs);
    }
    free(buf);
  }
  cJSON_Delete(root);
}

static void handshake_encode_worked_vector_of_section_4(void) {
  /* SBP-HS-004: caps and metadata always sent, possibly empty (as the
   * reference negotiator does) */
  const char *want =
      "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p1\",\"caps\":[],\"metadata\":{}}";
  uint8_t out[128];
  size_t len = 0;
  SBT_OK(sb_sbp_handshake_encode("p1", NULL, NULL, out, sizeof out, &len));
  SBT_CHECK(len == 75 && memcmp(out, want, 75) == 0, "75-byte handshake JSON");
  cJSON *caps = cJSON_CreateArray(), *meta = cJSON_CreateObject();
  SBT_OK(sb_sbp_handshake_encode("p1", caps, meta, out, sizeof out, &len));
  SBT_CHECK(len == 75 && memcmp(out, want, 75) == 0, "empty containers give the same bytes");
  cJSON_Delete(caps);
  cJSON_Delete(meta);
}

static void handshake_encode_escapes_like_json_stringify(void) {
  /* SBP-HS-004 */
  uint8_t out[256];
  size_t len = 0;
  SBT_OK(sb_sbp_handshake_encode("a\"b\\c\n\x01\xc3\xa9", NULL, NULL, out, sizeof out, &len));
  const char *want =
      "{\"protocol\":\"sideband\",\"version\":\"1\","
      "\"peerId\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\",\"caps\":[],\"metadata\":{}}";
  SBT_CHECK(len == strlen(want) && memcmp(out, want, len) == 0, "escaped peerId: %.*s", (int)len,
            (const char *)out);
}

static void handshake_encode_refuses_bad_input_and_reports_size(void) {
  /* SBP-HS-004, SBP-VAL-003 */
  uint8_t out[128];
  size_t len = 0;
  SBT_ERR_EQ(sb_sbp_handshake_encode(NULL, NULL, NULL, out, sizeof out, &len), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p", NULL, NULL, out, sizeof out, NULL), SB_ERR_ARG);
  cJSON *obj = cJSON_CreateObject();
  cJSON *arr = cJSON_CreateArray();
  cJSON_AddItemToArray(arr, cJSON_CreateNumber(1));
  SBT_ERR_EQ(sb_sbp_handshake_encode("p", obj, NULL, out, sizeof out, &len), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p", arr, NULL, out, sizeof out, &len), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p", NULL, arr, out, sizeof out, &len), SB_ERR_ARG);
  cJSON_Delete(obj);
  cJSON_Delete(arr);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p\xff", NULL, NULL, out, sizeof out, &len),
             SB_ERR_SBP_HS_UTF8);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p1", NULL, NULL, NULL, 0, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 75);
  SBT_ERR_EQ(sb_sbp_handshake_encode("p1", NULL, NULL, out, 74, &len), SB_ERR_BUF);
  SBT_OK(sb_sbp_handshake_encode("p1", NULL, NULL, out, 75, &len));
}

static void handshake_roundtrips_through_encode_and_decode(void) {
  /* SBP-HS-005 (caps are opaque strings) */
  cJSON *caps = cJSON_CreateArray();
  cJSON_AddItemToArray(caps, cJSON_CreateString("rpc"));
  cJSON_AddItemToArray(caps, cJSON_CreateString("encoding:cbor"));
  cJSON *meta = cJSON_CreateObject();
  cJSON_AddStringToObject(meta, "tracing:id", "t-1");
  uint8_t out[256];
  size_t len = 0;
  SBT_OK(sb_sbp_handshake_encode("peer-\xe2\x82\xac", caps, meta, out, sizeof out, &len));
  sb_sbp_handshake hs;
  SBT_OK(sb_sbp_handshake_decode(out, len, &hs));
  SBT_STR_EQ(hs.protocol, SB_SBP_PROTOCOL_NAME);
  SBT_STR_EQ(hs.version, SB_SBP_PROTOCOL_VERSION);
  SBT_STR_EQ(hs.peer_id, "peer-\xe2\x82\xac");
  SBT_CHECK(cJSON_Compare(hs.caps, caps, 1) && cJSON_Compare(hs.metadata, meta, 1),
            "caps and metadata survive");
  sb_sbp_handshake_free(&hs);
  SBT_CHECK(hs.tree == NULL, "free zeroes the struct");
  sb_sbp_handshake_free(&hs); /* twice is harmless */
  sb_sbp_handshake_free(NULL);
  cJSON_Delete(caps);
  cJSON_Delete(meta);
}

static void handshake_type_errors_come_before_mismatches(void) {
  /* SBP-HS-004, SBP-HS-003 */
  decodes_as("{\"protocol\":1,\"version\":\"1\",\"peerId\":\"p\"}", SB_ERR_SBP_HS_PROTOCOL_FIELD);
  decodes_as("{\"version\":\"1\",\"peerId\":\"p\"}", SB_ERR_SBP_HS_PROTOCOL_FIELD);
  decodes_as("{\"protocol\":null,\"version\":\"1\",\"peerId\":\"p\"}",
             SB_ERR_SBP_HS_PROTOCOL_FIELD);
  decodes_as("{\"protocol\":\"other\",\"version\":1,\"peerId\":\"p\"}",
             SB_ERR_SBP_HS_VERSION_FIELD);
  decodes_as("{\"protocol\":\"other\",\"version\":\"2\",\"peerId\":[]}",
             SB_ERR_SBP_HS_PEERID_FIELD);
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":{}}",
             SB_ERR_SBP_HS_PEERID_FIELD);
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerid\":\"p\"}",
             SB_ERR_SBP_HS_PEERID_FIELD);
  /* protocol is compared before version */
  decodes_as("{\"protocol\":\"other\",\"version\":\"2\",\"peerId\":\"p\"}",
             SB_ERR_SBP_HS_PROTOCOL_MISMATCH);
}

static void handshake_mismatch_is_exact_no_negotiation(void) {
  /* SBP-HS-003: no downgrade or upgrade, no normalisation */
  static const char *const bad_version[] = {"\"2\"",  "\"1.0\"", "\" 1\"",
                                            "\"1 \"", "\"\"",    "\"v1\""};
  static const char *const bad_protocol[] = {"\"Sideband\"", "\"sideband/1\"", "\"\"",
                                             "\"sideband \""};
  char text[160];
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_version); i++) {
    snprintf(text, sizeof text, "{\"protocol\":\"sideband\",\"version\":%s,\"peerId\":\"p\"}",
             bad_version[i]);
    decodes_as(text, SB_ERR_SBP_HS_VERSION_MISMATCH);
  }
  for (size_t i = 0; i < SB_ARRAY_LEN(bad_protocol); i++) {
    snprintf(text, sizeof text, "{\"protocol\":%s,\"version\":\"1\",\"peerId\":\"p\"}",
             bad_protocol[i]);
    decodes_as(text, SB_ERR_SBP_HS_PROTOCOL_MISMATCH);
  }
  const sb_err_info *a = sb_err_lookup(SB_ERR_SBP_HS_PROTOCOL_MISMATCH);
  const sb_err_info *b = sb_err_lookup(SB_ERR_SBP_HS_VERSION_MISMATCH);
  SBT_CHECK(a && b && a->proto_code == 1001 && b->proto_code == 1001, "mismatch is 1001");
}

static void handshake_rejects_what_is_not_a_utf8_json_object(void) {
  /* SBP-HS-004, SBP-VAL-003 */
  decodes_as("", SB_ERR_SBP_HS_JSON);
  decodes_as("   ", SB_ERR_SBP_HS_JSON);
  decodes_as("{nope", SB_ERR_SBP_HS_JSON);
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\"} x",
             SB_ERR_SBP_HS_JSON);
  decodes_as("null", SB_ERR_SBP_HS_NOT_OBJECT);
  decodes_as("[]", SB_ERR_SBP_HS_NOT_OBJECT);
  decodes_as("\"sideband\"", SB_ERR_SBP_HS_NOT_OBJECT);
  decodes_as("1", SB_ERR_SBP_HS_NOT_OBJECT);
  /* strict UTF-8 (upstream's TextDecoder would substitute U+FFFD: E-SBP-9) */
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"\xff\"}",
             SB_ERR_SBP_HS_UTF8);
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\",\"x\":\"\xc3\"}",
             SB_ERR_SBP_HS_UTF8);
  decodes_as("\xff", SB_ERR_SBP_HS_UTF8); /* UTF-8 is checked before JSON */
  /* a string holding U+0000 cannot be represented (E-SBP-9) */
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"a\\u0000b\"}",
             SB_ERR_JSON_NUL);
  sb_sbp_handshake hs;
  SBT_ERR_EQ(sb_sbp_handshake_decode(NULL, 3, &hs), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_handshake_decode((const uint8_t *)"{}", 2, NULL), SB_ERR_ARG);
  const int invalid[] = {SB_ERR_SBP_HS_UTF8,           SB_ERR_SBP_HS_JSON,
                         SB_ERR_SBP_HS_NOT_OBJECT,     SB_ERR_SBP_HS_PROTOCOL_FIELD,
                         SB_ERR_SBP_HS_VERSION_FIELD, SB_ERR_SBP_HS_PEERID_FIELD};
  for (size_t i = 0; i < SB_ARRAY_LEN(invalid); i++)
    SBT_EQ_U64(sb_err_lookup(invalid[i])->proto_code, 1002);
}

static void handshake_ignores_unknown_keys_caps_and_metadata(void) {
  /* SBP-HS-005, SBP-HS-006 (namespacing not enforced), SBP-HS-007 (no size cap) */
  sb_sbp_handshake hs;
  SBT_OK(decode_str("{\"x\":[1,{}],\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"\","
                    "\"caps\":[\"future:thing\",7],\"metadata\":{\"plain\":1,\"v:k\":null}}",
                    &hs));
  SBT_STR_EQ(hs.peer_id, ""); /* any string, even empty */
  SBT_EQ_U64(cJSON_GetArraySize(hs.caps), 2);
  SBT_CHECK(cJSON_IsObject(hs.metadata) && sb_json_get(hs.metadata, "plain"),
            "non-namespaced metadata key kept");
  sb_sbp_handshake_free(&hs);
  /* caps / metadata of another JSON type: treated as absent, not rejected */
  SBT_OK(decode_str("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\","
                    "\"caps\":\"rpc\",\"metadata\":[1]}",
                    &hs));
  SBT_CHECK(hs.caps == NULL && hs.metadata == NULL, "wrong-typed caps/metadata ignored");
  sb_sbp_handshake_free(&hs);
  /* a payload larger than the recommended 8 KiB still decodes */
  size_t big = SB_SBP_HANDSHAKE_RECOMMENDED_MAX + 100;
  char *text = malloc(big + 100);
  if (text) {
    int n = snprintf(text, big + 100, "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"");
    memset(text + n, 'p', big);
    memcpy(text + n + big, "\"}", 3);
    SBT_OK(decode_str(text, &hs));
    SBT_EQ_U64(strlen(hs.peer_id), big);
    sb_sbp_handshake_free(&hs);
    free(text);
  }
}

static void handshake_duplicate_keys_take_the_last_value(void) {
  /* SBP-HS-004: JSON.parse semantics */
  sb_sbp_handshake hs;
  SBT_OK(decode_str("{\"protocol\":\"x\",\"protocol\":\"sideband\",\"version\":\"1\","
                    "\"peerId\":\"a\",\"peerId\":\"b\"}",
                    &hs));
  SBT_STR_EQ(hs.peer_id, "b");
  sb_sbp_handshake_free(&hs);
  decodes_as("{\"protocol\":\"sideband\",\"protocol\":\"x\",\"version\":\"1\",\"peerId\":\"p\"}",
             SB_ERR_SBP_HS_PROTOCOL_MISMATCH);
  decodes_as("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\",\"peerId\":1}",
             SB_ERR_SBP_HS_PEERID_FIELD);
}

static void handshake_accepts_a_leading_bom(void) {
  /* SBP-HS-004: RFC 8259 section 8.1; upstream's TextDecoder strips it too */
  decodes_as("\xef\xbb\xbf{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\"}", SB_OK);
}

SBT_SUITE(sbp_handshake, "sbp/handshake", SBT_CASE(upstream_handshake_payload_cases),
          SBT_CASE(upstream_handshake_encode_matches_reference_json),
          SBT_CASE(handshake_encode_worked_vector_of_section_4),
          SBT_CASE(handshake_encode_escapes_like_json_stringify),
          SBT_CASE(handshake_encode_refuses_bad_input_and_reports_size),
          SBT_CASE(handshake_roundtrips_through_encode_and_decode),
          SBT_CASE(handshake_type_errors_come_before_mismatches),
          SBT_CASE(handshake_mismatch_is_exact_no_negotiation),
          SBT_CASE(handshake_rejects_what_is_not_a_utf8_json_object),
          SBT_CASE(handshake_ignores_unknown_keys_caps_and_metadata),
          SBT_CASE(handshake_duplicate_keys_take_the_last_value),
          SBT_CASE(handshake_accepts_a_leading_bom))
