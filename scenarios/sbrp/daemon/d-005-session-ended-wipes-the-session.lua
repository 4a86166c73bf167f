-- SBRP-SM-D-005: the relay tells the daemon a client is gone with
-- Control(session_ended) carrying that SessionID (non-terminal). The daemon
-- cleans up that session only: keys, counters, window and its stored record
-- are gone, sending on it is refused, and the relay connection and the other
-- session stay up.
scenario {
  name = "D-005: session_ended removes only that session",
  requirements = { "SBRP-RELAY-025", "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-CRYPTO-007" },
  rows = { "SBRP-SM-D-005", "SBRP-SM-R-015" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true }   -- keeps a record per session
local gone   = world:client { name = "gone", daemon = daemon, auto_reconnect = false }
local stays  = world:client { name = "stays", daemon = daemon }
local sid = d.active(gone)
d.active(stays)
expect.eq(daemon.disk, 2, "one stored record per session")

gone:drop_connection()
expect.frame(daemon, "received", { bytes = "2000000002" .. d.sid_hex(sid) .. "1003" })
expect.transition(daemon, "Active>Idle (session)@SBRP-SM-D-005", { session = sid })
expect.eq(daemon:session_state(sid), "Idle (session)", "the session is gone")
expect.eq(daemon.sessions, 1, "one session left")
expect.eq(daemon.disk, 1, "its record is deleted too")
local ok, err = daemon:send(sid, "to nobody")
expect.eq(err, "SB_ERR_NOT_FOUND", "sending on the ended session")

-- Not terminal: same relay connection, the other session carries on.
expect.no_frame(daemon, "received", { type = "Control" }, { during = "1s" })
expect.eq(daemon.state, "Connected", "daemon state")
daemon:send(stays, "still here")
expect.delivered(stays, "still here")
