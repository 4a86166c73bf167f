/*
 * Vectors of the SBP layer (../shared/spec/sbp.md):
 *
 *   sbp-frames.json     frames as a receiver decodes them (every kind with
 *                       and without timestamp, every line of the validation
 *                       matrix of section 6, the worked vectors of section 4)
 *                       and what an encoder writes or must refuse
 *   sbp-handshake.json  the handshake JSON payload (section 5)
 *
 * Frames are assembled from their fields by the builders below; the worked
 * vectors are also spelled out as the specification prints them, and
 * generation fails if the builders or the reference disagree with them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "vec_ops.h"

/* ---- checks on the reference's output ------------------------------------ */

/* Fail generation unless running `type` on `input` gives output member `key`
 * equal to the JSON text `want`: the values a case is about (a timestamp, a
 * default) are stated by the author, not only taken from the reference. */
static void require_output(sbv_gen *g, const char *type, const cJSON *input, const char *key,
                           const char *want) {
  sbv_answer a;
  char msg[SBV_MSG_SIZE];
  cJSON *w = cJSON_Parse(want);
  const cJSON *got = NULL;
  if (sbv_op_run(type, input, &a, msg) == 0 && a.output)
    got = cJSON_GetObjectItemCaseSensitive(a.output, key);
  if (!w || !got || !cJSON_Compare(w, got, true)) {
    char *s = got ? cJSON_PrintUnformatted(got) : NULL;
    sbv_gen_error(g, "%s: output.%s should be %s, the reference gives %s", type, key, want,
                  s ? s : "nothing");
    free(s);
  }
  cJSON_Delete(w);
  sbv_answer_clear(&a);
}

/* ---- frame builder --------------------------------------------------------- */

/* Room for the largest frame built here (a 258-byte subject and its header). */
#define FB_CAP 1024u

typedef struct fb {
  uint8_t b[FB_CAP];
  size_t n;
} fb;

static void put(fb *f, const void *p, size_t n) {
  if (f->n + n > FB_CAP) abort(); /* a curated frame outgrew the builder */
  if (n) memcpy(f->b + f->n, p, n);
  f->n += n;
}

static void put_u8(fb *f, unsigned v) {
  uint8_t b = (uint8_t)v;
  put(f, &b, 1);
}

static void put_le(fb *f, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) put_u8(f, (unsigned)(v >> (8 * i)) & 0xFF);
}

static void put_str(fb *f, const char *s) { put(f, s, strlen(s)); }

static void put_repeat(fb *f, const char *s, unsigned times) {
  for (unsigned i = 0; i < times; i++) put_str(f, s);
}

/* Header: kind, flags, frameId. */
static void hdr(fb *f, unsigned kind, unsigned flags, const uint8_t id[16]) {
  f->n = 0;
  put_u8(f, kind);
  put_u8(f, flags);
  put(f, id, 16);
}

/* Header with the timestamp flag and an 8-byte timestamp. */
static void hdr_ts(fb *f, unsigned kind, const uint8_t id[16], int64_t ts) {
  hdr(f, kind, 0x01, id);
  put_le(f, (uint64_t)ts, 8);
}

/* Header with or without a timestamp. */
static void hdr_opt(fb *f, unsigned kind, const uint8_t id[16], bool with_ts, int64_t ts) {
  if (with_ts)
    hdr_ts(f, kind, id, ts);
  else
    hdr(f, kind, 0x00, id);
}

/* Message payload: u32le subjectLen, subject, data. */
static void msg_body(fb *f, const void *subject, size_t slen, const void *data, size_t dlen) {
  put_le(f, slen, 4);
  put(f, subject, slen);
  put(f, data, dlen);
}

/* Error payload: u16le code, u32le msgLen, message, details. */
static void err_body(fb *f, unsigned code, const char *message, const void *details, size_t dlen) {
  put_le(f, code, 2);
  put_le(f, strlen(message), 4);
  put_str(f, message);
  put(f, details, dlen);
}

/* ---- identifiers ----------------------------------------------------------- */

/* frameId 00 01 .. 0f of the worked vectors, and fixed "random" ones. */
static uint8_t id_worked[16], id_a[16], id_b[16], id_zero[16], id_ones[16];

static void ids_init(void) {
  for (unsigned i = 0; i < 16; i++) id_worked[i] = (uint8_t)i;
  sbv_gen_bytes("sbp-frames frameId a", id_a, 16);
  sbv_gen_bytes("sbp-frames frameId b", id_b, 16);
  memset(id_zero, 0x00, 16);
  memset(id_ones, 0xFF, 16);
}

/* ---- case emitters ----------------------------------------------------------- */

static cJSON *frame_input(const fb *f) {
  char *hex = sbv_gen_hex(f->b, f->n);
  cJSON *in = sbv_gen_input("frame", hex ? hex : "", NULL);
  free(hex);
  return in;
}

static void dec(sbv_gen *g, const char *comment, const char *reqs, const char *flags, const fb *f,
                const char *expect) {
  sbv_gen_case(g, comment, reqs, flags, frame_input(f), expect);
}

/* A decode case whose timestamp output must be exactly `want` (decimal). */
static void dec_ts(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                   const fb *f, const char *want) {
  cJSON *in = frame_input(f);
  char quoted[40];
  snprintf(quoted, sizeof quoted, "\"%s\"", want);
  require_output(g, "sbp.frame.decode", in, "timestamp", quoted);
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

/* A Message frame carrying `subject` (n bytes) and data "{}". */
static void dec_subject(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                        const void *subject, size_t n, const char *expect) {
  fb f;
  hdr(&f, 1, 0, id_a);
  msg_body(&f, subject, n, "{}", 2);
  dec(g, comment, reqs, flags, &f, expect);
}

static char *hex_of(const void *p, size_t n) { return sbv_gen_hex(p, n); }

static void add_hex(cJSON *o, const char *key, const void *p, size_t n) {
  char *h = hex_of(p, n);
  cJSON_AddStringToObject(o, key, h ? h : "");
  free(h);
}

/* Encode input: kind, frameId and, when `ts` is non-NULL, the timestamp. */
static cJSON *enc_in(unsigned kind, const uint8_t id[16], const char *ts) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "kind", kind);
  add_hex(o, "frameId", id, 16);
  if (ts) cJSON_AddStringToObject(o, "timestamp", ts);
  return o;
}

static cJSON *enc_control(const uint8_t id[16], const char *ts, unsigned op, const void *data,
                          size_t n) {
  cJSON *o = enc_in(0, id, ts);
  cJSON_AddNumberToObject(o, "op", op);
  if (data) add_hex(o, "data", data, n);
  return o;
}

static cJSON *enc_message(const uint8_t id[16], const char *ts, const char *subject,
                          const void *data, size_t n) {
  cJSON *o = enc_in(1, id, ts);
  cJSON_AddStringToObject(o, "subject", subject);
  if (data) add_hex(o, "data", data, n);
  return o;
}

static cJSON *enc_ack(const uint8_t id[16], const char *ts, const uint8_t ack[16]) {
  cJSON *o = enc_in(2, id, ts);
  add_hex(o, "ackFrameId", ack, 16);
  return o;
}

static cJSON *enc_error(const uint8_t id[16], const char *ts, unsigned code, const char *message,
                        const void *details, size_t n) {
  cJSON *o = enc_in(3, id, ts);
  cJSON_AddNumberToObject(o, "code", code);
  cJSON_AddStringToObject(o, "message", message);
  if (details) add_hex(o, "details", details, n);
  return o;
}

/* An encode case that must give exactly the frame `f` (built independently). */
static void enc_expect(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                       cJSON *in, const fb *f) {
  char *hex = hex_of(f->b, f->n);
  char *want = malloc(strlen(hex ? hex : "") + 3);
  if (want) sprintf(want, "\"%s\"", hex ? hex : "");
  require_output(g, "sbp.frame.encode", in, "frame", want ? want : "null");
  free(want);
  free(hex);
  sbv_gen_case(g, comment, reqs, flags, in, "valid");
}

/* ---- the worked vectors of sbp.md section 4 ---------------------------------- */

#define WID "000102030405060708090a0b0c0d0e0f"
#define WORKED_HANDSHAKE \
  "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p1\",\"caps\":[],\"metadata\":{}}"
#define WORKED_ENVELOPE                                                                           \
  "{\"t\":\"r\",\"m\":\"add\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"p\":{\"a\":1,\"b\":" \
  "2}}"

/* Builder output must equal the bytes the specification prints. */
static void check_worked(sbv_gen *g, const char *name, const fb *f, const char *printed) {
  char *hex = hex_of(f->b, f->n);
  if (!hex || strcmp(hex, printed) != 0)
    sbv_gen_error(g, "worked vector %s: built %s, sbp.md prints %s", name, hex ? hex : "?",
                  printed);
  free(hex);
}

