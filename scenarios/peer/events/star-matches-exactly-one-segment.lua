-- A `*` segment matches exactly one segment: "task.*" gets task.created but
-- neither task nor task.step.done; "*.created" gets job.created but not
-- a.b.created. Matching is local to the subscriber.
scenario {
  name = "events: * matches exactly one segment",
  requirements = { "EVT-PAT-001", "EVT-DSP-001", "EVT-004" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
local star = alice:on_pattern("task.*")
local lead = alice:on_pattern("*.created")
P.connect(alice, bob)
local acc = bob:accepted(1)

for _, name in ipairs { "task", "task.step.done", "a.b.created", "task.created", "job.created" } do
  acc:emit(name, name)
end
expect.no_event(alice, "task", { during = "1s" }) -- looks at every delivery so far
expect.no_event(alice, "task.step.done", { during = "0" })
expect.no_event(alice, "a.b.created", { during = "0" })
expect.event(alice, "task.created", { sub = star, pattern = "task.*", data = "task.created" })
expect.event(alice, "job.created", { sub = lead, data = "job.created" })
