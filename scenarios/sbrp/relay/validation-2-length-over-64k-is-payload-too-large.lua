-- Validation step 2: a header announcing more than 65 536 payload bytes is
-- payload_too_large (SessionID 0, terminal), even though the frame is
-- otherwise well formed: a known type (Data), the client's own SessionID,
-- and a body of exactly Length bytes.
scenario {
  name = "validation step 2: Length 65537 is payload_too_large",
  requirements = { "SBRP-RELAY-010", "SBRP-WIRE-011", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = "Data", sid = client, payload = string.rep("x", 65537) })
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_PAYLOAD_TOO_LARGE" })
rl.expect_refused(relay, client, "payload_too_large", 0, 1008)

expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = sid })