static char *concat_hex(const char *prefix, const char *text) {
  char *h = hex_of(text, strlen(text));
  char *s = malloc(strlen(prefix) + strlen(h ? h : "") + 1);
  if (s) sprintf(s, "%s%s", prefix, h ? h : "");
  free(h);
  return s;
}

/* Each worked vector: decoded from the printed bytes, and encoded from its
 * fields to the same bytes. */
static void worked_vectors(sbv_gen *g, bool encode) {
  fb f;
  uint8_t ack[16];
  for (unsigned i = 0; i < 16; i++) ack[i] = (uint8_t)(0x10 + i);

  hdr(&f, 0, 0, id_worked);
  put_u8(&f, 1);
  check_worked(g, "Ping", &f, "0000" WID "01");
  if (encode)
    enc_expect(g, "sbp.md 4: Ping without timestamp (19 bytes)",
               "SBP-WIRE-002 SBP-WIRE-003 SBP-WIRE-013 SBP-CTL-003 SBP-VAL-001", NULL,
               enc_control(id_worked, NULL, 1, NULL, 0), &f);
  else
    dec(g, "sbp.md 4: Ping without timestamp (19 bytes)",
        "SBP-WIRE-002 SBP-WIRE-003 SBP-WIRE-006 SBP-CTL-003", NULL, &f, "valid");

  hdr_ts(&f, 0, id_worked, INT64_C(1700000000000));
  put_u8(&f, 1);
  check_worked(g, "Ping with timestamp", &f,
               "0001" WID
               "0068e5cf8b010000"
               "01");
  if (encode)
    enc_expect(g, "sbp.md 4: Ping with timestamp 1700000000000 (27 bytes)",
               "SBP-WIRE-001 SBP-WIRE-004 SBP-WIRE-013 SBP-VAL-001", NULL,
               enc_control(id_worked, "1700000000000", 1, NULL, 0), &f);
  else
    dec_ts(g, "sbp.md 4: Ping with timestamp 1700000000000 (27 bytes), little-endian",
           "SBP-WIRE-001 SBP-WIRE-004 SBP-WIRE-011", NULL, &f, "1700000000000");

  hdr(&f, 0, 0, id_worked);
  put_u8(&f, 0);
  put_str(&f, WORKED_HANDSHAKE);
  char *printed = concat_hex("0000" WID "00", WORKED_HANDSHAKE);
  check_worked(g, "Handshake", &f, printed ? printed : "");
  free(printed);
  if (f.n != 94) sbv_gen_error(g, "worked Handshake is %zu bytes, sbp.md says 94", f.n);
  if (encode)
    enc_expect(g, "sbp.md 4: Handshake with the negotiator's payload (94 bytes)",
               "SBP-CTL-002 SBP-WIRE-013 SBP-VAL-001", NULL,
               enc_control(id_worked, NULL, 0, WORKED_HANDSHAKE, strlen(WORKED_HANDSHAKE)), &f);
  else
    dec(g, "sbp.md 4: Handshake with the negotiator's payload (94 bytes)",
        "SBP-CTL-002 SBP-WIRE-003", NULL, &f, "valid");

  hdr(&f, 0, 0, id_worked);
  put_u8(&f, 3);
  put_str(&f, "disconnect");
  check_worked(g, "Close", &f,
               "0000" WID
               "03"
               "646973636f6e6e656374");
  if (encode)
    enc_expect(g, "sbp.md 4: Close with reason \"disconnect\" (29 bytes)",
               "SBP-CTL-004 SBP-WIRE-013 SBP-VAL-001", NULL,
               enc_control(id_worked, NULL, 3, "disconnect", 10), &f);
  else
    dec(g, "sbp.md 4: Close with reason \"disconnect\" (29 bytes)", "SBP-CTL-004 SBP-WIRE-002",
        NULL, &f, "valid");

  hdr(&f, 1, 0, id_worked);
  msg_body(&f, "rpc", 3, WORKED_ENVELOPE, strlen(WORKED_ENVELOPE));
  printed = concat_hex("0100" WID
                       "03000000"
                       "727063",
                       WORKED_ENVELOPE);
  check_worked(g, "Message", &f, printed ? printed : "");
  free(printed);
  if (f.n != 103) sbv_gen_error(g, "worked Message is %zu bytes, sbp.md says 103", f.n);
  if (encode)
    enc_expect(g, "sbp.md 4: Message on rpc carrying a request envelope (103 bytes)",
               "SBP-MSG-005 SBP-SUBJ-003 SBP-WIRE-001 SBP-VAL-001", NULL,
               enc_message(id_worked, NULL, "rpc", WORKED_ENVELOPE, strlen(WORKED_ENVELOPE)), &f);
  else
    dec(g, "sbp.md 4: Message on rpc carrying a request envelope (103 bytes)",
        "SBP-MSG-005 SBP-MSG-003 SBP-SUBJ-003 SBP-SUBJ-004 SBP-SUBJ-007 SBP-WIRE-001", NULL, &f,
        "valid");

  hdr(&f, 2, 0, id_worked);
  put(&f, ack, 16);
  check_worked(g, "Ack", &f, "0200" WID "101112131415161718191a1b1c1d1e1f");
  if (encode)
    enc_expect(g, "sbp.md 4: Ack of frame 10 11 .. 1f (34 bytes)",
               "SBP-ACK-001 SBP-WIRE-013 SBP-VAL-001", NULL, enc_ack(id_worked, NULL, ack), &f);
  else
    dec(g, "sbp.md 4: Ack of frame 10 11 .. 1f (34 bytes)", "SBP-ACK-001 SBP-VAL-005", NULL, &f,
        "valid");

  hdr(&f, 3, 0, id_worked);
  err_body(&f, 1002, "Invalid subject namespace", NULL, 0);
  check_worked(g, "Error", &f,
               "0300" WID
               "ea03"
               "19000000"
               "496e76616c6964207375626a656374206e616d657370616365");
  if (encode)
    enc_expect(g, "sbp.md 4: Error 1002 \"Invalid subject namespace\", no details (49 bytes)",
               "SBP-EFR-001 SBP-EFR-002 SBP-SUBJ-005 SBP-WIRE-001 SBP-VAL-001", NULL,
               enc_error(id_worked, NULL, 1002, "Invalid subject namespace", NULL, 0), &f);
  else
    dec(g, "sbp.md 4: Error 1002 \"Invalid subject namespace\", no details (49 bytes)",
        "SBP-EFR-001 SBP-EFR-002 SBP-SUBJ-005 SBP-WIRE-001", NULL, &f, "valid");
}

/* ---- sbp-frames.json: decoding ---------------------------------------------- */

#define TS_SAMPLE INT64_C(1735689600123)

/* Every kind (Control with each op, Message on each channel, Ack, Error with
 * and without details), once without and once with a timestamp. */
