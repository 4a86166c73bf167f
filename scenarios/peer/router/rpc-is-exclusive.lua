-- The rpc channel is exclusive: a request goes to the first matching route
-- only and is answered once; a second route on rpc never sees it
-- (RPC-RTR-002, RPC-ERR-006). A broadcast override on rpc is refused, since
-- every handler would answer (errata E-SCEN-ROUTER-1).
scenario {
  name = "router: rpc goes to the first route only",
  requirements = { "RPC-RTR-002", "RPC-ERR-006" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "first", result = "from first" })
bob:route("rpc", { label = "second", result = "from second" })
local ok, err = bob:route("rpc", { label = "all" }, { mode = "broadcast" })
expect.eq(err, "SB_ERR_ARG", "rpc cannot be broadcast")

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("whoami")
expect.rpc(alice, c, { result = "from first" })
expect.handled(bob, "first", { method = "whoami" })
expect.no_handled(bob, "second", { during = "1s" })
expect.sbp(bob:accepted(1), "sent", { type = "R" })
expect.no_sbp(bob:accepted(1), "sent", { type = "R" }, { during = "1s" })
