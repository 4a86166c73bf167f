-- A server enforces an idle timeout (SBP-BEH-005): a client that sends a
-- Message every 20 s keeps its connection under a 30 s timeout; once it
-- falls silent the server closes the connection 30 s after the last message
-- it received, and the peer sees its session end.
scenario {
  name = "receiver: the server closes a connection idle for its timeout",
  requirements = { "SBP-BEH-005" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, idle_timeout = "30s" }
local alice = world:peer { name = "alice", server = bob }
bob:route("event", { label = "ev" })

alice:connect()
expect.peer_state(alice, "active")
local last
for _ = 1, 3 do
  world:advance("20s")
  alice:emit("tick")
  last = expect.handled(bob, "ev")
end
local n = expect.note(bob, "idle_timeout", { err = "SB_ERR_ROUTER_IDLE", timeout = "40s" })
expect.eq(n.t - last.t, 30000000, "30 s after the last message")
expect.link(bob, "close", { code = 1000 })
expect.transition(alice, "active>closed")
