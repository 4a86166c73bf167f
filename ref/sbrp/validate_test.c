#include "sbrp/validate.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "test/sbt.h"

/* A message of `type` with `len` payload bytes (value 0x5a) and SessionID
 * `sid`, written raw so that any combination can be built. */
static size_t msg(uint8_t *out, uint8_t type, uint32_t len, uint64_t sid) {
  sb_sbrp_header_write(out, type, len, sid);
  memset(out + 13, 0x5a, len);
  return 13 + (size_t)len;
}

/* Validate and check a rejection: error, control code, control SID, T. */
static void expect_reject(const uint8_t *m, size_t n, sb_sbrp_sender from, int err, uint16_t code,
                          uint64_t sid, int line) {
  sb_sbrp_verdict v;
  int rc = sb_sbrp_relay_validate(m, n, from, &v);
  sbt_check_err(rc, err, line, __FILE__, "relay_validate");
  sbt_check_err(v.err, err, line, __FILE__, "verdict err");
  sbt_check(v.action == SB_SBRP_ACTION_REJECT, line, __FILE__, "action reject (%d)", v.action);
  sbt_check(v.control_code == code, line, __FILE__, "control code 0x%04x, want 0x%04x",
            v.control_code, code);
  sbt_check_u64(v.control_sid, sid, line, __FILE__, "control SessionID");
  sbt_check(v.terminal, line, __FILE__, "rejection is terminal");
}
#define EXPECT_REJECT(m, n, from, err, code, sid) \
  expect_reject((m), (n), (from), (err), (code), (sid), __LINE__)

static sb_sbrp_action accept(const uint8_t *m, size_t n, sb_sbrp_sender from, sb_sbrp_verdict *v) {
  int rc = sb_sbrp_relay_validate(m, n, from, v);
  SBT_OK(rc);
  SBT_OK(v->err);
  return v->action;
}

static void every_type_from_each_sender(void) {
  /* SBRP-RELAY-020 SBRP-RELAY-023 SBRP-SIG-005 SBRP-SIG-006 SBRP-CTRL-001 SBRP-KA-001 */
  static const struct {
    uint8_t type;
    uint32_t len;
    int client; /* -1 = disallowed, else the action */
    int daemon;
  } rows[] = {
      {SB_SBRP_HANDSHAKE_INIT, 32, SB_SBRP_ACTION_FORWARD, -1},
      {SB_SBRP_HANDSHAKE_ACCEPT, 128, -1, SB_SBRP_ACTION_FORWARD},
      {SB_SBRP_DATA, 33, SB_SBRP_ACTION_FORWARD, SB_SBRP_ACTION_FORWARD},
      {SB_SBRP_SIGNAL, 2, -1, SB_SBRP_ACTION_CONSUME},
      {SB_SBRP_PING, 8, SB_SBRP_ACTION_PONG, SB_SBRP_ACTION_PONG},
      {SB_SBRP_PONG, 8, SB_SBRP_ACTION_CONSUME, SB_SBRP_ACTION_CONSUME},
      {SB_SBRP_CONTROL, 2, -1, -1},
  };
  static uint8_t m[13 + 128];
  for (size_t i = 0; i < SB_ARRAY_LEN(rows); i++) {
    bool conn = rows[i].type == SB_SBRP_PING || rows[i].type == SB_SBRP_PONG;
    uint64_t sid = conn ? 0 : 0x0123456789abcdefULL;
    size_t n = msg(m, rows[i].type, rows[i].len, sid);
    if (rows[i].type == SB_SBRP_SIGNAL) m[13] = 0, m[14] = 0;
    for (int s = 0; s < 2; s++) {
      sb_sbrp_sender from = s ? SB_SBRP_FROM_DAEMON : SB_SBRP_FROM_CLIENT;
      int want = s ? rows[i].daemon : rows[i].client;
      SBT_CHECK(sb_sbrp_relay_sender_allowed(rows[i].type, from) == (want >= 0),
                "type 0x%02x sender %d allowed", rows[i].type, s);
      if (want < 0) {
        /* Step 5: disallowed_sender with the header's SessionID. */
        EXPECT_REJECT(m, n, from, SB_ERR_SBRP_DISALLOWED_SENDER, SB_SBRP_CTRL_DISALLOWED_SENDER,
                      sid);
        continue;
      }
      sb_sbrp_verdict v;
      /* Call first: the message reads v.action, and argument order is unspecified. */
      sb_sbrp_action got = accept(m, n, from, &v);
      SBT_CHECK(got == (sb_sbrp_action)want, "type 0x%02x sender %d action %d", rows[i].type, s,
                got);
      /* The verdict's frame is the whole message. */
      SBT_CHECK(v.frame.payload == m + 13 && v.frame.payload_len == rows[i].len &&
                    v.frame.hdr.session_id == sid,
                "type 0x%02x frame view", rows[i].type);
    }
  }
  SBT_CHECK(!sb_sbrp_relay_sender_allowed(0x30, SB_SBRP_FROM_CLIENT), "undefined type");
  SBT_CHECK(!sb_sbrp_relay_sender_allowed(0x30, SB_SBRP_FROM_DAEMON), "undefined type");
}

