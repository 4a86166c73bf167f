-- When a listen() daemon's relay WebSocket ends, every session it carried
-- ends with it: the daemon keeps nothing, sends no Signal when it is back
-- and never resumes (its presence token has no session:resume). The relay
-- therefore expires the paused client session, and the client starts over
-- with a new session and a full handshake.
scenario {
  name = "a listen() daemon's sessions end with its relay connection",
  requirements = { "CLOUD-086", "AUTH-044", "SBRP-RES-009", "CLOUD-070" },
  rows = { "SBRP-SM-D-006", "SBRP-SM-R-005", "SBRP-SM-R-007", "SBRP-SM-C-008", "SBRP-SM-C-012" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(71)
local client = cloud:client { daemon = daemon }
client:connect()
local s1 = expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
expect.eq(daemon.sessions, 1, "one session on the daemon")

daemon:drop_connection()
expect.eq(daemon.sessions, 0, "the session ended with the connection")
expect.transition(daemon, "Active>Idle (session)", { machine = "daemon/session", session = s1.sid })
expect.control(client, "session_paused", { sid = s1.sid })
expect.state(daemon, "Connected", { timeout = "5s" })
expect.control(client, "session_expired", { sid = s1.sid })
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "2s" })
local s2 = expect.api(client, "relay.createSession", { status = 200 })
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = s2.sid })
expect.state(client, "Active")
client:send("fresh session")
expect.delivered(daemon, "fresh session", { session = s2.sid })
