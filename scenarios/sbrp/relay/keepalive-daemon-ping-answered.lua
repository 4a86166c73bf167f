-- SBRP-KA-001 for the daemon side: a Ping on the daemon's multiplexed
-- connection is answered by the relay itself with a Pong carrying the
-- same payload and SessionID 0; it is never forwarded to any client.
scenario {
  name = "keepalive: the relay answers a daemon's Ping, never forwards it",
  requirements = { "SBRP-KA-001", "SBRP-WIRE-014", "SBRP-WIRE-022" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

daemon:ping("a1b2c3d4")
expect.frame(relay, "received", { type = "Ping", sid = 0, payload = "a1b2c3d4" })
expect.frame(daemon, "received", { bytes = "1100000004" .. "0000000000000000" .. "a1b2c3d4" })
expect.no_frame(client, "received", { type = "Ping" }, { during = "1s" })
expect.no_frame(client, "received", { type = "Pong" }, { during = "0" })

daemon:send(client, "alive")                         -- the connection is untouched
expect.delivered(client, "alive")
