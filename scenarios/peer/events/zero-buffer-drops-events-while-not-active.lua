-- maxBufferedEvents = 0 disables the buffer: an event emitted while not
-- active is dropped, while one emitted in active is sent.
scenario {
  name = "events: maxBufferedEvents 0 drops events while not active",
  requirements = { "EVT-EMT-006", "EVT-EMT-002" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { max_events = 0 })
local sub = bob:on("ping")

alice:emit("ping", "early")
expect.eq(alice.buffered_events, 0, "nothing kept")
P.connect(alice, bob)
alice:emit("ping", "late")
expect.event(bob:accepted(1), "ping", { sub = sub, data = "late" })
local f = expect.sbp(alice, "sent", { e = "ping" })
expect.eq(sim.sbp_decode(f.bytes).data, '{"t":"N","e":"ping","d":"late"}', "the first event sent is the late one")
expect.no_sbp(alice, "sent", { e = "ping" }, { during = "1s" })
