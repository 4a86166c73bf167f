#include "sbp/frame.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/rng.h"
#include "sbp/errors.h"
#include "test/sbt.h"

/* ---- helpers ---------------------------------------------------------------- */

static const uint8_t ID_00_0F[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
#define ID_HEX "000102030405060708090a0b0c0d0e0f"

/* Heap buffers a test frame points into, released together. */
typedef struct heap {
  uint8_t *bufs[8];
  size_t n;
} heap;

static void heap_free(heap *h) {
  for (size_t i = 0; i < h->n; i++) free(h->bufs[i]);
  h->n = 0;
}

/* Hex member `key` of `obj` as bytes owned by `h`; NULL with *len 0 if absent. */
static const uint8_t *hex_member(heap *h, const cJSON *obj, const char *key, size_t *len) {
  const char *hex = sbt_str(obj, key);
  *len = 0;
  if (!hex || h->n == SB_ARRAY_LEN(h->bufs)) return NULL;
  uint8_t *b = sbt_unhex(hex, len);
  if (b) h->bufs[h->n++] = b;
  return b;
}

/* Exactly 16 bytes of hex member `key` into `out`. */
static bool id_member(const cJSON *obj, const char *key, uint8_t out[16]) {
  const char *hex = sbt_str(obj, key);
  bool ok = hex && sb_sbp_frame_id_from_hex(hex, strlen(hex), out) == SB_OK;
  SBT_CHECK(ok, "%s is a 32-char lower-case hex frameId", key);
  return ok;
}

static int64_t i64_from_dec(const char *dec) {
  char *end = NULL;
  errno = 0;
  long long v = dec ? strtoll(dec, &end, 10) : 0;
  SBT_CHECK(dec && *dec && !errno && end && !*end, "decimal int64: %s", dec ? dec : "(null)");
  return (int64_t)v;
}

static double num(const cJSON *obj, const char *key) {
  return cJSON_GetNumberValue(sbt_get(obj, key));
}

/* Build a frame from the upstream description (frames[*].input, or a decoded
 * result): kind, op, frameId, timestamp_exact, data, subject, ackFrameId,
 * code, message, details. */
static bool frame_from_json(const cJSON *in, heap *h, sb_sbp_frame *f) {
  memset(f, 0, sizeof *f);
  f->kind = (uint8_t)num(in, "kind");
  if (!id_member(in, "frameId", f->frame_id)) return false;
  if (sbt_get(in, "timestamp")) {
    f->has_timestamp = true;
    f->timestamp_ms = i64_from_dec(sbt_str(in, "timestamp_exact"));
  }
  switch (f->kind) {
    case SB_SBP_KIND_CONTROL:
      f->control.op = (uint8_t)num(in, "op");
      f->control.data = hex_member(h, in, "data", &f->control.data_len);
      break;
    case SB_SBP_KIND_MESSAGE: {
      const char *subject = sbt_str(in, "subject");
      if (!subject) return false;
      f->message.subject = (const uint8_t *)subject;
      f->message.subject_len = strlen(subject);
      f->message.data = hex_member(h, in, "data", &f->message.data_len);
      break;
    }
    case SB_SBP_KIND_ACK:
      if (!id_member(in, "ackFrameId", f->ack.ack_frame_id)) return false;
      break;
    case SB_SBP_KIND_ERROR: {
      const char *message = sbt_str(in, "message");
      if (!message) return false;
      f->error.code = (uint16_t)num(in, "code");
      f->error.message = (const uint8_t *)message;
      f->error.message_len = strlen(message);
      f->error.details = hex_member(h, in, "details", &f->error.details_len);
      break;
    }
    default: return false;
  }
  return true;
}

static bool bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Hex member `key` equals the bytes (absent member == empty bytes). */
static bool hex_member_eq(const cJSON *obj, const char *key, const uint8_t *p, size_t n) {
  heap h = {0};
  size_t len;
  const uint8_t *want = hex_member(&h, obj, key, &len);
  bool ok = bytes_eq(want, len, p, n);
  heap_free(&h);
  return ok;
}

static bool str_member_eq(const cJSON *obj, const char *key, const uint8_t *p, size_t n) {
  const char *want = sbt_str(obj, key);
  return want && bytes_eq((const uint8_t *)want, strlen(want), p, n);
}

/* Every field of a decoded frame equals the upstream decoded result. */
static bool decoded_matches(const sb_sbp_frame *f, const cJSON *want, const char *name) {
  bool ok = f->kind == num(want, "kind");
  uint8_t id[16];
  ok = ok && id_member(want, "frameId", id) && sb_sbp_frame_id_equal(id, f->frame_id);
  const char *kind_name = sb_sbp_kind_name(f->kind);
  ok = ok && kind_name && !strcmp(kind_name, sbt_str(want, "kindName"));
  if (sbt_get(want, "timestamp"))
    ok = ok && f->has_timestamp && f->flags == SB_SBP_FLAG_TIMESTAMP &&
         f->timestamp_ms == i64_from_dec(sbt_str(want, "timestamp_exact"));
  else
    ok = ok && !f->has_timestamp && f->flags == 0;
  switch (f->kind) {
    case SB_SBP_KIND_CONTROL: {
      const char *op_name = sb_sbp_op_name(f->control.op);
      ok = ok && f->control.op == num(want, "op") && op_name &&
           !strcmp(op_name, sbt_str(want, "opName")) &&
           hex_member_eq(want, "data", f->control.data, f->control.data_len);
      break;
    }
    case SB_SBP_KIND_MESSAGE:
      ok = ok && str_member_eq(want, "subject", f->message.subject, f->message.subject_len) &&
           hex_member_eq(want, "data", f->message.data, f->message.data_len);
      break;
    case SB_SBP_KIND_ACK:
      ok = ok && id_member(want, "ackFrameId", id) &&
           sb_sbp_frame_id_equal(id, f->ack.ack_frame_id);
      break;
    default:
      ok = ok && f->error.code == num(want, "code") &&
           str_member_eq(want, "message", f->error.message, f->error.message_len) &&
           hex_member_eq(want, "details", f->error.details, f->error.details_len);
      break;
  }
  SBT_CHECK(ok, "%s: decoded fields differ from upstream's", name);
  return ok;
}

/* Encode into a fresh heap buffer (free with free()); NULL on error. */
static uint8_t *encode_alloc(const sb_sbp_frame *f, size_t *len, int *rc) {
  *rc = sb_sbp_frame_encode(f, NULL, 0, len);
  if (*rc != SB_ERR_BUF) return NULL;
  uint8_t *out = malloc(*len ? *len : 1);
  size_t got = 0;
  *rc = out ? sb_sbp_frame_encode(f, out, *len, &got) : SB_ERR_NOMEM;
  if (*rc != SB_OK || got != *len) {
    free(out);
    return NULL;
  }
  return out;
}

/* Encode `f` and compare with `hex`; true if equal. */
static bool encodes_to(const sb_sbp_frame *f, const char *hex) {
  size_t len = 0;
  int rc;
  uint8_t *out = encode_alloc(f, &len, &rc);
  SBT_OK(rc);
  bool ok = out && SBT_HEX_EQ(out, len, hex);
  free(out);
  return ok;
}

static int decode_hex(const char *hex, uint8_t **buf, size_t *len, sb_sbp_frame *f) {
  *buf = sbt_unhex(hex, len);
  return *buf ? sb_sbp_frame_decode(*buf, *len, f) : SB_ERR_ARG;
}

/* A frame of `len` bytes: kind, flags, id 00..0f, then `rest` (len - 18 bytes). */
static size_t raw_frame(uint8_t *buf, uint8_t kind, uint8_t flags, const uint8_t *rest,
                        size_t rest_len) {
  buf[0] = kind;
  buf[1] = flags;
  memcpy(buf + 2, ID_00_0F, 16);
  if (rest_len) memcpy(buf + 18, rest, rest_len);
  return 18 + rest_len;
}

static sb_sbp_frame control(uint8_t op, const char *data) {
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  f.kind = SB_SBP_KIND_CONTROL;
  memcpy(f.frame_id, ID_00_0F, 16);
  f.control.op = op;
  f.control.data = (const uint8_t *)data;
  f.control.data_len = data ? strlen(data) : 0;
  return f;
}

static sb_sbp_frame message(const char *subject, const char *data) {
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  f.kind = SB_SBP_KIND_MESSAGE;
  memcpy(f.frame_id, ID_00_0F, 16);
  f.message.subject = (const uint8_t *)subject;
  f.message.subject_len = strlen(subject);
  f.message.data = (const uint8_t *)data;
  f.message.data_len = data ? strlen(data) : 0;
  return f;
}

static sb_sbp_frame error_frame(uint16_t code, const char *msg, const char *details) {
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  f.kind = SB_SBP_KIND_ERROR;
  memcpy(f.frame_id, ID_00_0F, 16);
  f.error.code = code;
  f.error.message = (const uint8_t *)msg;
  f.error.message_len = strlen(msg);
  f.error.details = (const uint8_t *)details;
  f.error.details_len = details ? strlen(details) : 0;
  return f;
}

static sb_sbp_frame ack(void) {
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  f.kind = SB_SBP_KIND_ACK;
  memcpy(f.frame_id, ID_00_0F, 16);
  for (int i = 0; i < 16; i++) f.ack.ack_frame_id[i] = (uint8_t)(0x10 + i);
  return f;
}

/* ---- upstream reference data -------------------------------------------------- */

/* upstream-rpc.json holds two strings with U+0000 ("app/a\u0000b" and a
 * data_text), which sbt_load_json refuses. These tests read only members
 * without NUL (hex, plain subjects), so the file is parsed with cJSON as is. */
static cJSON *load_upstream_rpc(void) {
  const char *dir = getenv("SBCONF_TESTDATA");
  char path[1024];
  snprintf(path, sizeof path, "%s/upstream/upstream-rpc.json", dir && *dir ? dir : "ref/testdata");
  FILE *f = fopen(path, "rb");
  SBT_CHECK(f != NULL, "open %s (run from the repository root)", path);
  if (!f) return NULL;
  char *text = NULL;
  size_t len = 0;
  if (fseek(f, 0, SEEK_END) == 0) {
    long size = ftell(f);
    if (size > 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)size)) != NULL)
      len = fread(text, 1, (size_t)size, f);
  }
  fclose(f);
  cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
  free(text);
  SBT_CHECK(root != NULL, "%s parses", path);
  return root;
}

