-- Each message on the relay WebSocket is one SBRP frame. A message that does
-- not decode is logged and skipped, but ten in a row mean the two ends no
-- longer speak the same framing (a relay bug, a version mismatch): the
-- daemon's circuit breaker leaves the connection and the listen loop
-- reconnects with a fresh presence token, as after a relay kick, so the
-- operator is not flooded (not reported). Nine are not enough.
scenario {
  name = "ten undecodable relay messages in a row make the listen() daemon reconnect",
  requirements = { "CLOUD-080", "CLOUD-073" },
  rows = { "SBRP-SM-D-006" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(80)
local client = cloud:client { daemon = daemon }
client:connect()
local s = expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
expect.eq(daemon.sessions, 1, "a session on the first connection")

local first = daemon.link
local garbage = "\x01\x02\x03"                 -- shorter than the 13-byte header
local wire = world:wire(relay, daemon)
for _ = 1, 9 do wire:inject(garbage) end
for i = 1, 9 do
  expect.note(daemon, "frame_dropped", { err = "SB_ERR_SBRP_HEADER_SHORT", text = "does not decode" })
end
expect.no_note(daemon, "decode_breaker", { during = "1s" })
expect.eq(cloud:status(daemon).connections, 1, "nine in a row: still the first connection")

wire:inject(garbage)                           -- the tenth in a row
expect.note(daemon, "frame_dropped", { err = "SB_ERR_SBRP_HEADER_SHORT" }) -- logged like the others
expect.note(daemon, "decode_breaker", { text = "10 consecutive" })
expect.link(daemon, "close", { code = 1000 })  -- the daemon leaves this WebSocket
expect.transition(daemon, "Active>Idle (session)", { machine = "daemon/session", session = s.sid })
local sleep = expect.note(daemon, "listen_sleep")
expect.eq(sleep.text:find("reported", 1, true), nil, "a kick: backoff, not reported")
expect.api(daemon, "daemon.renewToken", { status = 200 })  -- a fresh presence token
expect.state(daemon, "Connected", { timeout = "5s" })
expect.eq(cloud:status(daemon).connections, 2, "a second relay connection")
expect.truthy(daemon.link ~= first, "on a new WebSocket")
