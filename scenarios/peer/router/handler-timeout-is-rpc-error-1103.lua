-- A handler that has not answered 30 s after it was called (the Router's
-- default rpcTimeoutMs) gets RpcError 1103 "Handler timeout" for its
-- request: a Message on rpc, request-scoped, never an ErrorFrame; the
-- connection goes on (RPC-ERR-003, SBP-ERR-010, RPC-TMO-001, RPC-TMO-002).
scenario {
  name = "router: a handler that never answers gets RpcError 1103 after 30 s",
  requirements = { "RPC-ERR-003", "SBP-ERR-010", "RPC-TMO-001", "RPC-TMO-002", "RPC-ERR-002" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "rpc", methods = { stuck = { hang = true }, ok = { result = 1 } } })

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("stuck", nil, { timeout = "60s" })
local h = expect.handled(bob, "rpc", { method = "stuck" })
local e = expect.sbp(bob:accepted(1), "sent", { type = "E", code = 1103 }, { timeout = "40s" })
expect.eq(e.t - h.t, 30000000, "exactly 30 s after the handler was called")
expect.note(bob, "handler_timeout", { err = "SB_ERR_ROUTER_HANDLER_TIMEOUT" })
expect.rpc(alice, c, { err = "rpc_error", wire = 1103, message = "Handler timeout" })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "0" })
local c2 = alice:call("ok")
expect.rpc(alice, c2, { result = 1 })
expect.peer_state(alice, "active")
