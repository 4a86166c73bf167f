-- One inbound event, four matching subscriptions registered as: pattern,
-- exact, pattern, exact. Every one is called; the exact ones first in
-- registration order, then the patterns in registration order (upstream's
-- events.ts; the guide's "registration order" is events.md inconsistency 2).
scenario {
  name = "events: exact subscriptions first, then patterns, each in registration order",
  requirements = { "EVT-DSP-003", "EVT-DSP-001", "EVT-DSP-006" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
local p1 = alice:on_pattern("a.*")
local e1 = alice:on("a.b")
local p2 = alice:on_pattern(">")
local e2 = alice:on("a.b")
P.connect(alice, bob)

bob:accepted(1):emit("a.b", { n = 1 })
expect.event(alice, "a.b", { sub = e1, data = { n = 1 } })
expect.event(alice, "a.b", { sub = e2 })
expect.event(alice, "a.b", { sub = p1, pattern = "a.*" })
expect.event(alice, "a.b", { sub = p2, pattern = ">" })
