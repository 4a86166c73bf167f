/*
 * The SBRP key log the dissector reads (dissector/README.md, "Key log"):
 *
 *   # sbconf SBRP key log v1
 *   SBRP_TRAFFIC_KEY <session-id> <direction> <key>
 *
 * session-id: the 64-bit SessionID as 16 lower-case hex digits (big-endian,
 * as on the wire); direction: `c2d` (client -> daemon, nonce direction 1) or
 * `d2c` (2); key: the 32-byte ChaCha20-Poly1305 traffic key as 64 lower-case
 * hex digits. One line per session and direction; lines starting with `#`
 * are comments, blank lines are ignored.
 */
#ifndef SIM_KEYLOG_H
#define SIM_KEYLOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sbrp/handshake.h"

#define SIM_KEYLOG_HEADER "# sbconf SBRP key log v1\n"
/* "SBRP_TRAFFIC_KEY " + 16 + " " + 3 + " " + 64 + "\n" */
#define SIM_KEYLOG_LINE_CHARS (17u + 16u + 1u + 3u + 1u + 64u + 1u)

typedef struct sim_keylog {
  FILE *f;
  int err; /* sticky: -1 after the first failed write */
} sim_keylog;

/* Format one line (with its newline and a NUL) into `out`; `direction` is 1
 * (c2d) or 2 (d2c). Returns the line length, or 0 if `cap` is too small or
 * the direction is not 1 or 2. */
size_t sim_keylog_format(char *out, size_t cap, uint64_t session_id, unsigned direction,
                         const uint8_t key[SB_SBRP_KEY_BYTES]);

/* Create `path` and write the header comment. 0 or -1 (errno set). */
int sim_keylog_open(sim_keylog *k, const char *path);

/* Append the line of one session and direction (flushed, so a dissector
 * reading the file meanwhile sees whole lines). 0 or -1. */
int sim_keylog_add(sim_keylog *k, uint64_t session_id, unsigned direction,
                   const uint8_t key[SB_SBRP_KEY_BYTES]);

/* Append both lines of a session: c2d then d2c. 0 or -1. */
int sim_keylog_add_session(sim_keylog *k, uint64_t session_id, const sb_sbrp_session_keys *keys);

/* Close; 0, or -1 if any write failed. A keylog never opened (f NULL) closes with 0. */
int sim_keylog_close(sim_keylog *k);

#endif
