-- SBRP-SM-R-004: the first client of a daemon that waits alone
-- (DaemonOnly) is bound to it: DaemonOnly -> Paired with the client's sid,
-- and the handshake is forwarded both ways byte for byte.
scenario {
  name = "R-004: the first client pairs with the waiting daemon",
  requirements = { "SBRP-RELAY-004", "SBRP-RELAY-020", "AUTH-050" },
  rows = { "SBRP-SM-R-003", "SBRP-SM-R-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
expect.transition(relay, "None>DaemonOnly@SBRP-SM-R-003")

local client = world:client { daemon = daemon }
client:connect()
expect.transition(relay, "DaemonOnly>Paired@SBRP-SM-R-004", { session = client })
local init = expect.frame(client, "sent", { type = "HandshakeInit", sid = client })
expect.frame(relay, "sent", { bytes = sim.hex(init.bytes) })
expect.frame(daemon, "received", { bytes = sim.hex(init.bytes) })
local accept = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client })
expect.frame(client, "received", { bytes = sim.hex(accept.bytes) })
expect.state(client, "Active")
expect.eq(relay:session_state(client), "Paired", "the relay's state of the session")