static void upstream_frames_encode_decode_and_reencode(void) {
  /* SBP-WIRE-001, SBP-WIRE-002, SBP-WIRE-003, SBP-WIRE-004, SBP-WIRE-013,
   * SBP-VAL-001, SBP-CTL-002, SBP-CTL-003, SBP-CTL-004, SBP-MSG-004,
   * SBP-ACK-001, SBP-EFR-002, SBP-EFR-005 */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *frames = sbt_get(root, "frames");
  SBT_CHECK(cJSON_GetArraySize(frames) >= 28, "frames present");
  const cJSON *c;
  cJSON_ArrayForEach(c, frames) {
    const char *name = sbt_str(c, "name");
    const char *want_hex = sbt_str(sbt_get(c, "encode"), "result");
    heap h = {0};
    sb_sbp_frame f;
    bool built = frame_from_json(sbt_get(c, "input"), &h, &f);
    SBT_CHECK(built && want_hex, "%s: input understood", name);
    if (built && want_hex && encodes_to(&f, want_hex)) sbt_count_upstream_value();
    uint8_t *buf = NULL;
    size_t len = 0;
    sb_sbp_frame d;
    int rc = want_hex ? decode_hex(want_hex, &buf, &len, &d) : SB_ERR_ARG;
    if (SBT_OK(rc)) {
      if (decoded_matches(&d, sbt_get(sbt_get(c, "decode"), "result"), name))
        sbt_count_upstream_value();
      if (cJSON_IsTrue(sbt_get(c, "reencode_equal")) && encodes_to(&d, want_hex))
        sbt_count_upstream_value();
    }
    free(buf);
    heap_free(&h);
  }
  cJSON_Delete(root);
}

static void upstream_constants_match(void) {
  /* SBP-WIRE-002, SBP-CTL-005 (the kind and op numbering) */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *k = sbt_get(sbt_get(root, "constants"), "FrameKind");
  const cJSON *o = sbt_get(sbt_get(root, "constants"), "ControlOp");
  SBT_EQ_U64(cJSON_GetArraySize(k), 4);
  SBT_EQ_U64(cJSON_GetArraySize(o), 4);
  const cJSON *c;
  cJSON_ArrayForEach(c, k) {
    const char *ours = sb_sbp_kind_name((unsigned)cJSON_GetNumberValue(c));
    if (SBT_STR_EQ(ours, c->string)) sbt_count_upstream_value();
  }
  cJSON_ArrayForEach(c, o) {
    const char *ours = sb_sbp_op_name((unsigned)cJSON_GetNumberValue(c));
    if (SBT_STR_EQ(ours, c->string)) sbt_count_upstream_value();
  }
  SBT_CHECK(sb_sbp_kind_name(4) == NULL && sb_sbp_op_name(4) == NULL, "no name past 3");
  cJSON_Delete(root);
}

/* Our error for an upstream decoder message (upstream's wording). */
static int expected_for_decoder_message(const char *m) {
  static const struct {
    const char *fragment;
    int err;
  } map[] = {
      {"too short", SB_ERR_SBP_TOO_SHORT},
      {"reserved flag bits", SB_ERR_SBP_RESERVED_FLAGS},
      {"incomplete timestamp", SB_ERR_SBP_TIMESTAMP_TRUNCATED},
      {"Unknown frame kind", SB_ERR_SBP_UNKNOWN_KIND},
      {"control frame: no operation", SB_ERR_SBP_CONTROL_EMPTY},
      {"Unknown control op", SB_ERR_SBP_CONTROL_UNKNOWN_OP},
      {"handshake frame: data is required", SB_ERR_SBP_HANDSHAKE_NO_DATA},
      {"ping/pong frame: must not have payload", SB_ERR_SBP_PINGPONG_DATA},
      {"message frame: no subject", SB_ERR_SBP_MESSAGE_NO_SUBJECT},
      {"message frame: incomplete subject", SB_ERR_SBP_SUBJECT_TRUNCATED},
      {"Subject must not be empty", SB_ERR_SBP_SUBJECT_EMPTY},
      {"Subject must not contain null bytes", SB_ERR_SBP_SUBJECT_NUL},
      {"Subject exceeds 256", SB_ERR_SBP_SUBJECT_TOO_LONG},
      {"Subject must be a channel", SB_ERR_SBP_SUBJECT_NAMESPACE},
      {"ack frame: no frame ID", SB_ERR_SBP_ACK_SHORT},
      {"ack frame: unexpected trailing data", SB_ERR_SBP_ACK_TRAILING},
      {"error frame: no code or message", SB_ERR_SBP_ERROR_SHORT},
      {"error frame: incomplete message", SB_ERR_SBP_ERROR_MESSAGE_TRUNCATED},
  };
  for (size_t i = 0; m && i < SB_ARRAY_LEN(map); i++)
    if (strstr(m, map[i].fragment)) return map[i].err;
  return 0;
}

static bool is_subject_fault(int err) {
  return err == SB_ERR_SBP_SUBJECT_EMPTY || err == SB_ERR_SBP_SUBJECT_NUL ||
         err == SB_ERR_SBP_SUBJECT_TOO_LONG || err == SB_ERR_SBP_SUBJECT_UTF8 ||
         err == SB_ERR_SBP_SUBJECT_NAMESPACE;
}