static void decode_kinds(sbv_gen *g) {
  static const char handshake[] = "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"b\"}";
  static const uint8_t binary[] = {0x00, 0xFF, 0x10, 0x80};
  uint8_t ack[16];
  sbv_gen_bytes("sbp-frames ackFrameId", ack, 16);
  fb f;
  char c[160];
  for (int t = 0; t < 2; t++) {
    bool ts = t == 1;
    const char *with = ts ? "with timestamp" : "no timestamp";
    const char *wreq = ts ? "SBP-WIRE-004 SBP-WIRE-012" : "SBP-WIRE-004";

    hdr_opt(&f, 0, id_a, ts, TS_SAMPLE);
    put_u8(&f, 0);
    put_str(&f, handshake);
    snprintf(c, sizeof c, "Control Handshake, minimal JSON data, %s", with);
    char r[128];
    snprintf(r, sizeof r, "SBP-CTL-002 %s", wreq);
    dec(g, c, r, NULL, &f, "valid");

    static const char *const names[] = {"Ping", "Pong"};
    for (unsigned op = 1; op <= 2; op++) {
      hdr_opt(&f, 0, id_a, ts, TS_SAMPLE);
      put_u8(&f, op);
      snprintf(c, sizeof c, "Control %s, op byte only, %s", names[op - 1], with);
      snprintf(r, sizeof r, "SBP-CTL-003 %s", wreq);
      dec(g, c, r, NULL, &f, "valid");
    }

    hdr_opt(&f, 0, id_a, ts, TS_SAMPLE);
    put_u8(&f, 3);
    snprintf(c, sizeof c, "Control Close without reason, %s", with);
    snprintf(r, sizeof r, "SBP-CTL-004 %s", wreq);
    dec(g, c, r, NULL, &f, "valid");

    hdr_opt(&f, 0, id_a, ts, TS_SAMPLE);
    put_u8(&f, 3);
    put_str(&f, "going away");
    snprintf(c, sizeof c, "Control Close with reason \"going away\", %s", with);
    dec(g, c, r, NULL, &f, "valid");

    static const char *const subjects[] = {"rpc", "event", "app/chat.room-1"};
    for (unsigned i = 0; i < 3; i++) {
      hdr_opt(&f, 1, id_a, ts, TS_SAMPLE);
      msg_body(&f, subjects[i], strlen(subjects[i]), binary, sizeof binary);
      snprintf(c, sizeof c, "Message on \"%s\" with 4 bytes of opaque data, %s", subjects[i], with);
      snprintf(r, sizeof r, "SBP-MSG-003 SBP-MSG-004 SBP-SUBJ-003 SBP-SUBJ-007 %s", wreq);
      dec(g, c, r, NULL, &f, "valid");
    }

    hdr_opt(&f, 1, id_a, ts, TS_SAMPLE);
    msg_body(&f, "stream", 6, NULL, 0);
    snprintf(c, sizeof c,
             "Message on \"stream\", %s: decodes (the 1003 of SBP-SUBJ-006 is receiver policy, not "
             "decoding)",
             with);
    snprintf(r, sizeof r, "SBP-SUBJ-003 SBP-SUBJ-006 SBP-MSG-004 %s", wreq);
    dec(g, c, r, NULL, &f, "valid");

    hdr_opt(&f, 2, id_a, ts, TS_SAMPLE);
    put(&f, ack, 16);
    snprintf(c, sizeof c, "Ack, %s", with);
    snprintf(r, sizeof r, "SBP-ACK-001 %s", wreq);
    dec(g, c, r, NULL, &f, "valid");

    hdr_opt(&f, 3, id_a, ts, TS_SAMPLE);
    err_body(&f, 1003, "Unsupported feature: stream", NULL, 0);
    snprintf(c, sizeof c, "Error 1003 without details, %s", with);
    snprintf(r, sizeof r, "SBP-EFR-001 SBP-EFR-002%s %s", ts ? " SBP-EFR-005" : "", wreq);
    dec(g, c, r, NULL, &f, "valid");

    hdr_opt(&f, 3, id_a, ts, TS_SAMPLE);
    err_body(&f, 2000, "M\xc3\xa9thode inconnue", "{\"m\":\"x\"}", 9);
    snprintf(c, sizeof c, "Error 2000 with a UTF-8 message and 9 bytes of details, %s", with);
    dec(g, c, r, NULL, &f, "valid");
  }

  /* frameIds are opaque bytes (SBP-WIRE-006): all zero and all one. */
  hdr(&f, 0, 0, id_zero);
  put_u8(&f, 1);
  dec(g, "Ping with an all-zero frameId: opaque, no value is special", "SBP-WIRE-006 SBP-WIRE-003",
      NULL, &f, "valid");
  hdr(&f, 2, 0, id_ones);
  put(&f, id_ones, 16);
  dec(g, "Ack of its own frameId ff..ff: frameIds compared as bytes only",
      "SBP-WIRE-006 SBP-VAL-005", NULL, &f, "valid");

  /* Error codes at the edges of the 16-bit field. */
  hdr(&f, 3, 0, id_a);
  err_body(&f, 0, "", NULL, 0);
  dec(g, "Error code 0, empty message, payload exactly 6 bytes", "SBP-EFR-001 SBP-EFR-002", NULL,
      &f, "valid");
  hdr(&f, 3, 0, id_a);
  err_body(&f, 65535, "m", "\xde\xad\xbe\xef", 4);
  dec(g, "Error code 65535 (ffff, little-endian) with 4 bytes of details",
      "SBP-EFR-002 SBP-WIRE-001", NULL, &f, "valid");
}

/* Timestamps are signed int64 little-endian, decoded exactly. */
static void decode_timestamps(sbv_gen *g) {
  static const struct {
    int64_t v;
    const char *text, *comment, *flags;
  } ts[] = {
      {0, "0", "timestamp 0 (the epoch)", NULL},
      {-1, "-1", "timestamp -1: negative values are representable", NULL},
      {INT64_C(9007199254740991), "9007199254740991", "timestamp 2^53-1", NULL},
      {INT64_C(9007199254740992), "9007199254740992", "timestamp 2^53", NULL},
      {INT64_C(9007199254740993), "9007199254740993",
       "timestamp 2^53+1: exact (upstream rounds to 2^53)", "E-SBP-5"},
      {INT64_MIN, "-9223372036854775808", "timestamp INT64_MIN: exact", "E-SBP-5"},
      {INT64_MAX, "9223372036854775807", "timestamp INT64_MAX: exact", "E-SBP-5"},
  };
  fb f;
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    hdr_ts(&f, 0, id_b, ts[i].v);
    put_u8(&f, 1);
    dec_ts(g, ts[i].comment, "SBP-WIRE-004 SBP-WIRE-001 SBP-WIRE-011 SBP-WIRE-012", ts[i].flags, &f,
           ts[i].text);
  }
}

/* Header lines of the matrix: short buffers, reserved flags, unknown kinds. */
static void decode_header_matrix(sbv_gen *g) {
  fb f;
  char c[160];
  static const size_t short_len[] = {0, 1, 2, 17};
  for (size_t i = 0; i < sizeof short_len / sizeof short_len[0]; i++) {
    hdr(&f, 0, 0, id_a);
    f.n = short_len[i];
    snprintf(c, sizeof c, "%zu-byte buffer: shorter than the 18-byte header and frameId",
             short_len[i]);
    dec(g, c, "SBP-WIRE-009 SBP-WIRE-003 SBP-ERR-008", NULL, &f, "invalid:1002");
  }

  hdr(&f, 0, 0x01, id_a);
  dec(g, "18 bytes with the timestamp flag: no timestamp follows", "SBP-WIRE-009 SBP-WIRE-004",
      NULL, &f, "invalid:1002");
  hdr_ts(&f, 0, id_a, 0);
  f.n = 25;
  dec(g, "25 bytes with the timestamp flag: 7 of 8 timestamp bytes", "SBP-WIRE-009 SBP-WIRE-004",
      NULL, &f, "invalid:1002");
  hdr_ts(&f, 0, id_a, 5);
  dec(g, "26 bytes with the timestamp flag: timestamp complete, Control payload empty",
      "SBP-WIRE-009 SBP-CTL-001", NULL, &f, "invalid:1002");
  hdr_ts(&f, 0, id_a, 5);
  put_u8(&f, 1);
  dec(g, "27 bytes with the timestamp flag: timestamp and Ping op", "SBP-WIRE-009 SBP-WIRE-004",
      NULL, &f, "valid");

  for (unsigned bit = 1; bit <= 7; bit++) {
    hdr(&f, 0, 1u << bit, id_a);
    put_u8(&f, 1);
    snprintf(c, sizeof c, "Ping with reserved flag bit %u alone (flags 0x%02x)", bit, 1u << bit);
    dec(g, c, "SBP-WIRE-005 SBP-WIRE-002", NULL, &f, "invalid:1002");
  }
  for (unsigned bit = 1; bit <= 7; bit++) {
    hdr(&f, 0, (1u << bit) | 1u, id_a);
    put_le(&f, (uint64_t)TS_SAMPLE, 8);
    put_u8(&f, 1);
    snprintf(c, sizeof c, "Ping with timestamp and reserved flag bit %u (flags 0x%02x)", bit,
             (1u << bit) | 1u);
    dec(g, c, "SBP-WIRE-005 SBP-WIRE-004", NULL, &f, "invalid:1002");
  }
  hdr(&f, 0, 0xFE, id_a);
  put_u8(&f, 1);
  dec(g, "Ping with every reserved flag bit set (flags 0xfe)", "SBP-WIRE-005", NULL, &f,
      "invalid:1002");
  hdr(&f, 0, 0xFF, id_a);
  put_le(&f, 0, 8);
  put_u8(&f, 1);
  dec(g, "Ping with every flag bit set (flags 0xff) and a timestamp", "SBP-WIRE-005", NULL, &f,
      "invalid:1002");

  static const unsigned kinds[] = {4, 5, 0x7F, 0x80, 0xFF};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    hdr(&f, kinds[i], 0, id_a);
    put_u8(&f, 1);
    snprintf(c, sizeof c, "unknown frame kind %u with one payload byte", kinds[i]);
    dec(g, c, "SBP-WIRE-010 SBP-WIRE-002 SBP-ERR-008", NULL, &f, "invalid:1002");
  }
  hdr(&f, 4, 0, id_a);
  dec(g, "unknown frame kind 4, header and frameId only", "SBP-WIRE-010", NULL, &f, "invalid:1002");
  hdr_ts(&f, 4, id_a, TS_SAMPLE);
  put_u8(&f, 1);
  dec(g, "unknown frame kind 4 with a timestamp", "SBP-WIRE-010 SBP-WIRE-004", NULL, &f,
      "invalid:1002");
}

