-- A resumable daemon's relay connection drops with a session open: the
-- accepted peer serving it goes paused (sends refused, events buffered) and
-- back to active when the daemon resumes the session; accepted peers only
-- know active, paused and closed.
scenario {
  name = "server: an accepted peer is paused while its daemon reconnects",
  requirements = { "PEER-SRV-001", "EVT-EMT-008" },
  rows = { "PEER-SM-T9", "PEER-SM-T10", "SBRP-SM-D-006", "SBRP-SM-D-009" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, nil, nil, { resumable = true, auto_reconnect = false })
local sub = alice:on("from.bob")
P.connect(alice, bob)
local acc = bob:accepted(1)

daemon:drop_connection()
expect.transition(bob, "active>paused@PEER-SM-T9")
expect.peer_state(acc, "paused", { ready = false, connected = true })
acc:emit("from.bob", "queued")
world:advance("1s")
daemon:reconnect()
expect.transition(bob, "paused>active@PEER-SM-T10")
expect.event(alice, "from.bob", { sub = sub, data = "queued" })
expect.lifecycle(acc, { "stateChange:paused", "sessionPaused", "stateChange:active", "sessionResumed" })
