-- The first subscriber of an event throws: its error goes to
-- onUnhandledError and the other subscriber still gets the event; the
-- connection is not affected.
scenario {
  name = "events: a throwing handler does not stop the others",
  requirements = { "EVT-DSP-002", "PEER-ERR-003" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
alice:on("job.done", { throws = true })
local good = alice:on("job.done")
P.connect(alice, bob)

bob:accepted(1):emit("job.done", 7)
expect.unhandled(alice)
expect.event(alice, "job.done", { sub = good, data = 7 })
expect.eq(alice.state, "active", "still active")