/* Cases where upstream reads bytes the documents forbid (replacement
 * characters, a stripped BOM): our outcome instead of upstream's. */
static int documented_rejection(const char *name) {
  static const struct {
    const char *name;
    int err;
  } map[] = {
      {"message_subject_invalid_utf8", SB_ERR_SBP_SUBJECT_UTF8},                  /* E-SBP-2 */
      {"message_subject_invalid_utf8_expands_past_256", SB_ERR_SBP_SUBJECT_UTF8}, /* E-SBP-2 */
      {"message_subject_utf8_bom", SB_ERR_SBP_SUBJECT_NAMESPACE},    /* E-SBP-3 */
      {"error_invalid_utf8_message", SB_ERR_SBP_ERROR_MESSAGE_UTF8}, /* E-SBP-4 */
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(map); i++)
    if (!strcmp(name, map[i].name)) return map[i].err;
  return 0;
}

static void upstream_decoder_malformed_cases(void) {
  /* SBP-WIRE-004, SBP-WIRE-005, SBP-WIRE-009, SBP-WIRE-010, SBP-WIRE-011,
   * SBP-CTL-001, SBP-CTL-002, SBP-CTL-003, SBP-CTL-004, SBP-CTL-005,
   * SBP-MSG-001, SBP-MSG-002, SBP-MSG-003, SBP-SUBJ-001, SBP-SUBJ-002,
   * SBP-SUBJ-003, SBP-SUBJ-004, SBP-SUBJ-005, SBP-ACK-001, SBP-EFR-001,
   * SBP-VAL-003 */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *cases = sbt_get(root, "decoder_malformed");
  SBT_CHECK(cJSON_GetArraySize(cases) >= 55, "decoder_malformed present");
  unsigned deviations = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *name = sbt_str(c, "name");
    const cJSON *outcome = sbt_get(c, "outcome");
    uint8_t *buf = NULL;
    size_t len = 0;
    sb_sbp_frame d;
    int rc = decode_hex(sbt_str(c, "bytes"), &buf, &len, &d);
    int doc = documented_rejection(name);
    if (doc) {
      SBT_ERR_EQ(rc, doc);
      deviations++;
    } else if (!strcmp(name, "timestamp_2pow53_plus_1")) {
      /* E-SBP-5: the exact value; upstream rounds to 2^53. */
      SBT_OK(rc);
      SBT_CHECK(rc == SB_OK && d.timestamp_ms == INT64_C(9007199254740993),
                "2^53+1 decoded exactly");
      SBT_CHECK(i64_from_dec(sbt_str(sbt_get(outcome, "result"), "timestamp_exact")) ==
                    INT64_C(9007199254740992),
                "upstream rounded to 2^53");
      deviations++;
    } else if (cJSON_IsTrue(sbt_get(outcome, "ok"))) {
      if (SBT_OK(rc) && decoded_matches(&d, sbt_get(outcome, "result"), name))
        sbt_count_upstream_value();
    } else {
      const cJSON *err = sbt_get(outcome, "error");
      int want = expected_for_decoder_message(sbt_str(err, "message"));
      SBT_CHECK(want != 0, "%s: upstream message understood", name);
      SBT_ERR_EQ(rc, want);
      const sb_err_info *info = sb_err_lookup(rc);
      unsigned upstream_code = (unsigned)num(err, "code");
      if (upstream_code == 1000 && is_subject_fault(want)) {
        /* E-SBP-1: subject faults are 1002 in the newest documents. */
        SBT_CHECK(info && info->proto_code == 1002, "%s: documented 1002", name);
        deviations++;
      } else {
        bool same = rc == want && info && info->proto_code == upstream_code;
        SBT_CHECK(same, "%s: SBP code %u, upstream %u", name, info ? info->proto_code : 0,
                  upstream_code);
        if (same) sbt_count_upstream_value();
      }
    }
    free(buf);
  }
  /* 4 UTF-8/BOM cases, 2^53+1, 6 subject cases with code 1000 */
  SBT_EQ_U64(deviations, 11);
  cJSON_Delete(root);
}

static sb_sbp_subject_kind kind_from_router(const char *name) {
  if (!name) return 0;
  if (!strcmp(name, "rpc")) return SB_SBP_SUBJECT_RPC;
  if (!strcmp(name, "event")) return SB_SBP_SUBJECT_EVENT;
  if (!strcmp(name, "custom")) return SB_SBP_SUBJECT_APP;
  return 0;
}

/* Check subject bytes directly and as the subject of a decoded Message frame;
 * both must agree. */
static int subject_verdict(const uint8_t *s, size_t len, sb_sbp_subject_kind *kind) {
  int direct = sb_sbp_subject_check(s, len, kind);
  uint8_t buf[18 + 4 + 300];
  sb_sbp_frame d;
  if (len > 300) return SB_ERR_ARG;
  uint8_t rest[4 + 300] = {(uint8_t)len, (uint8_t)(len >> 8), 0, 0};
  if (len) memcpy(rest + 4, s, len);
  int decoded = sb_sbp_frame_decode(buf, raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 4 + len), &d);
  SBT_CHECK(direct == decoded && (decoded != SB_OK || d.message.subject_kind == *kind),
            "decoder and subject check agree (%s, %s)", sb_err_name(direct), sb_err_name(decoded));
  return direct;
}

static void upstream_subject_validation_documented_reading(void) {
  /* SBP-SUBJ-001, SBP-SUBJ-002, SBP-SUBJ-003, SBP-SUBJ-004, SBP-SUBJ-005,
   * SBP-SUBJ-006, SBP-SUBJ-007, SBP-MSG-003. Our verdict is protocol_asSubject's
   * accept/reject reason with the documented code 1002 instead of 1000
   * (E-SBP-1), then the receiver policy (1003 for stream). Where the router
   * accepts what the protocol layer refuses (NUL, over 256 bytes under app/)
   * we keep the protocol layer's verdict (E-SBP-6). */
  cJSON *root = load_upstream_rpc();
  const cJSON *cases = sbt_get(root, "subject_validation");
  SBT_CHECK(cJSON_GetArraySize(cases) >= 20, "subject_validation has cases");
  unsigned router_only = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *hex = sbt_str(c, "subject_utf8_hex");
    size_t len = 0;
    uint8_t *s = sbt_unhex(hex ? hex : "zz", &len);
    if (!s) continue;
    SBT_EQ_U64(len, num(c, "utf8_len"));
    const cJSON *as = sbt_get(c, "protocol_asSubject");
    const cJSON *router = sbt_get(c, "runtime_router_validateSubject");
    sb_sbp_subject_kind kind = 0;
    int rc = subject_verdict(s, len, &kind);
    free(s);
    if (cJSON_IsTrue(sbt_get(as, "ok"))) {
      if (SBT_OK(rc)) sbt_count_upstream_value();
      if (cJSON_IsTrue(sbt_get(router, "valid"))) {
        const char *rkind = sbt_str(router, "kind");
        const char *ours = sb_sbp_subject_kind_name(kind);
        bool same = rkind && ours && kind == kind_from_router(rkind) && !strcmp(ours, rkind);
        SBT_CHECK(same, "%s: kind %s, router says %s", hex, ours ? ours : "(none)",
                  rkind ? rkind : "(none)");
        if (same) sbt_count_upstream_value();
      } else {
        /* only `stream`: recognised but unsupported */
        int pol = sb_sbp_subject_accept(kind);
        SBT_ERR_EQ(pol, SB_ERR_SBP_SUBJECT_RESERVED);
        if (SBT_EQ_U64(sb_err_proto_code(pol), num(router, "errorCode"))) sbt_count_upstream_value();
      }
      continue;
    }
    const cJSON *err = sbt_get(as, "error");
    int want = expected_for_decoder_message(sbt_str(err, "message"));
    SBT_CHECK(is_subject_fault(want), "%s: upstream message understood", hex);
    if (SBT_ERR_EQ(rc, want)) sbt_count_upstream_value(); /* same reason */
    /* E-SBP-1: upstream's protocol layer says 1000, the documents 1002. */
    SBT_EQ_U64(num(err, "code"), 1000);
    SBT_EQ_U64(sb_err_proto_code(rc), 1002);
    if (cJSON_IsTrue(sbt_get(router, "valid"))) {
      /* E-SBP-6: the router lets these through under app/. */
      SBT_CHECK(rc == SB_ERR_SBP_SUBJECT_NUL || rc == SB_ERR_SBP_SUBJECT_TOO_LONG,
                "%s: router-only acceptance is a NUL or length case, got %s", hex,
                sb_err_name(rc));
      router_only++;
    } else if (SBT_EQ_U64(sb_err_proto_code(rc), num(router, "errorCode"))) {
      sbt_count_upstream_value(); /* router and documents agree on 1002 */
    }
  }
  SBT_EQ_U64(router_only, 3); /* app/a\0b, 257 x, 258 bytes of e-acute */
  cJSON_Delete(root);
}

