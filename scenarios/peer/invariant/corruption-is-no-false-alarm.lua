-- The adversary flips a bit in a Data frame from the client: the daemon's
-- AEAD refuses it (decrypt_failed), so corrupted bytes never reach the peer
-- and the invariant cannot fire. The peer reconnects and its traffic is
-- again delivered byte for byte.
scenario {
  name = "invariant: the adversary's corruption never trips it (AEAD stops it first)",
  requirements = { "SBRP-CRYPTO-024", "SBP-SUBJ-009", "SBP-BEH-007" },
  rows = { "PEER-SM-T6", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, { retry = { mode = "on-error" } })
bob:handle("echo", { echo = true })
P.connect(alice, bob)
local before = world:frames_checked()

world:wire(client, "relay"):corrupt { type = "Data", offset = -1 }
local c = alice:call("echo", "tampered")
expect.note(daemon, "decrypt_failed")
expect.no_request(bob, "echo", { during = "1s" })
expect.transition(alice, "PEER-SM-T6", { timeout = "5s" })
expect.transition(alice, "PEER-SM-T3", { timeout = "5s" })
local d = alice:call("echo", "clean")
expect.rpc(alice, d, { result = "clean" })
expect.truthy(world:frames_checked() > before, "the invariant kept checking")