static void header_steps_report_sid_zero(void) {
  /* SBRP-RELAY-012 SBRP-RELAY-010 SBRP-WIRE-011 SBRP-WIRE-012 SBRP-WIRE-013 SBRP-WIRE-014 */
  static uint8_t m[64];
  msg(m, SB_SBRP_PING, 0, 0);
  EXPECT_REJECT(m, 12, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_HEADER_SHORT, 0x0401, 0);
  EXPECT_REJECT(m, 0, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_HEADER_SHORT, 0x0401, 0);
  msg(m, SB_SBRP_DATA, 0, 5);
  sb_sbrp_header_write(m, SB_SBRP_DATA, 65537, 5);
  EXPECT_REJECT(m, 13, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_PAYLOAD_TOO_LARGE, 0x0402, 0);
  msg(m, 0x05, 2, 5);
  EXPECT_REJECT(m, 15, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_FRAME_TYPE, 0x0403, 0);
  msg(m, SB_SBRP_HANDSHAKE_INIT, 32, 0);
  EXPECT_REJECT(m, 45, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_SID_ZERO, 0x0404, 0);
  msg(m, SB_SBRP_PONG, 0, 5);
  EXPECT_REJECT(m, 13, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_SID_NONZERO, 0x0404, 0);
  /* Body length: after the header steps, malformed_frame with SID 0. */
  msg(m, SB_SBRP_DATA, 28, 5);
  EXPECT_REJECT(m, 40, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_BODY_TRUNCATED, 0x0401, 0);
  EXPECT_REJECT(m, 42, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_BODY_TRAILING, 0x0401, 0);
}

static void order_size_before_type(void) {
  /* SBRP-RELAY-010: unknown type and oversized Length -> payload_too_large
   * (upstream's decoder says invalid_frame_type). */
  uint8_t m[13];
  sb_sbrp_header_write(m, 0x30, 0x00011170u, 0x0123456789abcdefULL);
  EXPECT_REJECT(m, 13, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_PAYLOAD_TOO_LARGE, 0x0402, 0);
}

static void order_size_before_session_id(void) {
  /* SBRP-RELAY-010: SID 0 on Data and oversized Length -> payload_too_large. */
  uint8_t m[13];
  sb_sbrp_header_write(m, SB_SBRP_DATA, 65537, 0);
  EXPECT_REJECT(m, 13, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_PAYLOAD_TOO_LARGE, 0x0402, 0);
}

static void order_session_id_before_sender(void) {
  /* SBRP-RELAY-011: a disallowed sender with a bad SessionID is reported as
   * invalid_session_id (step 4), SID 0, not disallowed_sender. */
  uint8_t m[32];
  size_t n = msg(m, SB_SBRP_SIGNAL, 2, 0);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_SID_ZERO, 0x0404, 0);
  n = msg(m, SB_SBRP_HANDSHAKE_ACCEPT, 0, 0);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_SID_ZERO, 0x0404, 0);
  /* Unknown type from anyone: invalid_frame_type, never disallowed_sender. */
  n = msg(m, 0x21, 2, 7);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_FRAME_TYPE, 0x0403, 0);
}

static void order_body_before_sender(void) {
  /* SBRP-RELAY-010 SBRP-WIRE-002 (sbrp.md O-9): a truncated body from a
   * disallowed sender is malformed_frame with SID 0. */
  uint8_t m[13 + 32];
  msg(m, SB_SBRP_CONTROL, 2, 9);
  EXPECT_REJECT(m, 14, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_BODY_TRUNCATED, 0x0401, 0);
  EXPECT_REJECT(m, 16, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_BODY_TRAILING, 0x0401, 0);
  /* With the right length it is disallowed_sender, SID = header SID. */
  EXPECT_REJECT(m, 15, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, 9);
  msg(m, SB_SBRP_HANDSHAKE_INIT, 32, 9);
  EXPECT_REJECT(m, 44, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_BODY_TRUNCATED, 0x0401, 0);
  EXPECT_REJECT(m, 45, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, 9);
}

static void disallowed_sender_carries_the_header_sid(void) {
  /* SBRP-RELAY-011 SBRP-CTRL-001: even 0 when an endpoint's Control frame
   * says 0 (sbrp.md O-14). */
  uint8_t m[32];
  size_t n = msg(m, SB_SBRP_CONTROL, 2, 0);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, 0);
  n = msg(m, SB_SBRP_CONTROL, 2, UINT64_MAX);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, UINT64_MAX);
  /* Control with a 1-byte payload from an endpoint: still disallowed_sender. */
  n = msg(m, SB_SBRP_CONTROL, 1, 4);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, 4);
}

