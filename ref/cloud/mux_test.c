#include "cloud/mux.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "test/sbt.h"

static uint8_t g_buf[128];

static size_t frame(uint8_t type, uint64_t sid, const uint8_t *payload, size_t n) {
  size_t len = 0;
  SBT_OK(sb_sbrp_frame_encode(type, sid, payload, n, g_buf, sizeof g_buf, &len));
  return len;
}

static size_t control(uint16_t code, uint64_t sid) {
  size_t len = 0;
  SBT_OK(sb_sbrp_control_build(code, sid, NULL, 0, g_buf, sizeof g_buf, &len));
  return len;
}

/* Sessions 7 and 8 exist. */
static bool known(void *ctx, uint64_t sid) {
  (void)ctx;
  return sid == 7 || sid == 8;
}

static sb_cloud_mux_action route(sb_cloud_mux *m, size_t len, sb_sbrp_frame *f) {
  return sb_cloud_mux_route(m, g_buf, len, known, NULL, f);
}

static void mux_answers_pings_and_ignores_pongs(void) {
  /* CLOUD-081: Pong with the same payload. */
  sb_cloud_mux m;
  sb_cloud_mux_init(&m);
  sb_sbrp_frame f;
  const uint8_t payload[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  SBT_CHECK(route(&m, frame(SB_SBRP_PING, 0, payload, 8), &f) == SB_CLOUD_MUX_PONG, "ping");
  SBT_CHECK(f.payload_len == 8 && memcmp(f.payload, payload, 8) == 0, "the payload to echo");
  SBT_CHECK(route(&m, frame(SB_SBRP_PONG, 0, NULL, 0), &f) == SB_CLOUD_MUX_IGNORE, "pong");
}

static void mux_connection_controls_kick_except_rate_limited(void) {
  /* CLOUD-082: SID-0 rate_limited continues; every other SID-0 code (or an
   * undecodable Control) ends all sessions and reconnects. */
  sb_cloud_mux m;
  sb_cloud_mux_init(&m);
  SBT_CHECK(route(&m, control(SB_SBRP_CTRL_RATE_LIMITED, 0), NULL) == SB_CLOUD_MUX_RATE_LIMITED,
            "rate_limited");
  const uint16_t kicks[] = {SB_SBRP_CTRL_UNAUTHORIZED, SB_SBRP_CTRL_FORBIDDEN,
                            SB_SBRP_CTRL_INTERNAL_ERROR, SB_SBRP_CTRL_BACKPRESSURE,
                            SB_SBRP_CTRL_MALFORMED_FRAME};
  for (size_t i = 0; i < SB_ARRAY_LEN(kicks); i++)
    SBT_CHECK(route(&m, control(kicks[i], 0), NULL) == SB_CLOUD_MUX_KICK, "0x%04x kicks", kicks[i]);
  const uint8_t unknown[2] = {0x0A, 0x01};
  SBT_CHECK(route(&m, frame(SB_SBRP_CONTROL, 0, unknown, 2), NULL) == SB_CLOUD_MUX_KICK,
            "unknown code kicks");
  const uint8_t short_payload[1] = {0x09};
  SBT_CHECK(route(&m, frame(SB_SBRP_CONTROL, 0, short_payload, 1), NULL) == SB_CLOUD_MUX_KICK,
            "undecodable Control kicks");
}

static void mux_routes_frames_by_session_id(void) {
  /* CLOUD-083 (HandshakeInit opens a session, others for unknown IDs are
   * dropped), CLOUD-084 (known IDs, session Controls included, delivered). */
  sb_cloud_mux m;
  sb_cloud_mux_init(&m);
  uint8_t init[32] = {9};
  sb_sbrp_frame f;
  SBT_CHECK(route(&m, frame(SB_SBRP_HANDSHAKE_INIT, 42, init, 32), &f) == SB_CLOUD_MUX_NEW_SESSION,
            "new session");
  SBT_EQ_U64(f.hdr.session_id, 42);
  uint8_t data[28] = {0};
  SBT_CHECK(route(&m, frame(SB_SBRP_DATA, 42, data, 28), NULL) == SB_CLOUD_MUX_DROP, "data for nobody");
  SBT_CHECK(route(&m, control(SB_SBRP_CTRL_SESSION_ENDED, 42), NULL) == SB_CLOUD_MUX_DROP,
            "control for nobody");
  SBT_CHECK(route(&m, frame(SB_SBRP_DATA, 7, data, 28), &f) == SB_CLOUD_MUX_DELIVER, "data for 7");
  SBT_EQ_U64(f.hdr.session_id, 7);
  SBT_CHECK(route(&m, control(SB_SBRP_CTRL_SESSION_ENDED, 8), NULL) == SB_CLOUD_MUX_DELIVER,
            "session_ended for 8");
  SBT_CHECK(route(&m, frame(SB_SBRP_HANDSHAKE_INIT, 7, init, 32), NULL) == SB_CLOUD_MUX_DELIVER,
            "a second HandshakeInit goes to the existing session");
  SBT_CHECK(sb_cloud_mux_route(&m, g_buf, frame(SB_SBRP_DATA, 7, data, 28), NULL, NULL, NULL) ==
                SB_CLOUD_MUX_DROP,
            "no session table: nothing is known");
}

static void mux_trips_after_ten_consecutive_decode_errors(void) {
  /* CLOUD-080: log each, force a reconnect at 10 in a row, reset on success. */
  sb_cloud_mux m;
  sb_cloud_mux_init(&m);
  const uint8_t junk[5] = {0x10, 0, 0, 0, 0};
  for (int i = 1; i <= 9; i++)
    SBT_CHECK(sb_cloud_mux_route(&m, junk, sizeof junk, known, NULL, NULL) == SB_CLOUD_MUX_DECODE_ERROR,
              "error %d logged", i);
  SBT_CHECK(route(&m, frame(SB_SBRP_PONG, 0, NULL, 0), NULL) == SB_CLOUD_MUX_IGNORE, "a good frame");
  for (int i = 1; i <= 9; i++)
    SBT_CHECK(sb_cloud_mux_route(&m, junk, sizeof junk, known, NULL, NULL) == SB_CLOUD_MUX_DECODE_ERROR,
              "count restarted: error %d", i);
  SBT_CHECK(sb_cloud_mux_route(&m, junk, sizeof junk, known, NULL, NULL) == SB_CLOUD_MUX_BREAKER,
            "the tenth in a row reconnects");
  /* trailing bytes and unknown types are decode errors too */
  sb_cloud_mux_init(&m);
  size_t len = frame(SB_SBRP_PONG, 0, NULL, 0);
  g_buf[len] = 0;
  SBT_CHECK(route(&m, len + 1, NULL) == SB_CLOUD_MUX_DECODE_ERROR, "trailing byte");
  g_buf[0] = 0x33;
  SBT_CHECK(route(&m, len, NULL) == SB_CLOUD_MUX_DECODE_ERROR, "unknown type");
  SBT_EQ_U64(m.decode_errors, 2);
}

static void mux_terminates_a_session_at_1024_waiting_frames(void) {
  /* CLOUD-085 */
  SBT_CHECK(sb_cloud_mux_backlog_admits(0), "empty");
  SBT_CHECK(sb_cloud_mux_backlog_admits(1023), "1023 waiting: one more fits");
  SBT_CHECK(!sb_cloud_mux_backlog_admits(1024), "1024 waiting: slow consumer");
  SBT_STR_EQ(sb_cloud_mux_action_name(SB_CLOUD_MUX_DELIVER), "deliver");
  SBT_STR_EQ(sb_cloud_mux_action_name(SB_CLOUD_MUX_NEW_SESSION), "new_session");
  SBT_STR_EQ(sb_cloud_mux_action_name(SB_CLOUD_MUX_BREAKER), "breaker");
  SBT_CHECK(sb_cloud_mux_action_name((sb_cloud_mux_action)99) == NULL, "unknown");
}

SBT_SUITE(cloud_mux, "cloud/mux", SBT_CASE(mux_answers_pings_and_ignores_pongs),
          SBT_CASE(mux_connection_controls_kick_except_rate_limited),
          SBT_CASE(mux_routes_frames_by_session_id),
          SBT_CASE(mux_trips_after_ten_consecutive_decode_errors),
          SBT_CASE(mux_terminates_a_session_at_1024_waiting_frames))
