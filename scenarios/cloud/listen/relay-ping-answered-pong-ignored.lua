-- The relay checks that a daemon is alive with SBRP Pings (binary frames,
-- not WebSocket pings), so the listen() daemon must answer each one itself:
-- a Pong carrying the very same payload, byte for byte. A Pong from the
-- relay needs no answer: the daemon sends nothing back and logs nothing.
scenario {
  name = "the listen() daemon answers a relay Ping with the same payload and ignores a Pong",
  requirements = { "CLOUD-081", "SBRP-KA-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(82)
local wire = world:wire(relay, daemon)

for _, payload in ipairs { "a1b2c3d4e5f60718", "00", "" } do
  wire:inject(sim.frame { type = "Ping", sid = 0, hex = payload })
  local ping = expect.frame(daemon, "received", { type = "Ping", payload = payload })
  local pong = expect.frame(daemon, "sent", { type = "Pong", payload = payload })
  expect.eq(sim.hex(pong.bytes), sim.hex(sim.frame { type = "Pong", sid = 0, hex = payload }),
            "the Pong for a " .. #payload // 2 .. "-byte Ping, byte for byte")
  expect.eq(pong.t, ping.t, "answered at once")
end

wire:inject(sim.frame { type = "Pong", sid = 0, hex = "0102030405060708" })
expect.frame(daemon, "received", { type = "Pong", payload = "0102030405060708" })
expect.no_frame(daemon, "sent", {}, { during = "5s" })   -- (its own keepalive is 45 s away)
expect.no_note(daemon, "frame_dropped", { during = "5s" })
expect.eq(cloud:status(daemon).connections, 1, "the connection goes on")
expect.eq(daemon.state, "Connected", "still connected")
