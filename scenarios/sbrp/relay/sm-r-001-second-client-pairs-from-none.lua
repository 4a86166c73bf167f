-- SBRP-SM-R-001: a client connects while its daemon is online and another
-- client already took the daemon's DaemonOnly record (R-004). Its session
-- goes None -> Paired, and its HandshakeInit reaches the daemon byte for
-- byte.
scenario {
  name = "R-001: a client of an online daemon pairs from None",
  requirements = { "SBRP-RELAY-004", "SBRP-RELAY-006", "SBRP-RELAY-020" },
  rows = { "SBRP-SM-R-001", "SBRP-SM-R-004" },
}

local rl = require "relay"
local world, relay, daemon, first = rl.paired()
expect.transition(relay, "DaemonOnly>Paired@SBRP-SM-R-004", { session = first })

local second = world:client { name = "second", daemon = daemon }
second:connect()
expect.link(relay, "upgrade", { code = 101 })
expect.transition(relay, "None>Paired@SBRP-SM-R-001", { session = second })
local init = expect.frame(second, "sent", { type = "HandshakeInit", sid = second })
expect.frame(daemon, "received", { bytes = sim.hex(init.bytes) })
expect.state(second, "Active")
expect.eq(relay:session_state(second), "Paired", "the relay's state of the second session")
expect.eq(relay:session_state(first), "Paired", "the first session is untouched")
