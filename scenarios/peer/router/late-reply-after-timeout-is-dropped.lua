-- A request is answered once: when the handler timeout has answered it
-- with RpcError 1103, the reply the handler makes later is refused by the
-- router and never sent (RPC-ERR-006, RPC-ERR-003).
scenario {
  name = "router: a reply after the 1103 is dropped",
  requirements = { "RPC-ERR-006", "RPC-ERR-003" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, rpc_timeout = "1s" }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "rpc", delay = "3s", result = "too late" })

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("slow", nil, { timeout = "10s" })
expect.rpc(alice, c, { err = "rpc_error", wire = 1103 })
expect.handler_done(bob, "rpc", { threw = false, timeout = "5s" })
expect.note(bob, "late_reply_dropped", { err = "SB_ERR_STATE" })
expect.sbp(bob:accepted(1), "sent", { type = "E" })
expect.no_sbp(bob:accepted(1), "sent", { type = "R" }, { during = "2s" })
