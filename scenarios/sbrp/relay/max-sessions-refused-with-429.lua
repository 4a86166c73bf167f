-- The per-daemon session cap (SBRP-RELAY-042; AO-7, errata E-SM-RELAY-1):
-- with max_sessions = 2, a third client of the same daemon is refused at
-- the upgrade with HTTP 429 and never reaches the daemon. The cap counts
-- live sessions: once one client closes, a new client is admitted.
scenario {
  name = "max_sessions: the client over the cap gets HTTP 429",
  requirements = { "SBRP-RELAY-042", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-R-001" },
}

local world  = sim.world {}
local relay  = world:relay { max_sessions = 2 }
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon }
local b = world:client { name = "b", daemon = daemon }
a:connect(); expect.state(a, "Active")
b:connect(); expect.state(b, "Active")

local c = world:client { name = "c", daemon = daemon, auto_reconnect = false }
c:connect()
expect.link(c, "refused", { code = 429 })
expect.transition(c, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(daemon, "received", { type = "HandshakeInit", sid = c }, { during = "1s" })
expect.eq(relay:session_state(c), "None", "no session was created")

a:close()
expect.control(daemon, "session_ended", { sid = a })
local d = world:client { name = "d", daemon = daemon }
d:connect()
expect.state(d, "Active")
expect.transition(relay, "None>Paired@SBRP-SM-R-001", { session = d })
