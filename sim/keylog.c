/*
 * Writing the SBRP key log (format in keylog.h and dissector/README.md).
 */
#include "keylog.h"

#include <string.h>

size_t sim_keylog_format(char *out, size_t cap, uint64_t session_id, unsigned direction,
                         const uint8_t key[SB_SBRP_KEY_BYTES]) {
  static const char hexd[] = "0123456789abcdef";
  if ((direction != 1 && direction != 2) || cap < SIM_KEYLOG_LINE_CHARS + 1) return 0;
  char *p = out;
  memcpy(p, "SBRP_TRAFFIC_KEY ", 17);
  p += 17;
  for (int i = 15; i >= 0; i--) *p++ = hexd[(session_id >> (4 * i)) & 15u];
  *p++ = ' ';
  memcpy(p, direction == 1 ? "c2d" : "d2c", 3);
  p += 3;
  *p++ = ' ';
  for (size_t i = 0; i < SB_SBRP_KEY_BYTES; i++) {
    *p++ = hexd[key[i] >> 4];
    *p++ = hexd[key[i] & 15u];
  }
  *p++ = '\n';
  *p = '\0';
  return (size_t)(p - out);
}

int sim_keylog_open(sim_keylog *k, const char *path) {
  k->err = 0;
  k->f = fopen(path, "w");
  if (!k->f) {
    k->err = -1;
    return -1;
  }
  if (fputs(SIM_KEYLOG_HEADER, k->f) == EOF || fflush(k->f) != 0) k->err = -1;
  return k->err;
}

int sim_keylog_add(sim_keylog *k, uint64_t session_id, unsigned direction,
                   const uint8_t key[SB_SBRP_KEY_BYTES]) {
  char line[SIM_KEYLOG_LINE_CHARS + 1];
  size_t n = sim_keylog_format(line, sizeof line, session_id, direction, key);
  if (k->err || !k->f || n == 0) return -1;
  if (fwrite(line, 1, n, k->f) != n || fflush(k->f) != 0) k->err = -1;
  return k->err;
}

int sim_keylog_add_session(sim_keylog *k, uint64_t session_id, const sb_sbrp_session_keys *keys) {
  if (sim_keylog_add(k, session_id, 1, keys->c2d) != 0) return -1;
  return sim_keylog_add(k, session_id, 2, keys->d2c);
}

int sim_keylog_close(sim_keylog *k) {
  int rc = k->err;
  if (k->f && fclose(k->f) != 0) rc = -1;
  k->f = NULL;
  return rc ? -1 : 0;
}
