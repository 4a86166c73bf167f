#include "rpc/envelope.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/utf8.h"

/* cJSON refuses to parse deeper trees than this; the writer uses the same
 * bound so that anything it accepts could also be read back. */
#define MAX_DEPTH 1000

/* ---- JSON text out, the way JSON.stringify writes it --------------------- */

static void put(sb_writer *w, const char *s) { sb_writer_bytes(w, (const uint8_t *)s, strlen(s)); }

/* JSON.stringify's escapes: the two mandatory ones, the five short forms,
 * \u00xx (lower-case hex) for other controls, everything else verbatim. */
static int write_string(sb_writer *w, const char *s) {
  size_t n = strlen(s);
  if (!sb_utf8_valid((const uint8_t *)s, n)) return SB_ERR_RPC_UTF8;
  static const char hex[] = "0123456789abcdef";
  sb_writer_u8(w, '"');
  for (size_t i = 0; i < n; i++) {
    uint8_t c = (uint8_t)s[i];
    switch (c) {
      case '"': put(w, "\\\""); break;
      case '\\': put(w, "\\\\"); break;
      case '\b': put(w, "\\b"); break;
      case '\f': put(w, "\\f"); break;
      case '\n': put(w, "\\n"); break;
      case '\r': put(w, "\\r"); break;
      case '\t': put(w, "\\t"); break;
      default:
        if (c < 0x20) {
          char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
          put(w, esc);
        } else {
          sb_writer_u8(w, c);
        }
    }
  }
  sb_writer_u8(w, '"');
  return SB_OK;
}

/* Decimal digits and exponent of a positive finite double: x = 0.D * 10^n,
 * i.e. D[0] is the 10^(n-1) digit. */
typedef struct js_digits {
  char d[24];
  int k; /* number of digits */
  int n; /* decimal exponent as ECMAScript Number::toString names it */
} js_digits;

static bool round_trips(const char *text, double x) { return strtod(text, NULL) == x; }

/* Split "%.*e" output ("1.2345e+02") into digits and exponent; any decimal
 * point is skipped, so the locale does not matter. */
static void parse_e(const char *text, js_digits *out) {
  out->k = 0;
  const char *c = text;
  for (; *c && *c != 'e'; c++)
    if (*c >= '0' && *c <= '9' && out->k < (int)sizeof out->d - 1) out->d[out->k++] = *c;
  out->d[out->k] = 0;
  out->n = (int)strtol(c + 1, NULL, 10) + 1;
}

/* Shortest digits that read back as x (ECMAScript Number::toString, step
 * 5): for each length p, the correctly rounded p-digit decimal, and if that
 * misses (it can just beside a power of two, where the gap below x is half
 * the gap above) the p-digit neighbour on the other side of x. */
static void shortest_digits(double x, js_digits *out) {
  char text[64];
  for (int p = 1; p <= 17; p++) {
    snprintf(text, sizeof text, "%.*e", p - 1, x);
    parse_e(text, out);
    if (round_trips(text, x)) break;
    unsigned long long v = strtoull(out->d, NULL, 10);
    v = strtod(text, NULL) < x ? v + 1 : v - 1;
    char alt[64];
    snprintf(alt, sizeof alt, "%llue%d", v, out->n - p);
    if (round_trips(alt, x)) {
      /* v * 10^(n-p) with v of k digits is 0.v * 10^(k+n-p) */
      int exp_low = out->n - p;
      snprintf(out->d, sizeof out->d, "%llu", v);
      out->k = (int)strlen(out->d);
      out->n = out->k + exp_low;
      break;
    }
  }
  while (out->k > 1 && out->d[out->k - 1] == '0') out->d[--out->k] = 0;
}

static void put_zeros(sb_writer *w, int count) {
  for (int i = 0; i < count; i++) sb_writer_u8(w, '0');
}

