-- A broadcast handler that throws is logged and the remaining handlers
-- still run (RPC-RTR-003, EVT-DSP-007); the connection is not affected and
-- nothing is sent to the peer for it.
scenario {
  name = "router: a throwing event handler is logged, the next still runs",
  requirements = { "RPC-RTR-003", "EVT-DSP-007" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("event", { label = "broken", throws = "disk full" })
bob:route("event", { label = "audit" })
bob:route("rpc", { label = "rpc", result = "still here" })

alice:connect()
expect.peer_state(alice, "active")
alice:emit("file.saved")
expect.handled(bob, "broken")
expect.handler_done(bob, "broken", { threw = "disk full" })
expect.note(bob, "handler_error", { err = "SB_ERR_ROUTER_HANDLER_THREW", text = "disk full" })
expect.handled(bob, "audit")
expect.handler_done(bob, "audit", { threw = false })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "500ms" })
local c = alice:call("ping")
expect.rpc(alice, c, { result = "still here" })
