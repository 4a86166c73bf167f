-- Inside SBRP the client's connection drops; the relay tells the daemon
-- session_ended for that session. The accepted peer serving it calls
-- disconnect(): it closes for good (accepted peers never reconnect), and it
-- never emitted `connected` (it was created active).
scenario {
  name = "server: an accepted peer disconnects on session_ended",
  requirements = { "PEER-SRV-003", "PEER-SRV-001", "PEER-SRV-006" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-D-005" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world)
P.connect(alice, bob)
local acc = bob:accepted(1)

client:drop_connection()
expect.control(daemon, "session_ended")
expect.transition(bob, "active>closed@PEER-SRV-003")
expect.peer_state(acc, "closed")
expect.lifecycle(acc, { "stateChange:closed", "disconnected" })
expect.eq(bob.connections, 0, "gone from the map")
