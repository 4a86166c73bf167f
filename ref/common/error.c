#include "common/error.h"

#include <stddef.h>

static const sb_err_info sb_err_table[] = {
#define SB_ERR_ROW_(name, value, text, req, code, proto) {value, #name, text, req, code, proto},
    SB_ERR_LIST(SB_ERR_ROW_)
#undef SB_ERR_ROW_
};

#define SB_ERR_ROWS (sizeof(sb_err_table) / sizeof(sb_err_table[0]))

const sb_err_info *sb_err_lookup(int err) {
  /* Linear: the table is small and lookups happen only on failure paths. */
  for (size_t i = 0; i < SB_ERR_ROWS; i++)
    if (sb_err_table[i].value == err) return &sb_err_table[i];
  return NULL;
}

const char *sb_err_name(int err) {
  if (err == SB_OK) return "SB_OK";
  const sb_err_info *info = sb_err_lookup(err);
  return info ? info->name : "SB_ERR_UNKNOWN";
}

const char *sb_err_str(int err) {
  if (err == SB_OK) return "ok";
  const sb_err_info *info = sb_err_lookup(err);
  return info ? info->text : "unknown error";
}

unsigned sb_err_proto_code(int err) {
  const sb_err_info *info = sb_err_lookup(err);
  return info ? info->proto_code : 0;
}

const char *sb_err_proto_name(int err) {
  const sb_err_info *info = sb_err_lookup(err);
  return info ? info->proto_name : NULL;
}

unsigned sb_err_count(void) { return (unsigned)SB_ERR_ROWS; }

const sb_err_info *sb_err_at(unsigned i) { return i < SB_ERR_ROWS ? &sb_err_table[i] : NULL; }
