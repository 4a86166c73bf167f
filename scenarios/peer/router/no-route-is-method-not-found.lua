-- With no route on rpc, a request is answered by the Router itself with
-- RpcError{1101, "Method not found"} (its message names no method, unlike
-- the Peer SDK's): request-scoped, the connection stays (RPC-ERR-004).
scenario {
  name = "router: no rpc route answers 1101 Method not found",
  requirements = { "RPC-ERR-004", "RPC-ERR-002" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("event", { label = "events" })

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("anything")
expect.rpc(alice, c, { err = "rpc_error", wire = 1101 })
local e = expect.sbp(bob:accepted(1), "sent", { type = "E", code = 1101 })
expect.truthy(e.data:find('"message":"Method not found"}', 1, true), "the Router's exact message")
alice:emit("still.open")
expect.handled(bob, "events")
