#include "common/error.h"

#include <string.h>

#include "test/sbt.h"

static void error_table_values_are_negative_and_unique(void) {
  unsigned n = sb_err_count();
  SBT_CHECK(n > 50, "table has %u rows", n);
  for (unsigned i = 0; i < n; i++) {
    const sb_err_info *a = sb_err_at(i);
    SBT_CHECK(a->value < 0, "%s is negative", a->name);
    SBT_CHECK(a->text && a->text[0], "%s has a text", a->name);
    SBT_CHECK(strncmp(a->name, "SB_ERR_", 7) == 0, "%s is prefixed", a->name);
    for (unsigned j = i + 1; j < n; j++)
      SBT_CHECK(sb_err_at(j)->value != a->value, "%s and %s share a value", a->name,
                sb_err_at(j)->name);
  }
  SBT_CHECK(sb_err_at(n) == NULL, "row past the end is NULL");
}

static void error_protocol_rows_name_a_requirement(void) {
  /* Every error with a protocol outcome says which requirement it enforces,
   * so reports can cite it. */
  for (unsigned i = 0; i < sb_err_count(); i++) {
    const sb_err_info *e = sb_err_at(i);
    if (e->proto_name) SBT_CHECK(e->req != NULL, "%s has an outcome but no requirement", e->name);
  }
}

static void error_lookup_names_and_texts(void) {
  SBT_STR_EQ(sb_err_name(SB_OK), "SB_OK");
  SBT_STR_EQ(sb_err_name(SB_ERR_SBRP_PAYLOAD_TOO_LARGE), "SB_ERR_SBRP_PAYLOAD_TOO_LARGE");
  SBT_STR_EQ(sb_err_name(-9999), "SB_ERR_UNKNOWN");
  SBT_STR_EQ(sb_err_str(SB_OK), "ok");
  SBT_STR_EQ(sb_err_str(-9999), "unknown error");
  const sb_err_info *e = sb_err_lookup(SB_ERR_SBRP_PAYLOAD_TOO_LARGE);
  SBT_CHECK(e && e->proto_code == 0x0402, "payload_too_large is control code 0x0402");
  SBT_STR_EQ(e->proto_name, "payload_too_large");
  SBT_STR_EQ(e->req, "SBRP-WIRE-011");
  SBT_CHECK(sb_err_lookup(SB_OK) == NULL, "0 has no row");
}

SBT_SUITE(common_error, "common/error", SBT_CASE(error_table_values_are_negative_and_unique),
          SBT_CASE(error_protocol_rows_name_a_requirement), SBT_CASE(error_lookup_names_and_texts))