static void upstream_encoder_errors(void) {
  /* SBP-CTL-002, SBP-CTL-003, SBP-CTL-005, SBP-WIRE-010, SBP-SUBJ-008 (the
   * sender-side check), SBP-WIRE-006 */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *cases = sbt_get(root, "encoder_errors");
  SBT_EQ_U64(cJSON_GetArraySize(cases), 10);
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *name = sbt_str(c, "name");
    const cJSON *outcome = sbt_get(c, "outcome");
    const char *result = sbt_str(outcome, "result");
    unsigned code = (unsigned)num(sbt_get(outcome, "error"), "code");
    sb_sbp_frame f = control(SB_SBP_OP_PING, NULL);
    size_t len = 0;
    int want = 0;
    if (!strcmp(name, "handshake_empty_data")) {
      f = control(SB_SBP_OP_HANDSHAKE, NULL);
      want = SB_ERR_SBP_HANDSHAKE_NO_DATA;
    } else if (!strcmp(name, "ping_with_data")) {
      f = control(SB_SBP_OP_PING, "x");
      want = SB_ERR_SBP_PINGPONG_DATA;
    } else if (!strcmp(name, "control_unknown_op_4")) {
      f = control(4, NULL);
      want = SB_ERR_SBP_CONTROL_UNKNOWN_OP;
    } else if (!strcmp(name, "unknown_kind_4")) {
      f.kind = 4;
      want = SB_ERR_SBP_UNKNOWN_KIND;
    } else if (!strcmp(name, "message_invalid_subject_via_factory")) {
      /* E-SBP-1: same refusal, documented code 1002 instead of 1000 */
      f = message("rpc/foo", NULL);
      SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), SB_ERR_SBP_SUBJECT_NAMESPACE);
      SBT_EQ_U64(code, 1000);
      continue;
    } else if (!strcmp(name, "message_invalid_subject_bypassing_factory")) {
      /* E-SBP-7: our encoder always checks; the bytes upstream wrote are
       * refused by our decoder. */
      f = message("nope", NULL);
      SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), SB_ERR_SBP_SUBJECT_NAMESPACE);
      uint8_t *buf = NULL;
      sb_sbp_frame d;
      SBT_ERR_EQ(decode_hex(result ? result : "", &buf, &len, &d), SB_ERR_SBP_SUBJECT_NAMESPACE);
      free(buf);
      continue;
    } else if (!strcmp(name, "frame_id_15_bytes_bypassing_brand") ||
               !strcmp(name, "error_code_over_16_bits")) {
      /* E-SBP-7: not expressible with a 16-byte id / u16 code; the bytes
       * upstream wrote still decode, with the padded id / truncated code. */
      uint8_t *buf = NULL;
      sb_sbp_frame d;
      if (SBT_OK(decode_hex(result ? result : "", &buf, &len, &d))) {
        if (encodes_to(&d, result)) sbt_count_upstream_value();
        if (!strcmp(name, "error_code_over_16_bits"))
          SBT_EQ_U64(d.error.code, 70000u % 65536u);
        else
          SBT_EQ_U64(d.frame_id[15], 0);
      }
      free(buf);
      continue;
    } else {
      /* pong_with_empty_data_array, timestamp_non_integer: API-only
       * (E-SBP-7): an empty data view is no data; timestamps are integers. */
      SBT_CHECK(!strcmp(name, "pong_with_empty_data_array") ||
                    !strcmp(name, "timestamp_non_integer"),
                "%s: known case", name);
      f = control(SB_SBP_OP_PONG, "");
      SBT_CHECK(encodes_to(&f, "0000" ID_HEX "02"), "empty data encodes as no data");
      continue;
    }
    if (SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), want) &&
        SBT_EQ_U64(sb_err_lookup(want)->proto_code, code))
      sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

static void upstream_rpc_envelope_message_frames(void) {
  /* SBP-MSG-005, SBP-WIRE-001, SBP-VAL-001 */
  cJSON *root = load_upstream_rpc();
  const cJSON *envs = sbt_get(root, "envelopes");
  SBT_CHECK(cJSON_GetArraySize(envs) >= 10, "envelopes present");
  const cJSON *c;
  cJSON_ArrayForEach(c, envs) {
    const cJSON *m = sbt_get(c, "sbp_message_frame");
    const char *bytes = sbt_str(m, "bytes");
    const char *subject = sbt_str(m, "subject");
    heap h = {0};
    sb_sbp_frame f = message(subject ? subject : "", NULL);
    SBT_CHECK(id_member(m, "frame_id", f.frame_id), "frame_id");
    f.message.data = hex_member(&h, c, "encoded_hex", &f.message.data_len);
    if (bytes && encodes_to(&f, bytes)) sbt_count_upstream_value();
    uint8_t *buf = NULL;
    size_t len = 0;
    sb_sbp_frame d;
    if (SBT_OK(decode_hex(bytes ? bytes : "", &buf, &len, &d))) {
      bool same = d.kind == SB_SBP_KIND_MESSAGE &&
                  sb_sbp_frame_id_equal(d.frame_id, f.frame_id) &&
                  bytes_eq(d.message.subject, d.message.subject_len, f.message.subject,
                           f.message.subject_len) &&
                  bytes_eq(d.message.data, d.message.data_len, f.message.data,
                           f.message.data_len);
      SBT_CHECK(same, "%s: decoded message differs", sbt_str(c, "name"));
      if (same) sbt_count_upstream_value();
    }
    free(buf);
    heap_free(&h);
  }
  cJSON_Delete(root);
}

/* The inbound frame of a router_dispatch case through our decoder and
 * receiver policy: only `stream` is refused at the SBP layer, with the
 * router's ErrorFrame (SBP-SUBJ-006, SBP-EFR-003). */
static void router_inbound_through_sbp(const cJSON *c, const cJSON *ret) {
  const cJSON *in = sbt_get(c, "inbound");
  const char *subject = sbt_str(in, "subject");
  heap h = {0};
  sb_sbp_frame msg = message(subject ? subject : "", NULL);
  SBT_CHECK(id_member(in, "frame_id", msg.frame_id), "inbound frame_id");
  msg.message.data = hex_member(&h, in, "data_hex", &msg.message.data_len);
  uint8_t wire[256];
  size_t wire_len = 0;
  sb_sbp_frame d;
  if (SBT_OK(sb_sbp_frame_encode(&msg, wire, sizeof wire, &wire_len)) &&
      SBT_OK(sb_sbp_frame_decode(wire, wire_len, &d))) {
    int policy = sb_sbp_subject_accept(d.message.subject_kind);
    if (!strcmp(sbt_str(c, "name"), "stream_subject")) {
      sb_sbp_frame reply;
      SBT_ERR_EQ(policy, SB_ERR_SBP_SUBJECT_RESERVED);
      if (SBT_OK(sb_sbp_errors_frame(policy, d.frame_id, &reply)) &&
          encodes_to(&reply, sbt_str(ret, "bytes") ? sbt_str(ret, "bytes") : ""))
        sbt_count_upstream_value();
    } else {
      SBT_OK(policy);
    }
  }
  heap_free(&h);
}

