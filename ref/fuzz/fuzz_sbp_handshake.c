/*
 * Fuzz target sbp_handshake: the SBP handshake JSON payload
 * (sbp/handshake.h), input = the data of a Control/Handshake frame.
 *
 * Invariants: a failure is InvalidFrame (1002), UnsupportedVersion (1001)
 * or one of the documented non-protocol errors, and leaves nothing to free;
 * a success names protocol "sideband" and version "1"; when the decoded
 * handshake re-encodes (caps must then be strings), the encoding decodes
 * again to the same peerId, and re-encodes to the same bytes.
 */
#include "fuzz.h"

#include "common/error.h"
#include "sbp/handshake.h"

/* Encode into an exactly sized buffer; NULL when the encoder refuses. */
static uint8_t *encode(const sb_sbp_handshake *hs, size_t *len) {
  size_t need = 0;
  int rc = sb_sbp_handshake_encode(hs->peer_id, hs->caps, hs->metadata, NULL, 0, &need);
  if (rc == SB_ERR_ARG || rc == SB_ERR_NOMEM) return NULL; /* caps not all strings */
  FUZZ_ASSERT(rc == SB_ERR_BUF);
  uint8_t *out = malloc(need ? need : 1);
  FUZZ_ASSERT(out != NULL);
  rc = sb_sbp_handshake_encode(hs->peer_id, hs->caps, hs->metadata, out, need, len);
  FUZZ_ASSERT(rc == SB_OK);
  FUZZ_ASSERT(*len == need);
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_sbp_handshake hs;
  int rc = sb_sbp_handshake_decode(data, size, &hs);
  if (rc != SB_OK) {
    unsigned code = sb_err_proto_code(rc);
    FUZZ_ASSERT(code == 1002 || code == 1001 || rc == SB_ERR_JSON_NUL || rc == SB_ERR_NOMEM);
    FUZZ_ASSERT(hs.tree == NULL && hs.peer_id == NULL);
    fuzz_keep((uint64_t)-rc);
    return 0;
  }
  FUZZ_ASSERT(strcmp(hs.protocol, SB_SBP_PROTOCOL_NAME) == 0);
  FUZZ_ASSERT(strcmp(hs.version, SB_SBP_PROTOCOL_VERSION) == 0);
  FUZZ_ASSERT(hs.peer_id != NULL && hs.tree != NULL);
  FUZZ_ASSERT(hs.caps == NULL || cJSON_IsArray(hs.caps));
  FUZZ_ASSERT(hs.metadata == NULL || cJSON_IsObject(hs.metadata));
  size_t len = 0;
  uint8_t *enc = encode(&hs, &len);
  if (enc) {
    sb_sbp_handshake again;
    FUZZ_ASSERT(sb_sbp_handshake_decode(enc, len, &again) == SB_OK);
    FUZZ_ASSERT(strcmp(again.peer_id, hs.peer_id) == 0);
    size_t len2 = 0;
    uint8_t *enc2 = encode(&again, &len2);
    FUZZ_ASSERT(enc2 != NULL && len2 == len && memcmp(enc, enc2, len) == 0);
    free(enc2);
    sb_sbp_handshake_free(&again);
    free(enc);
  }
  fuzz_keep(strlen(hs.peer_id));
  sb_sbp_handshake_free(&hs);
  FUZZ_ASSERT(hs.tree == NULL);
  return 0;
}
