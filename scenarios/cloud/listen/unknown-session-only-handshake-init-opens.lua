-- The relay multiplexes every client session over the daemon's one
-- WebSocket, keyed by SessionID. A frame for a SessionID the daemon does not
-- know is dropped without a word unless it is a HandshakeInit: no answer
-- goes back (an answer would tell a prober which IDs exist) and the live
-- session is untouched. A HandshakeInit for a new SessionID opens a session
-- there: the daemon answers with its HandshakeAccept under that SessionID
-- and its application gets an accepted peer (the daemon negotiator) for it.
scenario {
  name = "listen(): an unknown SessionID opens a session only with a HandshakeInit",
  requirements = { "CLOUD-083" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(83)
local bob = world:peer_server { name = "bob", via = daemon }
local client = cloud:client { daemon = daemon }
client:connect()
local s = expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
expect.frame(daemon, "sent", { type = "Data", sid = s.sid }) -- the accepted peer's SBP Handshake

local unknown = 0x0123456789abcdef
local wire = world:wire(relay, daemon)
for _, f in ipairs {
  { type = "Data", sid = unknown, hex = string.rep("00", 8) .. string.rep("ab", 24) },
  { type = "Signal", sid = unknown, signal = "ready" },
  { type = "Signal", sid = unknown, signal = "close", reason = "none" },
  { type = "Control", sid = unknown, control = "session_ended" },
} do
  wire:inject(sim.frame(f))
  expect.frame(daemon, "received", { type = f.type, sid = unknown })
end
expect.no_frame(daemon, "sent", { sid = unknown }, { during = "2s" })
expect.no_frame(daemon, "sent", {}, { during = "2s" })      -- nothing at all goes back
expect.eq(daemon.sessions, 1, "no session was opened")
expect.eq(daemon:session_state(unknown), "Idle (session)", "the unknown SessionID stays unknown")
expect.eq(bob.accepted_count, 1, "no accepted peer for it")
expect.eq(daemon:session_state(s.sid), "Active", "the live session is untouched")
expect.peer_state(bob:accepted(1), "idle")               -- its negotiator is still waiting, undisturbed

local x25519_base = "09" .. string.rep("00", 31)               -- a valid ephemeral public key
wire:inject(sim.frame { type = "HandshakeInit", sid = unknown, hex = x25519_base })
expect.frame(daemon, "received", { type = "HandshakeInit", sid = unknown, len = 32 })
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = unknown, len = 128 })
expect.transition(daemon, "SBRP-SM-D-003", { session = unknown })
expect.eq(daemon.sessions, 2, "a second session, keyed by the new SessionID")
world:run_until(function() return bob.accepted_count == 2 end, "1s") -- an accepted peer for it
expect.eq(bob:accepted(2).sid, unknown, "the accepted peer serves that SessionID")
expect.sbp(bob:accepted(2), "sent", { op = "Handshake" })     -- its negotiator started
