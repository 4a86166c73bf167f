-- An rpc handler that throws before replying is answered through the error
-- mapper: by default RpcError{2000, the error's message} (RPC-ERR-005); a
-- handler's own rpc.error keeps its code. Neither closes the connection.
scenario {
  name = "router: a thrown handler error becomes RpcError 2000",
  requirements = { "RPC-ERR-005", "RPC-ERR-002" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "rpc", methods = {
  crash = { throws = "database is locked" },
  refuse = { rpc_error = { code = 2042, message = "quota", data = { left = 0 } } },
} })

alice:connect()
expect.peer_state(alice, "active")
local a = alice:call("crash")
expect.rpc(alice, a, { err = "rpc_error", wire = 2000, message = "database is locked" })
local b = alice:call("refuse")
expect.rpc(alice, b, { err = "rpc_error", wire = 2042, message = "quota", data = { left = 0 } })
expect.peer_state(alice, "active")
