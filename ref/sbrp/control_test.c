#include "sbrp/control.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "test/sbt.h"

static void upstream_control_codes_table(void) {
  /* SBRP-CTRL-002 SBRP-WIRE-015 SBRP-WIRE-023 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  const cJSON *c;
  unsigned rows = 0;
  cJSON_ArrayForEach(c, sbt_get(root, "control_codes")) {
    const cJSON *code = sbt_get(c, "code"), *term = sbt_get(c, "terminal");
    const char *name = sbt_str(c, "sbrp");
    rows++;
    if (!cJSON_IsNumber(code) || !name || !cJSON_IsBool(term)) {
      SBT_CHECK(false, "control_codes row %u unreadable", rows);
      continue;
    }
    uint16_t v = (uint16_t)code->valuedouble;
    const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(v);
    if (!info) {
      SBT_CHECK(false, "code 0x%04x missing", v);
      continue;
    }
    /* Name, and name -> code (upstream toWireControlCode round trip). */
    if (SBT_STR_EQ(info->name, name) && sb_sbrp_control_by_name(name) == info &&
        cJSON_IsTrue(sbt_get(c, "toWire_roundtrip")))
      sbt_count_upstream_value();
    SBT_CHECK(info->on_wire, "0x%04x is a wire code", v);
    bool terminal = sb_sbrp_control_is_terminal(v);
    SBT_CHECK(terminal == cJSON_IsTrue(term), "0x%04x terminal %d", v, terminal);
    if (terminal == cJSON_IsTrue(term) && info->terminal == terminal) sbt_count_upstream_value();
    /* The Control frame with SessionID 0 and no text, byte for byte. */
    uint8_t out[32];
    size_t n;
    if (SBT_OK(sb_sbrp_control_encode(0, v, NULL, 0, out, sizeof out, &n)) &&
        SBT_HEX_EQ(out, n, sbt_str(c, "frame_sid0_no_message")))
      sbt_count_upstream_value();
  }
  SBT_EQ_U64(rows, SB_SBRP_CTRL_WIRE_CODES);
  cJSON_Delete(root);
}

static const cJSON *extra(const cJSON *root, const char *name) {
  const cJSON *c;
  cJSON_ArrayForEach(c, sbt_get(root, "control_code_extra")) {
    const char *n = sbt_str(c, "name");
    if (n && !strcmp(n, name)) return c;
  }
  SBT_CHECK(false, "control_code_extra %s missing", name);
  return NULL;
}

static void upstream_control_code_extra(void) {
  /* SBRP-CTRL-005 SBRP-CTRL-004 */
  cJSON *root = sbt_load_json("upstream/upstream-sbrp.json");
  /* Unknown codes are terminal (fail-safe). */
  static const struct {
    const char *name;
    uint16_t code;
  } unknown[] = {{"isTerminalCode_unknown_0x0999", 0x0999}, {"isTerminalCode_unknown_0x1005", 0x1005}};
  for (size_t i = 0; i < SB_ARRAY_LEN(unknown); i++) {
    bool want = cJSON_IsTrue(sbt_get(extra(root, unknown[i].name), "value"));
    bool got = sb_sbrp_control_is_terminal(unknown[i].code);
    SBT_CHECK(want && got, "%s: upstream %d, we %d", unknown[i].name, want, got);
    if (want && got) sbt_count_upstream_value();
  }
  /* 0x0000 is not a wire code. */
  const cJSON *o = sbt_get(extra(root, "fromWireControlCode_unknown_0x0000"), "outcome");
  bool ok = cJSON_IsFalse(sbt_get(o, "ok")) && sb_sbrp_control_lookup(0) == NULL &&
            !sb_sbrp_control_on_wire(0);
  SBT_CHECK(ok, "0x0000 is unknown");
  if (ok) sbt_count_upstream_value();
  /* decrypt_failed has no wire form. */
  o = sbt_get(extra(root, "toWireControlCode_endpoint_only_decrypt_failed"), "outcome");
  const sb_sbrp_ctrl_info *df = sb_sbrp_control_by_name("decrypt_failed");
  uint8_t out[32];
  size_t n;
  if (cJSON_IsFalse(sbt_get(o, "ok")) && df && !df->on_wire &&
      SBT_ERR_EQ(sb_sbrp_control_encode(0, df->code, NULL, 0, out, sizeof out, &n),
                 SB_ERR_SBRP_CONTROL_UNKNOWN))
    sbt_count_upstream_value();
  cJSON_Delete(root);
}