static void ping_gets_a_pong_with_the_same_payload(void) {
  /* SBRP-KA-001 SBRP-WIRE-022 */
  const uint8_t ping[] = {0x10, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  sb_sbrp_verdict v;
  SBT_CHECK(accept(ping, sizeof ping, SB_SBRP_FROM_CLIENT, &v) == SB_SBRP_ACTION_PONG, "pong");
  uint8_t out[32];
  size_t n = 0;
  SBT_ERR_EQ(sb_sbrp_relay_pong(&v, out, 20, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 21);
  SBT_OK(sb_sbrp_relay_pong(&v, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "110000000800000000000000000102030405060708");
  const uint8_t empty[13] = {0x10};
  SBT_CHECK(accept(empty, 13, SB_SBRP_FROM_DAEMON, &v) == SB_SBRP_ACTION_PONG, "empty ping");
  SBT_OK(sb_sbrp_relay_pong(&v, out, sizeof out, &n));
  SBT_HEX_EQ(out, n, "11000000000000000000000000");
  /* Only a Ping verdict has a Pong. */
  const uint8_t pong[13] = {0x11};
  SBT_CHECK(accept(pong, 13, SB_SBRP_FROM_DAEMON, &v) == SB_SBRP_ACTION_CONSUME, "pong consumed");
  SBT_ERR_EQ(sb_sbrp_relay_pong(&v, out, sizeof out, &n), SB_ERR_ARG);
}

static void ping_and_pong_over_8_bytes_are_rejected(void) {
  /* SBRP-KA-002 SBRP-WIRE-022: payload_too_large (code unspecified, O-8), SID 0. */
  static uint8_t m[13 + 100];
  size_t n = msg(m, SB_SBRP_PING, 8, 0);
  sb_sbrp_verdict v;
  SBT_CHECK(accept(m, n, SB_SBRP_FROM_CLIENT, &v) == SB_SBRP_ACTION_PONG, "8 bytes ok");
  n = msg(m, SB_SBRP_PING, 9, 0);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_PING_TOO_LARGE, 0x0402, 0);
  n = msg(m, SB_SBRP_PONG, 100, 0);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_PING_TOO_LARGE, 0x0402, 0);
}

static void signal_from_the_daemon_is_consumed(void) {
  /* SBRP-RELAY-022 SBRP-SIG-006 SBRP-SIG-004 SBRP-SIG-001 */
  static const struct {
    uint8_t code, reason, want_reason;
    uint16_t notify;
  } s[] = {
      {0, 0, 0, SB_SBRP_CTRL_SESSION_RESUMED}, {1, 1, 1, SB_SBRP_CTRL_SESSION_EXPIRED},
      {1, 4, 4, SB_SBRP_CTRL_SESSION_EXPIRED}, {1, 5, 0, SB_SBRP_CTRL_SESSION_EXPIRED},
      {0, 0xff, 0, SB_SBRP_CTRL_SESSION_RESUMED}, {0, 2, 2, SB_SBRP_CTRL_SESSION_RESUMED},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(s); i++) {
    uint8_t m[15];
    msg(m, SB_SBRP_SIGNAL, 2, 0x0123456789abcdefULL);
    m[13] = s[i].code, m[14] = s[i].reason;
    sb_sbrp_verdict v;
    SBT_CHECK(accept(m, sizeof m, SB_SBRP_FROM_DAEMON, &v) == SB_SBRP_ACTION_CONSUME,
              "signal %u/%u consumed", s[i].code, s[i].reason);
    SBT_EQ_U64(v.signal.code, s[i].code);
    SBT_EQ_U64(v.signal.reason, s[i].want_reason);
    SBT_EQ_U64(v.notify_code, s[i].notify);
  }
}

static void bad_signals_are_malformed(void) {
  /* SBRP-WIRE-020 SBRP-SIG-001: size other than 2, or an unknown signal code
   * (sbrp.md O-1), is malformed_frame with SID 0. */
  uint8_t m[16];
  size_t n = msg(m, SB_SBRP_SIGNAL, 1, 3);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_PAYLOAD_SIZE, 0x0401, 0);
  n = msg(m, SB_SBRP_SIGNAL, 3, 3);
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_PAYLOAD_SIZE, 0x0401, 0);
  n = msg(m, SB_SBRP_SIGNAL, 2, 3);
  m[13] = 0x02, m[14] = 0x00;
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_SIGNAL_CODE, 0x0401, 0);
  m[13] = 0x09, m[14] = 0x09;
  EXPECT_REJECT(m, n, SB_SBRP_FROM_DAEMON, SB_ERR_SBRP_SIGNAL_CODE, 0x0401, 0);
  /* From a client the sender rule fires first, whatever the payload. */
  EXPECT_REJECT(m, n, SB_SBRP_FROM_CLIENT, SB_ERR_SBRP_DISALLOWED_SENDER, 0x0405, 3);
}

