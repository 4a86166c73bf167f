-- Validation step 4, connection-scoped half: a Ping must carry SessionID 0;
-- a Ping carrying the client's own SessionID is invalid_session_id (SID 0,
-- terminal) and is not answered with a Pong.
scenario {
  name = "validation step 4: a Ping with a SessionID is invalid_session_id",
  requirements = { "SBRP-RELAY-010", "SBRP-WIRE-014", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = "Ping", sid = client, hex = "0102030405060708" })
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_SID_NONZERO" })
expect.no_frame(relay, "sent", { type = "Pong" }, { during = "1s" })
rl.expect_refused(relay, client, "invalid_session_id", 0, 1008)

expect.no_frame(daemon, "received", { type = "Ping" }, { during = "0" })
expect.control(daemon, "session_ended", { sid = sid })