/* Control lines of the matrix. */
static void decode_control_matrix(sbv_gen *g) {
  fb f;
  char c[160];
  hdr(&f, 0, 0, id_a);
  dec(g, "Control with an empty payload (18 bytes): no op byte", "SBP-CTL-001", NULL, &f,
      "invalid:1002");

  static const unsigned ops[] = {4, 5, 0x7F, 0x80, 0xFE, 0xFF};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    hdr(&f, 0, 0, id_a);
    put_u8(&f, ops[i]);
    snprintf(c, sizeof c, "Control op %u, no data: not a v1 op", ops[i]);
    dec(g, c, "SBP-CTL-005", "E-SBP-10", &f, "invalid:1002");
  }
  hdr(&f, 0, 0, id_a);
  put_u8(&f, 0xFF);
  put_str(&f, "\x01\x02");
  dec(g, "Control op 255 with 2 data bytes", "SBP-CTL-005", "E-SBP-10", &f, "invalid:1002");

  hdr(&f, 0, 0, id_a);
  put_u8(&f, 0);
  dec(g, "Handshake without data: op byte only", "SBP-CTL-002", NULL, &f, "invalid:1002");
  hdr_ts(&f, 0, id_a, TS_SAMPLE);
  put_u8(&f, 0);
  dec(g, "Handshake with timestamp but without data", "SBP-CTL-002 SBP-WIRE-004", NULL, &f,
      "invalid:1002");
  hdr(&f, 0, 0, id_a);
  put_u8(&f, 0);
  put_str(&f, "\xff");
  dec(g, "Handshake with 1 data byte that is not JSON: the handshake decoder's to refuse",
      "SBP-CTL-002", "HandshakeLayer", &f, "acceptable");

  static const char *const names[] = {"Ping", "Pong"};
  for (unsigned op = 1; op <= 2; op++) {
    hdr(&f, 0, 0, id_a);
    put_u8(&f, op);
    put_u8(&f, 0);
    snprintf(c, sizeof c, "%s with 1 data byte (00)", names[op - 1]);
    dec(g, c, "SBP-CTL-003", NULL, &f, "invalid:1002");
  }
  hdr_ts(&f, 0, id_a, TS_SAMPLE);
  put_u8(&f, 1);
  put_u8(&f, 0x2a);
  dec(g, "Ping with timestamp and 1 data byte: the timestamp is not data",
      "SBP-CTL-003 SBP-WIRE-004", NULL, &f, "invalid:1002");
  hdr(&f, 0, 0, id_a);
  put_u8(&f, 2);
  put_str(&f, "ab");
  dec(g, "Pong with 2 data bytes", "SBP-CTL-003", NULL, &f, "invalid:1002");

  hdr(&f, 0, 0, id_a);
  put_u8(&f, 3);
  put_str(&f, "\xff\xfe");
  dec(g, "Close whose reason is not UTF-8", "SBP-CTL-004", "CloseReason", &f, "acceptable");
}

/* Message lines of the matrix, and the subject rules (sbp.md section 8). */
static void decode_message_matrix(sbv_gen *g) {
  fb f;
  char c[160];
  for (unsigned n = 0; n <= 3; n++) {
    hdr(&f, 1, 0, id_a);
    put_le(&f, 3, n); /* the first n bytes of subjectLen 3 */
    snprintf(c, sizeof c, "Message payload of %u bytes: no complete subjectLen", n);
    dec(g, c, "SBP-MSG-001", NULL, &f, "invalid:1002");
  }
  hdr(&f, 1, 0, id_a);
  put_le(&f, 4, 4);
  put_str(&f, "rpc");
  dec(g, "subjectLen 4 with 3 subject bytes: overrun by one", "SBP-MSG-002", NULL, &f,
      "invalid:1002");
  hdr(&f, 1, 0, id_a);
  put_le(&f, 0xFFFFFFFFu, 4);
  put_str(&f, "rpc");
  dec(g, "subjectLen 0xffffffff with 3 bytes left", "SBP-MSG-002 SBP-VAL-002", NULL, &f,
      "invalid:1002");
  hdr(&f, 1, 0, id_a);
  put_le(&f, 3, 4);
  put_str(&f, "rpc");
  dec(g, "subjectLen 3, subject \"rpc\", nothing after it: empty data", "SBP-MSG-002 SBP-MSG-004",
      NULL, &f, "valid");
}

static void decode_subjects(sbv_gen *g) {
  const char *ns = "SBP-SUBJ-003 SBP-SUBJ-004 SBP-SUBJ-005 SBP-MSG-003";
  dec_subject(g, "subject empty (subjectLen 0) followed by data", "SBP-SUBJ-001 SBP-SUBJ-005",
              "E-SBP-1", "", 0, "invalid:1002");
  dec_subject(g, "subject \"app/a\\0b\" holds NUL", "SBP-SUBJ-001 SBP-SUBJ-005", "E-SBP-1",
              "app/a\0b", 7, "invalid:1002");
  dec_subject(g, "subject \"rpc\\0\": NUL after a channel name", "SBP-SUBJ-001 SBP-SUBJ-005",
              "E-SBP-1", "rpc\0", 4, "invalid:1002");

  fb s;
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "y", 252);
  dec_subject(g, "subject of 256 bytes (app/ + 252 x y): the limit", "SBP-SUBJ-002 SBP-SUBJ-003",
              NULL, s.b, s.n, "valid");
  put_str(&s, "y");
  dec_subject(g, "subject of 257 bytes: one over the limit", "SBP-SUBJ-002 SBP-SUBJ-005", "E-SBP-1",
              s.b, s.n, "invalid:1002");
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "\xc3\xa9", 126);
  dec_subject(g, "subject of 256 bytes in 130 characters (app/ + 126 x U+00E9)",
              "SBP-SUBJ-002 SBP-SUBJ-003", NULL, s.b, s.n, "valid");
  put_str(&s, "\xc3\xa9");
  dec_subject(g, "subject of 258 bytes in 131 characters (app/ + 127 x U+00E9): bytes count",
              "SBP-SUBJ-002 SBP-SUBJ-005", "E-SBP-1", s.b, s.n, "invalid:1002");
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "y", 251);
  put_str(&s, "\xe2\x82\xac");
  dec_subject(g, "subject of 258 bytes ending in a 3-byte character (U+20AC)",
              "SBP-SUBJ-002 SBP-SUBJ-005", "E-SBP-1", s.b, s.n, "invalid:1002");

  dec_subject(g, "subject \"app/\\xff\": not UTF-8", "SBP-VAL-003 SBP-SUBJ-001", "E-SBP-2",
              "app/\xff", 5, "invalid:1002");
  dec_subject(g, "subject \"app/\\xc0\\xaf\": overlong encoding of '/'", "SBP-VAL-003 SBP-SUBJ-001",
              "E-SBP-2", "app/\xc0\xaf", 6, "invalid:1002");
  dec_subject(g, "subject \"app/\\xed\\xa0\\x80\": encoded surrogate U+D800",
              "SBP-VAL-003 SBP-SUBJ-001", "E-SBP-2", "app/\xed\xa0\x80", 7, "invalid:1002");
  dec_subject(g, "subject \"app/\\xe2\\x82\": truncated 3-byte sequence",
              "SBP-VAL-003 SBP-SUBJ-001", "E-SBP-2", "app/\xe2\x82", 6, "invalid:1002");
  dec_subject(g, "subject \"app/\\xf4\\x90\\x80\\x80\": above U+10FFFF", "SBP-VAL-003 SBP-SUBJ-001",
              "E-SBP-2", "app/\xf4\x90\x80\x80", 8, "invalid:1002");
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "\xff", 251);
  dec_subject(g,
              "subject of 255 bytes app/ + 251 x ff: not UTF-8 (upstream: too long after U+FFFD)",
              "SBP-VAL-003", "E-SBP-2 E-SBP-1", s.b, s.n, "invalid:1002");

  dec_subject(g, "subject BOM + \"rpc\": the BOM is part of the subject, no channel", ns, "E-SBP-3",
              "\xef\xbb\xbfrpc", 6, "invalid:1002");
  dec_subject(g, "subject \"app/\" + BOM: an app subject", "SBP-SUBJ-003 SBP-SUBJ-007", NULL,
              "app/\xef\xbb\xbf", 7, "valid");

  static const struct {
    const char *s, *comment;
  } bad[] = {
      {"rpc/x", "old-style subject \"rpc/x\""},
      {"rpc/", "old-style prefix \"rpc/\""},
      {"event/user.joined", "old-style subject \"event/user.joined\""},
      {"stream/x", "old-style subject \"stream/x\""},
      {"RPC", "subject \"RPC\": channels are case-sensitive"},
      {"Event", "subject \"Event\""},
      {"App/x", "subject \"App/x\": the prefix is case-sensitive"},
      {"app", "subject \"app\" without the slash"},
      {"apps/x", "subject \"apps/x\""},
      {" rpc", "subject \" rpc\" (leading space)"},
      {"rpc ", "subject \"rpc \" (trailing space)"},
      {"rpcx", "subject \"rpcx\": rpc is an exact match, not a prefix"},
      {"events", "subject \"events\""},
      {"foo", "unknown subject \"foo\""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    dec_subject(g, bad[i].comment, ns, "E-SBP-1", bad[i].s, strlen(bad[i].s), "invalid:1002");

  static const struct {
    const char *s, *comment;
  } good[] = {
      {"app/", "subject \"app/\" alone: the prefix with an empty suffix"},
      {"app//", "subject \"app//\""},
      {"app/RPC", "subject \"app/RPC\": any suffix"},
      {"app/rpc/x", "subject \"app/rpc/x\""},
      {"app/a b\tc", "subject \"app/a b<TAB>c\": suffix with space and tab"},
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    dec_subject(g, good[i].comment, "SBP-SUBJ-003 SBP-SUBJ-007", NULL, good[i].s, strlen(good[i].s),
                "valid");
}

/* Ack and Error lines of the matrix. */
static void decode_ack_error_matrix(sbv_gen *g) {
  fb f;
  char c[160];
  static const size_t ack_len[] = {0, 15, 16, 17, 32};
  for (size_t i = 0; i < sizeof ack_len / sizeof ack_len[0]; i++) {
    hdr(&f, 2, 0, id_a);
    for (size_t k = 0; k < ack_len[i]; k++) put_u8(&f, 0xA0 + (unsigned)k);
    snprintf(c, sizeof c, "Ack payload of %zu bytes", ack_len[i]);
    dec(g, c, "SBP-ACK-001", NULL, &f, ack_len[i] == 16 ? "valid" : "invalid:1002");
  }

  for (unsigned n = 0; n <= 5; n++) {
    hdr(&f, 3, 0, id_a);
    put_le(&f, 1002, n < 2 ? n : 2);
    if (n > 2) put_le(&f, 0, n - 2);
    snprintf(c, sizeof c, "Error payload of %u bytes: no complete code and msgLen", n);
    dec(g, c, "SBP-EFR-001", NULL, &f, "invalid:1002");
  }
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1002, 2);
  put_le(&f, 0, 4);
  dec(g, "Error payload of 6 bytes: code and msgLen 0, empty message", "SBP-EFR-001 SBP-EFR-002",
      NULL, &f, "valid");
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1000, 2);
  put_le(&f, 4, 4);
  put_str(&f, "abc");
  dec(g, "Error msgLen 4 with 3 message bytes: overrun by one", "SBP-EFR-001", NULL, &f,
      "invalid:1002");
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1000, 2);
  put_le(&f, 0xFFFFFFFFu, 4);
  put_str(&f, "abc");
  dec(g, "Error msgLen 0xffffffff with 3 bytes left", "SBP-EFR-001 SBP-VAL-002", NULL, &f,
      "invalid:1002");
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1000, 2);
  put_le(&f, 2, 4);
  put_str(&f, "a\xc3");
  dec(g, "Error message \"a\\xc3\": truncated UTF-8", "SBP-VAL-003 SBP-EFR-001", "E-SBP-4", &f,
      "invalid:1002");
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1000, 2);
  put_le(&f, 1, 4);
  put_str(&f, "\xff");
  put_str(&f, "ok");
  dec(g, "Error message \"\\xff\" followed by valid details", "SBP-VAL-003", "E-SBP-4", &f,
      "invalid:1002");
  hdr(&f, 3, 0, id_a);
  put_le(&f, 1000, 2);
  put_le(&f, 1, 4);
  put_str(&f, "m");
  put_str(&f, "\xff\xfe");
  dec(g, "Error details \"\\xff\\xfe\" that are not UTF-8: details are opaque", "SBP-EFR-002", NULL,
      &f, "valid");
}