/* sbrp.md section 7 (control-codes.md@c9404ba, classify.ts@82fcaad), as
 * written in the digest: code, name, T/N, SID, To, SDK. */
#define T true
#define N false
#define C0 SB_SBRP_CTRL_SCOPE_CONNECTION
#define S SB_SBRP_CTRL_SCOPE_SESSION
static const struct {
  uint16_t code;
  const char *name;
  bool terminal;
  sb_sbrp_ctrl_scope scope;
  sb_sbrp_ctrl_party to;
  sb_sbrp_ctrl_sdk_class sdk;
  sb_sbrp_ctrl_category cat;
} spec_wire[] = {
    {0x0101, "unauthorized", T, C0, SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_FATAL, SB_SBRP_CTRL_CAT_AUTH},
    {0x0102, "forbidden", T, C0, SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_FATAL, SB_SBRP_CTRL_CAT_AUTH},
    {0x0201, "daemon_not_found", T, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_ROUTING},
    {0x0202, "daemon_offline", T, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_ROUTING},
    {0x0301, "session_not_found", T, S, SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_SESSION},
    {0x0302, "session_expired", T, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_SESSION},
    {0x0401, "malformed_frame", T, C0, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_WIRE_FORMAT},
    {0x0402, "payload_too_large", T, C0, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_WIRE_FORMAT},
    {0x0403, "invalid_frame_type", T, C0, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_WIRE_FORMAT},
    {0x0404, "invalid_session_id", T, C0, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_WIRE_FORMAT},
    {0x0405, "disallowed_sender", T, S, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_FATAL,
     SB_SBRP_CTRL_CAT_WIRE_FORMAT},
    {0x0601, "internal_error", T, C0, SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_INTERNAL},
    {0x0901, "rate_limited", N, C0, SB_SBRP_CTRL_TO_SENDER, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_THROTTLING},
    {0x0902, "backpressure", T, C0, SB_SBRP_CTRL_TO_SLOW_RECEIVER, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_THROTTLING},
    {0x1001, "session_paused", N, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_SESSION_STATE},
    {0x1002, "session_resumed", N, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_SESSION_STATE},
    {0x1003, "session_ended", N, S, SB_SBRP_CTRL_TO_DAEMON, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_SESSION_STATE},
    {0x1004, "session_pending", N, S, SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_RETRYABLE,
     SB_SBRP_CTRL_CAT_SESSION_STATE},
};

