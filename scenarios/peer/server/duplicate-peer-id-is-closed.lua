-- A second connection whose Handshake carries a peerId already connected is
-- closed by the server with reason duplicate_peer_id; the first stays and
-- keeps its place in the connections map.
scenario {
  name = "server: a second connection with a connected peerId is closed",
  requirements = { "PEER-SRV-005", "PEER-SRV-004" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob" }
local a1 = world:peer { name = "a1", server = bob, peer_id = "same" }
local a2 = world:peer { name = "a2", server = bob, peer_id = "same" }
a1:connect()
expect.peer_state(a1, "active")
expect.peer_state(bob:accepted(1), "active")
a2:connect()
expect.note(bob, "duplicate_peer_id")
expect.transition(bob, "active>closed@PEER-SRV-001", { session = 2 })
expect.peer_state(a2, "closed")
expect.eq(bob.connections, 1, "one connection for peerId same")
expect.eq(bob:connection("same").index, 1, "the first one")
expect.eq(a1.state, "active", "the first stays")
