-- After traffic in both directions (calls each way, responses, events), no
-- frameId was sent twice by either side and none copies a frameId it
-- received: responses and errors carry fresh frameIds.
scenario {
  name = "SBP: frameIds are never reused, responses included",
  requirements = { "SBP-WIRE-008", "RPC-CID-004", "SBP-WIRE-007" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
alice:handle("a", { echo = true })
bob:handle("b", { echo = true })
P.connect(alice, bob)
local acc = bob:accepted(1)
for i = 1, 10 do
  alice:call("b", i, { tag = "to-bob-" .. i })
  acc:call("a", i, { tag = "to-alice-" .. i })
  alice:call("missing", i, { tag = "err-" .. i })
  alice:emit("tick", i)
end
expect.rpc(alice, "to-bob-10", { result = 10 })
expect.rpc(acc, "to-alice-10", { result = 10 })
expect.rpc(alice, "err-10", { wire = 1101 })
local n1 = expect.fresh_ids(alice)
local n2 = expect.fresh_ids(acc)
expect.truthy(n1 >= 41 and n2 >= 31, "every frame checked")
