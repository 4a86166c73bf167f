/*
 * SBP handshake payload (sbp.md section 5): the UTF-8 JSON object carried as
 * the data of a Control/Handshake frame.
 *
 *   {"protocol":"sideband","version":"1","peerId":"...","caps":[...],"metadata":{...}}
 *
 * Decoding checks, in this order: strict UTF-8, one JSON text, an object,
 * `protocol` / `version` / `peerId` present as strings (InvalidFrame 1002,
 * every type error before any mismatch), then `protocol` == "sideband" and
 * `version` == "1" (UnsupportedVersion 1001). Unknown keys and the contents
 * of `caps` and `metadata` are ignored (SBP-HS-005); duplicate keys resolve
 * last-wins as JSON.parse does. Uses cJSON, which allocates: the decoded
 * struct owns a tree, released with sb_sbp_handshake_free().
 */
#ifndef SB_SBP_HANDSHAKE_H
#define SB_SBP_HANDSHAKE_H

#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_SBP_PROTOCOL_NAME "sideband"
#define SB_SBP_PROTOCOL_VERSION "1"
#define SB_SBP_PROTOCOL_ID "sideband/1"
/* Recommended cap on the payload (SBP-HS-007); not enforced here. */
#define SB_SBP_HANDSHAKE_RECOMMENDED_MAX 8192u

/* A decoded handshake. Every pointer points into `tree`. */
typedef struct sb_sbp_handshake {
  const char *protocol; /* "sideband" after a successful decode */
  const char *version;  /* "1" after a successful decode */
  const char *peer_id;  /* any string, "" included; a label, not an identity */
  const cJSON *caps;     /* the `caps` array, or NULL if absent or not an array */
  const cJSON *metadata; /* the `metadata` object, or NULL if absent or not an object */
  cJSON *tree;           /* owned: the whole parsed payload */
} sb_sbp_handshake;

/* Decode `len` bytes into `*out` (zeroed on failure, nothing to free).
 * Errors: SB_ERR_SBP_HS_UTF8, SB_ERR_SBP_HS_JSON, SB_ERR_SBP_HS_NOT_OBJECT,
 * SB_ERR_SBP_HS_PROTOCOL_FIELD, _VERSION_FIELD, _PEERID_FIELD (1002),
 * SB_ERR_SBP_HS_PROTOCOL_MISMATCH, _VERSION_MISMATCH (1001); SB_ERR_JSON_NUL
 * for a string holding U+0000 (not representable here); SB_ERR_NOMEM,
 * SB_ERR_ARG. */
SB_NODISCARD int sb_sbp_handshake_decode(const uint8_t *buf, size_t len, sb_sbp_handshake *out);

/* Release the tree of a decoded handshake and zero it (NULL is fine). */
void sb_sbp_handshake_free(sb_sbp_handshake *hs);

/* Encode a handshake for `peer_id` the way the upstream negotiator does:
 * compact, keys in the order protocol, version, peerId, caps, metadata,
 * always with `caps` (an array of strings; NULL gives []) and `metadata` (an
 * object; NULL gives {}). `*out_len` gets the size written, or needed with
 * SB_ERR_BUF. Errors: SB_ERR_ARG (NULL peer_id, caps not an array of
 * strings, metadata not an object), SB_ERR_SBP_HS_UTF8 (a string is not
 * valid UTF-8), SB_ERR_NOMEM. */
SB_NODISCARD int sb_sbp_handshake_encode(const char *peer_id, const cJSON *caps,
                                         const cJSON *metadata, uint8_t *out, size_t cap,
                                         size_t *out_len);

#endif