/* Two faults in one frame: which one the decoder reports. Every frame fault
 * is InvalidFrame (1002), so only the outcome is visible; the comment says
 * which check fires first (upstream's order, sbp.md section 6). */
static void decode_error_order(sbv_gen *g) {
  fb f;
  hdr(&f, 0, 0x02, id_a);
  f.n = 12;
  dec(g, "12 bytes with reserved flag bit 1: too short, reported before the flags",
      "SBP-WIRE-009 SBP-WIRE-005", NULL, &f, "invalid:1002");
  hdr(&f, 9, 0x04, id_worked);
  put_u8(&f, 1);
  dec(g, "reserved flag bit 2 and unknown kind 9: the flags are checked before the kind",
      "SBP-WIRE-005 SBP-WIRE-010", NULL, &f, "invalid:1002");
  hdr(&f, 0, 0x03, id_a);
  put_u8(&f, 1);
  dec(g, "flags 0x03 with 1 byte after the frameId: reserved bit before the short timestamp",
      "SBP-WIRE-005 SBP-WIRE-009", NULL, &f, "invalid:1002");
  hdr(&f, 4, 0x01, id_a);
  put_u8(&f, 1);
  dec(g, "unknown kind 4 with a 1-byte timestamp: the timestamp length before the kind",
      "SBP-WIRE-009 SBP-WIRE-010", NULL, &f, "invalid:1002");
  hdr(&f, 1, 0, id_a);
  put_le(&f, 300, 4);
  put_str(&f, "\xff");
  dec(g, "subjectLen 300 over a 1-byte subject that is not UTF-8: the overrun is reported",
      "SBP-MSG-002 SBP-VAL-003", NULL, &f, "invalid:1002");
}

/* ---- sbp-frames.json: encoding ------------------------------------------------ */

