-- SBRP-SM-D-008: the daemon comes back only after its grace period (30 s).
-- Meanwhile the relay expired the paused client (session_expired at its own
-- grace). On the late reconnect the daemon drops every kept session without
-- a single Signal (the relay no longer knows them) and then accepts new
-- sessions as usual: the client's fresh handshake succeeds.
scenario {
  name = "D-008: reconnect after grace drops the old state and accepts new sessions",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-028", "SBRP-RES-001" },
  rows = { "SBRP-SM-D-008", "SBRP-SM-R-010", "SBRP-SM-C-012", "SBRP-SM-D-003" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false, grace = "30s" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
local old = client.session_id
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = old })

daemon:drop_connection()
expect.control(client, "session_paused", { sid = old })
expect.control(client, "session_expired", { sid = old, timeout = "31s" })
expect.transition(client, "Paused>Reconnecting@SBRP-SM-C-012")
expect.eq(daemon:session_state(old), "Reconnecting", "the daemon still holds the session")

world:advance("10s")                            -- 40 s after the drop
daemon:reconnect()
expect.transition(daemon, "Reconnecting>Connected@SBRP-SM-D-008", { machine = "daemon" })
expect.transition(daemon, "Reconnecting>Idle (session)@SBRP-SM-D-008", { session = old })
expect.eq(daemon.sessions, 0, "no old session left")
expect.eq(daemon.disk, 0, "and no stored record")
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "1s" })

-- New sessions are accepted: a new sid, a new handshake.
client:reconnect()
expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = client })
expect.state(client, "Active")
expect.truthy(client.session_id ~= old, "a new sid")
client:send("new session")
expect.delivered(daemon, "new session", { session = client })
