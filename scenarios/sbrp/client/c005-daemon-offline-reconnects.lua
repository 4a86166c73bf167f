-- SBRP-SM-C-005: the daemon is offline when the client connects. The relay
-- admits the token, sends Control(daemon_offline) with the client's
-- SessionID and closes the WebSocket (terminal). The Handshaking client goes
-- to Reconnecting (not Closed: the code is retryable) without closing
-- anything itself; once the daemon is up, its backoff retry succeeds.
scenario {
  name = "C-005: daemon_offline during the handshake leads to Reconnecting",
  requirements = { "SBRP-RELAY-005", "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-WIRE-015" },
  rows = { "SBRP-SM-C-005", "SBRP-SM-C-015" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }        -- registered, not online
local client = world:client { daemon = "d_abc",
                              backoff = { initial = "1s", jitter = 0, attempts = 5 } }
client:connect()
local sid = client.session_id
expect.control(client, "daemon_offline", { sid = sid })
local tr = expect.transition(client, "Handshaking>Reconnecting@SBRP-SM-C-005",
                             { event = "Control(daemon_offline)" })
expect.link(client, "closed", { code = 1013 })      -- the relay closed it ...
expect.eq(client.state, "Reconnecting", "Reconnecting, not Closed")
expect.no_frame(client, "sent", { type = "Data" }, { during = "0" })
expect.eq(client:send("x"), false, "no sending while Reconnecting")

-- The daemon comes online; the client's retry 1 s later (jitter 0) pairs.
daemon:connect()
expect.state(daemon, "Connected")
local retry = expect.link(client, "connect")
expect.eq(retry.t - tr.t, 1000000, "the new WebSocket is opened after the 1 s backoff")
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
expect.truthy(client.session_id ~= sid, "with a new sid")
expect.state(client, "Active")
client:send("now")
expect.delivered(daemon, "now", { session = client })
