-- SBRP-SM-R-015 / SBRP-RELAY-025: a paired client closes cleanly (the user
-- closes, C-017). The relay closes the session and tells the daemon with
-- session_ended carrying that sid (not terminal: the daemon's connection
-- and its other sessions stay). The drop case is client-drop-session-ended.
scenario {
  name = "R-015: a client closing cleanly gives session_ended to the daemon",
  requirements = { "SBRP-RELAY-025", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-C-017", "SBRP-SM-D-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local other = world:client { name = "other", daemon = daemon }
other:connect()
expect.state(other, "Active")
local sid = client.session_id

client:close()
expect.transition(client, "Active>Closed@SBRP-SM-C-017")
expect.transition(relay, "Paired>Closed@SBRP-SM-R-015", { session = sid })
expect.frame(daemon, "received", { bytes = rl.control_hex("session_ended", sid) })
expect.eq(daemon:session_state(sid), "Idle (session)", "the daemon dropped the session")

daemon:send(other, "still connected")
expect.delivered(other, "still connected")
expect.state(daemon, "Connected")
