-- Every frame for a SessionID the daemon holds goes to that session, in the
-- order it came off the relay WebSocket: Data and the relay's session-scoped
-- Control frames alike, with other sessions' frames interleaved. The daemon's
-- link is stalled so that everything waits in one queue and arrives in one
-- burst: a's three messages, b's message, then the relay's Control telling
-- a's session that its client is gone. a's session must hand up 1, 2, 3 and
-- only then end; b's session is untouched.
scenario {
  name = "listen(): frames of a known SessionID, Control included, reach it in arrival order",
  requirements = { "CLOUD-084" },
  rows = { "SBRP-SM-D-005" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(84)
local a = cloud:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = cloud:client { name = "b", daemon = daemon }
a:connect()
b:connect()
local sa = expect.api(a, "relay.createSession", { status = 200 })
local sb = expect.api(b, "relay.createSession", { status = 200 })
expect.state(a, "Active")
expect.state(b, "Active")

daemon:stall("down")
for _, m in ipairs { "a1", "a2", "a3" } do a:send(m) end
b:send("b1")
for _ = 1, 4 do expect.frame(relay, "received", { type = "Data" }) end
a:drop_connection()                              -- the relay tells a's session next
local ctl = expect.frame(relay, "sent", { type = "Control", sid = sa.sid })
world:advance("50ms")
local released = world.now                       -- all of it is still queued
daemon:unstall("down")

-- arrival order at the daemon: a1 a2 a3 b1, then the Control
for i = 0, 2 do
  local f = expect.frame(daemon, "received", { type = "Data", sid = sa.sid, seq = i })
  expect.truthy(f.t >= released, "a" .. (i + 1) .. " waited in the stalled queue")
end
expect.frame(daemon, "received", { type = "Data", sid = sb.sid, seq = 0 })
local got = expect.frame(daemon, "received", { type = "Control", sid = sa.sid })
expect.eq(got.control, ctl.control, "the relay's Control (" .. tostring(ctl.control) .. ") reached the daemon")
-- and each session saw its own frames in that order
for _, m in ipairs { "a1", "a2", "a3" } do expect.delivered(daemon, m, { session = sa.sid }) end
expect.delivered(daemon, "b1", { session = sb.sid })
local ended = expect.transition(daemon, "Active>Idle (session)", { machine = "daemon/session", session = sa.sid })
expect.eq(ended.event, "Control(session_ended)", "a's session ended on the Control, after its three messages")
expect.eq(daemon:session_state(sb.sid), "Active", "b's session is untouched")
b:send("b2")
expect.delivered(daemon, "b2", { session = sb.sid })
