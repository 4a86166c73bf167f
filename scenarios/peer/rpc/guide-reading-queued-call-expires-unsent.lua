-- docs/guide/rpc.md reads timeouts as wall-clock: a buffered call can time
-- out before it is ever sent. With guide_queued_timeouts a call buffered
-- before connect() with a 500 ms timeout rejects rpc_timeout at 500 ms and
-- is never sent (the default follows the code: the timer starts at send).
scenario {
  name = "RPC: the guide's reading lets a buffered call expire unsent",
  requirements = { "RPC-SDK-011" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause", guide_queued_timeouts = true })
bob:handle("work", { result = "done" })

local c = alice:call("work", nil, { timeout = "500ms" })
world:advance("1s")
expect.rpc(alice, c, { err = "rpc_timeout", elapsed = "500ms" })
P.connect(alice)
local d = alice:call("work")
expect.rpc(alice, d, { result = "done" })
expect.sbp(alice, "sent", { m = "work" })
expect.no_sbp(alice, "sent", { m = "work" }, { during = "1s" }) -- only the second call went out
