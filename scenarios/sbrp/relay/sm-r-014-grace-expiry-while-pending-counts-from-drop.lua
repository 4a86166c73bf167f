-- SBRP-SM-R-014 / SBRP-RES-003: the daemon comes back 3 s after its drop
-- but never sends Signal(ready) (dropped by the adversary). The grace
-- period (5 s) keeps running from the drop, so the Pending session expires
-- 5 s after the drop -- not 5 s after the reconnect.
scenario {
  name = "R-014: grace expires while Pending, counted from the daemon's drop",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-028", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-008", "SBRP-SM-R-014" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { relay = { grace = "5s" },
                                                 daemon = { resumable = true, auto_reconnect = false } }
world:wire(daemon, relay):drop { type = "Signal", count = "all" }

daemon:drop_connection()
local paused = expect.transition(relay, "SBRP-SM-R-005", { session = client })
world:advance("3s")
daemon:reconnect()
expect.control(client, "session_pending")
local expired = expect.transition(relay, "Pending>Closed@SBRP-SM-R-014", { session = client })
expect.eq(expired.t - paused.t, sim.duration("5s"), "expired one grace period after the drop")
rl.expect_refused(relay, client, "session_expired", client, 1000)
