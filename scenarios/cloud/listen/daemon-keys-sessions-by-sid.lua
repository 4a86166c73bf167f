-- The daemon never sees a client's token: the relay checks it at the
-- upgrade and forwards only frames. The daemon keys each session by the
-- frame SessionID: HandshakeInit (32-byte key) in, HandshakeAccept
-- (128 bytes) out with the same SessionID, and nothing it receives carries
-- the client's JWT.
scenario {
  name = "the daemon never sees client tokens and keys sessions by SessionID",
  requirements = { "AUTH-046", "SBRP-RELAY-020" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(73)
local a = cloud:client { name = "a", daemon = daemon }
local b = cloud:client { name = "b", daemon = daemon }
a:connect()
b:connect()
local sa = expect.api(a, "relay.createSession", { status = 200 })
local sb = expect.api(b, "relay.createSession", { status = 200 })
expect.state(a, "Active")
expect.state(b, "Active")

for _, s in ipairs { sa, sb } do
  local init = expect.frame(daemon, "received", { type = "HandshakeInit", sid = s.sid, len = 32 })
  expect.eq(sim.hex(init.bytes), sim.hex(expect.frame(s.sid == sa.sid and a or b, "sent", { type = "HandshakeInit" }).bytes),
            "the client's HandshakeInit, byte for byte")
  expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = s.sid, len = 128 })
  expect.eq(daemon:session_state(s.sid), "Active", "a session per SessionID")
end
local wire, seen = world:wire(relay, daemon), 0
for i = 1, 100 do
  local bytes = wire:seen { nth = i }
  if not bytes then break end
  seen = i
  for _, s in ipairs { sa, sb } do
    expect.eq(bytes:find(s.data.token, 1, true), nil, "frame " .. i .. " carries no client token")
    expect.eq(bytes:find(s.data.token:sub(1, 40), 1, true), nil, "not even its header part")
  end
end
expect.truthy(seen >= 2, "the daemon received " .. seen .. " frames")
a:send("to daemon")
expect.delivered(daemon, "to daemon", { session = sa.sid })