static void encode_cases(sbv_gen *g) {
  static const char handshake[] = "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"b\"}";
  static const uint8_t binary[] = {0x00, 0xFF, 0x10};
  uint8_t ack[16];
  sbv_gen_bytes("sbp-frames ackFrameId", ack, 16);
  fb f;
  const char *tsq = "1735689600123";

  /* Each valid kind, with a timestamp. */
  hdr_ts(&f, 0, id_a, TS_SAMPLE);
  put_u8(&f, 0);
  put_str(&f, handshake);
  enc_expect(g, "Handshake with timestamp", "SBP-CTL-002 SBP-WIRE-004 SBP-WIRE-013 SBP-VAL-001",
             NULL, enc_control(id_a, tsq, 0, handshake, strlen(handshake)), &f);
  hdr(&f, 0, 0, id_a);
  put_u8(&f, 2);
  enc_expect(g, "Pong without data", "SBP-CTL-003 SBP-WIRE-013", NULL,
             enc_control(id_a, NULL, 2, NULL, 0), &f);
  enc_expect(g, "Pong with an empty data member: no data, op byte only", "SBP-CTL-003", "E-SBP-7",
             enc_control(id_a, NULL, 2, "", 0), &f);
  hdr_ts(&f, 0, id_a, TS_SAMPLE);
  put_u8(&f, 1);
  enc_expect(g, "Ping with timestamp", "SBP-CTL-003 SBP-WIRE-004 SBP-WIRE-013", NULL,
             enc_control(id_a, tsq, 1, NULL, 0), &f);
  hdr(&f, 0, 0, id_a);
  put_u8(&f, 3);
  enc_expect(g, "Close without reason", "SBP-CTL-004 SBP-WIRE-013", NULL,
             enc_control(id_a, NULL, 3, NULL, 0), &f);
  hdr_ts(&f, 0, id_a, TS_SAMPLE);
  put_u8(&f, 3);
  put_str(&f, "going away");
  enc_expect(g, "Close with reason and timestamp", "SBP-CTL-004 SBP-WIRE-013", NULL,
             enc_control(id_a, tsq, 3, "going away", 10), &f);

  static const char *const subjects[] = {"event", "app/chat.\xc3\xbc", "app/"};
  for (unsigned i = 0; i < 3; i++) {
    char c[96];
    hdr(&f, 1, 0, id_a);
    msg_body(&f, subjects[i], strlen(subjects[i]), binary, sizeof binary);
    snprintf(c, sizeof c, "Message on \"%s\" with 3 data bytes", subjects[i]);
    enc_expect(g, c, "SBP-SUBJ-003 SBP-SUBJ-008 SBP-WIRE-001 SBP-VAL-001", NULL,
               enc_message(id_a, NULL, subjects[i], binary, sizeof binary), &f);
  }
  sbv_gen_case(g, "Message on \"stream\", reserved for v2", "SBP-SUBJ-003 SBP-SUBJ-006",
               "StreamSend", enc_message(id_a, NULL, "stream", binary, sizeof binary),
               "acceptable");
  hdr_ts(&f, 1, id_a, TS_SAMPLE);
  msg_body(&f, "rpc", 3, NULL, 0);
  enc_expect(g, "Message on rpc with timestamp and no data member", "SBP-MSG-004 SBP-WIRE-013",
             NULL, enc_message(id_a, tsq, "rpc", NULL, 0), &f);
  fb s;
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "y", 252);
  put_u8(&s, 0);
  hdr(&f, 1, 0, id_a);
  msg_body(&f, s.b, 256, NULL, 0);
  enc_expect(g, "Message with a 256-byte subject", "SBP-SUBJ-002 SBP-SUBJ-008", NULL,
             enc_message(id_a, NULL, (const char *)s.b, NULL, 0), &f);

  hdr_ts(&f, 2, id_a, TS_SAMPLE);
  put(&f, ack, 16);
  enc_expect(g, "Ack with timestamp", "SBP-ACK-001 SBP-WIRE-013 SBP-VAL-001", NULL,
             enc_ack(id_a, tsq, ack), &f);
  hdr(&f, 3, 0, id_a);
  err_body(&f, 1101, "M\xc3\xa9thode inconnue", "{\"m\":\"x\"}", 9);
  enc_expect(g, "Error 1101 with a UTF-8 message and details",
             "SBP-EFR-002 SBP-WIRE-001 SBP-VAL-001", NULL,
             enc_error(id_a, NULL, 1101, "M\xc3\xa9thode inconnue", "{\"m\":\"x\"}", 9), &f);
  hdr_ts(&f, 3, id_a, TS_SAMPLE);
  err_body(&f, 65535, "", NULL, 0);
  enc_expect(g, "Error 65535 with empty message and timestamp",
             "SBP-EFR-002 SBP-EFR-005 SBP-WIRE-013", NULL, enc_error(id_a, tsq, 65535, "", NULL, 0),
             &f);

  /* Timestamps at the edges of int64. */
  static const struct {
    int64_t v;
    const char *text, *flags;
  } ts[] = {
      {0, "0", NULL},
      {-1, "-1", NULL},
      {INT64_C(9007199254740993), "9007199254740993", "E-SBP-5"},
      {INT64_MIN, "-9223372036854775808", NULL},
      {INT64_MAX, "9223372036854775807", "E-SBP-5"},
  };
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    char c[96];
    hdr_ts(&f, 0, id_b, ts[i].v);
    put_u8(&f, 1);
    snprintf(c, sizeof c, "Ping with timestamp %s: signed int64, little-endian", ts[i].text);
    enc_expect(g, c, "SBP-WIRE-001 SBP-WIRE-004 SBP-WIRE-011 SBP-WIRE-013", ts[i].flags,
               enc_control(id_b, ts[i].text, 1, NULL, 0), &f);
  }

  /* What a conformant encoder must refuse. */
  sbv_gen_case(g, "refuse kind 4", "SBP-WIRE-010", NULL, enc_in(4, id_a, NULL), "invalid:1002");
  sbv_gen_case(g, "refuse kind 255", "SBP-WIRE-010", NULL, enc_in(255, id_a, NULL), "invalid:1002");
  sbv_gen_case(g, "refuse Control op 4", "SBP-CTL-005", "E-SBP-10",
               enc_control(id_a, NULL, 4, NULL, 0), "invalid:1002");
  sbv_gen_case(g, "refuse Control op 255 with data", "SBP-CTL-005", "E-SBP-10",
               enc_control(id_a, NULL, 255, "x", 1), "invalid:1002");
  sbv_gen_case(g, "refuse Handshake without data", "SBP-CTL-002", NULL,
               enc_control(id_a, NULL, 0, NULL, 0), "invalid:1002");
  sbv_gen_case(g, "refuse Handshake with empty data", "SBP-CTL-002", NULL,
               enc_control(id_a, NULL, 0, "", 0), "invalid:1002");
  sbv_gen_case(g, "refuse Ping with 1 data byte", "SBP-CTL-003", NULL,
               enc_control(id_a, NULL, 1, "\x00", 1), "invalid:1002");
  sbv_gen_case(g, "refuse Pong with 2 data bytes", "SBP-CTL-003", NULL,
               enc_control(id_a, NULL, 2, "ab", 2), "invalid:1002");
  static const struct {
    const char *s, *comment;
  } bad[] = {
      {"", "refuse an empty subject"},
      {"rpc/x", "refuse old-style subject \"rpc/x\""},
      {"RPC", "refuse subject \"RPC\""},
      {"app", "refuse subject \"app\""},
      {"\xef\xbb\xbfrpc", "refuse subject BOM + \"rpc\""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    sbv_gen_case(g, bad[i].comment, "SBP-SUBJ-008 SBP-SUBJ-001 SBP-SUBJ-003", "E-SBP-1 E-SBP-7",
                 enc_message(id_a, NULL, bad[i].s, NULL, 0), "invalid:1002");
  s.n = 0;
  put_str(&s, "app/");
  put_repeat(&s, "y", 253);
  put_u8(&s, 0);
  sbv_gen_case(g, "refuse a 257-byte subject", "SBP-SUBJ-008 SBP-SUBJ-002", "E-SBP-1 E-SBP-7",
               enc_message(id_a, NULL, (const char *)s.b, NULL, 0), "invalid:1002");
}

static void gen_frames(sbv_gen *g) {
  sbv_gen_file(g, "sbp-frames.json", "sbp",
               "SBP frames as a receiver decodes them (sbp.md sections 2-4 and the validation "
               "matrix of section 6) and as a sender encodes them");
  sbv_gen_note(
      g, "E-SBP-1",
      "an invalid subject is InvalidFrame (1002) as behavior.md, conformance.md and ADR-011 "
      "say; upstream's asSubject throws ProtocolViolation (1000)",
      "upstream");
  sbv_gen_note(g, "E-SBP-2",
               "a subject that is not valid UTF-8 is refused (conformance.md); upstream decodes it "
               "with U+FFFD replacement and may accept it",
               "upstream");
  sbv_gen_note(g, "E-SBP-3",
               "a leading BOM is part of the subject, so BOM + \"rpc\" is no channel; upstream's "
               "TextDecoder strips it and reads \"rpc\"",
               "upstream");
  sbv_gen_note(
      g, "E-SBP-4",
      "an Error message that is not valid UTF-8 is refused (conformance.md); upstream decodes "
      "it with U+FFFD replacement",
      "upstream");
  sbv_gen_note(g, "E-SBP-5",
               "timestamps are exact int64 values; upstream converts them to JavaScript numbers, "
               "which round beyond 2^53",
               "upstream");
  sbv_gen_note(
      g, "E-SBP-7",
      "encoder cases of the TypeScript API: an empty data member is no data (upstream "
      "refuses an empty Pong data array); the encoder always checks the subject (upstream's "
      "encodeFrame writes it unchecked, its factory refuses it with 1000)",
      "upstream");
  sbv_gen_note(g, "E-SBP-10",
               "the documents call new Control ops additive but say nothing of v1 receivers; "
               "upstream and the reference refuse ops above 3 as InvalidFrame",
               NULL);
  sbv_gen_note(
      g, "HandshakeLayer",
      "the documents require Handshake data to be a JSON HandshakePayload but do not say "
      "whether the frame decoder checks it; the reference, like upstream's codec, leaves it to "
      "the handshake decoder (sbp-handshake.json), which refuses it with the same 1002",
      NULL);
  sbv_gen_note(g, "CloseReason",
               "whether a Close reason must be valid UTF-8 is left open (sbp.md open points); the "
               "reference, like upstream, does not interpret it",
               NULL);
  sbv_gen_note(
      g, "StreamSend",
      "stream is reserved for v2 and a v1 receiver answers it with 1003; the documents do not "
      "say whether an encoder refuses it; the reference, like upstream's codec, encodes it",
      NULL);

  sbv_gen_group(g, "sbp.frame.decode");
  worked_vectors(g, false);
  decode_kinds(g);
  decode_timestamps(g);
  decode_header_matrix(g);
  decode_control_matrix(g);
  decode_message_matrix(g);
  decode_subjects(g);
  decode_ack_error_matrix(g);
  decode_error_order(g);

  sbv_gen_group(g, "sbp.frame.encode");
  worked_vectors(g, true);
  encode_cases(g);
  sbv_gen_end(g);
}

/* ---- sbp-handshake.json ------------------------------------------------------- */

static cJSON *payload_input(const void *p, size_t n) {
  char *hex = hex_of(p, n);
  cJSON *in = sbv_gen_input("payload", hex ? hex : "", NULL);
  free(hex);
  return in;
}

static void hs(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
               const char *text, const char *expect) {
  sbv_gen_case(g, comment, reqs, flags, payload_input(text, strlen(text)), expect);
}

/* A valid handshake whose output member `key` must be `want` (JSON text). */
static void hs_out(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                   const char *text, const char *key, const char *want, const char *expect) {
  cJSON *in = payload_input(text, strlen(text));
  require_output(g, "sbp.handshake.decode", in, key, want);
  sbv_gen_case(g, comment, reqs, flags, in, expect);
}

#define HS_OK "\"protocol\":\"sideband\",\"version\":\"1\""

static void handshake_valid(sbv_gen *g) {
  hs_out(g, "the negotiator's payload of sbp.md 4: empty caps and metadata", "SBP-HS-004", NULL,
         WORKED_HANDSHAKE, "peerId", "\"p1\"", "valid");
  static const char minimal_text[] = "{" HS_OK ",\"peerId\":\"p\"}";
  cJSON *minimal = payload_input(minimal_text, sizeof minimal_text - 1);
  require_output(g, "sbp.handshake.decode", minimal, "caps", "[]");
  require_output(g, "sbp.handshake.decode", minimal, "metadata", "{}");
  sbv_gen_case(g, "minimal: protocol, version and peerId only; caps read as [], metadata as {}",
               "SBP-HS-004", NULL, minimal, "valid");
  hs_out(g, "full payload with caps and namespaced metadata (UTF-8 value)", "SBP-HS-004 SBP-HS-006",
         NULL,
         "{" HS_OK
         ",\"peerId\":\"peer-alice-01\",\"caps\":[\"rpc\",\"events\"],"
         "\"metadata\":{\"vendor:agent\":\"sideband-c/0.1\",\"vendor:name\":\"Zo\xc3\xab\"}}",
         "caps", "[\"rpc\",\"events\"]", "valid");
  hs_out(
      g, "keys in another order than the negotiator writes", "SBP-HS-004", NULL,
      "{\"peerId\":\"p\",\"metadata\":{},\"version\":\"1\",\"caps\":[],\"protocol\":\"sideband\"}",
      "protocol", "\"sideband\"", "valid");
  hs_out(g, "unknown top-level keys are ignored", "SBP-HS-005", NULL,
         "{" HS_OK ",\"peerId\":\"p\",\"extra\":1,\"future\":{\"x\":[null]}}", "peerId", "\"p\"",
         "valid");
  hs_out(g, "unknown caps are ignored, kept as sent", "SBP-HS-005", NULL,
         "{" HS_OK ",\"peerId\":\"p\",\"caps\":[\"compression:zstd\",\"x-future\",\"stream\"]}",
         "caps", "[\"compression:zstd\",\"x-future\",\"stream\"]", "valid");
  hs_out(g, "metadata key without a namespace: not enforced, accepted", "SBP-HS-006 SBP-HS-005",
         NULL, "{" HS_OK ",\"peerId\":\"p\",\"metadata\":{\"agent\":\"x\",\"tracing:id\":\"1\"}}",
         "metadata", "{\"agent\":\"x\",\"tracing:id\":\"1\"}", "valid");
  hs_out(g, "empty peerId: any JSON string", "SBP-HS-004", NULL, "{" HS_OK ",\"peerId\":\"\"}",
         "peerId", "\"\"", "valid");
  hs_out(g, "peerId with escapes: \\u00e9 and \\\" decode", "SBP-HS-004", NULL,
         "{" HS_OK ",\"peerId\":\"a\\u00e9\\\"b\"}", "peerId", "\"a\xc3\xa9\\\"b\"", "valid");
  hs_out(g, "whitespace around and inside the object", "SBP-HS-004", NULL,
         " \r\n\t{ \"protocol\" : \"sideband\" , \"version\":\"1\",\n\"peerId\":\"p\" }\n ",
         "peerId", "\"p\"", "valid");
  hs_out(g, "duplicate protocol: the last one (\"sideband\") counts", "SBP-HS-004",
         "DuplicateNames",
         "{\"protocol\":\"other\",\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\"}",
         "protocol", "\"sideband\"", "valid");
  hs(g, "duplicate protocol: the last one (\"other\") counts", "SBP-HS-003 SBP-HS-004",
     "DuplicateNames",
     "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\",\"protocol\":\"other\"}",
     "invalid:1001");
  hs_out(g, "duplicate peerId: the last one counts", "SBP-HS-004", "DuplicateNames",
         "{" HS_OK ",\"peerId\":\"first\",\"peerId\":\"second\"}", "peerId", "\"second\"", "valid");
  hs(g, "duplicate version: last one is a number, a type error", "SBP-HS-004", "DuplicateNames",
     "{\"protocol\":\"sideband\",\"version\":\"1\",\"version\":1,\"peerId\":\"p\"}",
     "invalid:1002");
  hs(g, "payload with a UTF-8 BOM: a JSON parser MAY ignore it", "SBP-HS-004", "JsonBom",
     "\xef\xbb\xbf{" HS_OK ",\"peerId\":\"p\"}", "acceptable");
  hs(g, "caps that is not an array (\"rpc\")", "SBP-HS-005", "Unspecified",
     "{" HS_OK ",\"peerId\":\"p\",\"caps\":\"rpc\"}", "acceptable");
  hs(g, "metadata that is not an object (5)", "SBP-HS-005", "Unspecified",
     "{" HS_OK ",\"peerId\":\"p\",\"metadata\":5}", "acceptable");
  hs(g, "caps holding a number and null", "SBP-HS-005", "Unspecified",
     "{" HS_OK ",\"peerId\":\"p\",\"caps\":[\"rpc\",1,null]}", "acceptable");

  /* SBP-HS-007: over the recommended 8 KiB. */
  size_t pad = 9000;
  const char *head = "{" HS_OK ",\"peerId\":\"p\",\"metadata\":{\"vendor:pad\":\"";
  size_t n = strlen(head) + pad + 3;
  char *big = malloc(n + 1);
  if (big) {
    memcpy(big, head, strlen(head));
    memset(big + strlen(head), 'x', pad);
    memcpy(big + strlen(head) + pad, "\"}}", 4);
    hs(g, "9 KB payload: over the recommended 8 KiB, which receivers need not enforce",
       "SBP-HS-007", "PayloadSize", big, "acceptable");
    free(big);
  }
}

static void handshake_invalid(sbv_gen *g) {
  static const uint8_t bad_utf8[] =
      "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"p\xff\"}";
  sbv_gen_case(g, "peerId holding byte ff: not UTF-8", "SBP-VAL-003 SBP-HS-004", "E-SBP-9",
               payload_input(bad_utf8, sizeof bad_utf8 - 1), "invalid:1002");
  static const uint8_t overlong[] =
      "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"\xc0\xaf\"}";
  sbv_gen_case(g, "peerId holding an overlong encoding (c0 af)", "SBP-VAL-003", "E-SBP-9",
               payload_input(overlong, sizeof overlong - 1), "invalid:1002");
  sbv_gen_case(g, "empty payload: no JSON text", "SBP-HS-004", NULL, payload_input("", 0),
               "invalid:1002");
  hs(g, "not JSON: \"{nope\"", "SBP-HS-004", NULL, "{nope", "invalid:1002");
  hs(g, "a complete object followed by garbage", "SBP-HS-004", NULL,
     "{" HS_OK ",\"peerId\":\"p\"}x", "invalid:1002");
  hs(g, "two objects", "SBP-HS-004", NULL, "{" HS_OK ",\"peerId\":\"p\"}{}", "invalid:1002");
  hs(g, "trailing comma in the object", "SBP-HS-004", "E-COMMON-1", "{" HS_OK ",\"peerId\":\"p\",}",
     "invalid:1002");
  hs(g, "invalid escape \\uzzzz in peerId (cJSON alone would read \"\")", "SBP-HS-004",
     "E-COMMON-1", "{" HS_OK ",\"peerId\":\"\\uzzzz\"}", "invalid:1002");
  hs(g, "number with a leading zero (01) in metadata", "SBP-HS-004", "E-COMMON-1",
     "{" HS_OK ",\"peerId\":\"p\",\"metadata\":{\"a:b\":01}}", "invalid:1002");
  hs(g, "raw control character (01) inside the peerId string", "SBP-HS-004", "E-COMMON-1",
     "{" HS_OK ",\"peerId\":\"a\x01\"}", "invalid:1002");
  hs(g, "lone surrogate escape \\ud800 in peerId", "SBP-HS-004", "E-COMMON-2",
     "{" HS_OK ",\"peerId\":\"\\ud800\"}", "invalid:1002");

  hs(g, "JSON null: not an object", "SBP-HS-004", NULL, "null", "invalid:1002");
  hs(g, "JSON array: not an object", "SBP-HS-004", NULL, "[\"sideband\",\"1\",\"p\"]",
     "invalid:1002");
  hs(g, "JSON number: not an object", "SBP-HS-004", NULL, "1", "invalid:1002");
  hs(g, "JSON string: not an object", "SBP-HS-004", NULL, "\"sideband/1\"", "invalid:1002");
  hs(g, "empty object", "SBP-HS-004", NULL, "{}", "invalid:1002");

  hs(g, "protocol missing", "SBP-HS-004", NULL, "{\"version\":\"1\",\"peerId\":\"p\"}",
     "invalid:1002");
  hs(g, "version missing", "SBP-HS-004", NULL, "{\"protocol\":\"sideband\",\"peerId\":\"p\"}",
     "invalid:1002");
  hs(g, "peerId missing", "SBP-HS-004", NULL, "{" HS_OK "}", "invalid:1002");
  static const struct {
    const char *field, *value, *text;
  } wrong[] = {
      {"protocol", "a number", "{\"protocol\":1,\"version\":\"1\",\"peerId\":\"p\"}"},
      {"protocol", "null", "{\"protocol\":null,\"version\":\"1\",\"peerId\":\"p\"}"},
      {"protocol", "an array", "{\"protocol\":[\"sideband\"],\"version\":\"1\",\"peerId\":\"p\"}"},
      {"version", "the number 1", "{\"protocol\":\"sideband\",\"version\":1,\"peerId\":\"p\"}"},
      {"version", "null", "{\"protocol\":\"sideband\",\"version\":null,\"peerId\":\"p\"}"},
      {"version", "an array", "{\"protocol\":\"sideband\",\"version\":[\"1\"],\"peerId\":\"p\"}"},
      {"peerId", "a number", "{" HS_OK ",\"peerId\":7}"},
      {"peerId", "null", "{" HS_OK ",\"peerId\":null}"},
      {"peerId", "an array", "{" HS_OK ",\"peerId\":[\"p\"]}"},
      {"peerId", "an object", "{" HS_OK ",\"peerId\":{}}"},
      {"peerId", "true", "{" HS_OK ",\"peerId\":true}"},
  };
  for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
    char c[96];
    snprintf(c, sizeof c, "%s is %s, not a string", wrong[i].field, wrong[i].value);
    hs(g, c, "SBP-HS-004", NULL, wrong[i].text, "invalid:1002");
  }

  hs(g, "protocol \"other\"", "SBP-HS-003 SBP-HS-004 SBP-ERR-008", NULL,
     "{\"protocol\":\"other\",\"version\":\"1\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "protocol \"Sideband\": compared exactly", "SBP-HS-003", NULL,
     "{\"protocol\":\"Sideband\",\"version\":\"1\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "protocol \"sideband/1\" (the protocol ID, not the name)", "SBP-HS-003", NULL,
     "{\"protocol\":\"sideband/1\",\"version\":\"1\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "protocol \"\"", "SBP-HS-003", NULL,
     "{\"protocol\":\"\",\"version\":\"1\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "version \"2\": no downgrade or upgrade in v1", "SBP-HS-003 SBP-HS-004", NULL,
     "{\"protocol\":\"sideband\",\"version\":\"2\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "version \"1.0\": compared exactly", "SBP-HS-003", NULL,
     "{\"protocol\":\"sideband\",\"version\":\"1.0\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "version \" 1\" with a space", "SBP-HS-003", NULL,
     "{\"protocol\":\"sideband\",\"version\":\" 1\",\"peerId\":\"p\"}", "invalid:1001");
  hs(g, "version \"0\"", "SBP-HS-003", NULL,
     "{\"protocol\":\"sideband\",\"version\":\"0\",\"peerId\":\"p\"}", "invalid:1001");

  /* Two faults: every type error (1002) wins over a mismatch (1001). */
  hs(g, "protocol \"other\" and version a number: the type error wins", "SBP-HS-004 SBP-HS-003",
     NULL, "{\"protocol\":\"other\",\"version\":1,\"peerId\":\"p\"}", "invalid:1002");
  hs(g, "version \"2\" and peerId missing: the missing field wins", "SBP-HS-004 SBP-HS-003", NULL,
     "{\"protocol\":\"sideband\",\"version\":\"2\"}", "invalid:1002");
  hs(g, "protocol \"other\", version \"2\" and peerId null: the type error wins",
     "SBP-HS-004 SBP-HS-003", NULL, "{\"protocol\":\"other\",\"version\":\"2\",\"peerId\":null}",
     "invalid:1002");
  hs(g, "protocol \"other\" and version \"2\": both mismatches, 1001", "SBP-HS-003", NULL,
     "{\"protocol\":\"other\",\"version\":\"2\",\"peerId\":\"p\"}", "invalid:1001");
}

