#include "cloud/api.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static void request_body_is_the_raw_input_or_the_json_wrapper(void) {
  /* CLOUD-001 (POST with Bearer where needed), CLOUD-002 (both body shapes). */
  static sb_cloud_request r;
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "daemonId", "d_abc");
  SBT_OK(sb_cloud_request_build(&r, "relay.createSession", "tok-1", in, false));
  SBT_STR_EQ(r.procedure, "relay.createSession");
  SBT_CHECK(r.has_bearer, "bearer set");
  SBT_STR_EQ(r.bearer, "tok-1");
  SBT_STR_EQ(r.body, "{\"daemonId\":\"d_abc\"}");
  SBT_EQ_U64(r.body_len, strlen(r.body));
  SBT_OK(sb_cloud_request_build(&r, "relay.createSession", "tok-1", in, true));
  SBT_STR_EQ(r.body, "{\"json\":{\"daemonId\":\"d_abc\"}}");
  cJSON_Delete(in);
  SBT_OK(sb_cloud_request_build(&r, "daemon.renewToken", "sbnd_dak_x", NULL, false));
  SBT_STR_EQ(r.body, "null");
  SBT_OK(sb_cloud_request_build(&r, "daemon.renewToken", "sbnd_dak_x", NULL, true));
  SBT_STR_EQ(r.body, "{\"json\":null}");
  SBT_OK(sb_cloud_request_build(&r, "quickConnect.redeem", NULL, NULL, false));
  SBT_CHECK(!r.has_bearer && r.bearer[0] == '\0', "no Authorization header");
  SBT_ERR_EQ(sb_cloud_request_build(&r, "", NULL, NULL, false), SB_ERR_ARG);
  cJSON *big = cJSON_CreateObject();
  static char s[SB_CLOUD_REQUEST_BODY_MAX];
  memset(s, 'x', sizeof s - 1);
  s[sizeof s - 1] = '\0';
  cJSON_AddStringToObject(big, "code", s);
  SBT_ERR_EQ(sb_cloud_request_build(&r, "quickConnect.redeem", NULL, big, false), SB_ERR_BUF);
  cJSON_Delete(big);
}

static void request_input_accepts_both_shapes(void) {
  /* CLOUD-002: a simulator SHOULD accept the raw and the wrapped body. */
  static const struct {
    const char *body, *input;
  } cases[] = {
      {"{\"daemonId\":\"d\"}", "{\"daemonId\":\"d\"}"},
      {"{\"json\":{\"daemonId\":\"d\"}}", "{\"daemonId\":\"d\"}"},
      {"{\"json\":null}", "null"},
      {"null", "null"},
      {"", "null"},
      {"{\"json\":1,\"x\":2}", "{\"json\":1,\"x\":2}"}, /* not the wrapper: taken as is */
      {"[1]", "[1]"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    cJSON *tree = NULL;
    const cJSON *input = NULL;
    if (!SBT_OK(sb_cloud_request_input(cases[i].body, strlen(cases[i].body), &tree, &input)))
      continue;
    char *text = cJSON_PrintUnformatted(input);
    SBT_STR_EQ(text, cases[i].input);
    cJSON_free(text);
    cJSON_Delete(tree);
  }
  cJSON *tree = NULL;
  const cJSON *input = NULL;
  SBT_ERR_EQ(sb_cloud_request_input("{daemonId:1}", 12, &tree, &input), SB_ERR_JSON);
  SBT_CHECK(tree == NULL && input == NULL, "nothing on failure");
}

/* Map a raw response and return the result (caller frees). */
static sb_cloud_api_result map_raw(int status, const char *body) {
  static sb_cloud_http_response resp;
  sb_cloud_api_result r;
  memset(&r, 0, sizeof r);
  if (SBT_OK(sb_cloud_response_raw(&resp, status, body, strlen(body))))
    SBT_OK(sb_cloud_api_result_map(&resp, &r));
  return r;
}

static void expect_status(int http, const char *body, unsigned want) {
  sb_cloud_api_result r = map_raw(http, body);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_API && r.error.code == want,
            "HTTP %d %s -> kind %d status %u, want CloudApiError(%u)", http, body, r.error.kind,
            r.error.code, want);
  SBT_CHECK(r.data == NULL, "no data with an error");
  sb_cloud_api_result_free(&r);
}

