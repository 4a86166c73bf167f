-- The handler timeout is configurable per method (RPC-TMO-001): with
-- method_timeouts = { quick = "2s" } a stuck "quick" handler is answered
-- with RpcError 1103 after 2 s, while "report", which takes 5 s, is still
-- under the 30 s default and answers normally.
scenario {
  name = "router: a method's own handler timeout",
  requirements = { "RPC-TMO-001", "RPC-ERR-003" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, method_timeouts = { quick = "2s" } }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "rpc", methods = { quick = { hang = true },
                                              report = { delay = "5s", result = "done" } } })

alice:connect()
expect.peer_state(alice, "active")
local q = alice:call("quick", nil, { timeout = "20s" })
local r = alice:call("report", nil, { timeout = "20s" })
local qr = expect.rpc(alice, q, { err = "rpc_error", wire = 1103 })
expect.eq(qr.elapsed, 2010000, "2 s plus one latency each way")
local rr = expect.rpc(alice, r, { result = "done" })
expect.eq(rr.elapsed, 5010000, "the 5 s handler is within the default")
