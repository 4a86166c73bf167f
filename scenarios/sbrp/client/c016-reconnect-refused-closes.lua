-- SBRP-SM-C-016: the reconnect's WebSocket never opens. Here a faulty
-- control plane hands out a token with the previous sid; the client notes
-- the reuse (AUTH-053 wants a new sid), the relay refuses the upgrade with
-- HTTP 409, and the client goes Reconnecting -> Closed with the transport
-- error; it sends nothing and does not try again.
scenario {
  name = "C-016: refused reconnect closes the client",
  requirements = { "AUTH-053" },
  rows = { "SBRP-SM-C-016" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.frame(client, "sent", { type = "HandshakeInit" })
expect.state(client, "Active")
local sid = client.session_id

client:drop_connection()
expect.state(client, "Reconnecting")
expect.control(daemon, "session_ended", { sid = sid })
client:reconnect { sid = sid }
expect.note(client, "sid_reused")
expect.link(client, "refused", { code = 409 })
expect.transition(client, "Reconnecting>Closed@SBRP-SM-C-016", { event = "ws_error" })
expect.no_frame(client, "sent", {}, { during = "5s" })             -- no HandshakeInit, no retry
expect.eq(client.state, "Closed", "Closed for good")
local ok, err = client:reconnect()
expect.eq(err, "SB_ERR_STATE", "no reconnect from Closed")
