-- Backpressure (SBRP-RELAY-041): a client stops reading (its downstream is
-- stalled) while the daemon keeps sending. Once more than 1000 bytes wait
-- for it, the relay sends Control(backpressure) with SessionID 0 to that
-- slow receiver and closes it (terminal, 1013) instead of silently dropping
-- frames; its session ends (session_ended to the daemon). Recovery: the
-- client reconnects with a new sid and traffic flows again.
scenario {
  name = "backpressure: the slow receiver is told and closed, then reconnects",
  requirements = { "SBRP-RELAY-041", "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-RES-001" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-C-015" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { relay = { backpressure = 1000 },
                                                 client = { auto_reconnect = true } }
local old = client.session_id

client:stall("down")
for i = 1, 30 do daemon:send(client, string.rep("x", 100)) end
expect.note(relay, "backpressure", { text = "1128 bytes queued" })   -- 8 frames of 141 bytes
expect.no_frame(relay, "sent", { type = "Data", seq = 8 }, { during = "1s" })  -- the 9th: not sent
expect.frame(relay, "sent", { bytes = rl.control_hex("backpressure", 0) })
expect.link(relay, "close", { code = 1013 })
expect.frame(daemon, "received", { bytes = rl.control_hex("session_ended", old) })

client:unstall("down")
for i = 0, 7 do expect.frame(client, "received", { type = "Data", seq = i }) end  -- none lost
expect.frame(client, "received", { bytes = rl.control_hex("backpressure", 0) })
expect.link(client, "closed", { code = 1013 })
expect.transition(client, "Reconnecting>Handshaking@SBRP-SM-C-015")
expect.state(client, "Active")
expect.truthy(client.session_id ~= old, "a new session token, a new sid")
daemon:send(client, "flowing again")
expect.delivered(client, "flowing again")
