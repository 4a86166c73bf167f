#define _POSIX_C_SOURCE 200809L
#include "adapter.h"

#include <stdlib.h>
#include <string.h>

#include "test/sbt.h"

static void expect_answer(const char *req, const char *want) {
  char *got = sbv_adapter_answer(NULL, req, strlen(req));
  SBT_STR_EQ(got, want);
  free(got);
}

static void adapter_answers_with_the_request_id(void) {
  expect_answer("{\"id\":17,\"type\":\"auth.sid.encode\",\"input\":{\"sessionId\":\"1\"}}",
                "{\"id\":17,\"result\":\"valid\",\"output\":{\"sid\":\"AAAAAAAAAAE\"}}");
  expect_answer("{\"id\":\"a\",\"type\":\"events.validate\",\"input\":{\"name\":\"a.*\"}}",
                "{\"id\":\"a\",\"result\":\"invalid\",\"output\":{\"error\":\"invalid_pattern\"}}");
  expect_answer("{\"id\":3,\"type\":\"no.such.type\",\"input\":{}}", "{\"id\":3,\"result\":\"unsupported\"}");
}

static void adapter_refuses_malformed_requests_and_says_why(void) {
  expect_answer("not json", "{\"id\":null,\"result\":\"unsupported\",\"error\":\"request is not a JSON text\"}");
  expect_answer("[1]", "{\"id\":null,\"result\":\"unsupported\",\"error\":\"request is not a JSON object\"}");
  expect_answer("{\"type\":\"x\",\"input\":{}}",
                "{\"id\":null,\"result\":\"unsupported\",\"error\":\"request.id: missing or not a number or string\"}");
  expect_answer("{\"id\":1,\"input\":{}}",
                "{\"id\":1,\"result\":\"unsupported\",\"error\":\"request.type: missing or not a string\"}");
  expect_answer("{\"id\":1,\"type\":\"sbrp.frame.decode\",\"input\":{\"frame\":\"zz\"}}",
                "{\"id\":1,\"result\":\"unsupported\",\"error\":\"input.frame: not an even-length hex string\"}");
}

/* Numbers no operation can hold (found by fuzzing: casting them to an integer
 * was undefined behaviour, caught by UBSan under `make asan`). The inputs are
 * also in ref/fuzz/regress/. */
static void adapter_refuses_numbers_out_of_range(void) {
  expect_answer("{\"id\":1,\"type\":\"auth.token.verify\",\"input\":{\"token\":\"a.b.c\",\"jwks\":{\"keys\":[]},"
                "\"now\":1e36,\"expect\":{\"issuer\":\"i\"}}}",
                "{\"id\":1,\"result\":\"unsupported\",\"error\":\"input.now: 1e+36 is not a time in seconds (|now| <= 2^53)\"}");
  expect_answer("{\"id\":3,\"type\":\"sbrp.replay\",\"input\":{\"window\":2e68,\"seqs\":[\"0\"]}}",
                "{\"id\":3,\"result\":\"unsupported\"}");
  expect_answer("{\"id\":4,\"type\":\"rpc.correlate\",\"input\":{\"calls\":[{\"cid\":\"c7978faa4271d9bca5fbcaed96fc07ea\","
                "\"timeoutMs\":1000}],\"responses\":[{\"cid\":\"c7978faa4271d9bca5fbcaed96fc07ea\",\"atMs\":3.3e39}]}}",
                "{\"id\":4,\"result\":\"unsupported\",\"error\":\"input.responses[0]: needs cid (16 bytes) and atMs in "
                "[0, 9e12], in time order\"}");
  expect_answer("{\"id\":5,\"type\":\"rpc.correlate\",\"input\":{\"calls\":[{\"cid\":\"c7978faa4271d9bca5fbcaed96fc07ea\","
                "\"timeoutMs\":5e81}],\"responses\":[]}}",
                "{\"id\":5,\"result\":\"unsupported\",\"error\":\"input.calls[0]: needs cid (16 bytes) and timeoutMs in "
                "[0, 9e12]\"}");
}

static void adapter_serves_until_end_of_input(void) {
  char in[] = "{\"id\":1,\"type\":\"auth.sid.decode\",\"input\":{\"sid\":\"AAAAAAAAAAA\"}}\n\n"
              "{\"id\":2,\"type\":\"auth.sid.decode\",\"input\":{\"sid\":\"AAAAAAAAAAE\"}}\n";
  char out[512] = "";
  FILE *fin = fmemopen(in, strlen(in), "r"), *fout = fmemopen(out, sizeof out, "w");
  SBT_OK(sbv_adapter_serve(NULL, fin, fout));
  fclose(fin);
  fclose(fout);
  SBT_STR_EQ(out,
             "{\"id\":1,\"result\":\"invalid\",\"output\":{\"error\":\"invalid_sid\"}}\n"
             "{\"id\":2,\"result\":\"valid\",\"output\":{\"sessionId\":\"1\"}}\n");
}

SBT_SUITE(sim_adapter, "sim/adapter", SBT_CASE(adapter_answers_with_the_request_id),
          SBT_CASE(adapter_refuses_malformed_requests_and_says_why), SBT_CASE(adapter_refuses_numbers_out_of_range),
          SBT_CASE(adapter_serves_until_end_of_input))
