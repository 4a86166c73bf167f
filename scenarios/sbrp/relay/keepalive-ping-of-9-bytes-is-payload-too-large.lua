-- SBRP-KA-002: Ping payloads over 8 bytes are refused. The code is not
-- specified (sbrp.md O-8); the reference uses payload_too_large, SessionID
-- 0, terminal (errata E-SBRP-WIRE-4). No Pong is sent and the Ping is not
-- forwarded; the daemon learns the session ended.
scenario {
  name = "keepalive: a 9-byte Ping is refused with payload_too_large",
  requirements = { "SBRP-KA-002", "SBRP-WIRE-022", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

client:ping("010203040506070809")
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_PING_TOO_LARGE" })
expect.no_frame(relay, "sent", { type = "Pong" }, { during = "1s" })
rl.expect_refused(relay, client, "payload_too_large", 0, 1008)
expect.no_frame(daemon, "received", { type = "Ping" }, { during = "0" })
expect.control(daemon, "session_ended", { sid = client })
