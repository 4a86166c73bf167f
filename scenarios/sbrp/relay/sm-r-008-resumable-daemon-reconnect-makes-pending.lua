-- SBRP-SM-R-008 / SBRP-RELAY-026: a resumable daemon reconnects within
-- grace. Its Paused session becomes Pending and the client gets
-- session_pending (not terminal); session_resumed waits for the daemon's
-- Signal(ready), held back here for 2 s by the adversary.
scenario {
  name = "R-008: a resumable daemon back within grace makes the session Pending",
  requirements = { "SBRP-RELAY-026", "SBRP-RES-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-008" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
world:wire(daemon, relay):delay("2s", { type = "Signal" })

daemon:drop_connection()
expect.control(client, "session_paused")
world:advance("5s")
daemon:reconnect()
expect.transition(relay, "Paused>Pending@SBRP-SM-R-008", { session = client })
expect.frame(client, "received", { bytes = rl.control_hex("session_pending", client) })
expect.no_frame(client, "received", { control = "session_resumed" }, { during = "1.5s" })
expect.eq(relay:session_state(client), "Pending", "still Pending without the Signal")
expect.control(client, "session_resumed", { timeout = "1s" })
