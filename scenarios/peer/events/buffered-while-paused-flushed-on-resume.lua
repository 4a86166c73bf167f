-- While the relay has the session paused, events are always buffered (even
-- under onDisconnect "fail") and sent in order when session_resumed makes
-- the peer active again.
scenario {
  name = "events: buffered while paused, sent on session_resumed",
  requirements = { "EVT-EMT-008", "EVT-EMT-004", "PEER-SM-010" },
  rows = { "PEER-SM-T9", "PEER-SM-T10" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, nil, nil, { resumable = true, auto_reconnect = false })
local sub = bob:on_pattern("log.>")
P.connect(alice, bob)

daemon:drop_connection()
expect.peer_state(alice, "paused")
alice:emit("log.a", 1)
alice:emit("log.b", 2)
expect.eq(alice.buffered_events, 2, "buffered while paused")
expect.no_sbp(alice, "sent", { subject = "event" }, { during = "1s" })
daemon:reconnect()
local back = expect.transition(alice, "paused>active@PEER-SM-T10")
local a = expect.sbp(alice, "sent", { subject = "event" })
expect.eq(a.t, back.t, "flushed on resume")
expect.event(bob:accepted(1), "log.a", { sub = sub, data = 1 })
expect.event(bob:accepted(1), "log.b", { sub = sub, data = 2 })
