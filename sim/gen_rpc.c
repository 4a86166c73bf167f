/*
 * Vectors of the RPC and event layers (../shared/spec/rpc.md, events.md):
 *
 *   rpc-envelopes.json  envelopes as a receiver decodes them from Message
 *                       data (each `t` on each channel, cid, required and
 *                       extra members, JSON edge cases) and as a sender
 *                       encodes them (every upstream shape, and refusals)
 *   events.json         event names and patterns: validation and matching
 *
 * Envelope inputs are written as the JSON text they are (C string literals);
 * bytes that are not UTF-8 are spelled as \x escapes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "vec_ops.h"

/* Fail generation unless running `type` on `input` gives output member `key`
 * equal to the JSON text `want`, or, with `want` NULL, no such member: the
 * values a case is about are stated by the author, not only taken from the
 * reference. */
static void require_output(sbv_gen *g, const char *type, const cJSON *input, const char *key,
                           const char *want) {
  sbv_answer a;
  char msg[SBV_MSG_SIZE];
  cJSON *w = want ? cJSON_Parse(want) : NULL;
  const cJSON *got = NULL;
  bool ran = sbv_op_run(type, input, &a, msg) == 0 && a.result == SBV_VALID;
  if (ran && a.output) got = cJSON_GetObjectItemCaseSensitive(a.output, key);
  bool ok = ran && (want ? w && got && cJSON_Compare(w, got, true) : !got);
  if (!ok) {
    char *s = got ? cJSON_PrintUnformatted(got) : NULL;
    sbv_gen_error(g, "%s: output.%s should be %s, the reference gives %s", type, key,
                  want ? want : "absent", s ? s : "nothing");
    free(s);
  }
  cJSON_Delete(w);
  sbv_answer_clear(&a);
}

/* ---- rpc-envelopes.json: decoding ---------------------------------------------- */

#define CID "0123456789abcdeffedcba9876543210"
#define CIDM ",\"cid\":\"" CID "\""

static cJSON *dec_input(const char *subject, const void *data, size_t n) {
  char *hex = sbv_gen_hex(data, n);
  cJSON *in = sbv_gen_input("subject", subject, "data", hex ? hex : "", NULL);
  free(hex);
  return in;
}

static void dec(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                const char *subject, const char *text, const char *expect) {
  sbv_gen_case(g, comment, reqs, flags, dec_input(subject, text, strlen(text)), expect);
}

