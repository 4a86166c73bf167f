-- An active peer loses its connection with retries allowed: active goes to
-- reconnecting (T6) with stateChange, reconnecting and disconnected in that
-- order; after the backoff a full new negotiation (T8, T2, T3) brings it
-- back and `connected` fires again.
scenario {
  name = "session lost with retry allowed: T6, T8, full renegotiation",
  requirements = { "PEER-SM-007", "PEER-SM-009", "PEER-LAY-002", "PEER-RETRY-007" },
  rows = { "PEER-SM-T6", "PEER-SM-T8", "PEER-SM-T2", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
P.connect(alice)
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })

alice:drop_connection()
expect.transition(alice, "active>reconnecting@PEER-SM-T6")
expect.peer_state(alice, "reconnecting", { ready = false, connected = false, reconnecting = true })
expect.lifecycle(alice, { "stateChange:reconnecting", "reconnecting", "disconnected" })
expect.transitions(alice, { "PEER-SM-T8", "PEER-SM-T2", "PEER-SM-T3" })
expect.sbp(alice, "sent", { op = "Handshake", session = 2 })
expect.settled(alice, "reconnecting", { status = "connected" })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })
expect.eq(bob.accepted_count, 2, "a second accepted connection")
