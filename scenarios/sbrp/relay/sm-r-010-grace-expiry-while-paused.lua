-- SBRP-SM-R-010 / SBRP-RELAY-028: the daemon stays away. Exactly one grace
-- period (5 s here) after its drop, the relay sends session_expired with
-- the client's sid and closes the client (terminal, 1000) -- not earlier.
scenario {
  name = "R-010: grace expires while Paused: session_expired, client closed",
  requirements = { "SBRP-RELAY-028", "SBRP-RES-003", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-010" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { relay = { grace = "5s" },
                                                 daemon = { resumable = true, auto_reconnect = false } }

daemon:drop_connection()
local paused = expect.transition(relay, "SBRP-SM-R-005", { session = client })
expect.no_frame(client, "received", { control = "session_expired" }, { during = "4.9s" })
local expired = expect.transition(relay, "Paused>Closed@SBRP-SM-R-010", { session = client })
expect.eq(expired.t - paused.t, sim.duration("5s"), "expired one grace period after the drop")
rl.expect_refused(relay, client, "session_expired", client, 1000)
