-- One frame failing two steps: a Signal from a client (disallowed sender,
-- step 5) with SessionID 0 (step 4). Step 4 comes first: the relay answers
-- invalid_session_id with SessionID 0, never disallowed_sender, which may
-- only be reported once step 4 passed (SBRP-RELAY-011).
scenario {
  name = "validation order: step 4 (SessionID) wins over step 5 (sender)",
  requirements = { "SBRP-RELAY-010", "SBRP-RELAY-011", "SBRP-WIRE-013", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

client:send_raw(sim.frame { type = "Signal", sid = 0, signal = "ready" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_SID_ZERO" })
expect.no_frame(client, "received", { control = "disallowed_sender" }, { during = "1s" })
rl.expect_refused(relay, client, "invalid_session_id", 0, 1008)

expect.control(daemon, "session_ended", { sid = sid })
