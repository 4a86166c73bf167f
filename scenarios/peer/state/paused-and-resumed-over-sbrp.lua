-- A resumable daemon's relay connection drops and comes back within grace.
-- The client peer follows the relay's signals: session_paused takes it from
-- active to paused (T9: ready false, connected still true, no reconnecting
-- promise), session_pending changes nothing, session_resumed brings it back
-- (T10) with sessionResumed and not `connected`; nothing is disconnected.
scenario {
  name = "SBRP pause and resume: T9 and T10, ready only in active",
  requirements = { "PEER-SM-002", "PEER-SM-008", "PEER-SM-009", "PEER-SM-011" },
  rows = { "PEER-SM-T9", "PEER-SM-T10", "SBRP-SM-C-008", "SBRP-SM-C-011", "SBRP-SM-C-013" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, nil, nil, { resumable = true, auto_reconnect = false })
P.connect(alice)
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })

daemon:drop_connection()
expect.transition(alice, "active>paused@PEER-SM-T9")
expect.peer_state(alice, "paused", { ready = false, connected = true, reconnecting = false })
expect.lifecycle(alice, { "stateChange:paused", "sessionPaused" })
world:advance("2s")
daemon:reconnect()
expect.control(client, "session_pending")
expect.note(alice, "signal_no_op", { text = "session_pending" })
expect.eq(alice.state, "paused", "session_pending changes nothing")
expect.transition(alice, "paused>active@PEER-SM-T10")
expect.peer_state(alice, "active", { ready = true, connected = true })
expect.lifecycle(alice, { "stateChange:active", "sessionResumed" })
expect.transitions(client, { "SBRP-SM-C-008", "SBRP-SM-C-011", "SBRP-SM-C-013" })
