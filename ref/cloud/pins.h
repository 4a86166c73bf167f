/*
 * The identity key store (cloud.md section 6, sbrp.md section 12): TOFU pins
 * of daemon identity public keys, keyed by daemon ID (CLOUD-090: get, set,
 * delete, list; keys are the raw 32-byte Ed25519 public keys).
 *
 * In memory, in a table the caller provides (fixed capacity, no
 * allocation), kept sorted by daemon ID bytes so that list() and the text
 * form are deterministic. A file-backed store is this table plus the text
 * form below: the driver reads the file, parses it, and writes the
 * formatted text back after each change (ref/ never opens files).
 *
 * Text form, version 1 (UTF-8 bytes, LF line ends, every line ends in LF):
 *
 *   sbconf-pins 1
 *   <daemon-id> <key>
 *   ...
 *
 * one line per pin, in strictly ascending byte order of the daemon ID,
 * separated by one space. <daemon-id> is the ID percent-encoded: the bytes
 * A-Z a-z 0-9 - . _ ~ as themselves, every other byte as %XX with upper-case
 * hex ("d_abc123" stays as is, "a b" is "a%20b"). <key> is 64 lower-case hex
 * digits. Nothing else is allowed: no comments, blank lines, CR, trailing
 * spaces, non-canonical escapes or duplicates, so a text that parses is
 * exactly the text the formatter writes for it.
 */
#ifndef SB_CLOUD_PINS_H
#define SB_CLOUD_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_CLOUD_PIN_KEY_BYTES 32u
#define SB_CLOUD_DAEMON_ID_MAX 255u /* bytes; IDs are otherwise arbitrary (upstream asDaemonId) */
#define SB_CLOUD_PINS_HEADER "sbconf-pins 1"

typedef struct sb_cloud_pin {
  char daemon_id[SB_CLOUD_DAEMON_ID_MAX + 1]; /* NUL-terminated */
  size_t daemon_id_len;
  uint8_t key[SB_CLOUD_PIN_KEY_BYTES];
} sb_cloud_pin;

typedef struct sb_cloud_pins {
  sb_cloud_pin *entries; /* caller's table, sorted by daemon ID */
  size_t cap, count;
} sb_cloud_pins;

/* Start an empty store over `entries[0..cap)`. SB_ERR_ARG if `entries` is
 * NULL with cap > 0. */
SB_NODISCARD int sb_cloud_pins_init(sb_cloud_pins *s, sb_cloud_pin *entries, size_t cap);

/* The pinned key of `daemon_id` into `key` (CLOUD-090 get): 0, or
 * SB_ERR_NOT_FOUND (the interface's null). SB_ERR_ARG for NULL. */
SB_NODISCARD int sb_cloud_pins_get(const sb_cloud_pins *s, const char *daemon_id,
                                   uint8_t key[SB_CLOUD_PIN_KEY_BYTES]);

/* Pin `key` for `daemon_id`, replacing an existing pin (CLOUD-090 set).
 * SB_ERR_ARG for an empty ID or one longer than SB_CLOUD_DAEMON_ID_MAX,
 * SB_ERR_FULL if a new pin does not fit. */
SB_NODISCARD int sb_cloud_pins_set(sb_cloud_pins *s, const char *daemon_id,
                                   const uint8_t key[SB_CLOUD_PIN_KEY_BYTES]);

/* Remove the pin of `daemon_id` if there is one (CLOUD-090 delete; removing
 * a missing pin is not an error). `*removed` (may be NULL) says whether one
 * was. SB_ERR_ARG for NULL. */
SB_NODISCARD int sb_cloud_pins_delete(sb_cloud_pins *s, const char *daemon_id, bool *removed);

/* Number of pins, and the daemon ID of pin `i` in ascending order
 * (CLOUD-090 list), or NULL past the end. */
size_t sb_cloud_pins_count(const sb_cloud_pins *s);
const char *sb_cloud_pins_at(const sb_cloud_pins *s, size_t i);

/* Write the text form (NUL-terminated). `*out_len` gets its length (or the
 * length needed, with SB_ERR_BUF). */
SB_NODISCARD int sb_cloud_pins_format(const sb_cloud_pins *s, char *out, size_t out_cap,
                                      size_t *out_len);

/* Where and why a text was refused. */
typedef struct sb_cloud_pins_error {
  unsigned line;      /* 1-based; 0 if the error is not tied to a line */
  const char *reason; /* static text */
} sb_cloud_pins_error;

/* Replace the contents of `s` with the pins of `text[0..len)`. On any
 * error `s` is left empty and `*err` (may be NULL) says where:
 * SB_ERR_CLOUD_PIN_TEXT for a malformed text (missing or wrong header, line
 * without LF, bad ID or key, unsorted or duplicate IDs), SB_ERR_FULL if the
 * pins do not fit in the table. */
SB_NODISCARD int sb_cloud_pins_parse(sb_cloud_pins *s, const char *text, size_t len,
                                     sb_cloud_pins_error *err);

#endif
