-- A final `>` matches one or more segments, never zero: "task.>" gets
-- task.a and task.a.b.c but not task itself; ">" alone gets every name.
scenario {
  name = "events: > matches one or more segments, never zero",
  requirements = { "EVT-PAT-001", "EVT-DSP-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
local tail = alice:on_pattern("task.>")
local all = alice:on_pattern(">")
P.connect(alice, bob)
local acc = bob:accepted(1)

acc:emit("task")
acc:emit("task.a")
acc:emit("task.a.b.c")
expect.no_event(alice, "task", { sub = tail, during = "1s" }) -- looks at every delivery so far
expect.event(alice, "task", { sub = all })
expect.event(alice, "task.a", { sub = tail })
expect.event(alice, "task.a.b.c", { sub = tail })
