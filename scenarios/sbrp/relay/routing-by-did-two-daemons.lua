-- AUTH-023 / SBRP-RELAY-002: one relay endpoint, two daemons (d_one,
-- d_two). Every client connects to the same place; the relay routes by the
-- `did` of the validated token only. Each client's handshake and Data
-- reach its own daemon and never the other.
scenario {
  name = "routing by did: two daemons behind one relay endpoint",
  requirements = { "AUTH-023", "SBRP-RELAY-002", "SBRP-RELAY-004", "AUTH-045" },
  rows = { "SBRP-SM-R-003", "SBRP-SM-R-004" },
}

local world = sim.world {}
local relay = world:relay {}
local one   = world:daemon { name = "one", id = "d_one" }
local two   = world:daemon { name = "two", id = "d_two" }
local c1    = world:client { name = "c1", daemon = "d_one" }
local c2    = world:client { name = "c2", daemon = "d_two" }
c1:connect(); expect.state(c1, "Active")
c2:connect(); expect.state(c2, "Active")

expect.frame(one, "received", { type = "HandshakeInit", sid = c1 })
expect.frame(two, "received", { type = "HandshakeInit", sid = c2 })
expect.no_frame(one, "received", { sid = c2 }, { during = "1s" })
expect.no_frame(two, "received", { sid = c1 }, { during = "0" })

c1:send("to one")
c2:send("to two")
expect.delivered(one, "to one", { session = c1 })
expect.delivered(two, "to two", { session = c2 })
expect.no_delivery(one, { session = c2, during = "1s" })
expect.no_delivery(two, { session = c1, during = "0" })
two:send(c2, "from two")
expect.delivered(c2, "from two")
expect.no_delivery(c1, { during = "1s" })