static void gen_handshake(sbv_gen *g) {
  sbv_gen_file(g, "sbp-handshake.json", "sbp",
               "The SBP handshake payload: the UTF-8 JSON object of a Control/Handshake frame "
               "(sbp.md section 5), checked in order: UTF-8, JSON, object, field types, values");
  sbv_gen_note(
      g, "E-SBP-9",
      "ill-formed UTF-8 is refused (conformance.md); upstream's TextDecoder replaces it with "
      "U+FFFD and accepts the payload",
      "upstream");
  sbv_gen_note(g, "E-COMMON-1",
               "text JSON.parse rejects but a lenient parser (cJSON alone) accepts; refused, as "
               "upstream does",
               NULL);
  sbv_gen_note(g, "E-COMMON-2",
               "a lone surrogate escape is refused (the reference cannot represent it); JSON.parse "
               "accepts it",
               "upstream");
  sbv_gen_note(
      g, "DuplicateNames",
      "RFC 8259 leaves duplicate member names open; the suite reads them as JSON.parse does "
      "(the last one counts), as upstream does",
      NULL);
  sbv_gen_note(
      g, "JsonBom",
      "RFC 8259 section 8.1: a parser MAY ignore a leading byte order mark or treat it as an "
      "error; the reference and upstream ignore it",
      NULL);
  sbv_gen_note(g, "Unspecified",
               "the documents leave caps and metadata of the wrong JSON type open (sbp.md open "
               "points); the reference, like upstream, reads them as absent",
               NULL);
  sbv_gen_note(
      g, "PayloadSize",
      "SBP-HS-007 recommends at most 8 KiB but says nothing of receivers; the reference does "
      "not enforce it",
      NULL);
  sbv_gen_group(g, "sbp.handshake.decode");
  handshake_valid(g);
  handshake_invalid(g);
  sbv_gen_end(g);
}