static void wire_table_follows_the_newest_documents(void) {
  /* SBRP-CTRL-002 SBRP-CTRL-003 SBRP-CTRL-006: daemon_offline is T since
   * c9404ba, backpressure 0x0902 is present and T, internal_error is SID 0 T. */
  SBT_EQ_U64(SB_ARRAY_LEN(spec_wire), SB_SBRP_CTRL_WIRE_CODES);
  unsigned on_wire = 0;
  for (size_t i = 0; i < sb_sbrp_control_count(); i++)
    if (sb_sbrp_control_at(i)->on_wire) on_wire++;
  SBT_EQ_U64(on_wire, SB_SBRP_CTRL_WIRE_CODES);
  SBT_EQ_U64(sb_sbrp_control_count(), SB_SBRP_CTRL_WIRE_CODES + SB_SBRP_CTRL_ENDPOINT_CODES);
  SBT_CHECK(sb_sbrp_control_at(sb_sbrp_control_count()) == NULL, "past the end");
  for (size_t i = 0; i < SB_ARRAY_LEN(spec_wire); i++) {
    const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(spec_wire[i].code);
    if (!c) {
      SBT_CHECK(false, "0x%04x missing", spec_wire[i].code);
      continue;
    }
    SBT_STR_EQ(c->name, spec_wire[i].name);
    SBT_CHECK(c->on_wire, "%s on the wire", c->name);
    SBT_CHECK(c->terminal == spec_wire[i].terminal, "%s terminal", c->name);
    SBT_CHECK(sb_sbrp_control_is_terminal(c->code) == spec_wire[i].terminal, "%s is_terminal",
              c->name);
    SBT_CHECK(c->scope == spec_wire[i].scope, "%s SID column", c->name);
    SBT_CHECK(c->party == spec_wire[i].to, "%s receiver", c->name);
    SBT_CHECK(c->sdk == spec_wire[i].sdk, "%s SDK class", c->name);
    SBT_CHECK(sb_sbrp_control_category(c->code) == spec_wire[i].cat, "%s category", c->name);
    SBT_CHECK(sb_sbrp_control_by_name(spec_wire[i].name) == c, "%s by name", c->name);
  }
  /* The table is in code order. */
  for (size_t i = 1; i < sb_sbrp_control_count(); i++)
    SBT_CHECK(sb_sbrp_control_at(i - 1)->code < sb_sbrp_control_at(i)->code, "row %zu ordered", i);
}

static void endpoint_codes_are_known_but_never_on_the_wire(void) {
  /* SBRP-CTRL-004 */
  static const struct {
    uint16_t code;
    const char *name;
    sb_sbrp_ctrl_party by;
    sb_sbrp_ctrl_sdk_class sdk;
    bool closes;
  } ep[] = {
      {0xE001, "identity_key_changed", SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_FATAL, true},
      {0xE002, "handshake_failed", SB_SBRP_CTRL_TO_CLIENT, SB_SBRP_CTRL_SDK_FATAL, true},
      {0xE003, "handshake_timeout", SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_RETRYABLE, true},
      {0xE004, "decrypt_failed", SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_FATAL, true},
      {0xE005, "sequence_error", SB_SBRP_CTRL_TO_ANY, SB_SBRP_CTRL_SDK_FATAL, false},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(ep); i++) {
    const sb_sbrp_ctrl_info *c = sb_sbrp_control_lookup(ep[i].code);
    if (!c) {
      SBT_CHECK(false, "0x%04x missing", ep[i].code);
      continue;
    }
    SBT_STR_EQ(c->name, ep[i].name);
    SBT_CHECK(!c->on_wire && !sb_sbrp_control_on_wire(c->code), "%s never on the wire", c->name);
    SBT_CHECK(c->party == ep[i].by && c->sdk == ep[i].sdk && c->terminal == ep[i].closes,
              "%s detector, SDK class, close", c->name);
    SBT_CHECK(sb_sbrp_control_category(c->code) == SB_SBRP_CTRL_CAT_SDK, "%s in 0xE0xx", c->name);
    /* Received on the wire anyway, it is terminal (fail-safe). */
    SBT_CHECK(sb_sbrp_control_is_terminal(c->code), "%s received is terminal", c->name);
    uint8_t out[32];
    size_t n;
    SBT_ERR_EQ(sb_sbrp_control_encode(5, c->code, NULL, 0, out, sizeof out, &n),
               SB_ERR_SBRP_CONTROL_UNKNOWN);
    SBT_ERR_EQ(sb_sbrp_control_build(c->code, 5, NULL, 0, out, sizeof out, &n),
               SB_ERR_SBRP_CONTROL_UNKNOWN);
  }
  /* The endpoint-only codes are what the crypto errors report. */
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_DECRYPT)->proto_code, SB_SBRP_CTRL_DECRYPT_FAILED);
  SBT_EQ_U64(sb_err_lookup(SB_ERR_SBRP_REPLAY)->proto_code, SB_SBRP_CTRL_SEQUENCE_ERROR);
}