static void upstream_router_dispatch_frames(void) {
  /* SBP-MSG-005, SBP-EFR-002, SBP-EFR-003, SBP-VAL-001 */
  cJSON *root = load_upstream_rpc();
  const cJSON *cases = sbt_get(root, "router_dispatch");
  unsigned frames = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const cJSON *sent = sbt_get(c, "sent_frames");
    const cJSON *all[8];
    size_t n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, sent) if (n < 8) all[n++] = s;
    const cJSON *ret = sbt_get(c, "returned_error_frame");
    if (cJSON_IsObject(ret) && n < 8) all[n++] = ret;
    router_inbound_through_sbp(c, ret);
    for (size_t i = 0; i < n; i++) {
      const char *bytes = sbt_str(all[i], "bytes");
      heap h = {0};
      sb_sbp_frame f;
      bool built = frame_from_json(sbt_get(all[i], "decoded"), &h, &f);
      SBT_CHECK(built && bytes, "%s: frame %zu understood", sbt_str(c, "name"), i);
      if (built && bytes && encodes_to(&f, bytes)) sbt_count_upstream_value();
      uint8_t *buf = NULL;
      size_t len = 0;
      sb_sbp_frame d;
      if (bytes && SBT_OK(decode_hex(bytes, &buf, &len, &d)) && encodes_to(&d, bytes))
        frames++;
      free(buf);
      heap_free(&h);
    }
  }
  SBT_CHECK(frames >= 4, "router frames found (%u)", frames);
  cJSON_Delete(root);
}

/* ---- the worked vectors of sbp.md section 4 ------------------------------------ */

static void spec_section4_worked_vectors(void) {
  /* SBP-WIRE-001, SBP-WIRE-002, SBP-WIRE-003, SBP-WIRE-004, SBP-CTL-004,
   * SBP-MSG-004, SBP-ACK-001, SBP-EFR-002 */
  sb_sbp_frame f = control(SB_SBP_OP_PING, NULL);
  SBT_CHECK(encodes_to(&f, "0000" ID_HEX "01"), "Ping, 19 bytes");
  f.has_timestamp = true;
  f.timestamp_ms = INT64_C(1700000000000);
  SBT_CHECK(encodes_to(&f, "0001" ID_HEX "0068e5cf8b010000" "01"), "Ping with timestamp, 27 bytes");
  const char *hs =
      "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p1\",\"caps\":[],\"metadata\":{}}";
  SBT_EQ_U64(strlen(hs), 75);
  f = control(SB_SBP_OP_HANDSHAKE, hs);
  size_t len = 0;
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 94);
  f = control(SB_SBP_OP_CLOSE, "disconnect");
  SBT_CHECK(encodes_to(&f, "0000" ID_HEX "03" "646973636f6e6e656374"), "Close, 29 bytes");
  const char *env =
      "{\"t\":\"r\",\"m\":\"add\",\"cid\":\"000102030405060708090a0b0c0d0e0f\","
      "\"p\":{\"a\":1,\"b\":2}}";
  SBT_EQ_U64(strlen(env), 78);
  f = message("rpc", env);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, 103);
  uint8_t buf[128];
  SBT_OK(sb_sbp_frame_encode(&f, buf, sizeof buf, &len));
  SBT_HEX_EQ(buf, 25, "0100" ID_HEX "03000000" "727063");
  SBT_CHECK(memcmp(buf + 25, env, 78) == 0, "envelope follows the subject");
  f = ack();
  SBT_CHECK(encodes_to(&f, "0200" ID_HEX "101112131415161718191a1b1c1d1e1f"), "Ack, 34 bytes");
  f = error_frame(1002, "Invalid subject namespace", NULL);
  SBT_CHECK(encodes_to(&f, "0300" ID_HEX "ea03" "19000000"
                           "496e76616c6964207375626a656374206e616d657370616365"),
            "Error, 49 bytes");
}

/* ---- header boundaries ------------------------------------------------------------ */

static void decode_rejects_buffers_shorter_than_18_bytes(void) {
  /* SBP-WIRE-009, SBP-VAL-002: length is checked before anything else */
  uint8_t buf[32] = {0};
  sb_sbp_frame f;
  for (size_t n = 0; n < 18; n++) {
    buf[1] = 0;
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_TOO_SHORT);
    buf[1] = 0xFF; /* reserved flags do not change the verdict */
    buf[0] = 0x09;
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_TOO_SHORT);
    buf[0] = 0;
  }
  SBT_ERR_EQ(sb_sbp_frame_decode(NULL, 0, &f), SB_ERR_SBP_TOO_SHORT);
  SBT_ERR_EQ(sb_sbp_frame_decode(NULL, 5, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 19, NULL), SB_ERR_ARG);
  /* 18 bytes pass the length check and fail on the missing op byte. */
  raw_frame(buf, SB_SBP_KIND_CONTROL, 0, NULL, 0);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 18, &f), SB_ERR_SBP_CONTROL_EMPTY);
}

static void decode_timestamp_needs_26_bytes(void) {
  /* SBP-WIRE-004, SBP-WIRE-009 */
  uint8_t buf[32];
  const uint8_t rest[9] = {1, 2, 3, 4, 5, 6, 7, 8, SB_SBP_OP_PING};
  sb_sbp_frame f;
  raw_frame(buf, SB_SBP_KIND_CONTROL, SB_SBP_FLAG_TIMESTAMP, rest, sizeof rest);
  for (size_t n = 18; n < 26; n++)
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_TIMESTAMP_TRUNCATED);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 26, &f), SB_ERR_SBP_CONTROL_EMPTY);
  SBT_OK(sb_sbp_frame_decode(buf, 27, &f));
  SBT_CHECK(f.has_timestamp && f.flags == 1, "timestamp flag kept");
  SBT_EQ_U64((uint64_t)f.timestamp_ms, UINT64_C(0x0807060504030201)); /* little-endian */
  SBT_EQ_U64(f.control.op, SB_SBP_OP_PING);
  /* Without the flag the same 8 bytes are payload: op 1 + 7 bytes of data. */
  buf[1] = 0;
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 27, &f), SB_ERR_SBP_PINGPONG_DATA);
  /* The timestamp is checked before the kind (upstream's order). */
  raw_frame(buf, 9, SB_SBP_FLAG_TIMESTAMP, rest, sizeof rest);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 20, &f), SB_ERR_SBP_TIMESTAMP_TRUNCATED);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, 27, &f), SB_ERR_SBP_UNKNOWN_KIND);
}

static void decode_rejects_every_reserved_flag_bit(void) {
  /* SBP-WIRE-005: bits 1-7, alone and with bit 0, before timestamp and kind */
  uint8_t buf[40];
  const uint8_t rest[9] = {0, 0, 0, 0, 0, 0, 0, 0, SB_SBP_OP_PING};
  sb_sbp_frame f;
  for (unsigned bit = 1; bit < 8; bit++) {
    for (unsigned ts = 0; ts < 2; ts++) {
      uint8_t flags = (uint8_t)((1u << bit) | ts);
      size_t n = raw_frame(buf, SB_SBP_KIND_CONTROL, flags, rest + (ts ? 0 : 8), ts ? 9 : 1);
      SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_RESERVED_FLAGS);
      SBT_ERR_EQ(sb_sbp_frame_decode(buf, 18, &f), SB_ERR_SBP_RESERVED_FLAGS);
      buf[0] = 0x77;
      SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_RESERVED_FLAGS);
    }
  }
  size_t n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0xFF, rest, 9);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_RESERVED_FLAGS);
}

