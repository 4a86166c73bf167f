-- Validation step 3: a type byte outside {01, 02, 03, 04, 10, 11, 20} is
-- invalid_frame_type (SessionID 0, terminal). The frame passes steps 1-2:
-- full header, Length 28 with a 28-byte body, the client's own SessionID.
scenario {
  name = "validation step 3: type 0x05 is invalid_frame_type",
  requirements = { "SBRP-RELAY-010", "SBRP-WIRE-012", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = 0x05, sid = client, payload = string.rep("\1", 28) })
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_FRAME_TYPE" })
rl.expect_refused(relay, client, "invalid_frame_type", 0, 1008)

expect.no_frame(daemon, "received", { type = 0x05 }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = sid })
