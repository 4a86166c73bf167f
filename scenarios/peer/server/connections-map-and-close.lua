-- A peer server keeps its accepted peers by remote peerId (its connections
-- map). close() is a hard, idempotent shutdown: it stops accepting, then
-- disconnects every accepted peer; a new connection is refused.
scenario {
  name = "server: connections keyed by peerId; close() ends them all",
  requirements = { "PEER-SRV-004", "PEER-SRV-001", "PEER-SRV-002" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob" }
local alice = world:peer { name = "alice", server = bob }
local carol = world:peer { name = "carol", server = bob }
alice:connect()
carol:connect()
expect.peer_state(alice, "active")
expect.peer_state(carol, "active")
expect.peer_state(bob:accepted(2), "active")
expect.eq(bob.connections, 2, "two connections")
expect.eq(bob:connection("carol").remote_id, "carol", "found by peerId")
expect.eq(bob:connection("dave"), nil, "no such peer")

expect.eq(bob:close(), true, "close()")
expect.transition(bob, "active>closed@PEER-SRV-002")
expect.transition(bob, "active>closed@PEER-SRV-002")
expect.peer_state(alice, "closed")
expect.peer_state(carol, "closed")
expect.eq(bob.connections, 0, "none left")
expect.eq(bob:close(), true, "close() again is a no-op")
local dave = world:peer { name = "dave", server = bob }
dave:connect()
expect.link(dave, "refused", { code = 503 })
expect.peer_state(dave, "closed")
