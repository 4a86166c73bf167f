-- Inside SBRP with link jitter, 30 events arrive in the order they were
-- emitted: each transport keeps the order of its frames.
scenario {
  name = "events: in send order across SBRP with jitter",
  requirements = { "SBP-BEH-001", "SBP-VAL-004" },
}
local P = require "peer"
local world = sim.world { jitter = "4ms" }
local alice, bob = P.sbrp(world)
local sub = bob:on("seq")
P.connect(alice, bob)

for i = 1, 30 do alice:emit("seq", i) end
for i = 1, 30 do expect.event(bob:accepted(1), "seq", { sub = sub, data = i }) end
