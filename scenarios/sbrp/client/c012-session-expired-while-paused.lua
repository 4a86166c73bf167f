-- SBRP-SM-C-012: the daemon stays away past the grace period; the relay
-- sends Control(session_expired, S) to the paused client and closes its
-- WebSocket. The client goes Paused -> Reconnecting; its next attempt uses
-- a new token and new ephemerals (a full new handshake, no resumption).
scenario {
  name = "C-012: session_expired while Paused leads to Reconnecting",
  requirements = { "SBRP-RELAY-028", "SBRP-RES-001" },
  rows = { "SBRP-SM-C-012", "SBRP-SM-C-015" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "5s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
local init1 = expect.frame(client, "sent", { type = "HandshakeInit" })
expect.state(client, "Active")
local sid = client.session_id

daemon:drop_connection()
local paused = expect.control(client, "session_paused", { sid = sid })
expect.state(client, "Paused")
local ctl = expect.control(client, "session_expired", { sid = sid, timeout = "6s" })
expect.eq(ctl.t - paused.t, 5000000, "at the end of the 5 s grace (counted at the relay)")
expect.transition(client, "Paused>Reconnecting@SBRP-SM-C-012", { event = "Control(session_expired)" })
expect.link(client, "closed", { code = 1000 })

daemon:reconnect()
expect.state(daemon, "Connected")
client:reconnect()
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
local init2 = expect.frame(client, "sent", { type = "HandshakeInit" })
expect.truthy(init2.payload ~= init1.payload, "new ephemeral key")
expect.truthy(client.session_id ~= sid, "new sid")
expect.state(client, "Active")
client:send("fresh")
expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.delivered(daemon, "fresh", { session = client })
