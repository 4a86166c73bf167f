-- A daemon may not send Control (SBRP-CTRL-001, SBRP-RELAY-023): a
-- session_expired it forges for its client is refused with
-- disallowed_sender (the header's SessionID) and closes the daemon's
-- connection; the client never sees the forged code, only session_paused.
scenario {
  name = "disallowed sender: a daemon sends Control",
  requirements = { "SBRP-CTRL-001", "SBRP-RELAY-023", "SBRP-RELAY-011", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { auto_reconnect = false } }

daemon:send_raw(sim.frame { type = "Control", sid = client, control = "session_expired" })
expect.no_frame(client, "received", { control = "session_expired" }, { during = "1s" })
rl.expect_refused(relay, daemon, "disallowed_sender", client, 1008)
expect.control(client, "session_paused", { sid = client })
expect.state(client, "Paused")