static void map_success_reads_result_data(void) {
  /* CLOUD-003 */
  static sb_cloud_http_response resp;
  cJSON *data = cJSON_CreateObject();
  cJSON_AddStringToObject(data, "relayUrl", "wss://relay.example.com/ws");
  cJSON_AddStringToObject(data, "token", "a.b.c");
  SBT_OK(sb_cloud_response_success(&resp, data));
  cJSON_Delete(data);
  SBT_EQ_U64(resp.status, 200);
  SBT_STR_EQ(resp.body, "{\"result\":{\"data\":{\"relayUrl\":\"wss://relay.example.com/ws\",\"token\":\"a.b.c\"}}}");
  sb_cloud_api_result r;
  SBT_OK(sb_cloud_api_result_map(&resp, &r));
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "success");
  SBT_STR_EQ(sb_cloud_api_data_string(&r, "token"), "a.b.c");
  SBT_CHECK(sb_cloud_api_data_string(&r, "daemonId") == NULL, "absent member");
  sb_cloud_api_result_free(&r);
  sb_cloud_api_result_free(&r); /* idempotent */
  /* result.data present but null is a success upstream (out !== undefined) */
  r = map_raw(200, "{\"result\":{\"data\":null}}");
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE && cJSON_IsNull(r.data), "null data");
  SBT_CHECK(sb_cloud_api_data_string(&r, "token") == NULL, "no members in null");
  sb_cloud_api_result_free(&r);
  r = map_raw(201, "{\"result\":{\"data\":{\"presenceToken\":\"p\"}}}");
  SBT_STR_EQ(sb_cloud_api_data_string(&r, "presenceToken"), "p");
  sb_cloud_api_result_free(&r);
}

static void map_trpc_error_codes_inside_a_2xx_body(void) {
  /* CLOUD-004 and the table of section 2.2. */
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"UNAUTHORIZED\"}}}", 401);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"FORBIDDEN\"}}}", 403);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"NOT_FOUND\"}}}", 404);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"BAD_REQUEST\"}}}", 400);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"CONFLICT\"}}}", 409);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"TOO_MANY_REQUESTS\"}}}", 500);
  expect_status(200, "{\"error\":{\"message\":\"m\",\"data\":{\"code\":\"conflict\"}}}", 500);
  expect_status(200, "{\"error\":{\"message\":\"m\"}}", 500);
  expect_status(200, "{\"error\":{\"json\":{\"code\":\"NOT_FOUND\"}}}", 500); /* CI-5: the old shape */
  expect_status(204, "{\"error\":\"x\",\"result\":{\"data\":1}}", 500);
  sb_cloud_api_result r =
      map_raw(200, "{\"error\":{\"message\":\"code expired\",\"data\":{\"code\":\"NOT_FOUND\"}}}");
  SBT_STR_EQ(r.message, "[NOT_FOUND] code expired");
  sb_cloud_api_result_free(&r);
  /* the round trip through the error builder */
  static sb_cloud_http_response resp;
  SBT_OK(sb_cloud_response_error(&resp, 200, "CONFLICT", "daemon offline"));
  SBT_STR_EQ(resp.body, "{\"error\":{\"message\":\"daemon offline\",\"data\":{\"code\":\"CONFLICT\"}}}");
  SBT_OK(sb_cloud_api_result_map(&resp, &r));
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_API && r.error.code == 409, "409");
  sb_cloud_api_result_free(&r);
  SBT_ERR_EQ(sb_cloud_response_error(&resp, 99, "X", "m"), SB_ERR_ARG);
}

static void map_http_errors_keep_their_status(void) {
  /* Section 2.2 row 1: any non-2xx status is the CloudApiError status. */
  const int statuses[] = {400, 401, 403, 404, 409, 429, 500, 502, 503, 302, 199, 300, 418};
  for (size_t i = 0; i < SB_ARRAY_LEN(statuses); i++) {
    expect_status(statuses[i], "", (unsigned)statuses[i]);
    expect_status(statuses[i], "{\"result\":{\"data\":{}}}", (unsigned)statuses[i]);
  }
  sb_cloud_api_result r = map_raw(401, "{\"error\":{\"message\":\"bad key\"}}");
  SBT_STR_EQ(r.message, "HTTP 401: bad key");
  sb_cloud_api_result_free(&r);
  r = map_raw(503, "<html>busy</html>");
  SBT_STR_EQ(r.message, "HTTP 503");
  sb_cloud_api_result_free(&r);
}

