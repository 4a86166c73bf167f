-- SBRP-SM-R-013: the client goes away while its session is Pending (the
-- daemon is back but its Signal(ready) is still on the way, delayed 2 s by
-- the adversary). The daemon is connected, so the relay tells it at once
-- with session_ended (that sid); the late Signal(ready) resumes nothing
-- (it only draws session_ended again, errata E-SCEN-DAEMON-2).
scenario {
  name = "R-013: a client drop while Pending gives session_ended to the daemon",
  requirements = { "SBRP-RELAY-025", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-008", "SBRP-SM-R-013", "SBRP-SM-D-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
local sid = client.session_id
world:wire(daemon, relay):delay("2s", { type = "Signal" })

daemon:drop_connection()
expect.control(client, "session_paused")
daemon:reconnect()
expect.control(client, "session_pending")
client:drop_connection()
expect.transition(relay, "Pending>Closed@SBRP-SM-R-013", { session = sid })
expect.frame(daemon, "received", { bytes = rl.control_hex("session_ended", sid) })
expect.transition(daemon, "SBRP-SM-D-005", { session = sid })
expect.note(relay, "signal_stale", { timeout = "3s" })
expect.no_frame(relay, "sent", { control = "session_resumed" }, { during = "1s" })
