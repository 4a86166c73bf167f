-- Over SBRP the peer owns reconnection (the client's own loop is off): after
-- the relay connection drops and the backoff elapses, the peer asks the
-- SBRP client for a new attempt, which fetches a new session token with a
-- new sid and runs a full SBRP and SBP handshake; one session at a time.
scenario {
  name = "retry: over SBRP every retry is a new SBRP session with a new sid",
  requirements = { "PEER-RETRY-007", "PEER-LAY-001", "PEER-LAY-002", "SBRP-RES-001", "AUTH-053", "PEER-NEG-007" },
  rows = { "PEER-SM-T6", "PEER-SM-T8", "SBRP-SM-C-010", "SBRP-SM-C-015" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client = P.sbrp(world, { retry = { mode = "on-error" } })
P.connect(alice, bob)
local sid1 = client.session_id

client:drop_connection()
expect.transition(client, "Active>Reconnecting@SBRP-SM-C-010")
local r = expect.retry(alice, { attempt = 1 })
world:advance("500ms")
expect.eq(client.state, "Reconnecting", "the client does not reconnect on its own")
local t8 = expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.eq(t8.t - r.t, r.delay_us, "after the peer's backoff")
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
expect.transition(alice, "negotiating>active@PEER-SM-T3")
expect.truthy(client.session_id ~= sid1, "a new sid")
expect.sbp(alice, "sent", { op = "Handshake", session = 2 })
expect.peer_state(bob:accepted(2), "active")
expect.eq(bob.accepted_count, 2, "the second session has its own accepted peer")
expect.eq(bob.connections, 1, "one live session at a time")
