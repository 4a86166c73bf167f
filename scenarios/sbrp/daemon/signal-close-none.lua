-- The daemon ends a session with Signal(close, none), the default reason:
-- exactly 04 00000002 <sid> 01 00. The relay consumes the Signal, never
-- forwards it, and expires the client's session (session_expired with its
-- SessionID, connection closed). The reason never reaches the client, so it
-- does what it does for every reason: Reconnecting, then a new token, sid and
-- handshake.
scenario {
  name = "Signal(close, none) expires the session; the client reconnects anew",
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

daemon:end_session(client, "none")
expect.transition(daemon, "Active>Idle (session)", { session = sid, event = "Signal(close, none)" })
d.expect_close_expires(relay, daemon, client, sid, "none")
d.expect_new_session(daemon, client, sid)
