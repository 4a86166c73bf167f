/*
 * Vector generator for the SBRP wire side (sbrp.md sections 2-4, 7-10):
 *
 *   sbrp-frames.json   sbrp.frame.decode / sbrp.frame.encode: every type, every
 *                      size boundary, SessionID scope, undefined types, the
 *                      header examples of section 4 and the frames of section 15
 *   sbrp-relay.json    sbrp.relay.validate: sender rules, the validation order
 *                      (section 10.2) one step and two steps at a time, Signal
 *                      handling, keepalive
 *   sbrp-control.json  sbrp.control.info: the control-code table of section 7
 *
 * Frames are assembled from their fields (sb_sbrp_header_write plus a body)
 * so that a case reads as what it changes; only the published frames of
 * sbrp.md section 15 are written out as hex.
 */
#include "gen.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

#define SID_ONE UINT64_C(1)                /* the SessionID of sbrp.md sections 4 and 15 */
#define SID_S UINT64_C(0x0123456789abcdef) /* a session (upstream data uses it too) */
#define SID_MAX UINT64_MAX                 /* 2^64-1 */
#define LEN_OVER UINT32_C(70000)           /* 0x00011170, upstream's "over max" */

/* One message under construction: header fields and body written by
 * put_frame. Big enough for the largest frame plus a few trailing bytes. */
static uint8_t msg_buf[SB_SBRP_MAX_FRAME + 16];

/* Deterministic payload bytes (sbv_gen_bytes) and a counting pattern (byte i
 * = i & 0xff, upstream's max_size frame). */
static uint8_t filler[SB_SBRP_MAX_PAYLOAD + 16];
static uint8_t counting[SB_SBRP_MAX_PAYLOAD + 16];

static void init_buffers(void) {
  sbv_gen_bytes("sbrp-frames filler", filler, sizeof filler);
  for (size_t i = 0; i < sizeof counting; i++) counting[i] = (uint8_t)i;
}

/* Header (type, Length field, SessionID) followed by `body_len` bytes of
 * `body` (NULL: filler). The Length field need not match the body. */
static size_t put_frame(uint8_t type, uint32_t length, uint64_t sid, const uint8_t *body,
                        size_t body_len) {
  sb_sbrp_header_write(msg_buf, type, length, sid);
  if (body_len) memcpy(msg_buf + SB_SBRP_HEADER_BYTES, body ? body : filler, body_len);
  return SB_SBRP_HEADER_BYTES + body_len;
}

/* A consistent frame: Length = body length. */
static size_t frame(uint8_t type, uint64_t sid, const uint8_t *body, size_t body_len) {
  return put_frame(type, (uint32_t)body_len, sid, body, body_len);
}

/* ---- case helpers --------------------------------------------------------- */

static void dec(sbv_gen *g, const char *comment, const char *reqs, const char *flags, size_t n,
                const char *expect) {
  char *hex = sbv_gen_hex(msg_buf, n);
  sbv_gen_case(g, comment, reqs, flags, sbv_gen_input("frame", hex, NULL), expect);
  free(hex);
}

static void dec_hex(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                    const char *hex, const char *expect) {
  sbv_gen_case(g, comment, reqs, flags, sbv_gen_input("frame", hex, NULL), expect);
}

static void enc(sbv_gen *g, const char *comment, const char *reqs, const char *flags, uint8_t type,
                uint64_t sid, const uint8_t *payload, size_t n, const char *expect) {
  cJSON *in = cJSON_CreateObject();
  char sid_text[24];
  snprintf(sid_text, sizeof sid_text, "%llu", (unsigned long long)sid);
  char *hex = sbv_gen_hex(payload ? payload : filler, n);
  cJSON_AddNumberToObject(in, "type", type);
  cJSON_AddStringToObject(in, "sessionId", sid_text);
  cJSON_AddStringToObject(in, "payload", hex ? hex : "");
  free(hex);
  sbv_gen_case(g, comment, reqs, flags, in, expect);
}

static void relay(sbv_gen *g, const char *comment, const char *reqs, const char *flags, size_t n,
                  const char *sender, const char *expect) {
  char *hex = sbv_gen_hex(msg_buf, n);
  sbv_gen_case(g, comment, reqs, flags, sbv_gen_input("frame", hex, "sender", sender, NULL),
               expect);
  free(hex);
}

static const uint8_t *u16be(uint16_t v, uint8_t out[2]) {
  out[0] = (uint8_t)(v >> 8);
  out[1] = (uint8_t)v;
  return out;
}

/* Control payload: code then text. */
static size_t control_payload(uint16_t code, const char *text, uint8_t *out) {
  size_t n = strlen(text);
  u16be(code, out);
  memcpy(out + 2, text, n);
  return 2 + n;
}

static const char *const reason_names[] = {"none", "state_lost", "shutdown", "policy", "error"};

/* The 7 defined types, and an undefined byte of every reserved class
 * (sbrp.md section 2: 0x00 invalid, 0x05-0x0F session range, 0x12-0x1F
 * connection range, 0x21-0x2F relay range, 0x30-0x7F future, 0x80-0xFF vendor). */
static const uint8_t undefined_types[] = {0x00, 0x05, 0x0F, 0x12, 0x1F, 0x21,
                                          0x2F, 0x30, 0x7F, 0x80, 0xFF};

/* ---- sbrp-frames.json ----------------------------------------------------- */

static void frames_notes(sbv_gen *g) {
  sbv_gen_note(g, "E-SBRP-WIRE-1",
               "documents check Length (step 2) before the type byte (step 3); upstream "
               "readFrameHeader checks the type first. Cases follow the documents",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-2",
               "documents call a SessionID scope violation invalid_session_id; upstream reports "
               "malformed_frame. Cases follow the documents",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-3",
               "documents do not place the body-length check in the order; it comes after the "
               "header checks (steps 1-4), as in upstream decodeFrame",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-4",
               "Ping/Pong payloads over 8 bytes are refused as payload_too_large (documents name "
               "no code, sbrp.md O-8); upstream decodeFrame accepts them",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-5",
               "a conformant sender emits only defined Signal codes and reasons and the 18 wire "
               "Control codes; upstream's encoders write any value",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-6",
               "an unknown Control code is kept and read as terminal (SBRP-CTRL-005); upstream "
               "decodeControl rejects it as malformed_frame",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-7",
               "an unknown Signal reason is read as none (SBRP-SIG-004); upstream decodeSignal "
               "rejects it as malformed_frame",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-8",
               "an unknown Signal code is malformed_frame: documents silent (sbrp.md O-1), "
               "upstream decodeSignal's reading",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-9",
               "disallowed_sender carries the offending frame's SessionID even when it is 0, so "
               "a receiver accepts that Control frame with SID 0",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-12",
               "a Control frame's SessionID follows its code's SID column (SBRP-CTRL-003): 0 for "
               "connection-level codes, the session's for session-scoped ones; upstream's encoder "
               "writes any SessionID",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-11",
               "control-code table of the newest documents: daemon_offline is session-scoped and "
               "terminal; an upstream test mock sends it with SessionID 0",
               NULL);
  sbv_gen_note(g, "LegacyAccept96",
               "HandshakeAccept was 96 bytes before 0.2.3 (sbrp.md I-5); the current layout is "
               "128 bytes and a 96-byte payload is malformed",
               NULL);
}

/* sbrp.md section 4: the header examples (payloads filled with fixed bytes). */
static void frames_header_examples(sbv_gen *g) {
  uint8_t p[64];
  dec(g, "section 4 example: HandshakeInit, SID 1, 32-byte key",
      "SBRP-WIRE-010 SBRP-WIRE-020 SBRP-WIRE-013", NULL, frame(0x01, SID_ONE, NULL, 32), "valid");
  dec(g, "section 4 example: HandshakeAccept (128), SID 1",
      "SBRP-WIRE-010 SBRP-WIRE-020 SBRP-WIRE-013", NULL, frame(0x02, SID_ONE, NULL, 128), "valid");
  dec(g, "section 4 example: Data with a 60-byte payload (32-byte ciphertext)",
      "SBRP-WIRE-010 SBRP-WIRE-021", NULL, frame(0x03, SID_ONE, NULL, 60), "valid");
  dec(g, "section 4 example: Ping, 8 bytes, connection scope",
      "SBRP-WIRE-010 SBRP-WIRE-014 SBRP-WIRE-022", NULL, frame(0x10, 0, NULL, 8), "valid");
  dec(g, "section 4 example: Signal ready, reason none", "SBRP-WIRE-010 SBRP-SIG-001", NULL,
      frame(0x04, SID_ONE, (const uint8_t *)"\x00\x00", 2), "valid");
  dec(g, "section 4 example: Control session_paused, SID 1",
      "SBRP-WIRE-010 SBRP-WIRE-015 SBRP-WIRE-023", NULL,
      frame(0x20, SID_ONE, p, control_payload(0x1001, "", p)), "valid");
  dec(g, "section 4 example: Control session_paused + \"Daemon disconnected\": Length 21 = 2 + 19",
      "SBRP-WIRE-010 SBRP-WIRE-015 SBRP-WIRE-023 SBRP-WIRE-024", NULL,
      frame(0x20, SID_ONE, p, control_payload(0x1001, "Daemon disconnected", p)), "valid");
}

