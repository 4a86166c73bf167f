#include "cloud/api.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"

int sb_cloud_request_build(sb_cloud_request *req, const char *procedure, const char *bearer,
                           const cJSON *input, bool wrap_json) {
  if (!req || !procedure) return SB_ERR_ARG;
  memset(req, 0, sizeof *req);
  size_t plen = strlen(procedure);
  if (plen == 0 || plen >= sizeof req->procedure) return SB_ERR_ARG;
  memcpy(req->procedure, procedure, plen + 1);
  if (bearer) {
    size_t blen = strlen(bearer);
    if (blen > SB_CLOUD_CREDENTIAL_MAX) return SB_ERR_ARG;
    memcpy(req->bearer, bearer, blen + 1);
    req->has_bearer = true;
  }
  /* Build the body from copies so the caller's tree is never modified. */
  cJSON *value = input ? cJSON_Duplicate(input, true) : cJSON_CreateNull();
  if (!value) return SB_ERR_NOMEM;
  cJSON *body = value;
  if (wrap_json) {
    body = cJSON_CreateObject();
    if (!body) {
      cJSON_Delete(value);
      return SB_ERR_NOMEM;
    }
    cJSON_AddItemToObject(body, "json", value);
  }
  char *text = sb_json_print(body);
  cJSON_Delete(body);
  if (!text) return SB_ERR_NOMEM;
  size_t len = strlen(text);
  int rc = SB_OK;
  if (len >= sizeof req->body) {
    rc = SB_ERR_BUF;
  } else {
    memcpy(req->body, text, len + 1);
    req->body_len = len;
  }
  cJSON_free(text);
  return rc;
}

int sb_cloud_request_input(const char *body, size_t len, cJSON **tree, const cJSON **input) {
  if (!tree || !input || (!body && len)) return SB_ERR_ARG;
  *tree = NULL;
  *input = NULL;
  /* tRPC treats a missing body as "no input"; null is its JSON form. */
  if (len == 0) {
    *tree = cJSON_CreateNull();
    if (!*tree) return SB_ERR_NOMEM;
    *input = *tree;
    return SB_OK;
  }
  cJSON *t = NULL;
  int rc = sb_json_parse((const uint8_t *)body, len, false, &t);
  if (rc != SB_OK) return rc;
  *tree = t;
  *input = t;
  if (cJSON_IsObject(t) && t->child && !t->child->next && t->child->string &&
      strcmp(t->child->string, "json") == 0)
    *input = t->child;
  return SB_OK;
}

static int put_body(sb_cloud_http_response *resp, int status, cJSON *body) {
  char *text = sb_json_print(body);
  cJSON_Delete(body);
  if (!text) return SB_ERR_NOMEM;
  int rc = sb_cloud_response_raw(resp, status, text, strlen(text));
  cJSON_free(text);
  return rc;
}

int sb_cloud_response_success(sb_cloud_http_response *resp, const cJSON *data) {
  if (!resp) return SB_ERR_ARG;
  cJSON *body = cJSON_CreateObject();
  cJSON *result = cJSON_AddObjectToObject(body, "result");
  cJSON *copy = data ? cJSON_Duplicate(data, true) : cJSON_CreateNull();
  if (!body || !result || !copy) {
    cJSON_Delete(body);
    cJSON_Delete(copy);
    return SB_ERR_NOMEM;
  }
  cJSON_AddItemToObject(result, "data", copy);
  return put_body(resp, 200, body);
}

int sb_cloud_response_error(sb_cloud_http_response *resp, int http_status, const char *trpc_code,
                            const char *message) {
  if (!resp || !trpc_code || !message || http_status < 100 || http_status > 599)
    return SB_ERR_ARG;
  cJSON *body = cJSON_CreateObject();
  cJSON *error = cJSON_AddObjectToObject(body, "error");
  cJSON *msg = cJSON_AddStringToObject(error, "message", message);
  cJSON *data = cJSON_AddObjectToObject(error, "data");
  cJSON *code = cJSON_AddStringToObject(data, "code", trpc_code);
  if (!body || !error || !msg || !data || !code) {
    cJSON_Delete(body);
    return SB_ERR_NOMEM;
  }
  return put_body(resp, http_status, body);
}

void sb_cloud_response_network_error(sb_cloud_http_response *resp) {
  if (!resp) return;
  memset(resp, 0, sizeof *resp);
  resp->network_error = true;
}

int sb_cloud_response_raw(sb_cloud_http_response *resp, int http_status, const char *body,
                          size_t len) {
  if (!resp || (!body && len)) return SB_ERR_ARG;
  memset(resp, 0, sizeof *resp);
  resp->status = http_status;
  if (len >= sizeof resp->body) return SB_ERR_BUF;
  if (len) memcpy(resp->body, body, len);
  resp->body[len] = '\0';
  resp->body_len = len;
  return SB_OK;
}

