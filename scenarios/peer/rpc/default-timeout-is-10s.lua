-- A handler that never answers: the caller's promise rejects rpc_timeout
-- after exactly the default 10 s, counted from the send. The callee sends
-- nothing for it (the Peer SDK has no handler timeout, so no RpcError and no
-- ErrorFrame), and the connection stays up.
scenario {
  name = "RPC: silence rejects rpc_timeout after the default 10 s",
  requirements = { "RPC-SDK-002", "RPC-TMO-002", "RPC-ERR-006", "RPC-ERR-007", "RPC-SDK-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("never", { defer = true })
P.connect(alice)

local c = alice:call("never", { x = 1 })
local sent = expect.sbp(alice, "sent", { type = "r", m = "never" })
local r = expect.rpc(alice, c, { err = "rpc_timeout", message = "10000ms", timeout = "11s" })
expect.eq(r.t - sent.t, sim.duration("10s"), "rejected 10 s after the request went out")
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "5s" })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "0" })
expect.eq(alice.state, "active", "a timeout is local to the call")
