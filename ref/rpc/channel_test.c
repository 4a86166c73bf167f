#include "rpc/channel.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "rpc/codes.h"
#include "test/sbt.h"

#define CID_HEX "0123456789abcdeffedcba9876543210"

static int decide(const char *subject, const char *data, sb_rpc_profile profile,
                  sb_rpc_inbound *out) {
  return sb_rpc_channel_inbound(subject, strlen(subject), (const uint8_t *)data, strlen(data),
                                profile, out);
}

/* Hex of a JSON value as the encoder writes it (heap; NULL on failure). */
static char *value_hex(const cJSON *v) {
  uint8_t buf[1024];
  size_t len;
  if (!v || sb_rpc_envelope_encode_value(v, buf, sizeof buf, &len) != SB_OK) return NULL;
  return sbt_hex(buf, len);
}

static char *cid_hex(const uint8_t cid[SB_RPC_CID_BYTES]) { return sbt_hex(cid, SB_RPC_CID_BYTES); }

static bool hex_eq_free(char *got, const char *want) {
  bool eq = got && want && !strcmp(got, want);
  free(got);
  return eq;
}

/* ---- channels ---------------------------------------------------------------- */

static void channel_of_compares_subjects_exactly(void) {
  /* RPC-CH-001, RPC-CH-003: exact channels rpc / event / stream, prefix app/ */
  static const struct {
    const char *subject;
    sb_rpc_channel want;
  } cases[] = {
      {"rpc", SB_RPC_CHANNEL_RPC},       {"event", SB_RPC_CHANNEL_EVENT},
      {"stream", SB_RPC_CHANNEL_STREAM}, {"app/", SB_RPC_CHANNEL_APP},
      {"app/x/y", SB_RPC_CHANNEL_APP},   {"rpc/getUser", SB_RPC_CHANNEL_OTHER},
      {"event/x", SB_RPC_CHANNEL_OTHER}, {"stream/x", SB_RPC_CHANNEL_OTHER},
      {"RPC", SB_RPC_CHANNEL_OTHER},     {"rpc ", SB_RPC_CHANNEL_OTHER},
      {"app", SB_RPC_CHANNEL_OTHER},     {"App/x", SB_RPC_CHANNEL_OTHER},
      {"", SB_RPC_CHANNEL_OTHER},        {"rp", SB_RPC_CHANNEL_OTHER},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++)
    SBT_CHECK(sb_rpc_channel_of(cases[i].subject, strlen(cases[i].subject)) == cases[i].want,
              "subject \"%s\"", cases[i].subject);
  /* Length-bounded: "rpc" followed by more bytes is not "rpc". */
  SBT_CHECK(sb_rpc_channel_of("rpcx", 3) == SB_RPC_CHANNEL_RPC, "first 3 bytes of rpcx");
  SBT_CHECK(sb_rpc_channel_of("rpc\0", 4) == SB_RPC_CHANNEL_OTHER, "rpc NUL");
  SBT_CHECK(sb_rpc_channel_of(NULL, 0) == SB_RPC_CHANNEL_OTHER, "NULL");
}

