#include "sbp/handshake.h"

#include <stdbool.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/utf8.h"

/* The string member `key` (last duplicate wins), or NULL. */
static const char *string_member(const cJSON *obj, const char *key) {
  const cJSON *v = sb_json_get(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Checks after parsing: field types first, then the values (SBP-HS-004,
 * SBP-HS-003), so a payload with both kinds of fault is InvalidFrame. */
static int check_fields(const cJSON *root, sb_sbp_handshake *hs) {
  if (!cJSON_IsObject(root)) return SB_ERR_SBP_HS_NOT_OBJECT;
  hs->protocol = string_member(root, "protocol");
  if (!hs->protocol) return SB_ERR_SBP_HS_PROTOCOL_FIELD;
  hs->version = string_member(root, "version");
  if (!hs->version) return SB_ERR_SBP_HS_VERSION_FIELD;
  hs->peer_id = string_member(root, "peerId");
  if (!hs->peer_id) return SB_ERR_SBP_HS_PEERID_FIELD;
  if (strcmp(hs->protocol, SB_SBP_PROTOCOL_NAME) != 0) return SB_ERR_SBP_HS_PROTOCOL_MISMATCH;
  if (strcmp(hs->version, SB_SBP_PROTOCOL_VERSION) != 0) return SB_ERR_SBP_HS_VERSION_MISMATCH;
  /* Optional and never rejected (SBP-HS-005): a value of another JSON type
   * is treated as absent. */
  const cJSON *caps = sb_json_get(root, "caps");
  const cJSON *metadata = sb_json_get(root, "metadata");
  hs->caps = cJSON_IsArray(caps) ? caps : NULL;
  hs->metadata = cJSON_IsObject(metadata) ? metadata : NULL;
  return SB_OK;
}

int sb_sbp_handshake_decode(const uint8_t *buf, size_t len, sb_sbp_handshake *out) {
  if (!out) return SB_ERR_ARG;
  memset(out, 0, sizeof *out);
  if (len && !buf) return SB_ERR_ARG;
  cJSON *root = NULL;
  int rc = sb_json_parse(buf, len, true, &root);
  if (rc == SB_ERR_UTF8) return SB_ERR_SBP_HS_UTF8;
  if (rc == SB_ERR_JSON) return SB_ERR_SBP_HS_JSON;
  if (rc != SB_OK) return rc; /* SB_ERR_JSON_NUL, SB_ERR_NOMEM */
  sb_sbp_handshake hs = {0};
  rc = check_fields(root, &hs);
  if (rc != SB_OK) {
    cJSON_Delete(root);
    return rc;
  }
  hs.tree = root;
  *out = hs;
  return SB_OK;
}

void sb_sbp_handshake_free(sb_sbp_handshake *hs) {
  if (!hs) return;
  cJSON_Delete(hs->tree);
  memset(hs, 0, sizeof *hs);
}

static bool is_string_array(const cJSON *a) {
  if (!cJSON_IsArray(a)) return false;
  for (const cJSON *c = a->child; c; c = c->next)
    if (!cJSON_IsString(c)) return false;
  return true;
}

/* Copy of `item`, or a new empty container when `item` is NULL. */
static cJSON *copy_or_empty(const cJSON *item, bool array) {
  if (item) return cJSON_Duplicate(item, 1);
  return array ? cJSON_CreateArray() : cJSON_CreateObject();
}

int sb_sbp_handshake_encode(const char *peer_id, const cJSON *caps, const cJSON *metadata,
                            uint8_t *out, size_t cap, size_t *out_len) {
  if (!peer_id || !out_len) return SB_ERR_ARG;
  if (caps && !is_string_array(caps)) return SB_ERR_ARG;
  if (metadata && !cJSON_IsObject(metadata)) return SB_ERR_ARG;
  /* Insertion order is print order, which gives the negotiator's key order. */
  cJSON *root = cJSON_CreateObject();
  cJSON *caps_copy = copy_or_empty(caps, true);
  cJSON *meta_copy = copy_or_empty(metadata, false);
  bool built = root && caps_copy && meta_copy &&
               cJSON_AddStringToObject(root, "protocol", SB_SBP_PROTOCOL_NAME) &&
               cJSON_AddStringToObject(root, "version", SB_SBP_PROTOCOL_VERSION) &&
               cJSON_AddStringToObject(root, "peerId", peer_id) &&
               cJSON_AddItemToObject(root, "caps", caps_copy);
  if (built) caps_copy = NULL; /* owned by root now */
  built = built && cJSON_AddItemToObject(root, "metadata", meta_copy);
  if (built) meta_copy = NULL;
  char *text = built ? sb_json_print(root) : NULL;
  cJSON_Delete(caps_copy);
  cJSON_Delete(meta_copy);
  cJSON_Delete(root);
  if (!text) return SB_ERR_NOMEM;
  size_t n = strlen(text);
  int rc = SB_OK;
  /* cJSON copies string bytes through unchanged, so ill-formed input
   * would come out as ill-formed JSON text. */
  if (!sb_utf8_valid((const uint8_t *)text, n)) {
    rc = SB_ERR_SBP_HS_UTF8;
  } else {
    *out_len = n;
    if (!out || cap < n)
      rc = SB_ERR_BUF;
    else
      memcpy(out, text, n);
  }
  cJSON_free(text);
  return rc;
}
