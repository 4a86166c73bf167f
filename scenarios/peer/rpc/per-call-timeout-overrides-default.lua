-- A per-call timeout (250 ms) overrides the 10 s default for that call only;
-- another call made at the same time keeps the default.
scenario {
  name = "RPC: a per-call timeout overrides the default",
  requirements = { "RPC-SDK-002", "RPC-TMO-002" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("never", { defer = true })
P.connect(alice)

local short = alice:call("never", nil, { timeout = "250ms" })
local long = alice:call("never")
expect.rpc(alice, short, { err = "rpc_timeout", elapsed = "250ms", message = "250ms" })
expect.no_rpc(alice, long, { during = "9s" })
expect.rpc(alice, long, { err = "rpc_timeout", elapsed = "10s" })