static void forwarded_payloads_are_opaque(void) {
  /* SBRP-WIRE-003 SBRP-RELAY-021 SBRP-CTRL-007: the relay forwards
   * Init/Accept/Data whatever their payload (the endpoint judges it); two
   * Data frames differing only in payload get the same verdict. */
  static uint8_t m[13 + 200];
  static const struct {
    uint8_t type;
    uint32_t len;
    sb_sbrp_sender from;
  } f[] = {
      {SB_SBRP_HANDSHAKE_INIT, 31, SB_SBRP_FROM_CLIENT},
      {SB_SBRP_HANDSHAKE_INIT, 0, SB_SBRP_FROM_CLIENT},
      {SB_SBRP_HANDSHAKE_ACCEPT, 96, SB_SBRP_FROM_DAEMON},
      {SB_SBRP_HANDSHAKE_ACCEPT, 129, SB_SBRP_FROM_DAEMON},
      {SB_SBRP_DATA, 27, SB_SBRP_FROM_CLIENT},
      {SB_SBRP_DATA, 0, SB_SBRP_FROM_DAEMON},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(f); i++) {
    size_t n = msg(m, f[i].type, f[i].len, 77);
    sb_sbrp_verdict v;
    SBT_CHECK(accept(m, n, f[i].from, &v) == SB_SBRP_ACTION_FORWARD, "type 0x%02x len %u forwarded",
              f[i].type, f[i].len);
  }
  size_t n = msg(m, SB_SBRP_DATA, 60, 77);
  sb_sbrp_verdict a, b;
  SBT_OK(sb_sbrp_relay_validate(m, n, SB_SBRP_FROM_DAEMON, &a));
  memset(m + 13, 0xc3, 60);
  SBT_OK(sb_sbrp_relay_validate(m, n, SB_SBRP_FROM_DAEMON, &b));
  SBT_CHECK(a.action == b.action && a.notify_code == b.notify_code && b.notify_code == 0,
            "same verdict");
}

static void reject_frame_is_the_bare_control_code(void) {
  /* SBRP-WIRE-024: no text, so no identifiers; SID per the verdict. */
  uint8_t m[32], out[32];
  size_t n = msg(m, SB_SBRP_CONTROL, 2, 0x0123456789abcdefULL), on;
  sb_sbrp_verdict v;
  SBT_ERR_EQ(sb_sbrp_relay_validate(m, n, SB_SBRP_FROM_CLIENT, &v), SB_ERR_SBRP_DISALLOWED_SENDER);
  SBT_OK(sb_sbrp_relay_reject_frame(&v, out, sizeof out, &on));
  SBT_HEX_EQ(out, on, "20000000020123456789abcdef0405");
  SBT_ERR_EQ(sb_sbrp_relay_validate(m, 12, SB_SBRP_FROM_CLIENT, &v), SB_ERR_SBRP_HEADER_SHORT);
  SBT_OK(sb_sbrp_relay_reject_frame(&v, out, sizeof out, &on));
  SBT_HEX_EQ(out, on, "200000000200000000000000000401");
  /* Only a rejection has a reject frame; bad arguments are refused. */
  const uint8_t ping[13] = {0x10};
  SBT_OK(sb_sbrp_relay_validate(ping, 13, SB_SBRP_FROM_CLIENT, &v));
  SBT_ERR_EQ(sb_sbrp_relay_reject_frame(&v, out, sizeof out, &on), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_relay_validate(NULL, 5, SB_SBRP_FROM_CLIENT, &v), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_relay_validate(ping, 13, (sb_sbrp_sender)7, &v), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbrp_relay_validate(ping, 13, SB_SBRP_FROM_CLIENT, NULL), SB_ERR_ARG);
}

SBT_SUITE(sbrp_validate, "sbrp/validate", SBT_CASE(every_type_from_each_sender),
          SBT_CASE(header_steps_report_sid_zero), SBT_CASE(order_size_before_type),
          SBT_CASE(order_size_before_session_id), SBT_CASE(order_session_id_before_sender),
          SBT_CASE(order_body_before_sender), SBT_CASE(disallowed_sender_carries_the_header_sid),
          SBT_CASE(ping_gets_a_pong_with_the_same_payload),
          SBT_CASE(ping_and_pong_over_8_bytes_are_rejected),
          SBT_CASE(signal_from_the_daemon_is_consumed), SBT_CASE(bad_signals_are_malformed),
          SBT_CASE(forwarded_payloads_are_opaque), SBT_CASE(reject_frame_is_the_bare_control_code))