unsigned sb_cloud_trpc_status(const char *trpc_code) {
  static const struct {
    const char *code;
    unsigned status;
  } map[] = {{"UNAUTHORIZED", 401}, {"FORBIDDEN", 403}, {"NOT_FOUND", 404},
             {"BAD_REQUEST", 400},  {"CONFLICT", 409}};
  if (trpc_code)
    for (size_t i = 0; i < SB_ARRAY_LEN(map); i++)
      if (strcmp(trpc_code, map[i].code) == 0) return map[i].status;
  return 500;
}

const char *sb_cloud_trpc_code(unsigned http_status) {
  switch (http_status) {
    case 400: return "BAD_REQUEST";
    case 401: return "UNAUTHORIZED";
    case 403: return "FORBIDDEN";
    case 404: return "NOT_FOUND";
    case 409: return "CONFLICT";
    case 429: return "TOO_MANY_REQUESTS";
    default: return "INTERNAL_SERVER_ERROR";
  }
}

/* JavaScript truthiness of a parsed JSON value. */
static bool js_truthy(const cJSON *v) {
  if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v)) return false;
  if (cJSON_IsNumber(v)) return v->valuedouble != 0.0;
  if (cJSON_IsString(v)) return v->valuestring && v->valuestring[0];
  return true;
}

/* obj[key] as JavaScript's property read on a parsed JSON value: only
 * objects have members here (arrays and primitives give undefined). */
static const cJSON *member(const cJSON *obj, const char *key) {
  return cJSON_IsObject(obj) ? sb_json_get(obj, key) : NULL;
}

static const char *string_member(const cJSON *obj, const char *key) {
  const cJSON *v = member(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void set_api_error(sb_cloud_api_result *out, unsigned status) {
  out->error = SB_CLOUD_API_ERROR(status);
}

int sb_cloud_api_result_map(const sb_cloud_http_response *resp, sb_cloud_api_result *out) {
  if (!out) return SB_ERR_ARG;
  memset(out, 0, sizeof *out);
  if (!resp || resp->body_len >= sizeof resp->body) return SB_ERR_ARG;
  if (resp->network_error) {
    out->error = SB_CLOUD_OTHER_ERROR;
    snprintf(out->message, sizeof out->message, "network error");
    return SB_OK;
  }
  cJSON *tree = NULL;
  int prc = sb_json_parse((const uint8_t *)resp->body, resp->body_len, false, &tree);
  if (prc == SB_ERR_NOMEM) return prc;
  out->tree_ = tree; /* NULL when the body is not JSON */

  if (resp->status < 200 || resp->status > 299) {
    set_api_error(out, (unsigned)(resp->status < 0 ? 0 : resp->status));
    const char *msg = string_member(member(tree, "error"), "message");
    if (msg && msg[0]) snprintf(out->message, sizeof out->message, "HTTP %d: %s", resp->status, msg);
    else snprintf(out->message, sizeof out->message, "HTTP %d", resp->status);
    return SB_OK;
  }
  if (!tree) {
    /* A proxy, WAF or captive portal answered instead of the API. */
    set_api_error(out, 500);
    snprintf(out->message, sizeof out->message, "non-JSON response on HTTP %d", resp->status);
    return SB_OK;
  }
  const cJSON *error = member(tree, "error");
  if (js_truthy(error)) {
    const char *code = string_member(member(error, "data"), "code");
    const char *msg = string_member(error, "message");
    set_api_error(out, sb_cloud_trpc_status(code));
    if (code && code[0])
      snprintf(out->message, sizeof out->message, "[%s] %s", code, msg ? msg : "Unknown error");
    else snprintf(out->message, sizeof out->message, "%s", msg ? msg : "Unknown error");
    return SB_OK;
  }
  const cJSON *data = member(member(tree, "result"), "data");
  if (!data) {
    set_api_error(out, 500);
    snprintf(out->message, sizeof out->message, "unexpected response format");
    return SB_OK;
  }
  out->data = data;
  return SB_OK;
}

void sb_cloud_api_result_free(sb_cloud_api_result *r) {
  if (!r) return;
  cJSON_Delete(r->tree_);
  r->tree_ = NULL;
  r->data = NULL;
}

const char *sb_cloud_api_data_string(const sb_cloud_api_result *r, const char *key) {
  if (!r || r->error.kind != SB_CLOUD_ERROR_NONE) return NULL;
  return string_member(r->data, key);
}
