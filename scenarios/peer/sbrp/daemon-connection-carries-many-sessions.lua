-- Under SBP sits SBRP. A daemon's connection has no sid of its own: it
-- multiplexes every session the relay assigns it, so its Data frames carry
-- several SessionIDs on one connection and the relay accepts each one
-- (AUTH-051), while each client's frames must carry its token's sid
-- (AUTH-050). Here two peers talk to one daemon's peer server.
scenario {
  name = "sbrp: one daemon connection carries many SessionIDs",
  requirements = { "AUTH-051", "AUTH-050", "SBRP-RELAY-004" },
  rows = { "SBRP-SM-R-004", "SBRP-SM-R-001" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local c1 = world:client { name = "c1", daemon = daemon }
local c2 = world:client { name = "c2", daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }
local p1 = world:peer { name = "p1", via = c1 }
local p2 = world:peer { name = "p2", via = c2 }
bob:handle("who", { echo = true })

p1:connect()
p2:connect()
expect.peer_state(p1, "active")
expect.peer_state(p2, "active")
expect.truthy(c1.session_id ~= c2.session_id, "two sessions, two sids")
local a, b = p1:call("who", "one"), p2:call("who", "two")
expect.rpc(p1, a, { result = "one" })
expect.rpc(p2, b, { result = "two" })
local f1 = expect.frame(daemon, "sent", { type = "Data", sid = c1 })
local f2 = expect.frame(daemon, "sent", { type = "Data", sid = c2 })
expect.eq(f1.conn, f2.conn, "both SessionIDs on the daemon's one connection")
expect.no_note(relay, "frame_rejected", { during = "1s" })
