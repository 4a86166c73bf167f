-- A paired client's connection drops: the relay closes the session and
-- tells the daemon with session_ended (SessionID = that session); the
-- daemon removes the session and wipes its keys.
scenario {
  name = "client drop gives session_ended to the daemon",
  requirements = { "SBRP-RELAY-025", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-D-005", "SBRP-SM-C-010" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }

client:connect()
expect.state(client, "Active")
local sid = client.session_id

client:drop_connection()
expect.state(client, "Reconnecting")
expect.control(daemon, "session_ended", { sid = sid })
expect.transition(relay, "Paired>Closed@SBRP-SM-R-015", { session = sid })
expect.transition(daemon, "SBRP-SM-D-005", { session = sid })
expect.eq(daemon:session_state(sid), "Idle (session)", "the daemon forgot the session")
expect.eq(daemon.sessions, 0, "no session left on the daemon")
