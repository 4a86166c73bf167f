-- The adversary drops one Data frame from the daemon: frames are keyed by
-- their sequence number, so the gap does not shift the comparison and the
-- frames after it are still checked (and equal). The dropped response only
-- makes that call time out.
scenario {
  name = "invariant: a dropped Data frame does not shift the byte comparison",
  requirements = { "SBP-SUBJ-009" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.sbrp(world)
bob:handle("echo", { echo = true })
P.connect(alice, bob)

world:wire("relay", "client"):drop { type = "Data" }
local lost = alice:call("echo", 1, { timeout = "1s" })
expect.rpc(alice, lost, { err = "rpc_timeout" })
local before = world:frames_checked()
local ok = alice:call("echo", 2)
expect.rpc(alice, ok, { result = 2 })
expect.eq(world:frames_checked(), before + 2, "request and response both compared")
