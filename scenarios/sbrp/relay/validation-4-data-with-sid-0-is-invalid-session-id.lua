-- Validation step 4, session-bound half: a Data frame (0x03) with
-- SessionID 0 is invalid_session_id, reported with SessionID 0, terminal.
-- The frame passes steps 1-3 (full header, Length 28 = body, known type).
scenario {
  name = "validation step 4: Data with SessionID 0 is invalid_session_id",
  requirements = { "SBRP-RELAY-010", "SBRP-WIRE-013", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = "Data", sid = 0, payload = string.rep("\0", 28) })
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_SID_ZERO" })
rl.expect_refused(relay, client, "invalid_session_id", 0, 1008)

expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = sid })