void sbv_gen_sbp(sbv_gen *g) {
  ids_init();
  gen_frames(g);
  gen_handshake(g);
}

/* sbp-errors.json: the SBP error-code registry as a receiver applies it:
 * which codes are fatal (sbp.md 7) and which layer owns a code range. */
void sbv_gen_sbp_errors(sbv_gen *g) {
  static const struct {
    unsigned code;
    const char *reqs, *comment;
  } rows[] = {
      {1000, "SBP-ERR-001 SBP-ERR-008", "ProtocolViolation is fatal: close after logging"},
      {1001, "SBP-ERR-001 SBP-HS-003", "UnsupportedVersion is fatal"},
      {1002, "SBP-ERR-002", "InvalidFrame is contextual: fatal only if recovery is unsafe"},
      {1003, "SBP-ERR-003 SBP-SUBJ-006", "UnsupportedFeature is non-fatal: keep processing"},
      {2000, "SBP-ERR-004 RPC-ERR-001", "ApplicationError is non-fatal to the transport"},
      {999, "SBP-ERR-008", "below 1000: no layer owns it"},
      {1099, "SBP-ERR-008", "last code of the SBP range, not assigned"},
      {1100, "SBP-ERR-008 RPC-ERR-001", "first RPC code: RpcError, never in an ErrorFrame"},
      {1104, "RPC-ERR-001", "EnvelopeMismatch: RPC range"},
      {1199, "RPC-ERR-001", "last code of the RPC range"},
      {1200, "SBP-ERR-008", "1200-1999 reserved (ADR only)"},
      {1999, "SBP-ERR-008", "last reserved code"},
      {2001, "RPC-ERR-001", "application subcode"},
      {65535, "RPC-ERR-001", "largest u16 code: application range"},
      {0, "SBP-ERR-008", "code 0: no owner"},
  };
  sbv_gen_file(g, "sbp-errors.json", "sbp", "SBP error codes: fatality and the owner of each code range");
  sbv_gen_group(g, "sbp.error.info");
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "code", rows[i].code);
    sbv_gen_case(g, rows[i].comment, rows[i].reqs, NULL, in, "valid");
  }
  sbv_gen_end(g);
}