/* ECMAScript Number::toString(10); -0 prints as 0. */
static int write_number(sb_writer *w, double x) {
  if (!isfinite(x)) return SB_ERR_RPC_ENCODE;
  if (x == 0) {
    put(w, "0");
    return SB_OK;
  }
  if (x < 0) {
    sb_writer_u8(w, '-');
    x = -x;
  }
  js_digits s;
  shortest_digits(x, &s);
  const uint8_t *d = (const uint8_t *)s.d;
  if (s.k <= s.n && s.n <= 21) {
    sb_writer_bytes(w, d, (size_t)s.k);
    put_zeros(w, s.n - s.k);
  } else if (0 < s.n && s.n <= 21) {
    sb_writer_bytes(w, d, (size_t)s.n);
    sb_writer_u8(w, '.');
    sb_writer_bytes(w, d + s.n, (size_t)(s.k - s.n));
  } else if (-6 < s.n && s.n <= 0) {
    put(w, "0.");
    put_zeros(w, -s.n);
    sb_writer_bytes(w, d, (size_t)s.k);
  } else {
    sb_writer_u8(w, d[0]);
    if (s.k > 1) {
      sb_writer_u8(w, '.');
      sb_writer_bytes(w, d + 1, (size_t)(s.k - 1));
    }
    char e[16];
    snprintf(e, sizeof e, "e%c%d", s.n - 1 < 0 ? '-' : '+', abs(s.n - 1));
    put(w, e);
  }
  return SB_OK;
}

static int item_type(const cJSON *item) { return item->type & 0xFF; }

/* An item standing for JavaScript's `undefined`. */
static bool is_undefined(const cJSON *item) { return item_type(item) == cJSON_Invalid; }

/* Property keys that are array indices (canonical decimal below 2^32 - 1)
 * come first in a JavaScript object, in ascending order. */
static bool array_index(const char *key, unsigned long *out) {
  size_t n = strlen(key);
  if (n == 0 || n > 10 || (n > 1 && key[0] == '0')) return false;
  unsigned long long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (key[i] < '0' || key[i] > '9') return false;
    v = v * 10 + (unsigned long long)(key[i] - '0');
  }
  if (v >= 4294967295ull) return false;
  *out = (unsigned long)v;
  return true;
}

typedef struct member {
  const char *key;
  const cJSON *value; /* the last value given for the key */
  size_t pos;         /* where the key first appeared */
  bool is_index;
  unsigned long index;
} member;

