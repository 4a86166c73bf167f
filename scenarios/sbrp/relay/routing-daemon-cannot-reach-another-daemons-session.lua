-- Routing isolation (SBRP-RELAY-004, AUTH-045): daemon d_two sends a Data
-- frame with the SessionID of a session that belongs to d_one. For d_two
-- that session does not exist: session_not_found with that SessionID (SID
-- column S), terminal for d_two's connection (errata E-SM-RELAY-5). The
-- client of d_one never sees the frame and keeps working.
scenario {
  name = "routing: a daemon cannot reach another daemon's session",
  requirements = { "SBRP-RELAY-004", "AUTH-045", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world = sim.world {}
local relay = world:relay {}
local one   = world:daemon { name = "one", id = "d_one" }
local two   = world:daemon { name = "two", id = "d_two", auto_reconnect = false }
local c1    = world:client { name = "c1", daemon = one }
c1:connect(); expect.state(c1, "Active")

two:send_raw(sim.frame { type = "Data", sid = c1, payload = string.rep("\0", 40) })
expect.note(relay, "frame_rejected", { text = "Data for an unknown session" })
rl.expect_refused(relay, two, "session_not_found", c1, 1000)
expect.no_frame(c1, "received", { type = "Data" }, { during = "1s" })

c1:send("still routed")
expect.delivered(one, "still routed", { session = c1 })
one:send(c1, "back")
expect.delivered(c1, "back")
