-- With maxBufferedEvents = 2, a third event emitted while not active
-- silently evicts the oldest: only the last two are sent once active.
scenario {
  name = "events: a full buffer evicts the oldest event silently",
  requirements = { "EVT-EMT-003", "PEER-BUF-005" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { max_events = 2 })
local sub = bob:on_pattern("n.*")

alice:emit("n.one")
alice:emit("n.two")
alice:emit("n.three")
expect.eq(alice.buffered_events, 2, "still two")
P.connect(alice, bob)
expect.event(bob:accepted(1), "n.two", { sub = sub })
expect.event(bob:accepted(1), "n.three", { sub = sub })
expect.no_sbp(alice, "sent", { e = "n.one" }, { during = "1s" })
expect.no_unhandled(alice, { during = "0" })