static void unknown_codes_are_terminal(void) {
  /* SBRP-CTRL-005: of all 65 536 values only the five N codes keep the
   * connection open. */
  unsigned open = 0;
  for (uint32_t v = 0; v <= 0xffff; v++)
    if (!sb_sbrp_control_is_terminal((uint16_t)v)) open++;
  SBT_EQ_U64(open, 5);
  SBT_CHECK(!sb_sbrp_control_is_terminal(0x0901), "rate_limited N");
  SBT_CHECK(sb_sbrp_control_is_terminal(0x0903), "unknown throttling code T");
  SBT_CHECK(sb_sbrp_control_is_terminal(0x1005), "unknown session-state code T");
  SBT_CHECK(sb_sbrp_control_lookup(0x1005) == NULL, "0x1005 unknown");
  SBT_CHECK(sb_sbrp_control_by_name("nope") == NULL && sb_sbrp_control_by_name(NULL) == NULL,
            "unknown names");
}

static void categories_cover_every_range(void) {
  /* SBRP-CTRL-005 (range discrimination of unknown codes) */
  static const struct {
    uint16_t code;
    sb_sbrp_ctrl_category cat;
  } c[] = {
      {0x0000, SB_SBRP_CTRL_CAT_UNASSIGNED},   {0x0199, SB_SBRP_CTRL_CAT_AUTH},
      {0x02ff, SB_SBRP_CTRL_CAT_ROUTING},      {0x0300, SB_SBRP_CTRL_CAT_SESSION},
      {0x0499, SB_SBRP_CTRL_CAT_WIRE_FORMAT},  {0x0501, SB_SBRP_CTRL_CAT_RESERVED},
      {0x0601, SB_SBRP_CTRL_CAT_INTERNAL},     {0x0701, SB_SBRP_CTRL_CAT_RESERVED},
      {0x08ff, SB_SBRP_CTRL_CAT_RESERVED},     {0x0999, SB_SBRP_CTRL_CAT_THROTTLING},
      {0x0a00, SB_SBRP_CTRL_CAT_RESERVED},     {0x0fff, SB_SBRP_CTRL_CAT_RESERVED},
      {0x1005, SB_SBRP_CTRL_CAT_SESSION_STATE}, {0x1100, SB_SBRP_CTRL_CAT_RESERVED},
      {0x1fff, SB_SBRP_CTRL_CAT_RESERVED},     {0x2000, SB_SBRP_CTRL_CAT_UNASSIGNED},
      {0xdfff, SB_SBRP_CTRL_CAT_UNASSIGNED},   {0xe0ff, SB_SBRP_CTRL_CAT_SDK},
      {0xe100, SB_SBRP_CTRL_CAT_SDK_FUTURE},   {0xefff, SB_SBRP_CTRL_CAT_SDK_FUTURE},
      {0xf000, SB_SBRP_CTRL_CAT_VENDOR},       {0xffff, SB_SBRP_CTRL_CAT_VENDOR},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(c); i++)
    SBT_CHECK(sb_sbrp_control_category(c[i].code) == c[i].cat, "category of 0x%04x", c[i].code);
}