static void upstream_subject_channels_and_prefixes(void) {
  /* RPC-CH-001, RPC-CH-003: upstream's SUBJECT_CHANNELS and SUBJECT_PREFIXES */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  static const struct {
    const char *key;
    sb_rpc_channel want;
  } channels[] = {{"RPC", SB_RPC_CHANNEL_RPC},
                  {"EVENT", SB_RPC_CHANNEL_EVENT},
                  {"STREAM", SB_RPC_CHANNEL_STREAM}};
  const cJSON *ch = sbt_get(root, "SUBJECT_CHANNELS");
  SBT_EQ_U64(cJSON_GetArraySize(ch), SB_ARRAY_LEN(channels));
  for (size_t i = 0; i < SB_ARRAY_LEN(channels); i++) {
    const char *s = sbt_str(ch, channels[i].key);
    bool same = s && sb_rpc_channel_of(s, strlen(s)) == channels[i].want;
    SBT_CHECK(same, "SUBJECT_CHANNELS.%s = %s", channels[i].key, s ? s : "(missing)");
    if (same) sbt_count_upstream_value();
  }
  const char *app = sbt_str(sbt_get(root, "SUBJECT_PREFIXES"), "APP");
  SBT_CHECK(app != NULL, "SUBJECT_PREFIXES.APP");
  if (app) {
    char sub[64];
    snprintf(sub, sizeof sub, "%sx", app);
    bool same = sb_rpc_channel_of(app, strlen(app)) == SB_RPC_CHANNEL_APP &&
                sb_rpc_channel_of(sub, strlen(sub)) == SB_RPC_CHANNEL_APP &&
                sb_rpc_channel_of(app, strlen(app) - 1) == SB_RPC_CHANNEL_OTHER;
    SBT_CHECK(same, "app prefix \"%s\"", app);
    if (same) sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

static void channel_allows_rRE_on_rpc_and_N_on_event(void) {
  /* RPC-CH-001 */
  static const sb_rpc_type types[] = {SB_RPC_REQUEST, SB_RPC_SUCCESS, SB_RPC_ERROR,
                                      SB_RPC_NOTIFICATION};
  static const bool on_rpc[] = {true, true, true, false};
  static const bool on_event[] = {false, false, false, true};
  for (size_t i = 0; i < SB_ARRAY_LEN(types); i++) {
    SBT_CHECK(sb_rpc_channel_allows(SB_RPC_CHANNEL_RPC, types[i]) == on_rpc[i], "%c on rpc",
              types[i]);
    SBT_CHECK(sb_rpc_channel_allows(SB_RPC_CHANNEL_EVENT, types[i]) == on_event[i], "%c on event",
              types[i]);
    SBT_CHECK(!sb_rpc_channel_allows(SB_RPC_CHANNEL_APP, types[i]), "%c on app/", types[i]);
    SBT_CHECK(!sb_rpc_channel_allows(SB_RPC_CHANNEL_STREAM, types[i]), "%c on stream", types[i]);
    SBT_CHECK(!sb_rpc_channel_allows(SB_RPC_CHANNEL_OTHER, types[i]), "%c elsewhere", types[i]);
  }
  SBT_OK(sb_rpc_channel_check("rpc", 3, SB_RPC_REQUEST));
  SBT_OK(sb_rpc_channel_check("event", 5, SB_RPC_NOTIFICATION));
  SBT_ERR_EQ(sb_rpc_channel_check("event", 5, SB_RPC_REQUEST), SB_ERR_RPC_CHANNEL);
  SBT_ERR_EQ(sb_rpc_channel_check("rpc", 3, SB_RPC_NOTIFICATION), SB_ERR_RPC_CHANNEL);
  SBT_ERR_EQ(sb_rpc_channel_check("app/x", 5, SB_RPC_REQUEST), SB_ERR_RPC_CHANNEL);
  SBT_ERR_EQ(sb_rpc_channel_check(NULL, 0, SB_RPC_REQUEST), SB_ERR_ARG);
  SBT_EQ_U64(sb_err_lookup(SB_ERR_RPC_CHANNEL)->proto_code, SB_RPC_CODE_ENVELOPE_MISMATCH);
}

/* ---- inbound decisions --------------------------------------------------------- */

static void inbound_rpc_dispatches_requests_and_passes_responses_on(void) {
  /* RPC-CH-005, RPC-RTR-004: a request carries its method; R/E go to correlation */
  sb_rpc_inbound d;
  SBT_OK(decide("rpc", "{\"t\":\"r\",\"m\":\"file.read\",\"cid\":\"" CID_HEX "\",\"p\":1}",
                SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_REQUEST);
  SBT_STR_EQ(d.env.m, "file.read");
  SBT_HEX_EQ(d.env.cid, d.env.cid_len, CID_HEX);
  SBT_EQ_U64(d.reason, 0);
  sb_rpc_channel_inbound_free(&d);
  SBT_CHECK(d.env.root == NULL, "free clears the decision");

  SBT_OK(decide("rpc", "{\"t\":\"R\",\"cid\":\"" CID_HEX "\"}", SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_RESPONSE);
  SBT_EQ_U64(d.env.t, SB_RPC_SUCCESS);
  sb_rpc_channel_inbound_free(&d);
  SBT_OK(decide("rpc", "{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":1103,\"message\":\"x\"}",
                SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_RESPONSE);
  SBT_EQ_U64(d.env.t, SB_RPC_ERROR);
  sb_rpc_channel_inbound_free(&d);
}

static void inbound_rpc_drops_a_notification_silently(void) {
  /* RPC-CH-002: mismatched envelope dropped, no reply */
  sb_rpc_inbound d;
  for (int p = SB_RPC_PROFILE_DOCUMENTS; p <= SB_RPC_PROFILE_ROUTER; p++) {
    SBT_OK(
        decide("rpc", "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"" CID_HEX "\"}", (sb_rpc_profile)p, &d));
    SBT_EQ_U64(d.action, SB_RPC_ACTION_DROP);
    SBT_ERR_EQ(d.reason, SB_ERR_RPC_CHANNEL);
    SBT_CHECK(d.env.root == NULL, "nothing kept for a dropped envelope");
    sb_rpc_channel_inbound_free(&d);
  }
}

static void inbound_rpc_invalid_envelope_with_a_cid_gets_rpc_error_1100(void) {
  /* RPC-VAL-001, RPC-VAL-003: RpcError{1100, cid}, connection stays open */
  static const struct {
    const char *data;
    int reason;
  } cases[] = {
      {"{\"t\":\"r\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_METHOD},
      {"{\"t\":\"r\",\"m\":7,\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_METHOD},
      {"{\"t\":\"q\",\"m\":\"x\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_TYPE},
      {"{\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_TYPE},
      {"{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":\"1\",\"message\":\"m\"}", SB_ERR_RPC_CODE},
      {"{\"t\":\"N\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_EVENT},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_rpc_inbound d;
    SBT_OK(decide("rpc", cases[i].data, SB_RPC_PROFILE_DOCUMENTS, &d));
    SBT_CHECK(d.action == SB_RPC_ACTION_REPLY_RPC_ERROR, "%s: action %d", cases[i].data, d.action);
    SBT_ERR_EQ(d.reason, cases[i].reason);
    SBT_HEX_EQ(d.cid, sizeof d.cid, CID_HEX);
    sb_rpc_channel_inbound_free(&d);
  }
  /* The reply, byte for byte. */
  static const uint8_t cid[SB_RPC_CID_BYTES] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                                0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  uint8_t buf[256];
  size_t len;
  SBT_OK(sb_rpc_channel_invalid_envelope_reply(cid, SB_ERR_RPC_METHOD, buf, sizeof buf, &len));
  const char *want = "{\"t\":\"E\",\"cid\":\"" CID_HEX
                     "\",\"code\":1100,\"message\":"
                     "\"Invalid envelope: request m missing or not a string\"}";
  SBT_CHECK(len == strlen(want) && memcmp(buf, want, len) == 0, "reply: %.*s", (int)len, buf);
  SBT_ERR_EQ(sb_rpc_channel_invalid_envelope_reply(NULL, 0, buf, sizeof buf, &len), SB_ERR_ARG);
}

static void inbound_rpc_invalid_envelope_without_a_cid_gets_error_frame_1002(void) {
  /* RPC-VAL-002, RPC-VAL-003, RPC-VAL-005 */
  static const struct {
    const char *data;
    int reason;
  } cases[] = {
      {"", SB_ERR_RPC_JSON},
      {"not json", SB_ERR_RPC_JSON},
      {"[]", SB_ERR_RPC_NOT_OBJECT},
      {"null", SB_ERR_RPC_NOT_OBJECT},
      {"{\"t\":\"r\",\"m\":\"x\"}", SB_ERR_RPC_CID},
      {"{\"t\":\"r\",\"m\":\"x\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", SB_ERR_RPC_CID},
      {"{\"t\":\"R\",\"cid\":[1,2]}", SB_ERR_RPC_CID},
      {"{\"t\":\"r\",\"m\":\"\xff\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_UTF8},
      {"{\"t\":\"r\",\"m\":\"a\\u0000\",\"cid\":\"" CID_HEX "\"}", SB_ERR_JSON_NUL},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_rpc_inbound d;
    SBT_OK(decide("rpc", cases[i].data, SB_RPC_PROFILE_DOCUMENTS, &d));
    SBT_CHECK(d.action == SB_RPC_ACTION_REPLY_ERROR_FRAME, "%s: action %d", cases[i].data,
              d.action);
    SBT_EQ_U64(d.error_code, 1002);
    SBT_STR_EQ(d.error_message, "Malformed RPC envelope");
    SBT_ERR_EQ(d.reason, cases[i].reason);
    sb_rpc_channel_inbound_free(&d);
  }
}

static void inbound_router_profile_answers_every_bad_rpc_envelope_with_1002(void) {
  /* RPC-VAL-006, RPC-RTR-007: upstream's Router (errata E-RPC-3) */
  sb_rpc_inbound d;
  SBT_OK(decide("rpc", "{\"t\":\"r\",\"cid\":\"" CID_HEX "\"}", SB_RPC_PROFILE_ROUTER, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_REPLY_ERROR_FRAME);
  SBT_EQ_U64(d.error_code, 1002);
  SBT_ERR_EQ(d.reason, SB_ERR_RPC_METHOD);
  sb_rpc_channel_inbound_free(&d);
  /* Its decoder reads ill-formed UTF-8 leniently (E-RPC-1). */
  SBT_OK(decide("rpc", "{\"t\":\"r\",\"m\":\"\xff\",\"cid\":\"" CID_HEX "\"}",
                SB_RPC_PROFILE_ROUTER, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_REQUEST);
  SBT_STR_EQ(d.env.m, "\xef\xbf\xbd");
  sb_rpc_channel_inbound_free(&d);
}

static void inbound_event_delivers_notifications_and_drops_the_rest(void) {
  /* EVT-001, EVT-002, EVT-003, RPC-VAL-004, RPC-NOT-001: never an ErrorFrame or RpcError */
  sb_rpc_inbound d;
  SBT_OK(decide("event", "{\"t\":\"N\",\"e\":\"task.completed\",\"d\":{\"taskId\":\"abc\"}}",
                SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_EVENT);
  SBT_STR_EQ(d.env.e, "task.completed");
  SBT_CHECK(cJSON_IsObject(d.env.d), "d delivered");
  SBT_EQ_U64(d.env.cid_len, 0);
  sb_rpc_channel_inbound_free(&d);

  static const struct {
    const char *data;
    int reason;
  } cases[] = {
      {"{\"t\":\"r\",\"m\":\"x\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_CHANNEL},
      {"{\"t\":\"R\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_CHANNEL},
      {"{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":1,\"message\":\"m\"}", SB_ERR_RPC_CHANNEL},
      {"not json", SB_ERR_RPC_JSON},
      {"", SB_ERR_RPC_JSON},
      {"{\"t\":\"N\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_EVENT},
      {"{\"t\":\"N\",\"e\":5}", SB_ERR_RPC_EVENT},
      {"{\"t\":\"r\",\"cid\":\"" CID_HEX "\"}", SB_ERR_RPC_METHOD},
      {"{\"t\":\"N\",\"e\":\"\xff\"}", SB_ERR_RPC_UTF8},
      {"7", SB_ERR_RPC_NOT_OBJECT},
  };
  for (int p = SB_RPC_PROFILE_DOCUMENTS; p <= SB_RPC_PROFILE_ROUTER; p++) {
    for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
      if (p == SB_RPC_PROFILE_ROUTER && cases[i].reason == SB_ERR_RPC_UTF8) continue;
      SBT_OK(decide("event", cases[i].data, (sb_rpc_profile)p, &d));
      SBT_CHECK(d.action == SB_RPC_ACTION_DROP, "profile %d %s: action %d", p, cases[i].data,
                d.action);
      SBT_ERR_EQ(d.reason, cases[i].reason);
      sb_rpc_channel_inbound_free(&d);
    }
  }
}

static void inbound_event_names_are_not_checked_against_the_grammar(void) {
  /* EVT-DSP-004: any string e is delivered; patterns then apply to it raw */
  sb_rpc_inbound d;
  SBT_OK(
      decide("event", "{\"t\":\"N\",\"e\":\"not a valid name..*\"}", SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_EVENT);
  SBT_STR_EQ(d.env.e, "not a valid name..*");
  sb_rpc_channel_inbound_free(&d);
}

static void inbound_app_subjects_are_never_parsed(void) {
  /* RPC-CH-003 */
  static const char *datas[] = {"\x00\x01", "not json",
                                "{\"t\":\"r\",\"m\":\"x\",\"cid\":\"" CID_HEX "\"}", ""};
  for (size_t i = 0; i < SB_ARRAY_LEN(datas); i++) {
    sb_rpc_inbound d;
    size_t len = i == 0 ? 2 : strlen(datas[i]); /* the first holds a NUL byte */
    SBT_OK(sb_rpc_channel_inbound("app/raw", 7, (const uint8_t *)datas[i], len,
                                  SB_RPC_PROFILE_DOCUMENTS, &d));
    SBT_EQ_U64(d.action, SB_RPC_ACTION_APP);
    SBT_CHECK(d.env.root == NULL && d.reason == 0, "nothing decoded");
    sb_rpc_channel_inbound_free(&d);
  }
}

static void inbound_stream_and_unknown_subjects_get_sbp_error_frames(void) {
  /* SBP-SUBJ-005, SBP-SUBJ-006 (the answer SBP gives; the envelope is not read) */
  sb_rpc_inbound d;
  SBT_OK(decide("stream", "{\"t\":\"r\"}", SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_REPLY_ERROR_FRAME);
  SBT_EQ_U64(d.error_code, 1003);
  SBT_STR_EQ(d.error_message, "Unsupported feature: stream");
  SBT_ERR_EQ(d.reason, SB_ERR_SBP_SUBJECT_RESERVED);
  SBT_EQ_U64(sb_err_lookup(d.reason)->proto_code, d.error_code);
  sb_rpc_channel_inbound_free(&d);
  SBT_OK(decide("rpc/getUser", "{}", SB_RPC_PROFILE_DOCUMENTS, &d));
  SBT_EQ_U64(d.action, SB_RPC_ACTION_REPLY_ERROR_FRAME);
  SBT_EQ_U64(d.error_code, 1002);
  SBT_STR_EQ(d.error_message, "Invalid subject namespace");
  SBT_ERR_EQ(d.reason, SB_ERR_SBP_SUBJECT_NAMESPACE);
  SBT_EQ_U64(sb_err_lookup(d.reason)->proto_code, d.error_code);
  sb_rpc_channel_inbound_free(&d);
}

static void inbound_never_decides_to_close_the_connection(void) {
  /* RPC-VAL-003, RPC-ERR-002: an invalid envelope or any RpcError is answered
   * or dropped; the decision has no way to close */
  static const char *datas[] = {
      "{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":1100,\"message\":\"bad\"}",
      "{\"t\":\"E\",\"cid\":\"" CID_HEX "\",\"code\":1000}",
      "{\"t\":\"E\",\"code\":1000,\"message\":\"no cid\"}",
      "}{",
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(datas); i++) {
    sb_rpc_inbound d;
    SBT_OK(decide("rpc", datas[i], SB_RPC_PROFILE_DOCUMENTS, &d));
    static const sb_rpc_action want[] = {SB_RPC_ACTION_RESPONSE, SB_RPC_ACTION_REPLY_RPC_ERROR,
                                         SB_RPC_ACTION_REPLY_ERROR_FRAME,
                                         SB_RPC_ACTION_REPLY_ERROR_FRAME};
    SBT_CHECK(d.action == want[i], "%s: action %d", datas[i], d.action);
    sb_rpc_channel_inbound_free(&d);
  }
}

static void inbound_rejects_bad_arguments(void) {
  sb_rpc_inbound d;
  SBT_ERR_EQ(sb_rpc_channel_inbound(NULL, 0, NULL, 0, SB_RPC_PROFILE_DOCUMENTS, &d), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_channel_inbound("rpc", 3, NULL, 1, SB_RPC_PROFILE_DOCUMENTS, &d), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_channel_inbound("rpc", 3, NULL, 0, (sb_rpc_profile)7, &d), SB_ERR_ARG);
  SBT_ERR_EQ(sb_rpc_channel_inbound("rpc", 3, NULL, 0, SB_RPC_PROFILE_DOCUMENTS, NULL), SB_ERR_ARG);
  sb_rpc_channel_inbound_free(NULL);
}

static void method_not_found_reply_in_router_and_peer_forms(void) {
  /* RPC-ERR-004 (Router text), RPC-SDK-013 (Peer text; rpc.md section 2.1 example) */
  uint8_t cid[SB_RPC_CID_BYTES];
  for (unsigned i = 0; i < sizeof cid; i++) cid[i] = (uint8_t)i;
  uint8_t buf[256];
  size_t len;
  SBT_OK(sb_rpc_channel_method_not_found_reply(cid, "add", buf, sizeof buf, &len));
  const char *peer =
      "{\"t\":\"E\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"code\":1101,"
      "\"message\":\"Method not found: add\"}";
  SBT_CHECK(len == strlen(peer) && !memcmp(buf, peer, len), "peer form: %.*s", (int)len, buf);
  SBT_OK(sb_rpc_channel_method_not_found_reply(cid, NULL, buf, sizeof buf, &len));
  const char *router =
      "{\"t\":\"E\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"code\":1101,"
      "\"message\":\"Method not found\"}";
  SBT_CHECK(len == strlen(router) && !memcmp(buf, router, len), "router form: %.*s", (int)len, buf);
  SBT_ERR_EQ(sb_rpc_channel_method_not_found_reply(cid, NULL, buf, 10, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, strlen(router));
  SBT_ERR_EQ(sb_rpc_channel_method_not_found_reply(cid, "\xff", buf, sizeof buf, &len),
             SB_ERR_RPC_UTF8);
  SBT_ERR_EQ(sb_rpc_channel_method_not_found_reply(NULL, NULL, buf, sizeof buf, &len), SB_ERR_ARG);
}

/* ---- upstream Router ------------------------------------------------------------ */

/* What upstream's Router did with one inbound frame, against our decision. */
static bool router_case_matches(const cJSON *c, const sb_rpc_inbound *d, const char *name) {
  const cJSON *ef = sbt_get(c, "returned_error_frame");
  const cJSON *calls = sbt_get(c, "handler_invocations");
  const cJSON *sent = sbt_get(c, "sent_frames");
  const cJSON *warnings = sbt_get(c, "console_warnings");
  const cJSON *call = cJSON_GetArrayItem(calls, 0);
  const cJSON *sent0 = sbt_get(cJSON_GetArrayItem(sent, 0), "decoded");
  const char *subject = sbt_str(sbt_get(c, "inbound"), "subject");

  if (cJSON_IsObject(ef)) { /* an ErrorFrame answering the inbound frame */
    const cJSON *dec = sbt_get(ef, "decoded");
    const cJSON *code = sbt_get(dec, "code");
    return d->action == SB_RPC_ACTION_REPLY_ERROR_FRAME && cJSON_IsNumber(code) &&
           d->error_code == (unsigned)code->valuedouble && d->error_message &&
           sbt_str(dec, "message") && !strcmp(d->error_message, sbt_str(dec, "message")) &&
           !strcmp(sbt_str(dec, "frameId"), sbt_str(sbt_get(c, "inbound"), "frame_id"));
  }
  uint8_t buf[1024];
  size_t len;
  if (call && cJSON_IsObject(sbt_get(call, "rpc"))) { /* a request handler ran ... */
    const cJSON *rpc = sbt_get(call, "rpc");
    if (d->action != SB_RPC_ACTION_REQUEST) return false;
    bool same = d->env.m && !strcmp(d->env.m, sbt_str(rpc, "method")) &&
                hex_eq_free(cid_hex(d->env.cid), sbt_str(rpc, "cid"));
    char *want_p = value_hex(sbt_get(rpc, "params"));
    same = same && hex_eq_free(value_hex(d->env.p), want_p);
    free(want_p);
    /* ... and replied {"echoed": params}: our encoding of that reply */
    cJSON *result = cJSON_CreateObject();
    cJSON_AddItemToObject(result, "echoed", cJSON_Duplicate(d->env.p, true));
    sb_rpc_envelope reply = {.t = SB_RPC_SUCCESS, .cid_len = 16, .result = result};
    memcpy(reply.cid, d->env.cid, SB_RPC_CID_BYTES);
    same = same && sb_rpc_envelope_encode(&reply, buf, sizeof buf, &len) == SB_OK &&
           hex_eq_free(sbt_hex(buf, len), sbt_str(sent0, "data")) &&
           !strcmp(sbt_str(sent0, "subject"), "rpc");
    cJSON_Delete(result);
    SBT_CHECK(same, "%s: request or its reply differs", name);
    return same;
  }
  if (call) { /* event or app handlers got the raw payload */
    sb_rpc_action want = !strcmp(subject, "event") ? SB_RPC_ACTION_EVENT : SB_RPC_ACTION_APP;
    return d->action == want && cJSON_GetArraySize(sent) == 0;
  }
  if (sent0) { /* no handler: the Router answered 1101 "Method not found" */
    return d->action == SB_RPC_ACTION_REQUEST &&
           sb_rpc_channel_method_not_found_reply(d->env.cid, NULL, buf, sizeof buf, &len) ==
               SB_OK &&
           hex_eq_free(sbt_hex(buf, len), sbt_str(sent0, "data")) &&
           !strcmp(sbt_str(sent0, "subject"), "rpc");
  }
  /* Nothing sent, no handler: a drop (logged when upstream warned), or a
   * response the Router leaves to the correlation manager (RPC-CH-005). */
  const char *warning = cJSON_GetStringValue(cJSON_GetArrayItem(warnings, 0));
  if (warning && strstr(warning, "non-notification"))
    return d->action == SB_RPC_ACTION_DROP && d->reason == SB_ERR_RPC_CHANNEL;
  if (warning && strstr(warning, "invalid envelope"))
    return d->action == SB_RPC_ACTION_DROP && sb_err_lookup(d->reason) &&
           sb_err_lookup(d->reason)->proto_code == SB_RPC_CODE_INVALID_ENVELOPE;
  if (d->action == SB_RPC_ACTION_RESPONSE)
    return d->env.t == SB_RPC_SUCCESS || d->env.t == SB_RPC_ERROR;
  return d->action == SB_RPC_ACTION_DROP;
}

static void upstream_router_dispatch_decisions(void) {
  /* RPC-CH-002, RPC-CH-003, RPC-CH-005, RPC-VAL-002, RPC-VAL-004, RPC-VAL-006,
   * RPC-RTR-004, RPC-ERR-004, RPC-CID-002, EVT-003 */
  cJSON *root = sbt_load_json("upstream/upstream-rpc.json");
  const cJSON *list = sbt_get(root, "router_dispatch");
  SBT_EQ_U64(cJSON_GetArraySize(list), 10);
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    const cJSON *in = sbt_get(c, "inbound");
    const char *subject = sbt_str(in, "subject");
    size_t len;
    uint8_t *data = sbt_unhex(sbt_str(in, "data_hex"), &len);
    bool both = true;
    /* The Router's profile, and the documents' (they agree on every case). */
    for (int p = SB_RPC_PROFILE_ROUTER; p >= SB_RPC_PROFILE_DOCUMENTS; p--) {
      sb_rpc_inbound d;
      int rc = sb_rpc_channel_inbound(subject, strlen(subject), data ? data : (uint8_t *)"", len,
                                      (sb_rpc_profile)p, &d);
      bool same = rc == SB_OK && router_case_matches(c, &d, sbt_str(c, "name"));
      SBT_CHECK(same, "%s (profile %d): decision %d reason %s", sbt_str(c, "name"), p, d.action,
                sb_err_name(d.reason));
      both = both && same;
      sb_rpc_channel_inbound_free(&d);
    }
    if (both) sbt_count_upstream_value();
    free(data);
  }
  cJSON_Delete(root);
}

SBT_SUITE(rpc_channel, "rpc/channel", SBT_CASE(channel_of_compares_subjects_exactly),
          SBT_CASE(upstream_subject_channels_and_prefixes),
          SBT_CASE(channel_allows_rRE_on_rpc_and_N_on_event),
          SBT_CASE(inbound_rpc_dispatches_requests_and_passes_responses_on),
          SBT_CASE(inbound_rpc_drops_a_notification_silently),
          SBT_CASE(inbound_rpc_invalid_envelope_with_a_cid_gets_rpc_error_1100),
          SBT_CASE(inbound_rpc_invalid_envelope_without_a_cid_gets_error_frame_1002),
          SBT_CASE(inbound_router_profile_answers_every_bad_rpc_envelope_with_1002),
          SBT_CASE(inbound_event_delivers_notifications_and_drops_the_rest),
          SBT_CASE(inbound_event_names_are_not_checked_against_the_grammar),
          SBT_CASE(inbound_app_subjects_are_never_parsed),
          SBT_CASE(inbound_stream_and_unknown_subjects_get_sbp_error_frames),
          SBT_CASE(inbound_never_decides_to_close_the_connection),
          SBT_CASE(inbound_rejects_bad_arguments),
          SBT_CASE(method_not_found_reply_in_router_and_peer_forms),
          SBT_CASE(upstream_router_dispatch_decisions))
