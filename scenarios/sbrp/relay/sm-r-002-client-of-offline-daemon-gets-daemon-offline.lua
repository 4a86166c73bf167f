-- SBRP-SM-R-002 / SBRP-RELAY-005: a client asks for a daemon that is not
-- connected. The upgrade succeeds (the token is valid), then the relay
-- sends Control(daemon_offline) with the client's sid (SID column S) and
-- closes the connection (terminal, 1013): no pairing, nothing reaches any
-- daemon, and the client goes to Reconnecting (C-005).
scenario {
  name = "R-002: a client of an offline daemon gets daemon_offline and is closed",
  requirements = { "SBRP-RELAY-005", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-002", "SBRP-SM-C-005" },
}

local rl = require "relay"
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
daemon:close()                                        -- shuts down: offline for the relay
world:run_until(function() return not relay:daemon_online(daemon) end, "1s")

local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.link(relay, "upgrade", { code = 101 })
expect.transition(relay, "None>Closed@SBRP-SM-R-002", { session = client })
rl.expect_refused(relay, client, "daemon_offline", client, 1013)
expect.transition(client, "Handshaking>Reconnecting@SBRP-SM-C-005")
expect.eq(relay:session_state(client), "Closed", "no pairing was created")
expect.no_frame(daemon, "received", { type = "HandshakeInit" }, { during = "1s" })