static void decode_rejects_unknown_kinds(void) {
  /* SBP-WIRE-010 */
  uint8_t buf[40];
  const uint8_t rest[1] = {SB_SBP_OP_PING};
  sb_sbp_frame f;
  for (unsigned kind = 4; kind < 256; kind++) {
    size_t n = raw_frame(buf, (uint8_t)kind, 0, rest, 1);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &f), SB_ERR_SBP_UNKNOWN_KIND);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, 18, &f), SB_ERR_SBP_UNKNOWN_KIND);
  }
}

static void every_kind_roundtrips_with_and_without_timestamp(void) {
  /* SBP-WIRE-004, SBP-WIRE-013, SBP-VAL-001, SBP-EFR-005 (Ping/Pong and
   * Error frames may carry a timestamp) */
  sb_sbp_frame frames[] = {
      control(SB_SBP_OP_HANDSHAKE, "{}"), control(SB_SBP_OP_PING, NULL),
      control(SB_SBP_OP_PONG, NULL),      control(SB_SBP_OP_CLOSE, NULL),
      control(SB_SBP_OP_CLOSE, "bye"),    message("event", NULL),
      message("app/x", "\x01\x02"),       ack(),
      error_frame(1003, "no", "\xde\xad"), error_frame(2000, "", NULL),
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(frames); i++) {
    for (int ts = 0; ts < 2; ts++) {
      sb_sbp_frame f = frames[i];
      f.has_timestamp = ts;
      f.timestamp_ms = -INT64_C(1234567890123);
      uint8_t buf[64];
      size_t len = 0;
      SBT_OK(sb_sbp_frame_encode(&f, buf, sizeof buf, &len));
      SBT_EQ_U64(buf[1], ts ? SB_SBP_FLAG_TIMESTAMP : 0);
      sb_sbp_frame d;
      SBT_OK(sb_sbp_frame_decode(buf, len, &d));
      SBT_EQ_U64(d.kind, f.kind);
      SBT_CHECK(d.has_timestamp == (bool)ts && (!ts || d.timestamp_ms == f.timestamp_ms),
                "frame %zu ts %d: timestamp", i, ts);
      uint8_t again[64];
      size_t len2 = 0;
      SBT_OK(sb_sbp_frame_encode(&d, again, sizeof again, &len2));
      SBT_CHECK(len2 == len && memcmp(buf, again, len) == 0, "frame %zu ts %d: re-encodes", i,
                ts);
    }
  }
}

static void timestamps_are_exact_signed_int64(void) {
  /* SBP-WIRE-011, SBP-WIRE-001, SBP-WIRE-012 (no range check: advisory) */
  static const struct {
    int64_t v;
    const char *le;
  } cases[] = {
      {0, "0000000000000000"},
      {-1, "ffffffffffffffff"},
      {INT64_MIN, "0000000000000080"},
      {INT64_MAX, "ffffffffffffff7f"},
      {INT64_C(9007199254740993), "0100000000002000"}, /* 2^53+1 */
      {INT64_C(0x0102030405060708), "0807060504030201"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_sbp_frame f = control(SB_SBP_OP_PING, NULL);
    f.has_timestamp = true;
    f.timestamp_ms = cases[i].v;
    uint8_t buf[32];
    size_t len = 0;
    SBT_OK(sb_sbp_frame_encode(&f, buf, sizeof buf, &len));
    SBT_EQ_U64(len, 27);
    SBT_HEX_EQ(buf + 18, 8, cases[i].le);
    sb_sbp_frame d;
    SBT_OK(sb_sbp_frame_decode(buf, len, &d));
    SBT_CHECK(d.timestamp_ms == cases[i].v, "case %zu: exact value back", i);
  }
}

/* ---- frameIds ----------------------------------------------------------------------- */

static void frame_id_is_opaque_and_compared_bytewise(void) {
  /* SBP-WIRE-003, SBP-WIRE-006, SBP-VAL-005 */
  uint8_t buf[20];
  sb_sbp_frame d;
  for (unsigned v = 0; v < 256; v += 51) {
    buf[0] = SB_SBP_KIND_CONTROL;
    buf[1] = 0;
    memset(buf + 2, (int)v, 16);
    buf[18] = SB_SBP_OP_PONG;
    SBT_OK(sb_sbp_frame_decode(buf, 19, &d));
    SBT_CHECK(memcmp(d.frame_id, buf + 2, 16) == 0, "id 0x%02x copied verbatim", v);
  }
  uint8_t a[16], b[16];
  memset(a, 0x5a, 16);
  memcpy(b, a, 16);
  SBT_CHECK(sb_sbp_frame_id_equal(a, b), "same bytes are equal");
  b[15] ^= 1;
  SBT_CHECK(!sb_sbp_frame_id_equal(a, b), "one bit differs");
  b[15] ^= 1;
  b[0] ^= 0x80;
  SBT_CHECK(!sb_sbp_frame_id_equal(a, b), "first byte differs");
}

static void frame_id_text_form_is_32_lowercase_hex(void) {
  /* SBP-WIRE-006 */
  char hex[33];
  sb_sbp_frame_id_to_hex(ID_00_0F, hex);
  SBT_STR_EQ(hex, ID_HEX);
  uint8_t id[16];
  SBT_OK(sb_sbp_frame_id_from_hex(ID_HEX, 32, id));
  SBT_CHECK(sb_sbp_frame_id_equal(id, ID_00_0F), "parsed back");
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex("000102030405060708090A0B0C0D0E0F", 32, id),
             SB_ERR_SBP_FRAME_ID);
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex(ID_HEX, 31, id), SB_ERR_SBP_FRAME_ID);
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex(ID_HEX "00", 34, id), SB_ERR_SBP_FRAME_ID);
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex("000102030405060708090a0b0c0d0e0g", 32, id),
             SB_ERR_SBP_FRAME_ID);
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex(" 00102030405060708090a0b0c0d0e0f", 32, id),
             SB_ERR_SBP_FRAME_ID);
  SBT_ERR_EQ(sb_sbp_frame_id_from_hex(NULL, 32, id), SB_ERR_ARG);
}

static void frame_id_generate_draws_16_bytes_from_the_rng(void) {
  /* SBP-WIRE-007 */
  sb_xoshiro x1, x2;
  sb_xoshiro_seed(&x1, 42);
  sb_xoshiro_seed(&x2, 42);
  sb_rng r1 = sb_xoshiro_rng(&x1), r2 = sb_xoshiro_rng(&x2);
  uint8_t id[16], want[16], id2[16];
  SBT_OK(sb_sbp_frame_id_generate(&r1, id));
  SBT_OK(sb_rng_bytes(&r2, want, 16));
  SBT_CHECK(memcmp(id, want, 16) == 0, "the id is the rng's next 16 bytes");
  SBT_OK(sb_sbp_frame_id_generate(&r1, id2));
  SBT_CHECK(!sb_sbp_frame_id_equal(id, id2), "the next id differs");
  sb_rng bad = sbt_failing_rng();
  SBT_ERR_EQ(sb_sbp_frame_id_generate(&bad, id), SB_ERR_RNG);
  SBT_ERR_EQ(sb_sbp_frame_id_generate(NULL, id), SB_ERR_RNG);
}

/* ---- payload boundaries ---------------------------------------------------------------- */