static void build_uses_the_scope_session_id(void) {
  /* SBRP-CTRL-003 SBRP-WIRE-015 SBRP-CTRL-006 */
  uint8_t out[64];
  size_t n;
  /* Connection-level: SessionID 0 whatever the caller passes. */
  SBT_OK(sb_sbrp_control_build(SB_SBRP_CTRL_INTERNAL_ERROR, 0x77, NULL, 0, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "200000000200000000000000000601");
  SBT_OK(sb_sbrp_control_build(SB_SBRP_CTRL_RATE_LIMITED, 0, NULL, 0, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "200000000200000000000000000901");
  /* Session-scoped: the session's SessionID; 0 is refused. */
  SBT_OK(sb_sbrp_control_build(SB_SBRP_CTRL_SESSION_PAUSED, 0x0123456789abcdefULL,
                               (const uint8_t *)"Daemon disconnected", 19, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "20000000150123456789abcdef10014461656d6f6e20646973636f6e6e6563746564");
  SBT_OK(sb_sbrp_control_build(SB_SBRP_CTRL_DAEMON_OFFLINE, 9, NULL, 0, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "200000000200000000000000090202");
  SBT_ERR_EQ(sb_sbrp_control_build(SB_SBRP_CTRL_SESSION_ENDED, 0, NULL, 0, out, sizeof out, &n),
             SB_ERR_SBRP_CONTROL_SCOPE);
  SBT_ERR_EQ(sb_sbrp_control_build(0x0103, 1, NULL, 0, out, sizeof out, &n),
             SB_ERR_SBRP_CONTROL_UNKNOWN);
  SBT_ERR_EQ(sb_sbrp_control_build(SB_SBRP_CTRL_FORBIDDEN, 0, NULL, 0, out, 14, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 15);
  /* Every wire code builds with the scope its row says. */
  for (size_t i = 0; i < sb_sbrp_control_count(); i++) {
    const sb_sbrp_ctrl_info *c = sb_sbrp_control_at(i);
    if (!c->on_wire) continue;
    SBT_OK(sb_sbrp_control_build(c->code, 42, NULL, 0, out, sizeof out, &n));
    sb_sbrp_frame f;
    SBT_OK(sb_sbrp_frame_decode(out, n, &f));
    SBT_EQ_U64(f.hdr.session_id, c->scope == SB_SBRP_CTRL_SCOPE_SESSION ? 42 : 0);
    SBT_OK(sb_sbrp_control_check_scope(c->code, f.hdr.session_id));
  }
}

static void check_scope_flags_a_relay_that_breaks_the_sid_column(void) {
  /* SBRP-CTRL-003: upstream's integration mock sends daemon_offline with SID 0
   * (sbrp.md I-1); the table says S. */
  SBT_ERR_EQ(sb_sbrp_control_check_scope(SB_SBRP_CTRL_DAEMON_OFFLINE, 0),
             SB_ERR_SBRP_CONTROL_SCOPE);
  SBT_OK(sb_sbrp_control_check_scope(SB_SBRP_CTRL_DAEMON_OFFLINE, 5));
  SBT_ERR_EQ(sb_sbrp_control_check_scope(SB_SBRP_CTRL_BACKPRESSURE, 5), SB_ERR_SBRP_CONTROL_SCOPE);
  SBT_OK(sb_sbrp_control_check_scope(SB_SBRP_CTRL_BACKPRESSURE, 0));
  SBT_ERR_EQ(sb_sbrp_control_check_scope(0x7777, 0), SB_ERR_SBRP_CONTROL_UNKNOWN);
  SBT_ERR_EQ(sb_sbrp_control_check_scope(SB_SBRP_CTRL_SEQUENCE_ERROR, 0),
             SB_ERR_SBRP_CONTROL_UNKNOWN);
}

SBT_SUITE(sbrp_control, "sbrp/control", SBT_CASE(upstream_control_codes_table),
          SBT_CASE(upstream_control_code_extra), SBT_CASE(wire_table_follows_the_newest_documents),
          SBT_CASE(endpoint_codes_are_known_but_never_on_the_wire),
          SBT_CASE(unknown_codes_are_terminal), SBT_CASE(categories_cover_every_range),
          SBT_CASE(build_uses_the_scope_session_id),
          SBT_CASE(check_scope_flags_a_relay_that_breaks_the_sid_column))
