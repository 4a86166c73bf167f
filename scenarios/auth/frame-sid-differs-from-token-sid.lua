-- A client's connection is bound to the sid of its session token: every
-- HandshakeInit and Data frame it sends must carry that SessionID (AUTH-012,
-- AUTH-050, SBRP-RELAY-003). Here a client sends a Data frame addressed to
-- another client's session. The relay does not forward it: it answers
-- Control(invalid_session_id) with SessionID 0 and closes the connection
-- (1008; E-SM-RELAY-4), and the daemon learns the offender's session ended.
-- The other client's session is untouched.
scenario {
  name = "client frame with another SessionID than its token sid is refused",
  requirements = { "AUTH-012", "AUTH-050", "SBRP-RELAY-003", "SBRP-WIRE-016", "SBRP-CTRL-002",
                   "SBRP-CTRL-003", "SBRP-RELAY-025" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-D-005" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local victim = world:client { name = "victim", daemon = daemon }
local client = world:client { daemon = daemon, auto_reconnect = false }
victim:connect()
client:connect()
expect.state(victim, "Active")
expect.state(client, "Active")
local own = client.session_id

client:send_raw(sim.frame { type = "Data", sid = victim, payload = string.rep("\0", 40) })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_SID_MISMATCH", session = own })
expect.frame(relay, "sent", { type = "Control", control = "invalid_session_id", sid = 0 })
expect.link(relay, "close", { code = 1008 })
expect.control(client, "invalid_session_id", { sid = 0 })
expect.link(client, "closed", { code = 1008 })
expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = own })

victim:send("still mine")                              -- the victim's session goes on
expect.delivered(daemon, "still mine", { session = victim })
expect.state(relay, "Paired", { session = victim })