static void map_2xx_without_json_or_result_data_is_500(void) {
  /* Section 2.2: captive portal / WAF pages and bodies without
   * result.data are CloudApiError(500); E-CLOUD-1: so is a JSON null body. */
  const char *bodies[] = {"<html>Sign in</html>", "", "{\"result\":{}}", "{}",
                          "{\"result\":null}", "{\"result\":[1]}", "[]", "\"text\"", "3",
                          "null", "{\"result\":{\"data\":1}", "{\"data\":{\"token\":\"x\"}}"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bodies); i++) expect_status(200, bodies[i], 500);
  /* a falsy "error" member is no error (JavaScript truthiness) */
  const char *falsy[] = {"null", "false", "0", "\"\"", "-0"};
  for (size_t i = 0; i < SB_ARRAY_LEN(falsy); i++) {
    char body[96];
    snprintf(body, sizeof body, "{\"error\":%s,\"result\":{\"data\":{\"token\":\"t\"}}}", falsy[i]);
    sb_cloud_api_result r = map_raw(200, body);
    SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "error %s is falsy", falsy[i]);
    SBT_STR_EQ(sb_cloud_api_data_string(&r, "token"), "t");
    sb_cloud_api_result_free(&r);
  }
  const char *truthy[] = {"true", "1", "\"x\"", "[]", "{}"};
  for (size_t i = 0; i < SB_ARRAY_LEN(truthy); i++) {
    char body[96];
    snprintf(body, sizeof body, "{\"error\":%s,\"result\":{\"data\":{}}}", truthy[i]);
    expect_status(200, body, 500);
  }
}

static void map_network_failure_is_not_a_cloud_api_error(void) {
  /* Section 2.2 last row: fetch throws, a plain error. */
  static sb_cloud_http_response resp;
  sb_cloud_response_network_error(&resp);
  sb_cloud_api_result r;
  SBT_OK(sb_cloud_api_result_map(&resp, &r));
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_OTHER, "other error, kind %d", r.error.kind);
  SBT_CHECK(r.data == NULL, "no data");
  sb_cloud_api_result_free(&r);
  SBT_ERR_EQ(sb_cloud_api_result_map(NULL, &r), SB_ERR_ARG);
}

static void trpc_codes_and_statuses_correspond(void) {
  /* Section 2.2: the five codes a 2xx body can carry round-trip; 429 and
   * 5xx cannot, which is why a server sends them as HTTP statuses. */
  const unsigned mapped[] = {400, 401, 403, 404, 409};
  for (size_t i = 0; i < SB_ARRAY_LEN(mapped); i++)
    SBT_EQ_U64(sb_cloud_trpc_status(sb_cloud_trpc_code(mapped[i])), mapped[i]);
  SBT_STR_EQ(sb_cloud_trpc_code(429), "TOO_MANY_REQUESTS");
  SBT_EQ_U64(sb_cloud_trpc_status(sb_cloud_trpc_code(429)), 500);
  SBT_STR_EQ(sb_cloud_trpc_code(503), "INTERNAL_SERVER_ERROR");
  SBT_EQ_U64(sb_cloud_trpc_status(NULL), 500);
}

SBT_SUITE(cloud_api, "cloud/api", SBT_CASE(request_body_is_the_raw_input_or_the_json_wrapper),
          SBT_CASE(request_input_accepts_both_shapes), SBT_CASE(map_success_reads_result_data),
          SBT_CASE(map_trpc_error_codes_inside_a_2xx_body),
          SBT_CASE(map_http_errors_keep_their_status),
          SBT_CASE(map_2xx_without_json_or_result_data_is_500),
          SBT_CASE(map_network_failure_is_not_a_cloud_api_error),
          SBT_CASE(trpc_codes_and_statuses_correspond))
