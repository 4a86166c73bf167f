-- One frame failing two steps: an undefined type (0x7f, step 3) and
-- Length 65 537 (step 2). The documented order wins: payload_too_large,
-- not invalid_frame_type as upstream's readFrameHeader would report
-- (sbrp.md 10.2 note, I-4). SessionID 0, terminal.
scenario {
  name = "validation order: step 2 (Length) wins over step 3 (type)",
  requirements = { "SBRP-RELAY-010", "SBRP-WIRE-011", "SBRP-WIRE-012", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = 0x7f, sid = client, payload = string.rep("x", 65537) })
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_PAYLOAD_TOO_LARGE" })
expect.no_frame(client, "received", { control = "invalid_frame_type" }, { during = "1s" })
rl.expect_refused(relay, client, "payload_too_large", 0, 1008)

expect.control(daemon, "session_ended", { sid = sid })