static void control_payload_boundaries(void) {
  /* SBP-CTL-001, SBP-CTL-002, SBP-CTL-003, SBP-CTL-004, SBP-CTL-005 */
  uint8_t buf[40];
  sb_sbp_frame d;
  size_t n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, (const uint8_t *)"\x00", 1);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_HANDSHAKE_NO_DATA);
  n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, (const uint8_t *)"\x00{", 2);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_CHECK(d.control.data == buf + 19 && d.control.data_len == 1, "handshake data view");
  for (uint8_t op = SB_SBP_OP_PING; op <= SB_SBP_OP_PONG; op++) {
    uint8_t rest[2] = {op, 0};
    n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, rest, 1);
    SBT_OK(sb_sbp_frame_decode(buf, n, &d));
    SBT_CHECK(d.control.op == op && d.control.data_len == 0, "op %u without data", op);
    n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, rest, 2);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_PINGPONG_DATA);
  }
  /* Close: the reason is optional and not interpreted (invalid UTF-8 passes). */
  n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, (const uint8_t *)"\x03", 1);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_EQ_U64(d.control.data_len, 0);
  n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, (const uint8_t *)"\x03\xff\xfe", 3);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_HEX_EQ(d.control.data, d.control.data_len, "fffe");
  for (unsigned op = 4; op < 256; op++) {
    uint8_t rest[2] = {(uint8_t)op, 'x'};
    n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, rest, 1);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_CONTROL_UNKNOWN_OP);
    n = raw_frame(buf, SB_SBP_KIND_CONTROL, 0, rest, 2);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_CONTROL_UNKNOWN_OP);
  }
}

static void message_payload_boundaries(void) {
  /* SBP-MSG-001, SBP-MSG-002, SBP-MSG-003, SBP-MSG-004, SBP-SUBJ-002, SBP-SUBJ-004 */
  uint8_t buf[400];
  sb_sbp_frame d;
  const uint8_t len3[4] = {3, 0, 0, 0};
  for (size_t k = 0; k < 4; k++) {
    size_t n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, len3, k);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_MESSAGE_NO_SUBJECT);
  }
  uint8_t rest[300] = {3, 0, 0, 0, 'r', 'p', 'c'};
  size_t n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 6);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_TRUNCATED);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 7);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_CHECK(d.message.subject == buf + 22 && d.message.subject_len == 3 &&
                d.message.subject_kind == SB_SBP_SUBJECT_RPC && d.message.data_len == 0,
            "rpc, empty data");
  memcpy(rest, "\xff\xff\xff\xff", 4);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 7);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_TRUNCATED);
  memcpy(rest, "\x00\x00\x00\x80", 4);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_TRUNCATED);
  /* subjectLen 0 is an empty subject, not a missing one */
  memcpy(rest, "\x00\x00\x00\x00" "x", 5);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 5);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_EMPTY);
  /* 256 and 257 subject bytes, with 2 data bytes after */
  for (size_t len = 256; len <= 257; len++) {
    rest[0] = (uint8_t)len;
    rest[1] = (uint8_t)(len >> 8);
    rest[2] = rest[3] = 0;
    memcpy(rest + 4, "app/", 4);
    memset(rest + 8, 'y', len - 4);
    memcpy(rest + 4 + len, "zz", 2);
    n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 4 + len + 2);
    if (len == 256) {
      SBT_OK(sb_sbp_frame_decode(buf, n, &d));
      SBT_CHECK(d.message.subject_len == 256 && d.message.data == buf + 18 + 4 + 256 &&
                    d.message.data_len == 2,
                "256-byte subject then data");
    } else {
      SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_TOO_LONG);
    }
  }
  /* stream decodes; refusing it is the receiver policy's job (SBP-SUBJ-006) */
  memcpy(rest, "\x06\x00\x00\x00stream", 10);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 10);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_CHECK(d.message.subject_kind == SB_SBP_SUBJECT_STREAM_RESERVED, "stream is reserved kind");
  /* subject faults found by the decoder */
  memcpy(rest, "\x05\x00\x00\x00" "app/\xff", 9);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 9);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_UTF8);
  memcpy(rest, "\x04\x00\x00\x00" "rpc/", 8);
  n = raw_frame(buf, SB_SBP_KIND_MESSAGE, 0, rest, 8);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_SUBJECT_NAMESPACE);
}

static void ack_payload_must_be_exactly_16_bytes(void) {
  /* SBP-ACK-001 */
  uint8_t buf[40], rest[17];
  for (size_t i = 0; i < sizeof rest; i++) rest[i] = (uint8_t)(0xa0 + i);
  sb_sbp_frame d;
  for (size_t k = 0; k <= 17; k++) {
    size_t n = raw_frame(buf, SB_SBP_KIND_ACK, 0, rest, k);
    int rc = sb_sbp_frame_decode(buf, n, &d);
    if (k < 16)
      SBT_ERR_EQ(rc, SB_ERR_SBP_ACK_SHORT);
    else if (k == 16)
      SBT_OK(rc);
    else
      SBT_ERR_EQ(rc, SB_ERR_SBP_ACK_TRAILING);
  }
  size_t n = raw_frame(buf, SB_SBP_KIND_ACK, 0, rest, 16);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_HEX_EQ(d.ack.ack_frame_id, 16, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
}

static void error_payload_boundaries(void) {
  /* SBP-EFR-001, SBP-EFR-002, SBP-VAL-003 */
  uint8_t buf[64];
  sb_sbp_frame d;
  uint8_t rest[32] = {0xe9, 0x03, 2, 0, 0, 0, 'h', 'i', 0xde, 0xad};
  for (size_t k = 0; k < 6; k++) {
    size_t n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, k);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_ERROR_SHORT);
  }
  for (size_t k = 6; k < 8; k++) {
    size_t n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, k);
    SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_ERROR_MESSAGE_TRUNCATED);
  }
  size_t n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 8);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_CHECK(d.error.code == 1001 && d.error.message == buf + 24 && d.error.message_len == 2 &&
                d.error.details_len == 0,
            "code 1001, message \"hi\", no details");
  n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 10);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_CHECK(d.error.details == buf + 26, "details view");
  SBT_HEX_EQ(d.error.details, d.error.details_len, "dead");
  /* msgLen 0 with 6 bytes: empty message */
  memcpy(rest + 2, "\x00\x00\x00\x00", 4);
  n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 6);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_EQ_U64(d.error.message_len, 0);
  memcpy(rest + 2, "\xff\xff\xff\xff", 4);
  n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 10);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_ERROR_MESSAGE_TRUNCATED);
  /* invalid UTF-8 message; the details after it are opaque and may be anything */
  memcpy(rest + 2, "\x02\x00\x00\x00" "a\xc3" "\xff", 7);
  n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 8);
  SBT_ERR_EQ(sb_sbp_frame_decode(buf, n, &d), SB_ERR_SBP_ERROR_MESSAGE_UTF8);
  memcpy(rest + 2, "\x01\x00\x00\x00" "a\xc3" "\xff", 7);
  n = raw_frame(buf, SB_SBP_KIND_ERROR, 0, rest, 9);
  SBT_OK(sb_sbp_frame_decode(buf, n, &d));
  SBT_HEX_EQ(d.error.details, d.error.details_len, "c3ff");
}

/* ---- encoder ------------------------------------------------------------------------------ */

