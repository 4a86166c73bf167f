/*
 * Fuzz target iut_answer: parsing one response line of an implementation
 * under test (sim/iut.h, sbv_iut_parse_answer), input = the line without
 * its newline, read as the answer to request id 17.
 *
 * Invariants: the parser answers 0 or -1; on -1 a non-empty reason fits its
 * buffer; on 0 the result is valid, invalid or unsupported, any output is a
 * JSON object, and the line is a JSON object whose id is 17.
 */
#include "fuzz.h"

#include "common/error.h"
#include "common/json.h"
#include "iut.h"

#define WANT_ID 17

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbv_answer ans;
  memset(&ans, 0, sizeof ans);
  char why[SBV_MSG_SIZE];
  memset(why, 'x', sizeof why);
  int rc = sbv_iut_parse_answer((const char *)data, size, WANT_ID, &ans, why);
  if (rc == 0) {
    FUZZ_ASSERT(ans.result == SBV_VALID || ans.result == SBV_INVALID ||
                ans.result == SBV_UNSUPPORTED);
    FUZZ_ASSERT(ans.output == NULL || cJSON_IsObject(ans.output));
    cJSON *o = NULL;
    FUZZ_ASSERT(sb_json_parse(data, size, false, &o) == SB_OK && cJSON_IsObject(o));
    const cJSON *id = sb_json_get(o, "id");
    FUZZ_ASSERT(cJSON_IsNumber(id) && id->valuedouble == WANT_ID);
    cJSON_Delete(o);
    sbv_answer_clear(&ans);
  } else {
    FUZZ_ASSERT(rc == -1);
    FUZZ_ASSERT(memchr(why, '\0', sizeof why) != NULL && why[0] != '\0');
    FUZZ_ASSERT(ans.output == NULL);
    fuzz_keep(strlen(why));
  }
  return 0;
}
