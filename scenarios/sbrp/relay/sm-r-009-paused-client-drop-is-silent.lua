-- SBRP-SM-R-009: a client drops while its session is Paused (its daemon is
-- away). The relay tears the session down without telling anyone: no
-- Control at all while the daemon is away, and no session_pending when it
-- returns. The daemon's Signal(ready) for the dead session then draws
-- session_ended (errata E-SCEN-DAEMON-2), so the daemon drops it too.
scenario {
  name = "R-009: a paused client drops: torn down without notification",
  requirements = { "SBRP-RELAY-025" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-009", "SBRP-SM-D-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, auto_reconnect = false } }
local sid = client.session_id

daemon:drop_connection()
expect.control(client, "session_paused")
expect.frame(relay, "sent", { control = "session_paused" })
client:drop_connection()
expect.transition(relay, "Paused>Closed@SBRP-SM-R-009", { session = sid })
expect.no_frame(relay, "sent", { type = "Control" }, { during = "1s" })
expect.eq(relay:session_state(sid), "Closed", "the session is gone at the relay")

daemon:reconnect()
expect.state(daemon, "Connected")
expect.frame(relay, "received", { type = "Signal", signal = "ready", sid = sid })
expect.no_frame(relay, "sent", { control = "session_pending" }, { during = "1s" })
expect.note(relay, "signal_stale")
expect.frame(daemon, "received", { bytes = rl.control_hex("session_ended", sid) })
expect.transition(daemon, "SBRP-SM-D-005", { session = sid })
expect.eq(relay:session_state(sid), "Closed", "the session stays closed")