/* A valid decode whose output member `key` must be `want` (NULL: absent). */
static void dec_out(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                    const char *subject, const char *text, const char *key, const char *want) {
  cJSON *in = dec_input(subject, text, strlen(text));
  require_output(g, "rpc.envelope.decode", in, key, want);
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

/* The upstream envelope shapes (upstream-rpc.json `envelopes`), valid on
 * their channel; each is decoded and encoded. */
static const struct {
  const char *comment, *reqs, *subject, *text;
} shapes[] = {
    {"request with params (request_with_params)", "RPC-ENV-001 RPC-ENV-003 RPC-CH-001 RPC-RTR-004",
     "rpc", "{\"t\":\"r\",\"m\":\"math.add\"" CIDM ",\"p\":{\"a\":2,\"b\":3}}"},
    {"request without params (request_no_params)", "RPC-ENV-003 RPC-ENV-002 RPC-CH-001", "rpc",
     "{\"t\":\"r\",\"m\":\"system.ping\"" CIDM "}"},
    {"request with array params and non-ASCII text (request_params_array_unicode)",
     "RPC-ENV-001 RPC-ENV-003", "rpc",
     "{\"t\":\"r\",\"m\":\"chat.send\"" CIDM ",\"p\":[\"h\xc3\xa9llo\",1.5,null,true]}"},
    {"success with result (response_with_result)", "RPC-ENV-004 RPC-CID-002 RPC-CH-001", "rpc",
     "{\"t\":\"R\"" CIDM ",\"result\":{\"sum\":5}}"},
    {"success without result (response_no_result)", "RPC-ENV-004 RPC-ENV-002", "rpc",
     "{\"t\":\"R\"" CIDM "}"},
    {"success with result null (response_result_null)", "RPC-ENV-004 RPC-ENV-002", "rpc",
     "{\"t\":\"R\"" CIDM ",\"result\":null}"},
    {"error 1101 Method not found, no data (error_no_data)",
     "RPC-ENV-005 RPC-ERR-004 RPC-ERR-001 RPC-CID-002", "rpc",
     "{\"t\":\"E\"" CIDM ",\"code\":1101,\"message\":\"Method not found\"}"},
    {"error 2000 with data (error_with_data)", "RPC-ENV-005 RPC-ERR-001", "rpc",
     "{\"t\":\"E\"" CIDM ",\"code\":2000,\"message\":\"boom\",\"data\":{\"retry\":false}}"},
    {"notification with data (notification_with_data)",
     "RPC-ENV-006 RPC-NOT-001 RPC-CH-001 EVT-001 EVT-002", "event",
     "{\"t\":\"N\",\"e\":\"user.joined\",\"d\":{\"id\":\"u1\"}}"},
    {"notification without data (notification_no_data)", "RPC-ENV-006 RPC-NOT-001 EVT-001", "event",
     "{\"t\":\"N\",\"e\":\"heartbeat\"}"},
};

static void decode_channels(sbv_gen *g) {
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    dec(g, shapes[i].comment, shapes[i].reqs, NULL, shapes[i].subject, shapes[i].text, "valid");

  dec_out(g, "success without result: result absent, not null", "RPC-ENV-002 RPC-ENV-004", NULL,
          "rpc", "{\"t\":\"R\"" CIDM "}", "result", NULL);
  dec_out(g, "success with result null: null kept", "RPC-ENV-002 RPC-ENV-004", NULL, "rpc",
          "{\"t\":\"R\"" CIDM ",\"result\":null}", "result", "null");
  dec_out(g, "success with result false", "RPC-ENV-004", NULL, "rpc",
          "{\"t\":\"R\"" CIDM ",\"result\":false}", "result", "false");
  dec_out(g, "request with params null: null kept", "RPC-ENV-002 RPC-ENV-003", NULL, "rpc",
          "{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":null}", "p", "null");
  dec_out(g, "error with data null: null kept", "RPC-ENV-002 RPC-ENV-005", NULL, "rpc",
          "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":\"m\",\"data\":null}", "data", "null");
  dec_out(g, "notification with d null: null kept", "RPC-ENV-002 RPC-ENV-006", NULL, "event",
          "{\"t\":\"N\",\"e\":\"x\",\"d\":null}", "d", "null");
  dec_out(g, "notification without d: d absent", "RPC-ENV-002 RPC-ENV-006", NULL, "event",
          "{\"t\":\"N\",\"e\":\"x\"}", "d", NULL);

  /* Each type on the wrong channel. */
  dec(g, "request on event", "RPC-CH-001 RPC-CH-002 EVT-003 RPC-ERR-001", NULL, "event",
      "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "invalid:1104");
  dec(g, "success on event", "RPC-CH-001 RPC-CH-002 EVT-003", NULL, "event",
      "{\"t\":\"R\"" CIDM ",\"result\":1}", "invalid:1104");
  dec(g, "error on event", "RPC-CH-001 RPC-CH-002 EVT-003", NULL, "event",
      "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":\"m\"}", "invalid:1104");
  dec(g, "notification on rpc", "RPC-CH-001 RPC-CH-002 RPC-NOT-001", NULL, "rpc",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");

  /* Subjects that carry no envelopes at all. */
  dec(g, "valid request on app/x: app/ payloads are not RPC", "RPC-CH-003", NULL, "app/x",
      "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "invalid:1104");
  dec(g, "notification on app/events", "RPC-CH-003", NULL, "app/events",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
  dec(g, "app/ with data that is not JSON: not parsed, so not 1100", "RPC-CH-003", NULL, "app/",
      "{bad json", "invalid:1104");
  dec(g, "notification on stream (reserved, no envelopes)", "RPC-CH-001", NULL, "stream",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
  dec(g, "request on old-style subject rpc/add", "RPC-CH-001", NULL, "rpc/add",
      "{\"t\":\"r\",\"m\":\"add\"" CIDM "}", "invalid:1104");
  dec(g, "request on subject RPC: channels are exact", "RPC-CH-001", NULL, "RPC",
      "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "invalid:1104");
  dec(g, "notification on old-style subject event/x", "RPC-CH-001", NULL, "event/x",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
}

static void decode_cid(sbv_gen *g) {
  static const struct {
    const char *cid, *comment;
  } bad[] = {
      {"\"123456789abcdeffedcba9876543210\"", "cid of 31 hex characters"},
      {"\"0123456789abcdeffedcba98765432100\"", "cid of 33 hex characters"},
      {"\"0123456789ABCDEFFEDCBA9876543210\"", "cid in upper-case hex"},
      {"\"0123456789abcdefFedcba9876543210\"", "cid with one upper-case digit"},
      {"\"zz23456789abcdeffedcba9876543210\"", "cid of 32 characters, two not hex"},
      {"\"0123456789abcdeffedcba987654321g\"", "cid of 32 characters ending in g"},
      {"\"0x23456789abcdeffedcba9876543210\"", "cid of 32 characters with a 0x prefix"},
      {"\" 123456789abcdeffedcba9876543210\"", "cid of 32 characters with a leading space"},
      {"\"0123456789abcdeffedcba98765432100123456789abcdeffedcba9876543210\"",
       "cid of 64 hex characters (32 bytes)"},
      {"\"\"", "cid empty string"},
      {"123", "cid a number"},
      {"null", "cid null"},
      {"[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]", "cid an array of 16 byte values"},
      {"{}", "cid an object"},
  };
  char text[256], comment[128];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(text, sizeof text, "{\"t\":\"r\",\"m\":\"x\",\"cid\":%s}", bad[i].cid);
    snprintf(comment, sizeof comment, "request with %s", bad[i].comment);
    dec(g, comment, "RPC-ENV-007 RPC-ENV-003 RPC-ENV-008 RPC-ENV-009", NULL, "rpc", text,
        "invalid:1100");
  }
  dec_out(g, "request with cid of 32 lower-case hex characters: output as sent", "RPC-ENV-007",
          NULL, "rpc", "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "cid", "\"" CID "\"");
  dec(g, "request without cid", "RPC-ENV-003 RPC-ENV-008", NULL, "rpc", "{\"t\":\"r\",\"m\":\"x\"}",
      "invalid:1100");
  dec(g, "success without cid", "RPC-ENV-004 RPC-ENV-008", NULL, "rpc",
      "{\"t\":\"R\",\"result\":1}", "invalid:1100");
  dec(g, "error without cid", "RPC-ENV-005 RPC-ENV-008", NULL, "rpc",
      "{\"t\":\"E\",\"code\":1,\"message\":\"m\"}", "invalid:1100");
  dec(g, "success with an upper-case cid", "RPC-ENV-007 RPC-ENV-004", NULL, "rpc",
      "{\"t\":\"R\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", "invalid:1100");
  dec(g, "error with a 31-character cid", "RPC-ENV-007 RPC-ENV-005", NULL, "rpc",
      "{\"t\":\"E\",\"cid\":\"123456789abcdeffedcba9876543210\",\"code\":1,\"message\":\"m\"}",
      "invalid:1100");

  /* A cid on a notification is an extra member: ignored, not output. */
  dec_out(g, "notification with a valid cid: an ignored extra member",
          "RPC-ENV-006 RPC-ENV-008 EVT-002", "E-RPC-2", "event",
          "{\"t\":\"N\",\"e\":\"x\"" CIDM "}", "cid", NULL);
  dec_out(g, "notification with cid \"abc\": ignored, not checked", "RPC-ENV-006 EVT-002",
          "E-RPC-2", "event", "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"abc\"}", "cid", NULL);
  dec_out(g, "notification with cid 7: ignored", "RPC-ENV-006 EVT-002", "E-RPC-2", "event",
          "{\"t\":\"N\",\"e\":\"x\",\"cid\":7}", "cid", NULL);
}

static void decode_members(sbv_gen *g) {
  const char *m_req = "RPC-ENV-003 RPC-ENV-008 RPC-VAL-001";
  dec(g, "request without m (cid extractable: answered with RpcError 1100)", m_req, NULL, "rpc",
      "{\"t\":\"r\"" CIDM "}", "invalid:1100");
  dec(g, "request with m a number", m_req, NULL, "rpc", "{\"t\":\"r\",\"m\":5" CIDM "}",
      "invalid:1100");
  dec(g, "request with m null", m_req, NULL, "rpc", "{\"t\":\"r\",\"m\":null" CIDM "}",
      "invalid:1100");
  dec(g, "request with m an array", m_req, NULL, "rpc", "{\"t\":\"r\",\"m\":[\"x\"]" CIDM "}",
      "invalid:1100");
  dec(g, "request with m an object", m_req, NULL, "rpc", "{\"t\":\"r\",\"m\":{}" CIDM "}",
      "invalid:1100");
  dec_out(g, "request with m empty: accepted", "RPC-ENV-010 RPC-ENV-003", NULL, "rpc",
          "{\"t\":\"r\",\"m\":\"\"" CIDM "}", "m", "\"\"");

  const char *c_req = "RPC-ENV-005 RPC-ENV-008 RPC-VAL-001";
  dec(g, "error without code", c_req, NULL, "rpc", "{\"t\":\"E\"" CIDM ",\"message\":\"m\"}",
      "invalid:1100");
  dec(g, "error with code the string \"1\"", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":\"1\",\"message\":\"m\"}", "invalid:1100");
  dec(g, "error with code null", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":null,\"message\":\"m\"}", "invalid:1100");
  dec(g, "error with code true", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":true,\"message\":\"m\"}", "invalid:1100");
  dec(g, "error with code [1101]", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":[1101],\"message\":\"m\"}", "invalid:1100");
  dec_out(g, "error with code 1.5: any JSON number", "RPC-ENV-005", NULL, "rpc",
          "{\"t\":\"E\"" CIDM ",\"code\":1.5,\"message\":\"m\"}", "code", "1.5");
  dec_out(g, "error with code -1", "RPC-ENV-005", NULL, "rpc",
          "{\"t\":\"E\"" CIDM ",\"code\":-1,\"message\":\"m\"}", "code", "-1");
  dec_out(g, "error with code 1.101e3: the number 1101", "RPC-ENV-005", NULL, "rpc",
          "{\"t\":\"E\"" CIDM ",\"code\":1.101e3,\"message\":\"m\"}", "code", "1101");
  dec(g, "error without message", c_req, NULL, "rpc", "{\"t\":\"E\"" CIDM ",\"code\":1}",
      "invalid:1100");
  dec(g, "error with message a number", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":404}", "invalid:1100");
  dec(g, "error with message null", c_req, NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":null}", "invalid:1100");
  dec_out(g, "error with message empty: accepted", "RPC-ENV-010 RPC-ENV-005", NULL, "rpc",
          "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":\"\"}", "message", "\"\"");

  const char *e_req = "RPC-ENV-006 RPC-ENV-008 EVT-003";
  dec(g, "notification without e", e_req, NULL, "event", "{\"t\":\"N\",\"d\":1}", "invalid:1100");
  dec(g, "notification with e a number", e_req, NULL, "event", "{\"t\":\"N\",\"e\":1}",
      "invalid:1100");
  dec(g, "notification with e null", e_req, NULL, "event", "{\"t\":\"N\",\"e\":null}",
      "invalid:1100");
  dec(g, "notification with e an array", e_req, NULL, "event", "{\"t\":\"N\",\"e\":[\"x\"]}",
      "invalid:1100");
  dec_out(g, "notification with e empty: accepted", "RPC-ENV-010 RPC-ENV-006", NULL, "event",
          "{\"t\":\"N\",\"e\":\"\"}", "e", "\"\"");
  dec_out(g, "notification with e \"task.*\": event names are not checked on receipt",
          "EVT-DSP-004 RPC-ENV-006", NULL, "event", "{\"t\":\"N\",\"e\":\"task.*\"}", "e",
          "\"task.*\"");
  dec_out(g, "notification with e \"t\\u00e2che x\": raw name delivered", "EVT-DSP-004", NULL,
          "event", "{\"t\":\"N\",\"e\":\"t\\u00e2che x\"}", "e",
          "\"t\xc3\xa2"
          "che x\"");

  static const struct {
    const char *text, *comment;
  } bad_t[] = {
      {"{\"m\":\"x\"" CIDM "}", "t missing"},
      {"{\"t\":\"X\",\"m\":\"x\"}", "t \"X\""},
      {"{\"t\":\"n\",\"e\":\"x\"}", "t \"n\": types are case-sensitive"},
      {"{\"t\":\"e\"" CIDM ",\"code\":1,\"message\":\"m\"}", "t \"e\""},
      {"{\"t\":1}", "t the number 1"},
      {"{\"t\":\"rr\",\"m\":\"x\"" CIDM "}", "t \"rr\""},
      {"{\"t\":\"\",\"m\":\"x\"" CIDM "}", "t empty"},
      {"{\"t\":null,\"m\":\"x\"" CIDM "}", "t null"},
      {"{\"t\":[\"r\"],\"m\":\"x\"" CIDM "}", "t [\"r\"]"},
      {"{\"t\":\"r \",\"m\":\"x\"" CIDM "}", "t \"r \" with a space"},
  };
  for (size_t i = 0; i < sizeof bad_t / sizeof bad_t[0]; i++)
    dec(g, bad_t[i].comment, "RPC-ENV-008 RPC-ENV-009", NULL, "rpc", bad_t[i].text, "invalid:1100");

  /* Extra members are ignored (and not part of the output). */
  dec_out(g, "success with an extra member zzz: ignored", "RPC-ENV-008 RPC-ENV-004", NULL, "rpc",
          "{\"t\":\"R\"" CIDM ",\"result\":1,\"zzz\":true}", "result", "1");
  dec_out(g, "request with members of other types (result, e, code): ignored", "RPC-ENV-008", NULL,
          "rpc", "{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"result\":1,\"e\":\"y\",\"code\":\"z\"}",
          "result", NULL);
  dec_out(g, "notification with an extra member p: ignored", "RPC-ENV-008 RPC-ENV-006", NULL,
          "event", "{\"t\":\"N\",\"e\":\"x\",\"p\":{\"a\":1}}", "p", NULL);

  /* Error order: an invalid envelope is reported before the channel. */
  dec(g, "notification without e on rpc: invalid envelope (1100) before the channel (1104)",
      "RPC-ENV-006 RPC-CH-002 RPC-ENV-009", NULL, "rpc", "{\"t\":\"N\"}", "invalid:1100");
  dec(g, "request without m on event: invalid envelope before the channel",
      "RPC-ENV-003 RPC-CH-002 EVT-003", NULL, "event", "{\"t\":\"r\"" CIDM "}", "invalid:1100");
  dec(g, "request with an upper-case cid on event: invalid envelope before the channel",
      "RPC-ENV-007 RPC-CH-002", NULL, "event",
      "{\"t\":\"r\",\"m\":\"x\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", "invalid:1100");
  dec(g, "error without cid and without code: invalid either way", "RPC-ENV-005 RPC-ENV-008", NULL,
      "rpc", "{\"t\":\"E\",\"message\":\"m\"}", "invalid:1100");
}

static void decode_json(sbv_gen *g) {
  const char *j = "RPC-ENV-001 RPC-ENV-008 RPC-ENV-009";
  dec(g, "JSON null", j, NULL, "rpc", "null", "invalid:1100");
  dec(g, "JSON array []", j, "E-RPC-4", "rpc", "[]", "invalid:1100");
  dec(g, "JSON array holding a valid envelope", j, "E-RPC-4", "event",
      "[{\"t\":\"N\",\"e\":\"x\"}]", "invalid:1100");
  dec(g, "JSON number 42", j, NULL, "rpc", "42", "invalid:1100");
  dec(g, "JSON string \"r\"", j, NULL, "rpc", "\"r\"", "invalid:1100");
  dec(g, "JSON true", j, NULL, "event", "true", "invalid:1100");
  dec(g, "empty object", j, NULL, "rpc", "{}", "invalid:1100");
  dec(g, "malformed JSON \"{bad json\"", j, NULL, "rpc", "{bad json", "invalid:1100");
  dec(g, "empty data", j, NULL, "rpc", "", "invalid:1100");
  dec(g, "whitespace only", j, NULL, "event", " \n", "invalid:1100");
  dec(g, "object cut short", j, NULL, "event", "{\"t\":\"N\",\"e\":\"x\"", "invalid:1100");
  dec(g, "two envelopes in one Message", j, NULL, "event",
      "{\"t\":\"N\",\"e\":\"x\"}{\"t\":\"N\",\"e\":\"y\"}", "invalid:1100");
  dec_out(g, "whitespace around the object (space, LF, TAB)", "RPC-ENV-001", NULL, "event",
          " \n {\"t\":\"N\",\"e\":\"x\"} \t", "e", "\"x\"");
  dec(g, "UTF-8 BOM before the object: a JSON parser MAY ignore it", "RPC-ENV-001", "JsonBom",
      "event", "\xef\xbb\xbf{\"t\":\"N\",\"e\":\"x\"}", "acceptable");

  /* Not UTF-8: the envelope is UTF-8 JSON. */
  dec(g, "byte ff inside e: not UTF-8", "RPC-ENV-001", "E-RPC-1", "event",
      "{\"t\":\"N\",\"e\":\"\xff\"}", "invalid:1100");
  dec(g, "overlong encoding (c1 81) inside m", "RPC-ENV-001", "E-RPC-1", "rpc",
      "{\"t\":\"r\",\"m\":\"\xc1\x81\"" CIDM "}", "invalid:1100");
  dec(g, "encoded surrogate (ed a0 80) inside d, a member the receiver does not check",
      "RPC-ENV-001", "E-RPC-1", "event", "{\"t\":\"N\",\"e\":\"x\",\"d\":\"\xed\xa0\x80\"}",
      "invalid:1100");
  dec(g, "truncated 2-byte sequence at the end of the data", "RPC-ENV-001", "E-RPC-1", "event",
      "{\"t\":\"N\",\"e\":\"x\"}\xc3", "invalid:1100");

  /* Text a lenient parser accepts but RFC 8259 does not. */
  static const struct {
    const char *text, *comment;
  } lenient[] = {
      {"{\"t\":\"r\",\"m\":\"\\uzzzz\"" CIDM "}",
       "invalid escape \\uzzzz in m (cJSON alone reads \"\")"},
      {"{\"t\":\"r\",\"m\":\"\\u0 01\"" CIDM "}", "invalid escape \\u0 01 in m"},
      {"{\"t\":\"r\",\"m\":\"\\u12\"" CIDM "}", "escape \\u12 with 2 hex digits"},
      {"{\"t\":\"r\",\"m\":\"\\x41\"" CIDM "}", "escape \\x41"},
      {"{\"t\":\"r\",\"m\":\"\\'\"" CIDM "}", "escape \\'"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":01}", "number 01 with a leading zero"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":-0300}", "number -0300"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":200.}", "number 200. without fraction digits"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":-.1}", "number -.1 without integer digits"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":+1}", "number +1"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":1e}", "number 1e without exponent digits"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":0x10}", "hexadecimal number 0x10"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":NaN}", "NaN literal"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":Infinity}", "Infinity literal"},
      {"{\"t\":\"r\",\"m\":\"a\x01\"" CIDM "}", "raw control character 01 inside m"},
      {"{\"t\":\"r\",\"m\":\"a\tb\"" CIDM "}", "raw TAB inside m"},
      {"{\"t\":\"r\",\"m\":'x'" CIDM "}", "single-quoted string"},
      {"{t:\"r\",\"m\":\"x\"" CIDM "}", "unquoted member name"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",}", "trailing comma in the object"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":[1,]}", "trailing comma in an array"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM "} // c", "comment after the object"},
      {"{\"t\":\"r\" \"m\":\"x\"" CIDM "}", "missing comma"},
      {"{\"t\" \"r\",\"m\":\"x\"" CIDM "}", "missing colon"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM "}}", "extra closing brace"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":tru}", "truncated literal tru"},
      {"{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":True}", "literal True"},
  };
  for (size_t i = 0; i < sizeof lenient / sizeof lenient[0]; i++)
    dec(g, lenient[i].comment, "RPC-ENV-001 RPC-ENV-008", "E-COMMON-1", "rpc", lenient[i].text,
        "invalid:1100");

  dec(g, "lone high surrogate escape \\ud800 in e", "RPC-ENV-001", "E-RPC-7", "event",
      "{\"t\":\"N\",\"e\":\"\\ud800\"}", "invalid:1100");
  dec(g, "lone low surrogate escape \\udc00 in m", "RPC-ENV-001", "E-RPC-7", "rpc",
      "{\"t\":\"r\",\"m\":\"\\udc00\"" CIDM "}", "invalid:1100");
  dec_out(g, "surrogate pair escape \\ud83d\\ude00 in e: U+1F600", "RPC-ENV-001", NULL, "event",
          "{\"t\":\"N\",\"e\":\"\\ud83d\\ude00\"}", "e", "\"\xf0\x9f\x98\x80\"");
  dec_out(g, "member name written as an escape (\\u0074 is t)", "RPC-ENV-001", NULL, "event",
          "{\"\\u0074\":\"N\",\"e\":\"x\"}", "t", "\"N\"");
  dec_out(g, "t given twice: the last one (R) counts", "RPC-ENV-008 RPC-ENV-004", "DuplicateNames",
          "rpc", "{\"t\":\"N\",\"t\":\"R\"" CIDM "}", "t", "\"R\"");
  dec(g, "t given twice: the last one (N) counts, wrong channel", "RPC-ENV-008 RPC-CH-002",
      "DuplicateNames", "rpc", "{\"t\":\"R\"" CIDM ",\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
  dec_out(g, "cid given twice, bad then good: the last one counts", "RPC-ENV-007", "DuplicateNames",
          "rpc", "{\"t\":\"R\",\"cid\":\"x\"" CIDM "}", "cid", "\"" CID "\"");
  dec(g, "cid given twice, good then bad: the last one counts", "RPC-ENV-007", "DuplicateNames",
      "rpc", "{\"t\":\"R\"" CIDM ",\"cid\":\"x\"}", "invalid:1100");
}

/* ---- rpc-envelopes.json: encoding ---------------------------------------------- */

static void enc(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                const char *subject, const char *envelope, const char *expect) {
  cJSON *env = cJSON_Parse(envelope);
  if (!env) {
    sbv_gen_error(g, "rpc.envelope.encode: case \"%s\": envelope is not JSON", comment);
    return;
  }
  cJSON *in = sbv_gen_input("subject", subject, NULL);
  cJSON_AddItemToObject(in, "envelope", env);
  sbv_gen_case(g, comment, reqs, flags, in, expect);
}

static void encode_cases(sbv_gen *g) {
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
    enc(g, shapes[i].comment, shapes[i].reqs, NULL, shapes[i].subject, shapes[i].text, "valid");
  enc(g, "request with params null: null is written, not omitted", "RPC-ENV-002 RPC-ENV-003", NULL,
      "rpc", "{\"t\":\"r\",\"m\":\"x\"" CIDM ",\"p\":null}", "valid");
  enc(g, "request with an empty method name", "RPC-ENV-010 RPC-ENV-003", NULL, "rpc",
      "{\"t\":\"r\",\"m\":\"\"" CIDM "}", "valid");
  enc(g, "error with code 1100 and empty message", "RPC-ENV-005 RPC-ENV-010 RPC-ERR-001", NULL,
      "rpc", "{\"t\":\"E\"" CIDM ",\"code\":1100,\"message\":\"\"}", "valid");
  enc(g, "notification with an empty event name and d null", "RPC-ENV-006 RPC-ENV-002 RPC-ENV-010",
      NULL, "event", "{\"t\":\"N\",\"e\":\"\",\"d\":null}", "valid");
  enc(g, "notification with nested data and non-ASCII text", "RPC-ENV-006 EVT-001", NULL, "event",
      "{\"t\":\"N\",\"e\":\"task.completed\",\"d\":{\"taskId\":\"abc\",\"n\":[1,2.5,-3],"
      "\"s\":\"\xe2\x82\xac \\\"q\\\"\"}}",
      "valid");

  /* What a conformant encoder must refuse. */
  enc(g, "refuse a 15-byte cid (30 hex characters)", "RPC-ENV-007 RPC-CID-001", "E-RPC-5", "rpc",
      "{\"t\":\"r\",\"m\":\"x\",\"cid\":\"000000000000000000000000000000\"}", "invalid:1100");
  enc(g, "refuse a 17-byte cid (34 hex characters)", "RPC-ENV-007", "E-RPC-5", "rpc",
      "{\"t\":\"R\",\"cid\":\"0123456789abcdeffedcba987654321000\"}", "invalid:1100");
  enc(g, "refuse an upper-case cid", "RPC-ENV-007", NULL, "rpc",
      "{\"t\":\"R\",\"cid\":\"0123456789ABCDEFFEDCBA9876543210\"}", "invalid:1100");
  enc(g, "refuse a request without cid", "RPC-ENV-003", NULL, "rpc", "{\"t\":\"r\",\"m\":\"x\"}",
      "invalid:1100");
  enc(g, "refuse a success without cid", "RPC-ENV-004", NULL, "rpc", "{\"t\":\"R\",\"result\":1}",
      "invalid:1100");
  enc(g, "refuse an error without cid", "RPC-ENV-005", NULL, "rpc",
      "{\"t\":\"E\",\"code\":1,\"message\":\"m\"}", "invalid:1100");
  enc(g, "refuse a request without method", "RPC-ENV-003", NULL, "rpc", "{\"t\":\"r\"" CIDM "}",
      "invalid:1100");
  enc(g, "refuse a request whose method is a number", "RPC-ENV-003", NULL, "rpc",
      "{\"t\":\"r\",\"m\":5" CIDM "}", "invalid:1100");
  enc(g, "refuse an error without code", "RPC-ENV-005", NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"message\":\"m\"}", "invalid:1100");
  enc(g, "refuse an error without message", "RPC-ENV-005", NULL, "rpc",
      "{\"t\":\"E\"" CIDM ",\"code\":1}", "invalid:1100");
  enc(g, "refuse a notification without event name", "RPC-ENV-006", NULL, "event", "{\"t\":\"N\"}",
      "invalid:1100");
  enc(g, "refuse a notification carrying a cid", "RPC-ENV-006 RPC-NOT-001 EVT-002", "E-RPC-2",
      "event", "{\"t\":\"N\",\"e\":\"x\"" CIDM "}", "invalid:1100");
  enc(g, "refuse type \"X\"", "RPC-ENV-008", NULL, "rpc", "{\"t\":\"X\"" CIDM "}", "invalid:1100");
  enc(g, "refuse a notification on rpc", "RPC-CH-001 RPC-NOT-001", NULL, "rpc",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
  enc(g, "refuse a request on event", "RPC-CH-001", NULL, "event",
      "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "invalid:1104");
  enc(g, "refuse a success on event", "RPC-CH-001", NULL, "event", "{\"t\":\"R\"" CIDM "}",
      "invalid:1104");
  enc(g, "refuse an error on event", "RPC-CH-001", NULL, "event",
      "{\"t\":\"E\"" CIDM ",\"code\":1,\"message\":\"m\"}", "invalid:1104");
  enc(g, "refuse a request on app/x", "RPC-CH-003", NULL, "app/x",
      "{\"t\":\"r\",\"m\":\"x\"" CIDM "}", "invalid:1104");
  enc(g, "refuse a notification on stream", "RPC-CH-001", NULL, "stream",
      "{\"t\":\"N\",\"e\":\"x\"}", "invalid:1104");
  enc(g, "refuse a request without method on event: invalid envelope (1100) before the channel",
      "RPC-ENV-003 RPC-CH-001", NULL, "event", "{\"t\":\"r\"" CIDM "}", "invalid:1100");
}

void sbv_gen_rpc(sbv_gen *g) {
  sbv_gen_file(g, "rpc-envelopes.json", "rpc",
               "RPC envelopes (rpc.md sections 1-3) as a receiver decodes them from the data of a "
               "Message on a subject, and as a sender encodes them");
  sbv_gen_note(
      g, "E-RPC-1",
      "ill-formed UTF-8 is not an envelope (envelope.md: UTF-8 JSON); upstream's TextDecoder "
      "replaces it with U+FFFD and accepts",
      "upstream");
  sbv_gen_note(
      g, "E-RPC-2",
      "a cid on a notification is an ignored extra member on decode and refused on encode; "
      "upstream converts it (and fails on a bad one) and writes it",
      "upstream");
  sbv_gen_note(
      g, "E-RPC-4",
      "a JSON array is not an object; upstream fails it on `t` instead, with the same 1100", NULL);
  sbv_gen_note(
      g, "E-RPC-5",
      "a cid that is not 16 bytes is refused; upstream's encoder writes whatever it is given",
      "upstream");
  sbv_gen_note(g, "E-RPC-7",
               "a lone surrogate escape is refused (not Unicode text); JSON.parse accepts it",
               "upstream");
  sbv_gen_note(g, "E-COMMON-1",
               "text JSON.parse rejects but a lenient parser (cJSON alone) accepts; refused, as "
               "upstream does",
               NULL);
  sbv_gen_note(
      g, "DuplicateNames",
      "RFC 8259 leaves duplicate member names open; the suite reads them as JSON.parse does "
      "(the last one counts), as upstream does",
      NULL);
  sbv_gen_note(
      g, "JsonBom",
      "RFC 8259 section 8.1: a parser MAY ignore a leading byte order mark or treat it as an "
      "error; the reference and upstream ignore it",
      NULL);
  sbv_gen_group(g, "rpc.envelope.decode");
  decode_channels(g);
  decode_cid(g);
  decode_members(g);
  decode_json(g);
  sbv_gen_group(g, "rpc.envelope.encode");
  encode_cases(g);
  sbv_gen_end(g);
}

/* ---- events.json ------------------------------------------------------------------ */

/* A string validated both as a pattern and as a literal event name. */
typedef struct ev_string {
  const char *s;
  bool pattern_ok, name_ok;
  const char *comment, *reqs;
} ev_string;

#define PAT "EVT-PAT-005 EVT-PAT-008"
#define NAME "EVT-PAT-006 EVT-PAT-008"

static const ev_string strings[] = {
    /* upstream-events.json `validation`, in its order */
    {"a", true, true, "single token", "EVT-PAT-007"},
    {"a.b", true, true, "two tokens", "EVT-PAT-007"},
    {"*", true, false, "\"*\" alone", "EVT-PAT-001 EVT-PAT-004"},
    {">", true, false, "\">\" alone", "EVT-PAT-001 EVT-PAT-004"},
    {"a.*", true, false, "trailing \"*\"", "EVT-PAT-001"},
    {"a.>", true, false, "trailing \">\"", "EVT-PAT-001"},
    {"*.>", true, false, "\"*\" then \">\"", "EVT-PAT-001"},
    {"a.*.>", true, false, "token, \"*\", \">\"", "EVT-PAT-001"},
    {"a.>.b", false, false, "\">\" not last", "EVT-PAT-001"},
    {">.a", false, false, "\">\" first of two", "EVT-PAT-001"},
    {"a.**", false, false, "\"**\" segment", "EVT-PAT-003"},
    {"**", false, false, "\"**\" alone", "EVT-PAT-003"},
    {"a.b*", false, false, "\"*\" inside a segment (b*)", "EVT-PAT-004"},
    {"a*", false, false, "\"a*\"", "EVT-PAT-004"},
    {"*a", false, false, "\"*a\"", "EVT-PAT-004"},
    {"", false, false, "empty string", "EVT-PAT-002"},
    {".", false, false, "a dot alone", "EVT-PAT-002"},
    {"a.", false, false, "trailing dot", "EVT-PAT-002"},
    {".a", false, false, "leading dot", "EVT-PAT-002"},
    {"a..b", false, false, "empty segment", "EVT-PAT-002"},
    {"a b", false, false, "space inside a token", "EVT-PAT-007"},
    {"a/b", false, false, "slash inside a token", "EVT-PAT-007"},
    {"\xc3\xbc", false, false, "non-ASCII letter U+00FC", "EVT-PAT-007"},
    {"A-Z_09", true, true, "every character class: upper, '-', '_', digits", "EVT-PAT-007"},
    {"a.b.c.d.e.f", true, true, "six segments", "EVT-PAT-007"},
    {"a.>.>", false, false, "\">\" twice", "EVT-PAT-001"},
    /* the worked invalid patterns of events.md section 3 */
    {"task..event", false, false, "task..event", "EVT-PAT-002"},
    {".task", false, false, ".task", "EVT-PAT-002"},
    {"task.", false, false, "task.", "EVT-PAT-002"},
    {"task.**", false, false, "task.**", "EVT-PAT-003"},
    {"task.>.x", false, false, "task.>.x", "EVT-PAT-001"},
    {"ta*sk", false, false, "ta*sk", "EVT-PAT-004"},
    {"task.*x", false, false, "task.*x", "EVT-PAT-004"},
    {"t\xc3\xa2"
     "che.x",
     false, false,
     "t\xc3\xa2"
     "che.x (non-ASCII)",
     "EVT-PAT-007"},
    {"task event", false, false, "task event", "EVT-PAT-007"},
    /* the worked names and patterns */
    {"task.created", true, true, "task.created", "EVT-PAT-007"},
    {"task.*", true, false, "task.*: a pattern, never a name", "EVT-PAT-001"},
    {"task.>", true, false, "task.>: a pattern, never a name", "EVT-PAT-001"},
    {"*.created", true, false, "*.created: leading \"*\"", "EVT-PAT-001"},
    {"a.*.c", true, false, "\"*\" in the middle", "EVT-PAT-001"},
    {"*.*", true, false, "two \"*\"", "EVT-PAT-001"},
    /* wildcards inside segments, and "**" anywhere */
    {"a>", false, false, "\"a>\"", "EVT-PAT-004"},
    {">a", false, false, "\">a\"", "EVT-PAT-004"},
    {"*>", false, false, "\"*>\"", "EVT-PAT-004"},
    {">>", false, false, "\">>\"", "EVT-PAT-004"},
    {"a*b.c", false, false, "\"a*b\" segment", "EVT-PAT-004"},
    {"a**b", false, false, "\"**\" inside a token", "EVT-PAT-003"},
    {"a.b.**.c", false, false, "\"**\" segment in the middle", "EVT-PAT-003"},
    {"***", false, false, "\"***\"", "EVT-PAT-003"},
    {"*.", false, false, "\"*\" and a trailing dot", "EVT-PAT-002"},
    {".>", false, false, "leading dot before \">\"", "EVT-PAT-002"},
    {"..", false, false, "two dots", "EVT-PAT-002"},
    /* each character class, and the ASCII neighbours of each range */
    {"A", true, true, "upper-case letter", "EVT-PAT-007"},
    {"z", true, true, "lower-case letter", "EVT-PAT-007"},
    {"0", true, true, "digit", "EVT-PAT-007"},
    {"9.Z.a", true, true, "digit, upper, lower at the range edges", "EVT-PAT-007"},
    {"-", true, true, "'-' alone is a token", "EVT-PAT-007"},
    {"_", true, true, "'_' alone is a token", "EVT-PAT-007"},
    {"a-b_c.1", true, true, "a-b_c.1", "EVT-PAT-007"},
    {"a/", false, false, "'/' (just below '0')", "EVT-PAT-007"},
    {"a:", false, false, "':' (just above '9')", "EVT-PAT-007"},
    {"a@", false, false, "'@' (just below 'A')", "EVT-PAT-007"},
    {"a[", false, false, "'[' (just above 'Z')", "EVT-PAT-007"},
    {"a`", false, false, "'`' (just below 'a')", "EVT-PAT-007"},
    {"a{", false, false, "'{' (just above 'z')", "EVT-PAT-007"},
    {"a,", false, false, "',' (just below '-')", "EVT-PAT-007"},
    {"a^", false, false, "'^' (just below '_')", "EVT-PAT-007"},
    {"a~", false, false, "'~'", "EVT-PAT-007"},
    {"a\x7f", false, false, "DEL (7f)", "EVT-PAT-007"},
    {"a\tb", false, false, "TAB inside a token", "EVT-PAT-007"},
    {" a", false, false, "leading space", "EVT-PAT-007"},
    {"a ", false, false, "trailing space", "EVT-PAT-007"},
    {"a+b", false, false, "'+'", "EVT-PAT-007"},
    {"a$b", false, false, "'$'", "EVT-PAT-007"},
    {"a#b", false, false, "'#' (MQTT wildcard)", "EVT-PAT-007"},
    {"\xd0\xb0", false, false, "Cyrillic U+0430 (looks like a)", "EVT-PAT-007"},
    {"\xef\xbd\x81", false, false, "fullwidth U+FF41", "EVT-PAT-007"},
    {"e\xcc\x81", false, false, "e + combining acute U+0301", "EVT-PAT-007"},
    {"\xf0\x9f\x98\x80", false, false, "emoji U+1F600", "EVT-PAT-007"},
    {"User.Created", true, true, "mixed case is kept (case-sensitive)", "EVT-PAT-002"},
};

static void ev_validate(sbv_gen *g, const char *what, const char *s, bool ok, const char *comment,
                        const char *reqs) {
  char c[192], r[128];
  snprintf(c, sizeof c, "%s %s", what, comment);
  snprintf(r, sizeof r, "%s %s", reqs, strcmp(what, "pattern") == 0 ? PAT : NAME);
  sbv_gen_case(g, c, r, NULL, sbv_gen_input(what, s, NULL),
               ok ? "valid" : "invalid:invalid_pattern");
}

/* Strings at the 255-byte limit, built by repetition. */
static void ev_lengths(sbv_gen *g) {
  char s[300];
  memset(s, 'x', 256);
  s[255] = '\0';
  ev_validate(g, "pattern", s, true, "of 255 bytes (x...x): the limit", "EVT-PAT-002");
  ev_validate(g, "name", s, true, "of 255 bytes (x...x): the limit", "EVT-PAT-002");
  s[255] = 'x';
  s[256] = '\0';
  ev_validate(g, "pattern", s, false, "of 256 bytes: one over", "EVT-PAT-002");
  ev_validate(g, "name", s, false, "of 256 bytes: one over", "EVT-PAT-002");

  memcpy(s, "a.", 2);
  memset(s + 2, 'b', 253);
  s[255] = '\0';
  ev_validate(g, "name", s, true, "a.bbb... of 255 bytes", "EVT-PAT-002");
  s[255] = 'b';
  s[256] = '\0';
  ev_validate(g, "name", s, false, "a.bbb... of 256 bytes", "EVT-PAT-002");

  /* 128 one-letter segments: 255 bytes; the pattern form ends in ">". */
  for (unsigned i = 0; i < 128; i++) {
    s[2 * i] = 'a';
    s[2 * i + 1] = '.';
  }
  s[255] = '\0';
  ev_validate(g, "name", s, true, "of 128 segments, 255 bytes", "EVT-PAT-002");
  s[254] = '>';
  ev_validate(g, "pattern", s, true, "of 128 segments ending in \">\", 255 bytes",
              "EVT-PAT-002 EVT-PAT-001");
  s[255] = '.';
  s[256] = '>';
  s[257] = '\0';
  ev_validate(g, "pattern", s, false, "a.a...>.>: 257 bytes and \">\" not last", "EVT-PAT-002");
  memset(s, '*', 10);
  memset(s + 10, 'x', 250);
  s[260] = '\0';
  ev_validate(g, "pattern", s, false, "of 260 bytes starting with \"**\"",
              "EVT-PAT-003 EVT-PAT-002");
}

static void ev_match(sbv_gen *g, const char *pattern, const char *name, int match, const char *why,
                     const char *reqs) {
  char c[400];
  snprintf(c, sizeof c, "\"%s\" against \"%s\": %s%s%s", pattern, name,
           match < 0 ? "invalid"
           : match   ? "match"
                     : "no match",
           why ? ", " : "", why ? why : "");
  cJSON *in = sbv_gen_input("pattern", pattern, "name", name, NULL);
  if (match >= 0) require_output(g, "events.match", in, "match", match ? "true" : "false");
  sbv_gen_case(g, c, reqs, NULL, in, match < 0 ? "invalid:invalid_pattern" : "valid");
}

static void ev_matches(sbv_gen *g) {
  static const struct {
    const char *pattern, *name;
    int match;
    const char *why;
  } m[] = {
      /* the worked examples of events.md section 3 */
      {"task.created", "task.created", 1, "literal"},
      {"task.*", "task.created", 1, "\"*\" is one segment"},
      {"task.*", "task", 0, "\"*\" needs a segment"},
      {"task.*", "task.step.done", 0, "\"*\" is exactly one"},
      {"task.>", "task.created", 1, "\">\" is one segment"},
      {"task.>", "task.step.done", 1, "\">\" is two segments"},
      {"task.>", "task", 0, "\">\" needs at least one"},
      {"sensor.>", "sensor.a.b", 1, NULL},
      {"*.created", "job.created", 1, "leading \"*\""},
      {"*.created", "a.b.created", 0, NULL},
      {"a.*.c", "a.b.c", 1, NULL},
      {"a.*.c", "a.c", 0, NULL},
      {"*", "ping", 1, "single-segment names only"},
      {"*", "a.b", 0, NULL},
      {">", "a", 1, "every valid name"},
      {">", "a.b.c", 1, "every valid name"},
      {"*.>", "a", 0, "needs two segments"},
      {"*.>", "a.b", 1, NULL},
      {"User.*", "user.created", 0, "case-sensitive"},
      /* upstream-events.json `match` not above */
      {"a", "a", 1, NULL},
      {"a.b", "a.b", 1, NULL},
      {"a.b", "a", 0, NULL},
      {"*", "a", 1, NULL},
      {"a.*", "a.b", 1, NULL},
      {"a.*", "a.b.c", 0, NULL},
      {"*.b", "a.c", 0, NULL},
      {"a.*.c", "a.b.d", 0, NULL},
      {"*.*", "a.b", 1, NULL},
      {">", "a", 1, NULL},
      {"a.>", "a", 0, NULL},
      {"a.>", "a.b.c.d", 1, NULL},
      {"a.*.>", "a.b", 0, "\">\" after \"*\" still needs one more"},
      {"*.>", "a", 0, NULL},
      {"user.joined", "user.joined", 1, NULL},
      {"user.>", "user.profile.updated", 1, NULL},
      {"a-b_c.1", "a-b_c.1", 1, NULL},
      /* segments compare whole and case-sensitively */
      {"a.b", "a.bc", 0, "segments, not prefixes"},
      {"a.bc", "a.b", 0, NULL},
      {"ab", "a", 0, NULL},
      {"a", "a.b", 0, "a literal does not match longer names"},
      {"a.b.c", "a.b", 0, NULL},
      {"user.*", "User.created", 0, "case-sensitive"},
      {"USER", "user", 0, "case-sensitive"},
      {"a-b", "a_b", 0, "'-' and '_' differ"},
      {"*.*.*", "a.b", 0, NULL},
      {"*.*.*", "a.b.c", 1, NULL},
      {"a.*.>", "a.b.c", 1, NULL},
      {"a.*.>", "a.b.c.d.e", 1, NULL},
      {"*.b", "a.b", 1, NULL},
      {"_.>", "_.x", 1, NULL},
      {"a.>", "b.c", 0, "first segment differs"},
      {"*.b.>", "x.b.y", 1, NULL},
      {"*.b.>", "x.c.y", 0, NULL},
      /* either side invalid */
      {"a.**", "a.b", -1, "\"**\" pattern"},
      {"a.>.b", "a.x.b", -1, "\">\" not last"},
      {"", "a", -1, "empty pattern"},
      {"a", "", -1, "empty name"},
      {"a.*", "a.*", -1, "wildcard in the name"},
      {"*", "*", -1, "wildcard in the name"},
      {">", ">", -1, "wildcard in the name"},
      {"task.>", "task.>.x", -1, "wildcard in the name"},
      {"a", "a..b", -1, "empty segment in the name"},
      {"t\xc3\xa2"
       "che",
       "t\xc3\xa2"
       "che",
       -1, "non-ASCII on both sides"},
      {"a b", "a b", -1, "space on both sides"},
  };
  for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
    const char *reqs = m[i].match < 0 ? "EVT-PAT-005 EVT-PAT-006 EVT-PAT-002"
                       : strchr(m[i].pattern, '*') || strchr(m[i].pattern, '>')
                           ? "EVT-PAT-001 EVT-PAT-008"
                           : "EVT-PAT-002 EVT-PAT-008";
    ev_match(g, m[i].pattern, m[i].name, m[i].match, m[i].why, reqs);
  }
  char name[300];
  memset(name, 'x', 255);
  name[255] = '\0';
  ev_match(g, ">", name, 1, "a 255-byte name", "EVT-PAT-001 EVT-PAT-002");
  ev_match(g, "*", name, 1, "a 255-byte name is one segment", "EVT-PAT-001 EVT-PAT-002");
}

void sbv_gen_events(sbv_gen *g) {
  sbv_gen_file(g, "events.json", "events",
               "Event names and subscription patterns (events.md sections 2-3): validation and "
               "NATS-style matching with \"*\" (one segment) and \">\" (one or more, last)");
  sbv_gen_group(g, "events.validate");
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
    ev_validate(g, "pattern", strings[i].s, strings[i].pattern_ok, strings[i].comment,
                strings[i].reqs);
    ev_validate(g, "name", strings[i].s, strings[i].name_ok, strings[i].comment, strings[i].reqs);
  }
  ev_lengths(g);
  sbv_gen_group(g, "events.match");
  ev_matches(g);
  sbv_gen_end(g);
}

/* rpc-receiver.json: what a receiver does with an inbound Message (rpc.md 3
 * and 5, events.md 1) and how responses are correlated (rpc.md 4). */
static void inbound(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                    const char *subject, const char *text) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "subject", subject);
  char *hex = sbv_gen_hex((const unsigned char *)text, strlen(text));
  cJSON_AddStringToObject(in, "data", hex);
  free(hex);
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

static cJSON *call(const char *cid_label, double timeout_ms) {
  unsigned char cid[16];
  sbv_gen_bytes(cid_label, cid, sizeof cid);
  char *hex = sbv_gen_hex(cid, sizeof cid);
  cJSON *c = cJSON_CreateObject();
  cJSON_AddStringToObject(c, "cid", hex);
  if (timeout_ms >= 0) cJSON_AddNumberToObject(c, "timeoutMs", timeout_ms);
  free(hex);
  return c;
}

static cJSON *response(const char *cid_label, double at_ms) {
  cJSON *r = call(cid_label, -1);
  cJSON_AddNumberToObject(r, "atMs", at_ms);
  return r;
}

static void correlate(sbv_gen *g, const char *comment, const char *reqs, cJSON *calls,
                      cJSON *responses) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddItemToObject(in, "calls", calls);
  cJSON_AddItemToObject(in, "responses", responses);
  sbv_gen_case(g, comment, reqs, NULL, in, "valid");
}

static cJSON *array_of(cJSON *a, cJSON *b, cJSON *c) {
  cJSON *arr = cJSON_CreateArray();
  if (a) cJSON_AddItemToArray(arr, a);
  if (b) cJSON_AddItemToArray(arr, b);
  if (c) cJSON_AddItemToArray(arr, c);
  return arr;
}

void sbv_gen_rpc_receiver(sbv_gen *g) {
  static const char cid[] = "000102030405060708090a0b0c0d0e0f";
  char req[160], bad_req[160], resp[160], err[200];
  snprintf(req, sizeof req, "{\"t\":\"r\",\"m\":\"add\",\"cid\":\"%s\",\"p\":[1,2]}", cid);
  snprintf(bad_req, sizeof bad_req, "{\"t\":\"r\",\"cid\":\"%s\"}", cid);
  snprintf(resp, sizeof resp, "{\"t\":\"R\",\"cid\":\"%s\",\"result\":3}", cid);
  snprintf(err, sizeof err, "{\"t\":\"E\",\"cid\":\"%s\",\"code\":2000,\"message\":\"boom\"}", cid);
  sbv_gen_file(g, "rpc-receiver.json", "rpc",
               "What a receiver does with an inbound Message, and response correlation by cid");
  sbv_gen_note(g, "E-RPC-3",
               "an invalid envelope on rpc with an extractable cid gets RpcError 1100 (rpc/behavior.md); "
               "upstream's Router answers ErrorFrame 1002 and the Peer SDK nothing",
               "upstream");
  sbv_gen_group(g, "rpc.inbound");
  inbound(g, "request on rpc: dispatch it", "RPC-CH-001 RPC-ENV-003", NULL, "rpc", req);
  inbound(g, "success response on rpc: to correlation", "RPC-CH-001 RPC-ENV-004", NULL, "rpc", resp);
  inbound(g, "error response on rpc: to correlation, never closes", "RPC-CH-001 RPC-ENV-005 RPC-ERR-002",
          NULL, "rpc", err);
  inbound(g, "notification on event: deliver it", "EVT-001 RPC-CH-001 RPC-NOT-001", NULL, "event",
          "{\"t\":\"N\",\"e\":\"task.done\",\"d\":{\"id\":1}}");
  inbound(g, "notification on rpc: wrong channel, dropped, no reply", "RPC-CH-002", NULL, "rpc",
          "{\"t\":\"N\",\"e\":\"x\"}");
  inbound(g, "request on event: wrong channel, dropped, no ErrorFrame", "RPC-CH-002 EVT-003", NULL,
          "event", req);
  inbound(g, "response on event: dropped", "RPC-CH-002 EVT-003", NULL, "event", resp);
  inbound(g, "malformed JSON on event: dropped, never an ErrorFrame", "RPC-VAL-004 EVT-003", NULL,
          "event", "{\"t\":\"N\",");
  inbound(g, "notification without e on event: dropped", "RPC-VAL-004 EVT-003", NULL, "event",
          "{\"t\":\"N\",\"d\":1}");
  inbound(g, "invalid request with a valid cid: RpcError 1100 to that cid, connection stays open",
          "RPC-VAL-001 RPC-VAL-003 RPC-ERR-002", "E-RPC-3", "rpc", bad_req);
  inbound(g, "invalid error response (no message) with a cid: RpcError 1100",
          "RPC-VAL-001 RPC-VAL-003", "E-RPC-3", "rpc",
          "{\"t\":\"E\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"code\":1}");
  inbound(g, "malformed JSON on rpc: no cid, ErrorFrame 1002, connection stays open",
          "RPC-VAL-002 RPC-VAL-003 RPC-VAL-005 SBP-ERR-009", NULL, "rpc", "{\"t\":\"r\",");
  inbound(g, "request without cid on rpc: ErrorFrame 1002", "RPC-VAL-002 RPC-VAL-005", NULL, "rpc",
          "{\"t\":\"r\",\"m\":\"x\"}");
  inbound(g, "upper-case cid is no extractable cid: ErrorFrame 1002", "RPC-VAL-002 RPC-ENV-007",
          NULL, "rpc", "{\"t\":\"r\",\"cid\":\"000102030405060708090A0B0C0D0E0F\"}");
  inbound(g, "JSON array on rpc: ErrorFrame 1002", "RPC-VAL-002", NULL, "rpc", "[]");
  inbound(g, "app/ payload: not parsed as RPC", "RPC-CH-003 SBP-SUBJ-007", NULL, "app/chat",
          "not json at all");
  inbound(g, "stream subject: reserved, ErrorFrame 1003", "SBP-SUBJ-006", NULL, "stream", "{}");
  sbv_gen_group(g, "rpc.correlate");
  correlate(g, "two calls answered in reverse order: matched by cid",
            "RPC-CID-003 RPC-CID-005 RPC-CID-006 RPC-CON-001",
            array_of(call("corr-a", 1000), call("corr-b", 1000), NULL),
            array_of(response("corr-b", 10), response("corr-a", 20), NULL));
  correlate(g, "response to a cid never sent: ignored", "RPC-CID-003 RPC-CID-008",
            array_of(call("corr-a", 1000), NULL, NULL),
            array_of(response("corr-x", 10), response("corr-a", 20), NULL));
  correlate(g, "second response to the same cid: unknown", "RPC-CID-008 RPC-ERR-006",
            array_of(call("corr-a", 1000), NULL, NULL),
            array_of(response("corr-a", 10), response("corr-a", 20), NULL));
  correlate(g, "response after the call timed out: discarded quietly", "RPC-CID-007",
            array_of(call("corr-a", 100), call("corr-b", 1000), NULL),
            array_of(response("corr-a", 150), response("corr-b", 160), NULL));
  correlate(g, "response one millisecond before the timeout: matched", "RPC-CID-007",
            array_of(call("corr-a", 100), NULL, NULL), array_of(response("corr-a", 99), NULL, NULL));
  correlate(g, "three in flight, answered out of order, one late",
            "RPC-CID-005 RPC-CID-006 RPC-CID-007",
            array_of(call("corr-a", 500), call("corr-b", 50), call("corr-c", 500)),
            array_of(response("corr-c", 10), response("corr-b", 60), response("corr-a", 70)));
  sbv_gen_end(g);
}
