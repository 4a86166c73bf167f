-- SBRP-SM-C-013: after Signal(ready) the relay sends session_resumed; the
-- client goes Pending -> Active with the same keys and both counters where
-- they were: no new HandshakeInit, no new key derivation, the next Data
-- frames continue the sequence numbers in both directions.
scenario {
  name = "C-013: session_resumed restores the session with the same keys and counters",
  requirements = { "SBRP-RES-006", "SBRP-CRYPTO-033", "SBRP-RELAY-026" },
  rows = { "SBRP-SM-C-013" },
}

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.keys(client, { session = client })
expect.state(client, "Active")
for i = 0, 2 do client:send("c" .. i) end
expect.frame(client, "sent", { type = "Data", seq = 2 })
expect.delivered(daemon, "c2", { session = client })
for i = 0, 1 do daemon:send(client, "d" .. i) end
expect.frame(client, "received", { type = "Data", seq = 1 })
expect.delivered(client, "d1")

daemon:drop_connection()
expect.control(client, "session_paused")
world:advance("10s")
daemon:reconnect()
expect.control(client, "session_pending")
local ctl = expect.control(client, "session_resumed", { sid = client })
local tr = expect.transition(client, "Pending>Active@SBRP-SM-C-013", { event = "Control(session_resumed)" })
expect.eq(tr.t, ctl.t, "Active on receipt")

client:send("c3")
expect.frame(client, "sent", { type = "Data", seq = 3 })       -- continues after 0, 1, 2
expect.delivered(daemon, "c3", { session = client })
daemon:send(client, "d2")
expect.frame(client, "received", { type = "Data", seq = 2 })   -- the daemon's counter too
expect.delivered(client, "d2")
expect.no_frame(client, "sent", { type = "HandshakeInit" }, { during = "0" })   -- none since the Data
expect.no_keys(client, { during = "0" })                      -- no new key derivation