/* sbrp.md section 15: the published frames, byte for byte. */
static void frames_section15(sbv_gen *g) {
  static const struct {
    const char *comment, *reqs, *hex;
  } v[] = {
      {"section 15: HandshakeInit frame", "SBRP-WIRE-010 SBRP-WIRE-020",
       "0100000020"
       "0000000000000001"
       "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13"},
      {"section 15: HandshakeAccept frame (idPub | dEphPub | sig)", "SBRP-WIRE-010 SBRP-WIRE-020",
       "0200000080"
       "0000000000000001"
       "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
       "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20"
       "a51f757f8580f2e4cf6b1b35dc71ad79374975ab776fb6ed3e31a9d18c429253"
       "b66cc495b7463f9abbc38689d2ee75dc1a089d1d17f5d06a726034609851e007"},
      {"section 15: Data c2d seq 0 \"hello\"", "SBRP-WIRE-010 SBRP-WIRE-021",
       "0300000021"
       "0000000000000001"
       "000000010000000000000000"
       "b09c3d389b"
       "38f8f283baa0ddde3ea8197e4b7f0418"},
      {"section 15: Data d2c seq 0 \"world\"", "SBRP-WIRE-010 SBRP-WIRE-021",
       "0300000021"
       "0000000000000001"
       "000000020000000000000000"
       "e476c0c9a2"
       "b5959fb9e82e924f98d5d1a6ad8033af"},
      {"section 15: Signal ready", "SBRP-WIRE-010 SBRP-SIG-001",
       "0400000002"
       "0000000000000001"
       "0000"},
      {"section 15: Signal close/state_lost", "SBRP-WIRE-010 SBRP-SIG-001",
       "0400000002"
       "0000000000000001"
       "0101"},
      {"section 15: Ping (8 B)", "SBRP-WIRE-010 SBRP-WIRE-022 SBRP-WIRE-014",
       "1000000008"
       "0000000000000000"
       "0102030405060708"},
      {"section 15: Control paused", "SBRP-WIRE-010 SBRP-WIRE-023",
       "2000000002"
       "0000000000000001"
       "1001"},
      {"section 15: Control paused + text", "SBRP-WIRE-010 SBRP-WIRE-023",
       "2000000015"
       "0000000000000001"
       "1001"
       "4461656d6f6e20646973636f6e6e6563746564"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    dec_hex(g, v[i].comment, v[i].reqs, NULL, v[i].hex, "valid");
}

static void frames_header_and_length(sbv_gen *g) {
  dec(g, "empty message: no header", "SBRP-WIRE-010 SBRP-RELAY-012", NULL, 0,
      "invalid:malformed_frame");
  dec(g, "1-byte message (type only)", "SBRP-WIRE-010 SBRP-RELAY-012", NULL,
      put_frame(0x10, 0, 0, NULL, 0) - 12, "invalid:malformed_frame");
  dec(g, "12-byte message: one short of the header", "SBRP-WIRE-010 SBRP-RELAY-012", NULL,
      put_frame(0x10, 0, 0, NULL, 0) - 1, "invalid:malformed_frame");
  dec(g, "13-byte message: header only, Ping with Length 0", "SBRP-WIRE-010 SBRP-WIRE-022", NULL,
      frame(0x10, 0, NULL, 0), "valid");
  dec(g, "12 bytes of an undefined type 0x00: the short header wins (step 1)",
      "SBRP-RELAY-010 SBRP-RELAY-012", NULL, put_frame(0x00, 0, 0, NULL, 0) - 1,
      "invalid:malformed_frame");
  dec(g, "12 bytes whose Length field reads 70000: the short header wins (step 1)",
      "SBRP-RELAY-010 SBRP-RELAY-012", NULL, put_frame(0x03, LEN_OVER, SID_S, NULL, 0) - 1,
      "invalid:malformed_frame");

  /* Length 65536 vs 65537 with the full body. */
  size_t n = put_frame(0x03, SB_SBRP_MAX_PAYLOAD, SID_S, counting, SB_SBRP_MAX_PAYLOAD);
  uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, msg_buf, n);
  char *hex = sbv_gen_hex(digest, sizeof digest);
  /* upstream-sbrp.json max_size: the same frame has this SHA-256 */
  if (!hex || strcmp(hex, "ccb20c048ffd779b29613a17babcc9eab103243190b76d9ab0e5ea2667e9bd81"))
    sbv_gen_error(g, "max-size Data frame differs from upstream max_size (sha256 %s)", hex);
  free(hex);
  dec(g, "Data with Length 65536 and the full body: 65549-byte message, the largest allowed",
      "SBRP-WIRE-011 SBRP-WIRE-021", NULL, n, "valid");
  dec(g, "Data with Length 65537 and the full body (65550 bytes): one over the limit",
      "SBRP-WIRE-011", NULL, put_frame(0x03, 65537, SID_S, counting, 65537),
      "invalid:payload_too_large");
  dec(g, "Length 65536, header only: truncated body", "SBRP-WIRE-002 SBRP-WIRE-011", NULL,
      put_frame(0x03, SB_SBRP_MAX_PAYLOAD, SID_S, NULL, 0), "invalid:malformed_frame");
  dec(g, "Length 65537, header only: the size check comes before the body check",
      "SBRP-WIRE-011 SBRP-WIRE-002", "E-SBRP-WIRE-3", put_frame(0x03, 65537, SID_S, NULL, 0),
      "invalid:payload_too_large");
  dec(g, "Length 0xFFFFFFFF on a Ping", "SBRP-WIRE-011", NULL,
      put_frame(0x10, UINT32_MAX, 0, NULL, 0), "invalid:payload_too_large");

  /* Body shorter / longer than Length. */
  dec(g, "Ping: Length 9, body 8 (truncated)", "SBRP-WIRE-002", NULL,
      put_frame(0x10, 9, 0, NULL, 8), "invalid:malformed_frame");
  dec(g, "Ping: Length 7, body 8 (one trailing byte)", "SBRP-WIRE-002", NULL,
      put_frame(0x10, 7, 0, NULL, 8), "invalid:malformed_frame");
  dec(g, "Pong: Length 0, body 1 (trailing byte)", "SBRP-WIRE-002", NULL,
      put_frame(0x11, 0, 0, NULL, 1), "invalid:malformed_frame");
  dec(g, "HandshakeInit: Length 32, body 31", "SBRP-WIRE-002", NULL,
      put_frame(0x01, 32, SID_S, NULL, 31), "invalid:malformed_frame");
  dec(g, "HandshakeInit: Length 32, body 33", "SBRP-WIRE-002", NULL,
      put_frame(0x01, 32, SID_S, NULL, 33), "invalid:malformed_frame");
  dec(g, "Data: Length 60, body 59", "SBRP-WIRE-002", NULL, put_frame(0x03, 60, SID_S, NULL, 59),
      "invalid:malformed_frame");
  dec(g, "two empty Pings in one message: the second is trailing bytes", "SBRP-WIRE-002", NULL,
      put_frame(0x10, 0, 0, msg_buf, 13), "invalid:malformed_frame");
  dec(g, "Control: Length 2, body 4", "SBRP-WIRE-002", NULL,
      put_frame(0x20, 2, 0, (const uint8_t *)"\x04\x01\x00\x00", 4), "invalid:malformed_frame");
}

static void frames_types(sbv_gen *g) {
  char c[160];
  for (size_t i = 0; i < sizeof undefined_types; i++) {
    snprintf(c, sizeof c, "undefined type 0x%02X", undefined_types[i]);
    dec(g, c, "SBRP-WIRE-012", NULL, frame(undefined_types[i], SID_S, NULL, 2),
        "invalid:invalid_frame_type");
  }
  dec(g, "undefined type 0x00 with SessionID 0 and Length 0", "SBRP-WIRE-012", NULL,
      frame(0x00, 0, NULL, 0), "invalid:invalid_frame_type");

  /* HandshakeInit 31/32/33, 0. */
  const size_t init_sizes[] = {0, 31, 32, 33};
  for (size_t i = 0; i < 4; i++) {
    snprintf(c, sizeof c, "HandshakeInit payload %zu bytes%s", init_sizes[i],
             init_sizes[i] == 32 ? " (exact size)" : "");
    dec(g, c, "SBRP-WIRE-020", NULL, frame(0x01, SID_S, NULL, init_sizes[i]),
        init_sizes[i] == 32 ? "valid" : "invalid:malformed_frame");
  }
  const size_t accept_sizes[] = {0, 127, 128, 129};
  for (size_t i = 0; i < 4; i++) {
    snprintf(c, sizeof c, "HandshakeAccept payload %zu bytes%s", accept_sizes[i],
             accept_sizes[i] == 128 ? " (exact size)" : "");
    dec(g, c, "SBRP-WIRE-020", NULL, frame(0x02, SID_S, NULL, accept_sizes[i]),
        accept_sizes[i] == 128 ? "valid" : "invalid:malformed_frame");
  }
  dec(g, "HandshakeAccept payload 96 bytes: the pre-0.2.3 layout (dEphPub | sig) is malformed",
      "SBRP-WIRE-020", "LegacyAccept96", frame(0x02, SID_S, NULL, 96), "invalid:malformed_frame");

  /* Data 27/28/29 and 12. */
  dec(g, "Data payload 27 bytes: one short of nonce + tag", "SBRP-WIRE-021", NULL,
      frame(0x03, SID_S, NULL, 27), "invalid:malformed_frame");
  dec(g, "Data payload 28 bytes: nonce + tag, empty ciphertext", "SBRP-WIRE-021", NULL,
      frame(0x03, SID_S, NULL, 28), "valid");
  dec(g, "Data payload 29 bytes", "SBRP-WIRE-021", NULL, frame(0x03, SID_S, NULL, 29), "valid");
  dec(g, "Data payload 12 bytes (nonce only)", "SBRP-WIRE-021", NULL, frame(0x03, SID_S, NULL, 12),
      "invalid:malformed_frame");
  dec(g, "Data payload 0 bytes", "SBRP-WIRE-021", NULL, frame(0x03, SID_S, NULL, 0),
      "invalid:malformed_frame");

  /* Signal: every code with every reason, sizes 0/1/2/3, unknown values. */
  for (uint8_t code = 0; code <= 1; code++) {
    for (uint8_t reason = 0; reason <= 4; reason++) {
      uint8_t p[2] = {code, reason};
      snprintf(c, sizeof c, "Signal %s, reason %s", code ? "close" : "ready", reason_names[reason]);
      dec(g, c, code == 0 && reason == 0 ? "SBRP-SIG-001 SBRP-SIG-002" : "SBRP-SIG-001", NULL,
          frame(0x04, SID_S, p, 2), "valid");
    }
  }
  dec(g, "Signal payload 0 bytes", "SBRP-WIRE-020 SBRP-SIG-001", NULL, frame(0x04, SID_S, NULL, 0),
      "invalid:malformed_frame");
  dec(g, "Signal payload 1 byte", "SBRP-WIRE-020 SBRP-SIG-001", NULL,
      frame(0x04, SID_S, (const uint8_t *)"\x00", 1), "invalid:malformed_frame");
  dec(g, "Signal payload 3 bytes", "SBRP-WIRE-020 SBRP-SIG-001", NULL,
      frame(0x04, SID_S, (const uint8_t *)"\x00\x00\x00", 3), "invalid:malformed_frame");
  dec(g, "Signal close with unknown reason 5: read as none", "SBRP-SIG-004", "E-SBRP-WIRE-7",
      frame(0x04, SID_S, (const uint8_t *)"\x01\x05", 2), "valid");
  dec(g, "Signal ready with unknown reason 0xFF: read as none", "SBRP-SIG-004", "E-SBRP-WIRE-7",
      frame(0x04, SID_S, (const uint8_t *)"\x00\xff", 2), "valid");
  dec(g, "Signal code 2 (undefined)", "SBRP-SIG-001", "E-SBRP-WIRE-8",
      frame(0x04, SID_S, (const uint8_t *)"\x02\x00", 2), "invalid:malformed_frame");
  dec(g, "Signal code 0xFF (undefined)", "SBRP-SIG-001", "E-SBRP-WIRE-8",
      frame(0x04, SID_S, (const uint8_t *)"\xff\x00", 2), "invalid:malformed_frame");
  dec(g, "Signal code 9 and reason 9, both undefined: the code decides",
      "SBRP-SIG-001 SBRP-SIG-004", "E-SBRP-WIRE-8",
      frame(0x04, SID_S, (const uint8_t *)"\x09\x09", 2), "invalid:malformed_frame");

  /* Ping / Pong 0..9. */
  for (int type = 0x10; type <= 0x11; type++) {
    for (size_t len = 0; len <= 9; len++) {
      snprintf(c, sizeof c, "%s payload %zu byte%s%s", type == 0x10 ? "Ping" : "Pong", len,
               len == 1 ? "" : "s", len == 9 ? ": one over the limit" : "");
      dec(g, c, len == 9 ? "SBRP-WIRE-022 SBRP-KA-002" : "SBRP-WIRE-022 SBRP-WIRE-014",
          len == 9 ? "E-SBRP-WIRE-4" : NULL, frame((uint8_t)type, 0, NULL, len),
          len == 9 ? "invalid:payload_too_large" : "valid");
    }
  }
  dec(g, "Pong payload 100 bytes", "SBRP-WIRE-022", "E-SBRP-WIRE-4", frame(0x11, 0, NULL, 100),
      "invalid:payload_too_large");

  /* Control: sizes, text, SessionID, unknown codes. */
  uint8_t p[64];
  dec(g, "Control payload 0 bytes", "SBRP-WIRE-023", NULL, frame(0x20, 0, NULL, 0),
      "invalid:malformed_frame");
  dec(g, "Control payload 1 byte", "SBRP-WIRE-023", NULL,
      frame(0x20, 0, (const uint8_t *)"\x04", 1), "invalid:malformed_frame");
  dec(g, "Control payload 2 bytes: malformed_frame, SID 0, no text", "SBRP-WIRE-023 SBRP-WIRE-015",
      NULL, frame(0x20, 0, p, control_payload(0x0401, "", p)), "valid");
  dec(g, "Control internal_error, SID 0, with generic text",
      "SBRP-WIRE-023 SBRP-WIRE-015 SBRP-WIRE-024", NULL,
      frame(0x20, 0, p, control_payload(0x0601, "internal error", p)), "valid");
  dec(g, "Control session_ended with the session's SID", "SBRP-WIRE-015", NULL,
      frame(0x20, SID_S, p, control_payload(0x1003, "", p)), "valid");
  dec(g, "Control session_expired with SID 2^64-1", "SBRP-WIRE-015", NULL,
      frame(0x20, SID_MAX, p, control_payload(0x0302, "", p)), "valid");
  dec(g, "Control text that is not UTF-8 (0x61 0xFF 0x62): decoded leniently", "SBRP-WIRE-026",
      NULL,
      frame(0x20, 0, p,
            control_payload(0x0401,
                            "a\xff"
                            "b",
                            p)),
      "valid");
  dec(g, "Control disallowed_sender with SID 0 (the offending frame had SID 0)",
      "SBRP-WIRE-015 SBRP-RELAY-011", "E-SBRP-WIRE-9",
      frame(0x20, 0, p, control_payload(0x0405, "", p)), "valid");
  dec(g, "Control daemon_offline with SID 0 (table: S): a receiver decides on the code only",
      "SBRP-WIRE-015 SBRP-WIRE-025", "E-SBRP-WIRE-11",
      frame(0x20, 0, p, control_payload(0x0202, "", p)), "valid");
  const uint16_t unknown_codes[] = {0x0000, 0x0103, 0x0999, 0x1005, 0xE001, 0xE004, 0xFFFF};
  for (size_t i = 0; i < sizeof unknown_codes / sizeof unknown_codes[0]; i++) {
    snprintf(c, sizeof c, "Control with code 0x%04X (not a wire code): kept, read as terminal",
             unknown_codes[i]);
    dec(g, c, "SBRP-CTRL-005 SBRP-WIRE-023", "E-SBRP-WIRE-6",
        frame(0x20, 0, p, control_payload(unknown_codes[i], "", p)), "valid");
  }
}

static void frames_session_scope(sbv_gen *g) {
  static const struct {
    uint8_t type;
    size_t len;
    const char *name;
  } bound[] = {{0x01, 32, "HandshakeInit"},
               {0x02, 128, "HandshakeAccept"},
               {0x03, 28, "Data"},
               {0x04, 2, "Signal"}};
  char c[160];
  for (size_t i = 0; i < 4; i++) {
    snprintf(c, sizeof c, "%s with SessionID 0", bound[i].name);
    dec(g, c, "SBRP-WIRE-013", "E-SBRP-WIRE-2", frame(bound[i].type, 0, NULL, bound[i].len),
        "invalid:invalid_session_id");
    if (bound[i].type == 0x04) {
      snprintf(c, sizeof c, "%s with SessionID 2^64-1", bound[i].name);
      dec(g, c, "SBRP-WIRE-013 SBRP-WIRE-010", NULL,
          frame(bound[i].type, SID_MAX, (const uint8_t *)"\x01\x02", 2), "valid");
    } else {
      snprintf(c, sizeof c, "%s with SessionID 2^64-1", bound[i].name);
      dec(g, c, "SBRP-WIRE-013 SBRP-WIRE-010", NULL,
          frame(bound[i].type, SID_MAX, NULL, bound[i].len), "valid");
    }
  }
  dec(g, "Ping with SessionID 1", "SBRP-WIRE-014", "E-SBRP-WIRE-2", frame(0x10, 1, NULL, 4),
      "invalid:invalid_session_id");
  dec(g, "Pong with SessionID 0x0123456789abcdef", "SBRP-WIRE-014", "E-SBRP-WIRE-2",
      frame(0x11, SID_S, NULL, 8), "invalid:invalid_session_id");
  dec(g, "Ping with SessionID 2^64-1", "SBRP-WIRE-014", "E-SBRP-WIRE-2",
      frame(0x10, SID_MAX, NULL, 0), "invalid:invalid_session_id");
  dec(g, "Pong with SessionID 2^63 (only the top bit set)", "SBRP-WIRE-014 SBRP-WIRE-010",
      "E-SBRP-WIRE-2", frame(0x11, UINT64_C(1) << 63, NULL, 0), "invalid:invalid_session_id");
}

/* Two faults in one message: which is reported (sbrp.md 10.2). */
static void frames_error_order(sbv_gen *g) {
  dec(g, "unknown type 0x30 and Length 70000: Length wins (step 2 before 3)",
      "SBRP-RELAY-010 SBRP-WIRE-011 SBRP-WIRE-012", "E-SBRP-WIRE-1",
      put_frame(0x30, LEN_OVER, 0, NULL, 0), "invalid:payload_too_large");
  dec(g, "Data with SessionID 0 and Length 70000: Length wins (step 2 before 4)",
      "SBRP-RELAY-010 SBRP-WIRE-011 SBRP-WIRE-013", NULL, put_frame(0x03, LEN_OVER, 0, NULL, 0),
      "invalid:payload_too_large");
  dec(g, "unknown type 0x30 with a truncated body: the type wins (header before body)",
      "SBRP-RELAY-010 SBRP-WIRE-012 SBRP-WIRE-002", "E-SBRP-WIRE-3",
      put_frame(0x30, 10, 0, NULL, 4), "invalid:invalid_frame_type");
  dec(g, "unknown type 0x05 with SessionID 0: the type wins (step 3 before 4)",
      "SBRP-RELAY-010 SBRP-WIRE-012", NULL, frame(0x05, 0, NULL, 0), "invalid:invalid_frame_type");
  dec(g, "Data with SessionID 0 and a truncated body: the SessionID wins",
      "SBRP-RELAY-010 SBRP-WIRE-013 SBRP-WIRE-002", "E-SBRP-WIRE-2 E-SBRP-WIRE-3",
      put_frame(0x03, 40, 0, NULL, 30), "invalid:invalid_session_id");
  dec(g, "Data with SessionID 0 and a 27-byte payload: the SessionID wins over the layout",
      "SBRP-RELAY-010 SBRP-WIRE-013 SBRP-WIRE-021", "E-SBRP-WIRE-2", frame(0x03, 0, NULL, 27),
      "invalid:invalid_session_id");
  dec(g, "Ping with SessionID 1 and a 9-byte payload: the SessionID wins over the size",
      "SBRP-RELAY-010 SBRP-WIRE-014 SBRP-WIRE-022", "E-SBRP-WIRE-2", frame(0x10, 1, NULL, 9),
      "invalid:invalid_session_id");
  dec(g, "Ping, Length 9 and a 9-byte body with one trailing byte: the body check wins",
      "SBRP-WIRE-002 SBRP-WIRE-022", "E-SBRP-WIRE-3", put_frame(0x10, 9, 0, NULL, 10),
      "invalid:malformed_frame");
  dec(g, "HandshakeInit Length 31 and a 32-byte body: the body check wins over the layout",
      "SBRP-WIRE-002 SBRP-WIRE-020", "E-SBRP-WIRE-3", put_frame(0x01, 31, SID_S, NULL, 32),
      "invalid:malformed_frame");
}

static void frames_encode(sbv_gen *g) {
  uint8_t p[64];
  char c[160];
  static const struct {
    uint8_t type;
    uint64_t sid;
    size_t len;
    const char *name, *reqs;
  } ok[] = {
      {0x01, SID_ONE, 32, "HandshakeInit, SID 1", "SBRP-WIRE-010 SBRP-WIRE-020"},
      {0x02, SID_ONE, 128, "HandshakeAccept, SID 1", "SBRP-WIRE-010 SBRP-WIRE-020"},
      {0x03, SID_S, 28, "Data, 28-byte payload (empty plaintext)", "SBRP-WIRE-021"},
      {0x03, SID_S, 1000, "Data, 1000-byte payload", "SBRP-WIRE-021"},
      {0x03, SID_MAX, 28, "Data with SessionID 2^64-1", "SBRP-WIRE-010 SBRP-WIRE-013"},
      {0x10, 0, 0, "Ping, empty", "SBRP-WIRE-022 SBRP-WIRE-014"},
      {0x10, 0, 8, "Ping, 8 bytes", "SBRP-WIRE-022 SBRP-WIRE-014"},
      {0x11, 0, 0, "Pong, empty", "SBRP-WIRE-022 SBRP-WIRE-014"},
      {0x11, 0, 8, "Pong, 8 bytes", "SBRP-WIRE-022 SBRP-WIRE-014"},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    enc(g, ok[i].name, ok[i].reqs, NULL, ok[i].type, ok[i].sid, NULL, ok[i].len, "valid");
  enc(g, "Data with a 65536-byte payload (the largest)", "SBRP-WIRE-011 SBRP-WIRE-021", NULL, 0x03,
      SID_S, counting, SB_SBRP_MAX_PAYLOAD, "valid");
  enc(g, "Data with a 65537-byte payload", "SBRP-WIRE-011", NULL, 0x03, SID_S, counting, 65537,
      "invalid:payload_too_large");
  for (uint8_t code = 0; code <= 1; code++) {
    for (uint8_t reason = 0; reason <= 4; reason++) {
      uint8_t s[2] = {code, reason};
      snprintf(c, sizeof c, "Signal %s, reason %s", code ? "close" : "ready", reason_names[reason]);
      enc(g, c, code == 0 && reason == 0 ? "SBRP-SIG-001 SBRP-SIG-002" : "SBRP-SIG-001", NULL, 0x04,
          SID_S, s, 2, "valid");
    }
  }
  enc(g, "Control session_paused, SID 1 (section 4)", "SBRP-WIRE-015 SBRP-CTRL-003", NULL, 0x20,
      SID_ONE, p, control_payload(0x1001, "", p), "valid");
  enc(g, "Control session_paused + \"Daemon disconnected\" (section 4)",
      "SBRP-WIRE-015 SBRP-WIRE-024", NULL, 0x20, SID_ONE, p,
      control_payload(0x1001, "Daemon disconnected", p), "valid");
  enc(g, "Control rate_limited, SID 0, with text \"slow down\"", "SBRP-WIRE-015 SBRP-WIRE-023",
      NULL, 0x20, 0, p, control_payload(0x0901, "slow down", p), "valid");
  enc(g, "Control unauthorized, SID 0, no text", "SBRP-WIRE-015 SBRP-WIRE-023", NULL, 0x20, 0, p,
      control_payload(0x0101, "", p), "valid");

  /* What a conformant sender must not emit. */
  for (size_t i = 0; i < sizeof undefined_types; i += 2) {
    snprintf(c, sizeof c, "undefined type 0x%02X", undefined_types[i]);
    enc(g, c, "SBRP-WIRE-012", "E-SBRP-WIRE-5", undefined_types[i], SID_S, NULL, 1,
        "invalid:invalid_frame_type");
  }
  enc(g, "HandshakeInit with SessionID 0", "SBRP-WIRE-013", "E-SBRP-WIRE-2", 0x01, 0, NULL, 32,
      "invalid:invalid_session_id");
  enc(g, "Data with SessionID 0", "SBRP-WIRE-013", "E-SBRP-WIRE-2", 0x03, 0, NULL, 28,
      "invalid:invalid_session_id");
  enc(g, "Signal with SessionID 0", "SBRP-WIRE-013", "E-SBRP-WIRE-2", 0x04, 0,
      (const uint8_t *)"\x00\x00", 2, "invalid:invalid_session_id");
  enc(g, "Ping with SessionID 1", "SBRP-WIRE-014", "E-SBRP-WIRE-2", 0x10, 1, NULL, 0,
      "invalid:invalid_session_id");
  enc(g, "Ping with 9 bytes", "SBRP-WIRE-022", NULL, 0x10, 0, NULL, 9, "invalid:payload_too_large");
  enc(g, "Pong with 9 bytes", "SBRP-WIRE-022", NULL, 0x11, 0, NULL, 9, "invalid:payload_too_large");
  enc(g, "HandshakeInit with a 31-byte key", "SBRP-WIRE-020", NULL, 0x01, SID_S, NULL, 31,
      "invalid:malformed_frame");
  enc(g, "HandshakeAccept with 127 bytes", "SBRP-WIRE-020", NULL, 0x02, SID_S, NULL, 127,
      "invalid:malformed_frame");
  enc(g, "HandshakeAccept with 96 bytes (pre-0.2.3 layout)", "SBRP-WIRE-020", "LegacyAccept96",
      0x02, SID_S, NULL, 96, "invalid:malformed_frame");
  enc(g, "Data with 27 bytes", "SBRP-WIRE-021", NULL, 0x03, SID_S, NULL, 27,
      "invalid:malformed_frame");
  enc(g, "Signal with 3 bytes", "SBRP-WIRE-020 SBRP-SIG-001", NULL, 0x04, SID_S,
      (const uint8_t *)"\x00\x00\x00", 3, "invalid:malformed_frame");
  enc(g, "Signal code 7, reason 9 (both undefined)", "SBRP-SIG-001", "E-SBRP-WIRE-5", 0x04, SID_S,
      (const uint8_t *)"\x07\x09", 2, "invalid:malformed_frame");
  enc(g, "Signal close with undefined reason 5", "SBRP-SIG-001", "E-SBRP-WIRE-5", 0x04, SID_S,
      (const uint8_t *)"\x01\x05", 2, "invalid:malformed_frame");
  enc(g, "Control with 1 byte", "SBRP-WIRE-023", NULL, 0x20, 0, (const uint8_t *)"\x04", 1,
      "invalid:malformed_frame");
  enc(g, "Control with code 0x7777: not in the table, so no T/N or SID column to follow",
      "SBRP-WIRE-023 SBRP-CTRL-003", "E-SBRP-WIRE-5", 0x20, 0, p, control_payload(0x7777, "x", p),
      "invalid:malformed_frame");
  enc(g, "Control decrypt_failed 0xE004: endpoint-only codes never go on the wire", "SBRP-CTRL-004",
      "E-SBRP-WIRE-5", 0x20, 0, p, control_payload(0xE004, "", p), "invalid:malformed_frame");
  enc(g, "Control identity_key_changed 0xE001", "SBRP-CTRL-004", "E-SBRP-WIRE-5", 0x20, SID_S, p,
      control_payload(0xE001, "", p), "invalid:malformed_frame");
  /* The SID column of the control-code table binds the sender (the relay). */
  enc(g, "Control backpressure with a session SID: a connection-level code carries 0",
      "SBRP-CTRL-003 SBRP-WIRE-015", "E-SBRP-WIRE-12", 0x20, SID_S, p, control_payload(0x0902, "", p),
      "invalid:invalid_session_id");
  enc(g, "Control malformed_frame with a session SID", "SBRP-CTRL-003 SBRP-WIRE-015", "E-SBRP-WIRE-12",
      0x20, SID_S, p, control_payload(0x0401, "", p), "invalid:invalid_session_id");
  enc(g, "Control session_paused with SID 0: a session-scoped code carries the session's SID",
      "SBRP-CTRL-003 SBRP-WIRE-015", "E-SBRP-WIRE-12", 0x20, 0, p, control_payload(0x1001, "", p),
      "invalid:invalid_session_id");
  enc(g, "Control daemon_offline with SID 0", "SBRP-CTRL-003 SBRP-WIRE-015 SBRP-RELAY-005",
      "E-SBRP-WIRE-12", 0x20, 0, p, control_payload(0x0202, "", p), "invalid:invalid_session_id");
  enc(g, "Control daemon_offline with the client's SID", "SBRP-CTRL-003 SBRP-RELAY-005", NULL, 0x20,
      SID_S, p, control_payload(0x0202, "", p), "valid");
  enc(g, "Control disallowed_sender with SID 0: it carries the offending header's SID",
      "SBRP-RELAY-011", "E-SBRP-WIRE-9", 0x20, 0, p, control_payload(0x0405, "", p), "valid");
}

static void gen_frames_file(sbv_gen *g) {
  sbv_gen_file(g, "sbrp-frames.json", "sbrp",
               "SBRP frames as an endpoint decodes and encodes them: every type, every size "
               "boundary, SessionID scope, undefined types, sbrp.md section 4 and 15 frames");
  frames_notes(g);
  sbv_gen_group(g, "sbrp.frame.decode");
  frames_header_examples(g);
  frames_section15(g);
  frames_header_and_length(g);
  frames_types(g);
  frames_session_scope(g);
  frames_error_order(g);
  sbv_gen_group(g, "sbrp.frame.encode");
  frames_encode(g);
  sbv_gen_end(g);
}

/* ---- sbrp-relay.json ------------------------------------------------------ */

static void relay_notes(sbv_gen *g) {
  sbv_gen_note(g, "E-SBRP-WIRE-1",
               "documents check Length (step 2) before the type byte (step 3); upstream checks the "
               "type first. Cases follow the documents",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-2",
               "documents call a SessionID scope violation invalid_session_id; upstream reports "
               "malformed_frame. Cases follow the documents",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-3",
               "the body-length check (malformed_frame, SID 0) sits after steps 1-4 and before the "
               "sender rule (step 5); the documents do not place it (sbrp.md O-9)",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-4",
               "Ping/Pong payloads over 8 bytes are rejected with payload_too_large, SID 0 "
               "(SBRP-KA-002 names no code, sbrp.md O-8); upstream decodeFrame accepts them",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-7",
               "an unknown Signal reason is read as none (SBRP-SIG-004); upstream decodeSignal "
               "rejects it as malformed_frame",
               "upstream");
  sbv_gen_note(g, "E-SBRP-WIRE-8",
               "an unknown Signal code is malformed_frame, SID 0, terminal: documents silent "
               "(sbrp.md O-1), upstream decodeSignal's reading",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-9",
               "disallowed_sender carries the header SessionID even when it is 0 (sbrp.md O-14)",
               NULL);
  sbv_gen_note(
      g, "E-SBRP-WIRE-10",
      "the relay checks only the payloads it consumes (Signal, Ping, Pong); HandshakeInit, "
      "HandshakeAccept and Data are forwarded whatever their length",
      NULL);
}

/* Every type from each sender (section 3, step 5). */
static void relay_senders(sbv_gen *g) {
  static const struct {
    uint8_t type;
    uint64_t sid;
    size_t len;
    const char *name;
    const char *client, *daemon;           /* expectation per sender */
    const char *client_reqs, *daemon_reqs; /* requirement IDs per sender */
  } t[] = {
      {0x01, SID_S, 32, "HandshakeInit", "valid", "invalid:disallowed_sender",
       "SBRP-RELAY-020 SBRP-WIRE-003", "SBRP-RELAY-011 SBRP-RELAY-023"},
      {0x02, SID_S, 128, "HandshakeAccept", "invalid:disallowed_sender", "valid",
       "SBRP-RELAY-011 SBRP-RELAY-023", "SBRP-RELAY-020 SBRP-WIRE-003"},
      {0x03, SID_S, 60, "Data", "valid", "valid", "SBRP-RELAY-020 SBRP-WIRE-003 SBRP-RELAY-021",
       "SBRP-RELAY-020 SBRP-WIRE-003 SBRP-RELAY-021"},
      {0x04, SID_S, 2, "Signal ready", "invalid:disallowed_sender", "valid",
       "SBRP-SIG-005 SBRP-RELAY-023 SBRP-RELAY-011", "SBRP-SIG-006 SBRP-RELAY-022"},
      {0x10, 0, 8, "Ping", "valid", "valid", "SBRP-KA-001", "SBRP-KA-001"},
      {0x11, 0, 8, "Pong", "valid", "valid", "SBRP-KA-001 SBRP-WIRE-022",
       "SBRP-KA-001 SBRP-WIRE-022"},
      {0x20, SID_S, 2, "Control session_paused", "invalid:disallowed_sender",
       "invalid:disallowed_sender", "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-RELAY-011",
       "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-RELAY-011"},
  };
  char c[160];
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    const uint8_t *body = t[i].type == 0x04   ? (const uint8_t *)"\x00\x00"
                          : t[i].type == 0x20 ? (const uint8_t *)"\x10\x01"
                                              : NULL;
    snprintf(c, sizeof c, "%s from the client", t[i].name);
    relay(g, c, t[i].client_reqs, NULL, frame(t[i].type, t[i].sid, body, t[i].len), "client",
          t[i].client);
    snprintf(c, sizeof c, "%s from the daemon", t[i].name);
    relay(g, c, t[i].daemon_reqs, NULL, frame(t[i].type, t[i].sid, body, t[i].len), "daemon",
          t[i].daemon);
  }
  relay(g, "HandshakeInit with SessionID 2^64-1 from the client", "SBRP-RELAY-020 SBRP-WIRE-013",
        NULL, frame(0x01, SID_MAX, NULL, 32), "client", "valid");
  relay(g, "HandshakeAccept from the client with SID 2^64-1: disallowed_sender names that SID",
        "SBRP-RELAY-011 SBRP-RELAY-023", NULL, frame(0x02, SID_MAX, NULL, 128), "client",
        "invalid:disallowed_sender");
  relay(g, "Data with Length 65536 and the full body from the daemon: forwarded",
        "SBRP-RELAY-020 SBRP-WIRE-011", NULL, frame(0x03, SID_S, counting, SB_SBRP_MAX_PAYLOAD),
        "daemon", "valid");
  relay(g, "Data with Length 65537 and the full body: payload_too_large", "SBRP-WIRE-011", NULL,
        frame(0x03, SID_S, counting, 65537), "client", "invalid:payload_too_large");
}

static void relay_forwarded_opaque(sbv_gen *g) {
  uint8_t p[32];
  relay(g, "Data with a 27-byte payload from the client: forwarded, the relay does not parse it",
        "SBRP-WIRE-003 SBRP-RELAY-021", "E-SBRP-WIRE-10", frame(0x03, SID_S, NULL, 27), "client",
        "valid");
  relay(g, "HandshakeInit with a 31-byte payload: forwarded unparsed",
        "SBRP-WIRE-003 SBRP-RELAY-021", "E-SBRP-WIRE-10", frame(0x01, SID_S, NULL, 31), "client",
        "valid");
  relay(g, "HandshakeAccept with the legacy 96-byte payload: forwarded unparsed",
        "SBRP-WIRE-003 SBRP-RELAY-021", "E-SBRP-WIRE-10", frame(0x02, SID_S, NULL, 96), "daemon",
        "valid");
  /* Bytes 0-14 of the payload are a whole Control frame (malformed_frame, SID 0). */
  memset(p, 0, sizeof p);
  sb_sbrp_header_write(p, 0x20, 2, 0);
  u16be(0x0401, p + SB_SBRP_HEADER_BYTES);
  relay(g, "Data whose payload holds a Control frame: forwarded, no Control derived from it",
        "SBRP-CTRL-007 SBRP-RELAY-021 SBRP-WIRE-003", NULL, frame(0x03, SID_S, p, sizeof p),
        "daemon", "valid");
}

static void relay_order(sbv_gen *g) {
  /* Each step alone. */
  relay(g, "step 1 alone: 12-byte message", "SBRP-RELAY-010 SBRP-RELAY-012", NULL,
        put_frame(0x03, 28, SID_S, NULL, 0) - 1, "client", "invalid:malformed_frame");
  relay(g, "step 1 alone: empty message", "SBRP-RELAY-012", NULL, 0, "daemon",
        "invalid:malformed_frame");
  relay(g, "step 2 alone: Data Length 70000", "SBRP-RELAY-010 SBRP-WIRE-011", NULL,
        put_frame(0x03, LEN_OVER, SID_S, NULL, 0), "client", "invalid:payload_too_large");
  relay(g, "step 3 alone: type 0x30", "SBRP-RELAY-010 SBRP-WIRE-012", NULL, frame(0x30, 0, NULL, 1),
        "client", "invalid:invalid_frame_type");
  relay(g, "step 3 alone: type 0x00 from the daemon", "SBRP-RELAY-010 SBRP-WIRE-012", NULL,
        frame(0x00, SID_S, NULL, 0), "daemon", "invalid:invalid_frame_type");
  relay(g, "step 4 alone: Data with SessionID 0", "SBRP-RELAY-010 SBRP-WIRE-013", "E-SBRP-WIRE-2",
        frame(0x03, 0, NULL, 28), "client", "invalid:invalid_session_id");
  relay(g, "step 4 alone: HandshakeAccept with SessionID 0", "SBRP-RELAY-010 SBRP-WIRE-013",
        "E-SBRP-WIRE-2", frame(0x02, 0, NULL, 128), "daemon", "invalid:invalid_session_id");
  relay(g, "step 4 alone: Ping with SessionID 1", "SBRP-RELAY-010 SBRP-WIRE-014", "E-SBRP-WIRE-2",
        frame(0x10, 1, NULL, 0), "daemon", "invalid:invalid_session_id");
  relay(g, "step 4 alone: Pong with SessionID 2^64-1", "SBRP-RELAY-010 SBRP-WIRE-014",
        "E-SBRP-WIRE-2", frame(0x11, SID_MAX, NULL, 0), "client", "invalid:invalid_session_id");
  relay(g, "step 5 alone: HandshakeInit from the daemon", "SBRP-RELAY-010 SBRP-RELAY-011", NULL,
        frame(0x01, SID_S, NULL, 32), "daemon", "invalid:disallowed_sender");

  /* Two steps at once: the earlier wins. */
  relay(g, "steps 1+2: 12 bytes whose Length reads 70000", "SBRP-RELAY-010 SBRP-RELAY-012", NULL,
        put_frame(0x03, LEN_OVER, SID_S, NULL, 0) - 1, "client", "invalid:malformed_frame");
  relay(g, "steps 1+3: 12 bytes of type 0x30", "SBRP-RELAY-010 SBRP-RELAY-012", NULL,
        put_frame(0x30, 0, 0, NULL, 0) - 1, "client", "invalid:malformed_frame");
  relay(g, "steps 1+4: 12 bytes of a Data header whose SessionID bytes are 0",
        "SBRP-RELAY-010 SBRP-RELAY-012", NULL, put_frame(0x03, 28, 0, NULL, 0) - 1, "daemon",
        "invalid:malformed_frame");
  relay(g, "steps 1+5: 12 bytes of a Control header from the client",
        "SBRP-RELAY-010 SBRP-RELAY-012", NULL, put_frame(0x20, 2, SID_S, NULL, 0) - 1, "client",
        "invalid:malformed_frame");
  relay(g, "steps 2+3: type 0x30, Length 70000: payload_too_large", "SBRP-RELAY-010 SBRP-WIRE-011",
        "E-SBRP-WIRE-1", put_frame(0x30, LEN_OVER, 0, NULL, 0), "client",
        "invalid:payload_too_large");
  relay(g, "steps 2+4: Data SessionID 0, Length 70000: payload_too_large",
        "SBRP-RELAY-010 SBRP-WIRE-011", NULL, put_frame(0x03, LEN_OVER, 0, NULL, 0), "daemon",
        "invalid:payload_too_large");
  relay(g, "steps 2+5: Control from the client with Length 70000: payload_too_large",
        "SBRP-RELAY-010 SBRP-WIRE-011 SBRP-RELAY-011", NULL,
        put_frame(0x20, LEN_OVER, SID_S, NULL, 0), "client", "invalid:payload_too_large");
  relay(g, "steps 3+4: type 0x05 (session range, undefined) with SessionID 0: invalid_frame_type",
        "SBRP-RELAY-010 SBRP-WIRE-012", NULL, frame(0x05, 0, NULL, 2), "client",
        "invalid:invalid_frame_type");
  relay(g, "steps 3+5: type 0x21 (relay range, undefined) from the client: invalid_frame_type",
        "SBRP-RELAY-010 SBRP-WIRE-012 SBRP-RELAY-011", NULL, frame(0x21, SID_S, NULL, 2), "client",
        "invalid:invalid_frame_type");
  relay(g, "steps 4+5: Signal from the client with SessionID 0: invalid_session_id",
        "SBRP-RELAY-010 SBRP-RELAY-011 SBRP-WIRE-013", "E-SBRP-WIRE-2",
        frame(0x04, 0, (const uint8_t *)"\x00\x00", 2), "client", "invalid:invalid_session_id");
  relay(g, "steps 4+5: HandshakeInit from the daemon with SessionID 0: invalid_session_id",
        "SBRP-RELAY-010 SBRP-RELAY-011 SBRP-WIRE-013", "E-SBRP-WIRE-2", frame(0x01, 0, NULL, 32),
        "daemon", "invalid:invalid_session_id");

  /* The body-length check against the steps around it. */
  relay(g, "Length 70000 with a short body: payload_too_large before the body check",
        "SBRP-RELAY-010 SBRP-WIRE-011 SBRP-WIRE-002", "E-SBRP-WIRE-3",
        put_frame(0x03, LEN_OVER, SID_S, NULL, 100), "client", "invalid:payload_too_large");
  relay(g, "type 0x30 with a truncated body: invalid_frame_type before the body check",
        "SBRP-RELAY-010 SBRP-WIRE-012 SBRP-WIRE-002", "E-SBRP-WIRE-3",
        put_frame(0x30, 10, 0, NULL, 4), "client", "invalid:invalid_frame_type");
  relay(g, "Data SessionID 0 with a truncated body: invalid_session_id before the body check",
        "SBRP-RELAY-010 SBRP-WIRE-013 SBRP-WIRE-002", "E-SBRP-WIRE-2 E-SBRP-WIRE-3",
        put_frame(0x03, 40, 0, NULL, 30), "daemon", "invalid:invalid_session_id");
  relay(g, "Control from the client with a truncated body: malformed_frame (SID 0) before step 5",
        "SBRP-RELAY-010 SBRP-WIRE-002 SBRP-RELAY-011", "E-SBRP-WIRE-3",
        put_frame(0x20, 10, SID_S, (const uint8_t *)"\x10\x01", 2), "client",
        "invalid:malformed_frame");
  relay(g, "Data with one trailing byte: malformed_frame", "SBRP-WIRE-002", NULL,
        put_frame(0x03, 28, SID_S, NULL, 29), "daemon", "invalid:malformed_frame");

  /* Step 5 before the payload checks of consumed frames. */
  relay(g, "Signal from the client with a 3-byte payload: disallowed_sender before the size",
        "SBRP-RELAY-011 SBRP-SIG-005", NULL, frame(0x04, SID_S, (const uint8_t *)"\x00\x00\x00", 3),
        "client", "invalid:disallowed_sender");
  relay(g, "Signal from the client with code 9: disallowed_sender before the code",
        "SBRP-RELAY-011 SBRP-SIG-005", NULL, frame(0x04, SID_S, (const uint8_t *)"\x09\x00", 2),
        "client", "invalid:disallowed_sender");
  relay(g, "Control from the daemon with a 1-byte payload: disallowed_sender (payload not read)",
        "SBRP-RELAY-011 SBRP-RELAY-023", NULL, frame(0x20, SID_S, (const uint8_t *)"\x04", 1),
        "daemon", "invalid:disallowed_sender");
}

static void relay_control_from_endpoints(sbv_gen *g) {
  uint8_t p[8];
  relay(g, "Control with SessionID 0 from the client: disallowed_sender with SID 0",
        "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-RELAY-011", "E-SBRP-WIRE-9",
        frame(0x20, 0, p, control_payload(0x0401, "", p)), "client", "invalid:disallowed_sender");
  relay(g, "Control with SessionID 0 from the daemon: disallowed_sender with SID 0",
        "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-RELAY-011", "E-SBRP-WIRE-9",
        frame(0x20, 0, p, control_payload(0x0901, "", p)), "daemon", "invalid:disallowed_sender");
  relay(g, "Control with SessionID 7 from the daemon: disallowed_sender with SID 7",
        "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-RELAY-011 SBRP-CTRL-003", NULL,
        frame(0x20, 7, p, control_payload(0x1003, "", p)), "daemon", "invalid:disallowed_sender");
  relay(g, "Control with the endpoint-only code 0xE004 from the client: disallowed_sender",
        "SBRP-CTRL-001 SBRP-RELAY-023 SBRP-CTRL-004", NULL,
        frame(0x20, SID_S, p, control_payload(0xE004, "", p)), "client",
        "invalid:disallowed_sender");
}

static void relay_signals(sbv_gen *g) {
  char c[160];
  for (uint8_t code = 0; code <= 1; code++) {
    for (uint8_t reason = 0; reason <= 4; reason++) {
      uint8_t s[2] = {code, reason};
      snprintf(c, sizeof c, "Signal %s/%s from the daemon: consumed, %s to the client",
               code ? "close" : "ready", reason_names[reason],
               code ? "session_expired (T)" : "session_resumed (N)");
      relay(g, c,
            code == 0 && reason == 0 ? "SBRP-RELAY-022 SBRP-SIG-006 SBRP-SIG-001 SBRP-SIG-002"
                                     : "SBRP-RELAY-022 SBRP-SIG-006 SBRP-SIG-001",
            NULL, frame(0x04, SID_S, s, 2), "daemon", "valid");
    }
  }
  relay(g, "Signal ready with SessionID 2^64-1: session_resumed names that SID",
        "SBRP-RELAY-022 SBRP-CTRL-003", NULL, frame(0x04, SID_MAX, (const uint8_t *)"\x00\x00", 2),
        "daemon", "valid");
  relay(g, "Signal close with unknown reason 5: read as none, session_expired",
        "SBRP-SIG-004 SBRP-RELAY-022", "E-SBRP-WIRE-7",
        frame(0x04, SID_S, (const uint8_t *)"\x01\x05", 2), "daemon", "valid");
  relay(g, "Signal ready with unknown reason 0xFF: read as none, session_resumed",
        "SBRP-SIG-004 SBRP-RELAY-022", "E-SBRP-WIRE-7",
        frame(0x04, SID_S, (const uint8_t *)"\x00\xff", 2), "daemon", "valid");
  relay(g, "Signal code 2 from the daemon: malformed_frame, SID 0, terminal",
        "SBRP-SIG-001 SBRP-RELAY-022", "E-SBRP-WIRE-8",
        frame(0x04, SID_S, (const uint8_t *)"\x02\x00", 2), "daemon", "invalid:malformed_frame");
  relay(g, "Signal code 0xFF with unknown reason 0xFF: malformed_frame (the code decides)",
        "SBRP-SIG-001 SBRP-SIG-004", "E-SBRP-WIRE-8",
        frame(0x04, SID_S, (const uint8_t *)"\xff\xff", 2), "daemon", "invalid:malformed_frame");
  relay(g, "Signal with a 1-byte payload from the daemon: malformed_frame",
        "SBRP-SIG-001 SBRP-WIRE-020", NULL, frame(0x04, SID_S, (const uint8_t *)"\x00", 1),
        "daemon", "invalid:malformed_frame");
  relay(g, "Signal with a 3-byte payload from the daemon: malformed_frame",
        "SBRP-SIG-001 SBRP-WIRE-020", NULL, frame(0x04, SID_S, (const uint8_t *)"\x01\x01\x00", 3),
        "daemon", "invalid:malformed_frame");
}

/* Keepalive (section 9): Pong with the same payload and SID 0, Pong consumed. */
static void relay_keepalive(sbv_gen *g) {
  char c[160];
  for (size_t len = 0; len <= 8; len++) {
    snprintf(c, sizeof c, "Ping with %zu payload byte%s from the client: Pong echoes %s, SID 0",
             len, len == 1 ? "" : "s", len == 1 ? "it" : "them");
    relay(g, c, "SBRP-KA-001 SBRP-WIRE-022", NULL, frame(0x10, 0, NULL, len), "client", "valid");
  }
  relay(g, "Ping with 8 bytes from the daemon: Pong echoes them", "SBRP-KA-001 SBRP-WIRE-022", NULL,
        frame(0x10, 0, (const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08", 8), "daemon", "valid");
  relay(g, "Ping with 0 bytes from the daemon", "SBRP-KA-001", NULL, frame(0x10, 0, NULL, 0),
        "daemon", "valid");
  relay(g, "Ping with 9 bytes from the client: rejected", "SBRP-KA-002 SBRP-WIRE-022",
        "E-SBRP-WIRE-4", frame(0x10, 0, NULL, 9), "client", "invalid:payload_too_large");
  relay(g, "Ping with 9 bytes from the daemon: rejected", "SBRP-KA-002 SBRP-WIRE-022",
        "E-SBRP-WIRE-4", frame(0x10, 0, NULL, 9), "daemon", "invalid:payload_too_large");
  relay(g, "Ping with 100 bytes: rejected", "SBRP-KA-002", "E-SBRP-WIRE-4",
        frame(0x10, 0, NULL, 100), "client", "invalid:payload_too_large");
  for (size_t len = 0; len <= 8; len += 4) {
    snprintf(c, sizeof c, "Pong with %zu payload bytes from the client: consumed", len);
    relay(g, c, "SBRP-KA-001 SBRP-WIRE-022", NULL, frame(0x11, 0, NULL, len), "client", "valid");
  }
  relay(g, "Pong with 9 bytes from the daemon: rejected", "SBRP-WIRE-022", "E-SBRP-WIRE-4",
        frame(0x11, 0, NULL, 9), "daemon", "invalid:payload_too_large");
}

static void gen_relay_file(sbv_gen *g) {
  sbv_gen_file(g, "sbrp-relay.json", "sbrp",
               "What a relay does with one inbound message: the validation order of sbrp.md "
               "10.2, sender rules, Signal handling and keepalive");
  relay_notes(g);
  sbv_gen_group(g, "sbrp.relay.validate");
  relay_senders(g);
  relay_forwarded_opaque(g);
  relay_order(g);
  relay_control_from_endpoints(g);
  relay_signals(g);
  relay_keepalive(g);
  sbv_gen_end(g);
}

/* ---- sbrp-control.json ---------------------------------------------------- */

/* sbrp.md section 7 as the documents state it. Terminal: T column for wire
 * codes; endpoint-only codes never travel in a Control frame, so a receiver
 * reads a frame carrying one as terminal (fail-safe). */
static const struct control_row {
  uint16_t code;
  const char *name;
  bool terminal;
  bool session_scope; /* SID column S */
  bool on_wire;
} control_rows[] = {
    {0x0101, "unauthorized", true, false, true},
    {0x0102, "forbidden", true, false, true},
    {0x0201, "daemon_not_found", true, true, true},
    {0x0202, "daemon_offline", true, true, true},
    {0x0301, "session_not_found", true, true, true},
    {0x0302, "session_expired", true, true, true},
    {0x0401, "malformed_frame", true, false, true},
    {0x0402, "payload_too_large", true, false, true},
    {0x0403, "invalid_frame_type", true, false, true},
    {0x0404, "invalid_session_id", true, false, true},
    {0x0405, "disallowed_sender", true, true, true},
    {0x0601, "internal_error", true, false, true},
    {0x0901, "rate_limited", false, false, true},
    {0x0902, "backpressure", true, false, true},
    {0x1001, "session_paused", false, true, true},
    {0x1002, "session_resumed", false, true, true},
    {0x1003, "session_ended", false, true, true},
    {0x1004, "session_pending", false, true, true},
    {0xE001, "identity_key_changed", true, false, false},
    {0xE002, "handshake_failed", true, false, false},
    {0xE003, "handshake_timeout", true, false, false},
    {0xE004, "decrypt_failed", true, false, false},
    {0xE005, "sequence_error", true, false, false},
};

static cJSON *code_input(uint16_t code) {
  cJSON *in = cJSON_CreateObject();
  cJSON_AddNumberToObject(in, "code", code);
  return in;
}

/* The reference must hold the documents' table: compare before writing. */
static void control_check_table(sbv_gen *g, const struct control_row *r) {
  const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(r->code);
  if (!info || strcmp(info->name, r->name) || info->on_wire != r->on_wire ||
      sb_sbrp_control_is_terminal(r->code) != r->terminal ||
      (r->on_wire && (info->scope == SB_SBRP_CTRL_SCOPE_SESSION) != r->session_scope))
    sbv_gen_error(g, "control code 0x%04X: the reference's table differs from sbrp.md section 7",
                  r->code);
}

static void gen_control_file(sbv_gen *g) {
  sbv_gen_file(g, "sbrp-control.json", "sbrp",
               "The SBRP control-code table (sbrp.md section 7): names, terminality, SessionID "
               "scope, wire or endpoint-only, and how unknown codes are read");
  sbv_gen_note(g, "E-SBRP-WIRE-11",
               "newest documents (control-codes.md@c9404ba): daemon_offline is terminal (N before) "
               "and backpressure 0x0902 exists (absent before)",
               NULL);
  sbv_gen_note(g, "E-SBRP-WIRE-6",
               "a Control code the receiver does not know is read as terminal (SBRP-CTRL-005); "
               "upstream's isTerminalCode agrees, its decodeControl rejects the frame instead",
               NULL);
  sbv_gen_note(g, "EndpointCodeTerminal",
               "endpoint-only codes never travel in a Control frame (SBRP-CTRL-004); `terminal` "
               "says how a receiver treats a frame carrying one (fail-safe), not whether the "
               "detecting endpoint closes (sequence_error: MAY close, SBRP-REPLAY-005)",
               NULL);
  sbv_gen_group(g, "sbrp.control.info");
  char c[200];
  for (size_t i = 0; i < sizeof control_rows / sizeof control_rows[0]; i++) {
    const struct control_row *r = &control_rows[i];
    control_check_table(g, r);
    const char *flags = NULL, *reqs;
    if (r->on_wire) {
      snprintf(c, sizeof c, "0x%04X %s: %s, SID %s", r->code, r->name,
               r->terminal ? "T (relay closes)" : "N (connection stays)",
               r->session_scope ? "S (the session's)" : "0");
      reqs = r->code == 0x0601 ? "SBRP-CTRL-002 SBRP-CTRL-003 SBRP-CTRL-006"
                               : "SBRP-CTRL-002 SBRP-CTRL-003";
      if (r->code == 0x0202 || r->code == 0x0902) flags = "E-SBRP-WIRE-11";
    } else {
      snprintf(c, sizeof c, "0x%04X %s: endpoint-only, never on the wire", r->code, r->name);
      reqs = r->code == 0xE005   ? "SBRP-CTRL-004 SBRP-CTRL-005 SBRP-REPLAY-005"
             : r->code == 0xE001 ? "SBRP-CTRL-004 SBRP-CTRL-005 SBRP-TOFU-004"
                                 : "SBRP-CTRL-004 SBRP-CTRL-005";
      flags = "EndpointCodeTerminal";
    }
    sbv_gen_case(g, c, reqs, flags, code_input(r->code), "valid");
  }
  /* Unknown codes in every range category: terminal (fail-safe). */
  static const struct {
    uint16_t code;
    const char *range;
  } unknown[] = {
      {0x0000, "no range (0x00xx)"},
      {0x0100, "auth range, unassigned"},
      {0x0103, "auth range, after forbidden"},
      {0x0203, "routing range, unassigned"},
      {0x0303, "session range, unassigned"},
      {0x0406, "wire-format range, after disallowed_sender"},
      {0x0500, "reserved 0x05xx"},
      {0x0602, "internal range, unassigned"},
      {0x0701, "reserved 0x07xx"},
      {0x08FF, "reserved 0x08xx"},
      {0x0903, "throttling range, after backpressure"},
      {0x0999, "throttling range, unassigned"},
      {0x0A01, "reserved 0x0Axx"},
      {0x1000, "session-state range, unassigned"},
      {0x1005, "session-state range, after session_pending"},
      {0x1101, "reserved 0x11xx"},
      {0x1FFF, "reserved 0x1Fxx"},
      {0x2000, "no range (0x20xx)"},
      {0xE000, "SDK range, unassigned"},
      {0xE006, "SDK range, after sequence_error"},
      {0xE101, "future SDK range 0xE1xx"},
      {0xF000, "vendor range 0xF0xx"},
      {0xFFFF, "vendor range, highest value"},
  };
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    snprintf(c, sizeof c, "unknown code 0x%04X (%s): read as terminal", unknown[i].code,
             unknown[i].range);
    if (sb_sbrp_control_lookup(unknown[i].code))
      sbv_gen_error(g, "code 0x%04X is in the reference's table", unknown[i].code);
    sbv_gen_case(g, c, "SBRP-CTRL-005", "E-SBRP-WIRE-6", code_input(unknown[i].code), "valid");
  }
  sbv_gen_end(g);
}

void sbv_gen_sbrp_frames(sbv_gen *g) {
  init_buffers();
  gen_frames_file(g);
  gen_relay_file(g);
  gen_control_file(g);
}
