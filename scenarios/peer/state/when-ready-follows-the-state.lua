-- whenReady(): settles at once in active, waits while idle and while
-- paused (it resolves on the way back to active), rejects peer_closed in or
-- into closed, and rejects cancelled when its signal aborts.
scenario {
  name = "whenReady() in idle, active, paused and closed",
  requirements = { "PEER-SM-006", "PEER-SM-002" },
  rows = { "PEER-SM-T9", "PEER-SM-T10" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, nil, nil, { resumable = true, auto_reconnect = false })

alice:when_ready(1)
alice:connect()
expect.settled(alice, "when_ready", { tag = 1, ok = true })
expect.transition(alice, "PEER-SM-T3")
alice:when_ready(2)
expect.settled(alice, "when_ready", { tag = 2, ok = true })
daemon:drop_connection()
expect.peer_state(alice, "paused")
alice:when_ready(3)
world:advance("2s")
expect.eq(alice.state, "paused", "still paused")
daemon:reconnect()
local r = expect.settled(alice, "when_ready", { tag = 3, ok = true })
local back = expect.transition(alice, "PEER-SM-T10")
expect.eq(r.t, back.t, "whenReady(3) settled on the way back to active")
alice:when_ready(4, { aborted = true })
expect.settled(alice, "when_ready", { tag = 4, err = "cancelled" })
alice:disconnect()
alice:when_ready(5)
expect.settled(alice, "when_ready", { tag = 5, err = "peer_closed" })
