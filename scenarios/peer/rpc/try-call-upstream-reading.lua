-- The upstream code (rpc.ts) reports reconnected = false on every failure,
-- unlike the documents; with upstream_try_call the simulator reproduces it,
-- while a success started before active still says true.
scenario {
  name = "RPC: tryCall with the upstream reading of reconnected",
  requirements = { "RPC-SDK-012" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause", upstream_try_call = true })
bob:handle("ping", { result = "pong" })

local ok_early = alice:try_call("ping")
local fail_early = alice:try_call("missing")
P.connect(alice)
expect.rpc(alice, ok_early, { try_ok = true, reconnected = true })
expect.rpc(alice, fail_early, { try_ok = false, reconnected = false })
