#define _POSIX_C_SOURCE 200809L
#include "adapter.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "sbconf.h"

static char *print_and_free(cJSON *o) {
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}

static char *refuse(const cJSON *id, const char *why) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
  cJSON_AddStringToObject(o, "result", "unsupported");
  cJSON_AddStringToObject(o, "error", why);
  return print_and_free(o);
}

char *sbv_adapter_answer(const sbv_mutant *m, const char *line, size_t len) {
  cJSON *req = NULL;
  int rc = sb_json_parse((const unsigned char *)line, len, true, &req);
  if (rc != SB_OK) return refuse(NULL, rc == SB_ERR_UTF8 ? "request is not valid UTF-8" : "request is not a JSON text");
  if (!cJSON_IsObject(req)) {
    cJSON_Delete(req);
    return refuse(NULL, "request is not a JSON object");
  }
  const cJSON *id = sb_json_get(req, "id");
  const char *type = cJSON_GetStringValue(sb_json_get(req, "type"));
  const cJSON *input = sb_json_get(req, "input");
  char *resp;
  if (!cJSON_IsNumber(id) && !cJSON_IsString(id)) {
    resp = refuse(id, "request.id: missing or not a number or string");
  } else if (!type) {
    resp = refuse(id, "request.type: missing or not a string");
  } else if (!cJSON_IsObject(input)) {
    resp = refuse(id, "request.input: missing or not an object");
  } else {
    sbv_answer a;
    char msg[SBV_MSG_SIZE];
    if (sbv_mutant_op_run(m, type, input, &a, msg) != 0) {
      resp = refuse(id, msg);
    } else {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddItemToObject(o, "id", cJSON_Duplicate(id, 1));
      cJSON_AddStringToObject(o, "result", sbv_result_name(a.result));
      if (a.output) {
        cJSON_AddItemToObject(o, "output", a.output);
        a.output = NULL;
      }
      sbv_answer_clear(&a);
      resp = print_and_free(o);
    }
  }
  cJSON_Delete(req);
  return resp;
}

int sbv_adapter_serve(const sbv_mutant *m, FILE *in, FILE *out) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, in)) > 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n == 0) continue; /* blank lines are ignored */
    char *resp = sbv_adapter_answer(m, line, (size_t)n);
    if (!resp || fprintf(out, "%s\n", resp) < 0 || fflush(out) != 0) {
      free(resp);
      free(line);
      return SBCONF_EXIT_INTERNAL;
    }
    free(resp);
  }
  free(line);
  return SBCONF_EXIT_PASS;
}
