-- The relay ends the client's session with session_ended (ADR-016 allows
-- it toward clients). The client peer never calls disconnect() for it: it
-- ends the session through the session layer (Close "session_ended") and
-- its retry policy decides: T11, then a new SBRP session with a new sid.
scenario {
  name = "session_ended signal: T11 through the retry policy, never disconnect()",
  requirements = { "PEER-SM-011", "PEER-RETRY-007", "SBRP-RES-001" },
  rows = { "PEER-SM-T11", "PEER-SM-T8", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon, relay = P.sbrp(world, { retry = { mode = "on-error" } })
P.connect(alice)
local sid = client.session_id

world:wire(relay, client):inject(sim.frame { type = "Control", sid = client, control = "session_ended" })
expect.transition(alice, "active>reconnecting@PEER-SM-T11")
expect.sbp(alice, "sent", { op = "Close", data = "session_ended" })
expect.transitions(alice, { "PEER-SM-T8", "PEER-SM-T3" })
expect.truthy(client.session_id ~= sid, "a new SessionID for the new session")
expect.eq(alice.state, "active", "back without disconnect()")
