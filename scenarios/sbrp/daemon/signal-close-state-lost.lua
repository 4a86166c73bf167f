-- The daemon finds a session's state lost while Paired and ends it with
-- Signal(close, state_lost): exactly 04 00000002 <sid> 01 01. The relay
-- consumes the Signal, never forwards it, and expires the client's session
-- (session_expired with its SessionID, connection closed). The reason never
-- reaches the client, so it does what it does for every reason: Reconnecting,
-- then a new token, sid and handshake.
scenario {
  name = "Signal(close, state_lost) expires the session; the client reconnects anew",
  requirements = { "SBRP-SIG-001", "SBRP-SIG-003", "SBRP-SIG-006", "SBRP-RELAY-022",
                   "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-RES-001", "AUTH-053" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009", "SBRP-SM-C-015" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
local sid = d.active(client)

daemon:end_session(client, "state_lost")
expect.transition(daemon, "Active>Idle (session)", { session = sid, event = "Signal(close, state_lost)" })
d.expect_close_expires(relay, daemon, client, sid, "state_lost")
d.expect_new_session(daemon, client, sid)
