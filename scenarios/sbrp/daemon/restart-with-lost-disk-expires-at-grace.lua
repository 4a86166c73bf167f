-- A persisting daemon crashes and loses its disk too: after the restart it
-- knows no session at all, not even a SessionID, so it cannot send the
-- Signal(close, state_lost) that SBRP-RES-005 asks for. The relay's grace
-- timer is the safety net: the session sits Pending (the daemon is back, no
-- Signal comes) and expires exactly at the grace boundary.
scenario {
  name = "restart with a lost disk: no Signal possible, the session expires at grace",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-028" },
  rows = { "SBRP-SM-R-008", "SBRP-SM-R-014", "SBRP-SM-C-014" },
}
local d = require "daemon"

local world, relay, daemon, client = d.crashed_with_records()
local sid = client.session_id
local paused = expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = sid })
daemon:lose_disk()
expect.eq(daemon.disk, 0, "nothing stored")
daemon:restart()
expect.transition(relay, "Paused>Pending@SBRP-SM-R-008", { session = sid })
expect.eq(daemon.sessions, 0, "the daemon knows no session")
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "29s" })
expect.eq(client.state, "Pending", "the client waits")

local expired = expect.transition(relay, "Pending>Closed@SBRP-SM-R-014", { session = sid })
expect.eq(expired.t, paused.t + sim.duration("30s"), "expired at the grace boundary")
expect.frame(client, "received", { bytes = d.control_hex("session_expired", sid) })
expect.transition(client, "Pending>Reconnecting@SBRP-SM-C-014")