static void encode_refuses_what_a_conformant_sender_never_emits(void) {
  /* SBP-WIRE-005, SBP-WIRE-010, SBP-WIRE-013, SBP-CTL-002, SBP-CTL-003,
   * SBP-CTL-005, SBP-SUBJ-001, SBP-SUBJ-002, SBP-SUBJ-008, SBP-VAL-003 */
  uint8_t out[64];
  size_t len = 0;
  sb_sbp_frame f = control(SB_SBP_OP_PING, NULL);
  f.kind = 4;
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_UNKNOWN_KIND);
  f = control(SB_SBP_OP_PING, NULL);
  for (unsigned bit = 1; bit < 8; bit++) {
    f.flags = (uint8_t)(1u << bit);
    SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_RESERVED_FLAGS);
  }
  f.flags = SB_SBP_FLAG_TIMESTAMP; /* bit 0 without a timestamp value */
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_ARG);
  f.has_timestamp = true;
  SBT_OK(sb_sbp_frame_encode(&f, out, sizeof out, &len));
  f = control(SB_SBP_OP_PING, NULL);
  f.has_timestamp = true; /* flags may stay 0: bit 0 comes from has_timestamp */
  SBT_OK(sb_sbp_frame_encode(&f, out, sizeof out, &len));
  SBT_EQ_U64(out[1], 1);
  f = control(4, NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_CONTROL_UNKNOWN_OP);
  f = control(SB_SBP_OP_HANDSHAKE, NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_HANDSHAKE_NO_DATA);
  f = control(SB_SBP_OP_PONG, "x");
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_PINGPONG_DATA);
  f = control(SB_SBP_OP_CLOSE, NULL);
  f.control.data_len = 3; /* length without bytes */
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_ARG);
  f = message("", NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_SUBJECT_EMPTY);
  f = message("rpc/x", NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_SUBJECT_NAMESPACE);
  f = message("app/\xff", NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_SUBJECT_UTF8);
  f = message("app/a", NULL);
  f.message.subject_len = 6; /* includes the terminating NUL */
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_SUBJECT_NUL);
  char long_subject[258];
  memset(long_subject, 'x', 257);
  memcpy(long_subject, "app/", 4);
  long_subject[257] = 0;
  f = message(long_subject, NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &len), SB_ERR_SBP_SUBJECT_TOO_LONG);
  f = message("stream", NULL); /* reserved, but a valid subject to send */
  SBT_OK(sb_sbp_frame_encode(&f, out, sizeof out, &len));
  f = error_frame(1002, "a\xc3", NULL);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, &len), SB_ERR_SBP_ERROR_MESSAGE_UTF8);
  f = error_frame(1002, "ok", "\xff"); /* details are opaque */
  SBT_OK(sb_sbp_frame_encode(&f, out, sizeof out, &len));
  SBT_ERR_EQ(sb_sbp_frame_encode(NULL, out, sizeof out, &len), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, sizeof out, NULL), SB_ERR_ARG);
}

static void encode_reports_the_size_needed(void) {
  /* SBP-VAL-001 */
  sb_sbp_frame f = message("app/x", "payload");
  size_t need = 0;
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, NULL, 0, &need), SB_ERR_BUF);
  SBT_EQ_U64(need, 18 + 4 + 5 + 7);
  uint8_t out[64];
  memset(out, 0xee, sizeof out);
  size_t len = 0;
  SBT_ERR_EQ(sb_sbp_frame_encode(&f, out, need - 1, &len), SB_ERR_BUF);
  SBT_EQ_U64(len, need);
  SBT_EQ_U64(out[need - 1], 0xee); /* nothing written past the capacity */
  SBT_OK(sb_sbp_frame_encode(&f, out, need, &len));
  SBT_EQ_U64(len, need);
  SBT_EQ_U64(out[need], 0xee);
}

static void frame_sequences_keep_their_order(void) {
  /* SBP-VAL-004 */
  sb_sbp_frame seq[3] = {control(SB_SBP_OP_PING, NULL), message("event", "e"), ack()};
  uint8_t bufs[3][64];
  size_t lens[3];
  for (size_t i = 0; i < 3; i++) {
    seq[i].frame_id[0] = (uint8_t)(0xf0 + i);
    SBT_OK(sb_sbp_frame_encode(&seq[i], bufs[i], sizeof bufs[i], &lens[i]));
  }
  for (size_t i = 0; i < 3; i++) {
    sb_sbp_frame d;
    SBT_OK(sb_sbp_frame_decode(bufs[i], lens[i], &d));
    SBT_CHECK(d.kind == seq[i].kind && d.frame_id[0] == 0xf0 + i, "frame %zu in place", i);
  }
}

/* ---- robustness ----------------------------------------------------------------------------- */

static void decode_random_buffers_fail_cleanly_or_reencode_exactly(void) {
  /* SBP-VAL-002, SBP-VAL-001: every accepted buffer is canonical (re-encodes
   * to the same bytes); every rejection is an SBP InvalidFrame outcome. */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 7);
  uint8_t buf[80], again[80];
  unsigned accepted = 0, failures = 0;
  for (unsigned iter = 0; iter < 200000; iter++) {
    uint64_t r = sb_xoshiro_next(&x);
    size_t len = (size_t)(r % sizeof buf);
    for (size_t i = 0; i < len; i += 8) {
      uint64_t w = sb_xoshiro_next(&x);
      for (size_t j = 0; j < 8 && i + j < len; j++) buf[i + j] = (uint8_t)(w >> (8 * j));
    }
    /* Bias toward the interesting: mostly valid kinds, flags, ops, lengths. */
    if (len > 0) buf[0] = (uint8_t)((r >> 8) % 5);
    if (len > 1) buf[1] = (uint8_t)((r >> 16) % 3 ? (r >> 24) & 1 : (r >> 24));
    size_t p = (len > 1 && (buf[1] & 1)) ? 26 : 18;
    if (len > p) buf[p] = (uint8_t)(buf[p] % 5);
    if (len > p + 4 && buf[0] != SB_SBP_KIND_CONTROL) {
      buf[p] = (uint8_t)(buf[p] % 12);
      buf[p + 1] = buf[p + 2] = buf[p + 3] = 0;
      if (buf[0] == SB_SBP_KIND_MESSAGE && len >= p + 8 && (r >> 40) % 2)
        memcpy(buf + p, "\x03\x00\x00\x00rpc", 7);
    }
    sb_sbp_frame d;
    int rc = sb_sbp_frame_decode(buf, len, &d);
    if (rc == SB_OK) {
      accepted++;
      size_t len2 = 0;
      if (sb_sbp_frame_encode(&d, again, sizeof again, &len2) != SB_OK || len2 != len ||
          memcmp(buf, again, len) != 0)
        failures++;
    } else {
      const sb_err_info *info = sb_err_lookup(rc);
      if (!info || rc > -100 || rc <= -200 || info->proto_code != 1002) failures++;
    }
  }
  SBT_EQ_U64(failures, 0);
  SBT_CHECK(accepted > 1000, "the generator reaches valid frames (%u)", accepted);
}

SBT_SUITE(sbp_frame, "sbp/frame", SBT_CASE(upstream_frames_encode_decode_and_reencode),
          SBT_CASE(upstream_constants_match), SBT_CASE(upstream_decoder_malformed_cases),
          SBT_CASE(upstream_subject_validation_documented_reading),
          SBT_CASE(upstream_encoder_errors), SBT_CASE(upstream_rpc_envelope_message_frames),
          SBT_CASE(upstream_router_dispatch_frames), SBT_CASE(spec_section4_worked_vectors),
          SBT_CASE(decode_rejects_buffers_shorter_than_18_bytes),
          SBT_CASE(decode_timestamp_needs_26_bytes),
          SBT_CASE(decode_rejects_every_reserved_flag_bit),
          SBT_CASE(decode_rejects_unknown_kinds),
          SBT_CASE(every_kind_roundtrips_with_and_without_timestamp),
          SBT_CASE(timestamps_are_exact_signed_int64),
          SBT_CASE(frame_id_is_opaque_and_compared_bytewise),
          SBT_CASE(frame_id_text_form_is_32_lowercase_hex),
          SBT_CASE(frame_id_generate_draws_16_bytes_from_the_rng),
          SBT_CASE(control_payload_boundaries), SBT_CASE(message_payload_boundaries),
          SBT_CASE(ack_payload_must_be_exactly_16_bytes), SBT_CASE(error_payload_boundaries),
          SBT_CASE(encode_refuses_what_a_conformant_sender_never_emits),
          SBT_CASE(encode_reports_the_size_needed), SBT_CASE(frame_sequences_keep_their_order),
          SBT_CASE(decode_random_buffers_fail_cleanly_or_reencode_exactly))
