-- The circuit breaker counts consecutive undecodable messages only: any
-- message that decodes (here a Pong, which the daemon otherwise ignores)
-- sets the count back to zero. Nine bad, one good, nine bad: each bad one is
-- logged, the connection stays. One more bad message makes ten in a row
-- since the good one, and only then does the daemon reconnect, which shows
-- the count restarted at the good frame rather than being cleared for good.
scenario {
  name = "a frame that decodes resets the listen() daemon's decode-error count",
  requirements = { "CLOUD-080" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(81)

local garbage = "\x01\x02\x03"
local wire = world:wire(relay, daemon)
for _ = 1, 9 do wire:inject(garbage) end
wire:inject(sim.frame { type = "Pong", sid = 0, hex = "0102030405060708" })
for _ = 1, 9 do wire:inject(garbage) end
for i = 1, 18 do
  expect.note(daemon, "frame_dropped", { err = "SB_ERR_SBRP_HEADER_SHORT", text = "does not decode" })
end
expect.frame(daemon, "received", { type = "Pong", payload = "0102030405060708" })
expect.no_note(daemon, "decode_breaker", { during = "3s" })
expect.no_note(daemon, "listen_sleep", { during = "3s" })
expect.eq(cloud:status(daemon).connections, 1, "still the first connection")
expect.eq(daemon.link, 1, "on the same WebSocket")

wire:inject(garbage)                           -- the tenth since the Pong
expect.note(daemon, "decode_breaker", { text = "10 consecutive" })
expect.note(daemon, "listen_sleep")
expect.state(daemon, "Connected", { timeout = "5s" })
expect.eq(cloud:status(daemon).connections, 2, "reconnected after ten in a row")