static int by_key_then_pos(const void *a, const void *b) {
  const member *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int by_property_order(const void *a, const void *b) {
  const member *x = a, *y = b;
  if (x->is_index != y->is_index) return x->is_index ? -1 : 1;
  if (x->is_index) return x->index < y->index ? -1 : x->index > y->index;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int write_value(sb_writer *w, const cJSON *item, int depth);

/* Members as a JavaScript object holds them after JSON.parse: one per key
 * (first position, last value), index keys first. The sort keys are total,
 * so the order never depends on qsort or on pointers. */
static int write_object(sb_writer *w, const cJSON *obj, int depth) {
  size_t n = 0;
  for (const cJSON *c = obj->child; c; c = c->next) n++;
  if (n == 0) {
    put(w, "{}");
    return SB_OK;
  }
  member *ms = calloc(n, sizeof *ms);
  if (!ms) return SB_ERR_NOMEM;
  size_t i = 0;
  for (const cJSON *c = obj->child; c; c = c->next, i++) {
    ms[i].key = c->string ? c->string : "";
    ms[i].value = c;
    ms[i].pos = i;
    ms[i].is_index = array_index(ms[i].key, &ms[i].index);
  }
  qsort(ms, n, sizeof *ms, by_key_then_pos);
  size_t u = 0;
  for (i = 0; i < n; i++) {
    if (u > 0 && strcmp(ms[u - 1].key, ms[i].key) == 0) {
      ms[u - 1].value = ms[i].value; /* later duplicate: its value wins */
    } else {
      ms[u++] = ms[i];
    }
  }
  qsort(ms, u, sizeof *ms, by_property_order);
  int rc = SB_OK;
  bool first = true;
  sb_writer_u8(w, '{');
  for (i = 0; i < u && rc == SB_OK; i++) {
    if (is_undefined(ms[i].value)) continue;
    if (!first) sb_writer_u8(w, ',');
    first = false;
    rc = write_string(w, ms[i].key);
    if (rc == SB_OK) {
      sb_writer_u8(w, ':');
      rc = write_value(w, ms[i].value, depth + 1);
    }
  }
  sb_writer_u8(w, '}');
  free(ms);
  return rc;
}

static int write_array(sb_writer *w, const cJSON *arr, int depth) {
  sb_writer_u8(w, '[');
  for (const cJSON *c = arr->child; c; c = c->next) {
    if (c != arr->child) sb_writer_u8(w, ',');
    if (is_undefined(c)) {
      put(w, "null"); /* JSON.stringify writes undefined array slots as null */
      continue;
    }
    int rc = write_value(w, c, depth + 1);
    if (rc != SB_OK) return rc;
  }
  sb_writer_u8(w, ']');
  return SB_OK;
}

static int write_value(sb_writer *w, const cJSON *item, int depth) {
  if (depth > MAX_DEPTH) return SB_ERR_RPC_ENCODE;
  switch (item_type(item)) {
    case cJSON_False: put(w, "false"); return SB_OK;
    case cJSON_True: put(w, "true"); return SB_OK;
    case cJSON_NULL: put(w, "null"); return SB_OK;
    case cJSON_Number: return write_number(w, item->valuedouble);
    case cJSON_String: return item->valuestring ? write_string(w, item->valuestring) : SB_ERR_ARG;
    case cJSON_Array: return write_array(w, item, depth);
    case cJSON_Object: return write_object(w, item, depth);
    default: return SB_ERR_RPC_ENCODE; /* cJSON_Raw, undefined, unknown */
  }
}

int sb_rpc_envelope_encode_value(const cJSON *value, uint8_t *out, size_t out_cap,
                                 size_t *out_len) {
  if (!value || !out_len) return SB_ERR_ARG;
  sb_writer w;
  sb_writer_init(&w, out_cap ? out : NULL, out ? out_cap : 0);
  int rc = write_value(&w, value, 0);
  if (rc != SB_OK) return rc;
  return sb_writer_finish(&w, out_len);
}

/* ---- encoding an envelope ------------------------------------------------ */

static bool present(const cJSON *v) { return v && !is_undefined(v); }

static bool type_known(int t) {
  return t == SB_RPC_REQUEST || t == SB_RPC_SUCCESS || t == SB_RPC_ERROR ||
         t == SB_RPC_NOTIFICATION;
}

/* What a conformant sender never writes, checked before any output. */
static int check_encodable(const sb_rpc_envelope *env) {
  if (!type_known((int)env->t)) return SB_ERR_RPC_TYPE;
  if (env->t == SB_RPC_NOTIFICATION) {
    if (env->cid_len != 0) return SB_ERR_RPC_CID; /* N has no cid (RPC-ENV-006) */
    if (!env->e) return SB_ERR_RPC_EVENT;
    return SB_OK;
  }
  if (env->cid_len != SB_RPC_CID_BYTES) return SB_ERR_RPC_CID;
  if (env->t == SB_RPC_REQUEST && !env->m) return SB_ERR_RPC_METHOD;
  if (env->t == SB_RPC_ERROR) {
    if (!isfinite(env->code)) return SB_ERR_RPC_CODE;
    if (!env->message) return SB_ERR_RPC_MESSAGE;
  }
  return SB_OK;
}

static void write_cid(sb_writer *w, const uint8_t cid[SB_RPC_CID_BYTES]) {
  char hex[SB_HEX_SIZE(SB_RPC_CID_BYTES)];
  if (sb_hex_encode(cid, SB_RPC_CID_BYTES, hex, sizeof hex) != SB_OK) return; /* cannot fail */
  put(w, ",\"cid\":\"");
  put(w, hex);
  put(w, "\"");
}

/* `,"key":value` when the value is present. */
static int write_member(sb_writer *w, const char *key, const cJSON *value) {
  if (!present(value)) return SB_OK;
  sb_writer_u8(w, ',');
  put(w, key);
  return write_value(w, value, 1);
}

static int write_envelope(sb_writer *w, const sb_rpc_envelope *env) {
  int rc = SB_OK;
  switch (env->t) {
    case SB_RPC_REQUEST:
      put(w, "{\"t\":\"r\",\"m\":");
      rc = write_string(w, env->m);
      if (rc != SB_OK) return rc;
      write_cid(w, env->cid);
      rc = write_member(w, "\"p\":", env->p);
      break;
    case SB_RPC_SUCCESS:
      put(w, "{\"t\":\"R\"");
      write_cid(w, env->cid);
      rc = write_member(w, "\"result\":", env->result);
      break;
    case SB_RPC_ERROR:
      put(w, "{\"t\":\"E\"");
      write_cid(w, env->cid);
      put(w, ",\"code\":");
      rc = write_number(w, env->code);
      if (rc != SB_OK) return rc;
      put(w, ",\"message\":");
      rc = write_string(w, env->message);
      if (rc != SB_OK) return rc;
      rc = write_member(w, "\"data\":", env->data);
      break;
    case SB_RPC_NOTIFICATION:
      put(w, "{\"t\":\"N\",\"e\":");
      rc = write_string(w, env->e);
      if (rc != SB_OK) return rc;
      rc = write_member(w, "\"d\":", env->d);
      break;
  }
  sb_writer_u8(w, '}');
  return rc;
}

int sb_rpc_envelope_encode(const sb_rpc_envelope *env, uint8_t *out, size_t out_cap,
                           size_t *out_len) {
  if (!env || !out_len) return SB_ERR_ARG;
  int rc = check_encodable(env);
  if (rc != SB_OK) return rc;
  sb_writer w;
  sb_writer_init(&w, out_cap ? out : NULL, out ? out_cap : 0);
  rc = write_envelope(&w, env);
  if (rc != SB_OK) return rc;
  return sb_writer_finish(&w, out_len);
}

/* ---- decoding ------------------------------------------------------------ */

/* Parse the text; `lossy` first replaces ill-formed UTF-8 with U+FFFD as
 * upstream's TextDecoder does (a temporary copy, freed here). */
static int parse_text(const uint8_t *buf, size_t len, bool lossy, cJSON **root) {
  int rc;
  if (lossy && !sb_utf8_valid(buf, len)) {
    size_t n = sb_utf8_lossy_len(buf, len), got = 0;
    uint8_t *tmp = malloc(n ? n : 1);
    if (!tmp) return SB_ERR_NOMEM;
    rc = sb_utf8_lossy(buf, len, tmp, n, &got);
    if (rc == SB_OK) rc = sb_json_parse(tmp, got, true, root);
    free(tmp);
  } else {
    rc = sb_json_parse(buf, len, true, root);
  }
  if (rc == SB_ERR_UTF8) return SB_ERR_RPC_UTF8;
  if (rc == SB_ERR_JSON) return SB_ERR_RPC_JSON;
  return rc;
}

/* The string value of member `key`, or NULL if absent or not a string. */
static const char *string_member(const cJSON *obj, const char *key) {
  const cJSON *v = sb_json_get(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Structure check on cid (codec.ts): a string of 32 hex digits, either case. */
static bool cid_shape_ok(const char *s) {
  if (!s || strlen(s) != SB_RPC_CID_HEX_CHARS) return false;
  for (size_t i = 0; i < SB_RPC_CID_HEX_CHARS; i++) {
    char c = s[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

/* The FrameId form: exactly 32 lower-case hex digits (RPC-ENV-007). */
static int cid_decode(const char *s, uint8_t cid[SB_RPC_CID_BYTES]) {
  if (!s) return SB_ERR_RPC_CID;
  if (sb_hex_decode_lower_exact(s, strlen(s), cid, SB_RPC_CID_BYTES) != SB_OK)
    return SB_ERR_RPC_CID;
  return SB_OK;
}

static int decode_type(const cJSON *root, sb_rpc_type *t) {
  const char *s = string_member(root, "t");
  if (!s || strlen(s) != 1 || !type_known((unsigned char)s[0])) return SB_ERR_RPC_TYPE;
  *t = (sb_rpc_type)(unsigned char)s[0];
  return SB_OK;
}

/* Fill `out` from a parsed object, in upstream's check order. */
static int decode_fields(cJSON *root, const sb_rpc_decode_opts *opts, sb_rpc_envelope *out) {
  if (!cJSON_IsObject(root)) return SB_ERR_RPC_NOT_OBJECT;
  int rc = decode_type(root, &out->t);
  if (rc != SB_OK) return rc;
  const char *cid = string_member(root, "cid");
  bool correlated = out->t != SB_RPC_NOTIFICATION;
  if (correlated && !cid_shape_ok(cid)) return SB_ERR_RPC_CID;
  switch (out->t) {
    case SB_RPC_REQUEST:
      out->m = string_member(root, "m");
      if (!out->m) return SB_ERR_RPC_METHOD;
      out->p = sb_json_get(root, "p");
      break;
    case SB_RPC_SUCCESS: out->result = sb_json_get(root, "result"); break;
    case SB_RPC_ERROR: {
      const cJSON *code = sb_json_get(root, "code");
      if (!cJSON_IsNumber(code)) return SB_ERR_RPC_CODE;
      out->code = code->valuedouble;
      out->message = string_member(root, "message");
      if (!out->message) return SB_ERR_RPC_MESSAGE;
      out->data = sb_json_get(root, "data");
      break;
    }
    case SB_RPC_NOTIFICATION:
      out->e = string_member(root, "e");
      if (!out->e) return SB_ERR_RPC_EVENT;
      out->d = sb_json_get(root, "d");
      correlated = opts->notification_cid && cid != NULL;
      break;
  }
  /* Last, as upstream: the case of the cid (upper-case passes the shape
   * check above but is no FrameId). */
  if (correlated) {
    rc = cid_decode(cid, out->cid);
    if (rc != SB_OK) return rc;
    out->cid_len = SB_RPC_CID_BYTES;
  }
  return SB_OK;
}

int sb_rpc_envelope_decode(const uint8_t *buf, size_t len, const sb_rpc_decode_opts *opts,
                           sb_rpc_envelope *out) {
  static const sb_rpc_decode_opts documents = {false, false};
  if (!out || (len && !buf)) return SB_ERR_ARG;
  if (!opts) opts = &documents;
  memset(out, 0, sizeof *out);
  cJSON *root = NULL;
  int rc = parse_text(buf, len, opts->lossy_utf8, &root);
  if (rc != SB_OK) return rc;
  rc = decode_fields(root, opts, out);
  if (rc != SB_OK) {
    cJSON_Delete(root);
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->root = root;
  return SB_OK;
}

void sb_rpc_envelope_free(sb_rpc_envelope *env) {
  if (!env) return;
  cJSON_Delete(env->root);
  memset(env, 0, sizeof *env);
}

int sb_rpc_envelope_extract_cid(const uint8_t *buf, size_t len, uint8_t cid[SB_RPC_CID_BYTES]) {
  if (!cid || (len && !buf)) return SB_ERR_ARG;
  cJSON *root = NULL;
  int rc = parse_text(buf, len, false, &root);
  if (rc != SB_OK) return rc;
  if (!cJSON_IsObject(root)) {
    rc = SB_ERR_RPC_NOT_OBJECT;
  } else {
    rc = cid_decode(string_member(root, "cid"), cid);
  }
  cJSON_Delete(root);
  return rc;
}
