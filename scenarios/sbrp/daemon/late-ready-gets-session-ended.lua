-- A daemon whose own grace period is longer than the relay's comes back after
-- the relay has already expired the session. It still holds the state, so it
-- sends Signal(ready); the relay no longer knows the session and answers with
-- the non-terminal session_ended for that SessionID (E-SCEN-DAEMON-2), so the
-- daemon drops it at once (D-005) instead of learning later through the
-- terminal session_not_found, which would close its whole connection.
scenario {
  name = "a late Signal(ready) for an expired session gets session_ended",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-022", "SBRP-RELAY-028", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-010", "SBRP-SM-D-007", "SBRP-SM-D-009", "SBRP-SM-D-005" },
}
local d = require "daemon"

local world  = sim.world { latency = "5ms" }
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false, grace = "60s" }
local client = world:client { daemon = daemon, auto_reconnect = false }
local sid = d.active(client)

daemon:drop_connection()
expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = sid })
expect.transition(relay, "Paused>Closed@SBRP-SM-R-010", { session = sid, timeout = "31s" })
expect.frame(client, "received", { bytes = d.control_hex("session_expired", sid) })

world:advance("10s")                      -- 40 s after the drop: inside the daemon's 60 s only
daemon:reconnect()
expect.transition(daemon, "SBRP-SM-D-009", { session = sid })
expect.frame(daemon, "sent", { bytes = d.signal_hex("ready", "none", sid) })
expect.frame(relay, "sent", { bytes = d.control_hex("session_ended", sid) })
expect.frame(daemon, "received", { bytes = d.control_hex("session_ended", sid) })
expect.transition(daemon, "SBRP-SM-D-005", { session = sid })
expect.eq(daemon.sessions, 0, "the daemon dropped the stale session")
expect.no_frame(relay, "sent", { type = "Control", control = "session_not_found" }, { during = "1s" })

-- The daemon's connection survived (session_ended is not terminal): a new
-- client pairs with it over the same connection and traffic flows.
local link = daemon.link
local client2 = world:client { daemon = daemon, auto_reconnect = false }
client2:connect()
expect.state(client2, "Active")
client2:send("still here")
expect.delivered(daemon, "still here", { session = client2 })
expect.eq(daemon.link, link, "the same relay connection")
