/*
 * Fuzz target adapter: one request line of the adapter protocol
 * (sim/adapter.h, sbv_adapter_answer), input = the line without its
 * newline. The reference answers every input; one mutant, picked by a hash
 * of the input, answers it too (a mutant is wrong on purpose, but must not
 * crash or write a broken line either).
 *
 * Invariants: an answer always comes back, is one line (no newline), is a
 * strict JSON object with an `id` and a `result` of valid, invalid or
 * unsupported; its id is the request's when the request has a usable one
 * (a string, or a number a double holds);
 * a refused request says why in `error`.
 */
#include "fuzz.h"

#include <math.h>

#include "adapter.h"
#include "common/error.h"
#include "common/json.h"
#include "mutants.h"

static void check_answer(const char *resp, const cJSON *req_id) {
  FUZZ_ASSERT(resp != NULL);
  size_t n = strlen(resp);
  FUZZ_ASSERT(memchr(resp, '\n', n) == NULL && memchr(resp, '\r', n) == NULL);
  cJSON *o = NULL;
  FUZZ_ASSERT(sb_json_parse((const uint8_t *)resp, n, true, &o) == SB_OK);
  FUZZ_ASSERT(cJSON_IsObject(o));
  const cJSON *id = sb_json_get(o, "id");
  const char *result = cJSON_GetStringValue(sb_json_get(o, "result"));
  FUZZ_ASSERT(id != NULL && result != NULL);
  sbv_result r;
  FUZZ_ASSERT(sbv_result_parse(result, &r));
  /* An id beyond the doubles (1e999) cannot be echoed: JSON has no
   * infinity, cJSON writes null. */
  if (req_id && !(cJSON_IsNumber(req_id) && !isfinite(req_id->valuedouble)))
    FUZZ_ASSERT(cJSON_Compare(id, req_id, true));
  if (sb_json_get(o, "error")) FUZZ_ASSERT(r == SBV_UNSUPPORTED);
  if (r == SBV_INVALID) FUZZ_ASSERT(cJSON_IsObject(sb_json_get(o, "output")));
  cJSON_Delete(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The request's id, when it is an object with a number or string id. */
  cJSON *req = NULL;
  const cJSON *req_id = NULL;
  if (sb_json_parse(data, size, true, &req) == SB_OK && cJSON_IsObject(req)) {
    const cJSON *id = sb_json_get(req, "id");
    if (cJSON_IsNumber(id) || cJSON_IsString(id)) req_id = id;
  }
  char *resp = sbv_adapter_answer(NULL, (const char *)data, size);
  check_answer(resp, req_id);
  free(resp);
  size_t nm = sbv_mutant_count();
  if (nm > 0) {
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 1099511628211u;
    const sbv_mutant *m = sbv_mutant_at((size_t)(h % nm));
    FUZZ_ASSERT(m != NULL);
    resp = sbv_adapter_answer(m, (const char *)data, size);
    check_answer(resp, req_id);
    free(resp);
  }
  cJSON_Delete(req);
  return 0;
}
