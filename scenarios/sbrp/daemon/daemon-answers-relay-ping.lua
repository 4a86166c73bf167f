-- Keepalive from the relay's side: a Ping the relay sends down the daemon's
-- connection is answered at once with a Pong echoing the payload, SessionID 0
-- (8 bytes, then an empty one), even while a session is still handshaking.
-- The Pong ends at the relay (consumed, never forwarded to any client) and
-- the session is not disturbed.
scenario {
  name = "daemon answers relay Pings with the same payload",
  requirements = { "SBRP-KA-004", "SBRP-KA-006", "SBRP-KA-001", "SBRP-WIRE-014" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "1s" }
local client = world:client { daemon = daemon }
client:connect()
expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = client })

local down = world:wire(relay, daemon)
down:inject(sim.unhex("10" .. "00000008" .. "0000000000000000" .. "0102030405060708"))
local ping = expect.frame(daemon, "received", { type = "Ping" })
local pong = expect.frame(daemon, "sent", { type = "Pong" })
expect.eq(sim.hex(pong.bytes), "11" .. "00000008" .. "0000000000000000" .. "0102030405060708",
          "Pong: type 11, same payload, SessionID 0")
expect.eq(pong.t, ping.t, "answered at once")
expect.frame(relay, "received", { type = "Pong", payload = "0102030405060708" })

down:inject(sim.unhex("10" .. "00000000" .. "0000000000000000"))
expect.frame(daemon, "sent", { bytes = "11" .. "00000000" .. "0000000000000000" })

expect.no_frame(client, "received", { type = "Pong" }, { during = "1s" })
expect.no_frame(relay, "sent", { type = "Pong" }, { during = "0" })
expect.transition(daemon, "Handshaking>Active@SBRP-SM-D-004", { session = client })
expect.state(client, "Active")
