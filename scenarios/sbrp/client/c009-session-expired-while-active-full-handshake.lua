-- SBRP-SM-C-009: the daemon ends the session (Signal(close, policy)); the
-- relay sends Control(session_expired, S), which is terminal, and closes the
-- client's WebSocket. The client goes Active -> Reconnecting and then runs a
-- full new handshake: new token and sid, new ephemeral, counters from 0.
scenario {
  name = "C-009: session_expired while Active leads to a full new handshake",
  requirements = { "SBRP-RELAY-022", "SBRP-CTRL-002", "SBRP-RES-001", "AUTH-053" },
  rows = { "SBRP-SM-C-009", "SBRP-SM-C-015" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, backoff = { initial = "1s", jitter = 0 } }
client:connect()
local init1 = expect.frame(client, "sent", { type = "HandshakeInit" })
expect.state(client, "Active")
client:send("one")
expect.frame(client, "sent", { type = "Data", seq = 0 })
local sid = client.session_id

daemon:end_session(client, "policy")
expect.frame(daemon, "sent", { type = "Signal", signal = "close", reason = "policy", sid = sid })
expect.control(client, "session_expired", { sid = sid })
local tr = expect.transition(client, "Active>Reconnecting@SBRP-SM-C-009")
expect.link(client, "closed", { code = 1000 })             -- the relay closed it
expect.eq(client:send("x"), false, "no sending while Reconnecting")

local retry = expect.link(client, "connect")
expect.eq(retry.t - tr.t, 1000000, "new WebSocket after the 1 s backoff")
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
local init2 = expect.frame(client, "sent", { type = "HandshakeInit" })
expect.truthy(client.session_id ~= sid and init2.sid == client.session_id, "a new sid")
expect.truthy(init2.payload ~= init1.payload, "a new ephemeral key")
expect.state(client, "Active")
client:send("two")
expect.frame(client, "sent", { type = "Data", seq = 0, sid = client.session_id })   -- counters reset with the new keys
expect.delivered(daemon, "two", { session = client })
