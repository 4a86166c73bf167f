-- A client's HandshakeInit and Data frames must carry its token's sid, but
-- Ping, Pong and Control frames are not sid-matched (AUTH-052): a client's
-- Ping with SessionID 0 is answered with a Pong (SID 0) and its session
-- goes on. A client's Control frame naming another client's session is
-- refused because clients may not send Control (disallowed_sender), not as
-- a sid mismatch (invalid_session_id).
scenario {
  name = "sbrp: Ping, Pong and Control are exempt from sid matching",
  requirements = { "AUTH-052", "SBRP-KA-001" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local other = world:client { name = "other", daemon = daemon }
local client = world:client { daemon = daemon, auto_reconnect = false }
other:connect()
client:connect()
expect.state(other, "Active")
expect.state(client, "Active")

client:ping("0102030405060708")
local ping = expect.frame(client, "sent", { type = "Ping" })
expect.eq(ping.sid, 0, "the Ping carries SessionID 0, not the token's sid")
expect.frame(client, "received", { type = "Pong", sid = 0, payload = "0102030405060708" })
expect.no_note(relay, "frame_rejected", { during = "100ms" })
client:send("after the ping")
expect.delivered(daemon, "after the ping", { session = client })

client:send_raw(sim.frame { type = "Control", sid = other, control = "session_paused" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_DISALLOWED_SENDER" })
expect.no_note(relay, "frame_rejected", { err = "SB_ERR_SBRP_SID_MISMATCH", during = "1s" })
