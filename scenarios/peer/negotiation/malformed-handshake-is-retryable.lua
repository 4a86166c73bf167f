-- A Handshake without peerId is InvalidFrame (1002), not a version problem:
-- the client answers ErrorFrame 1002 and, because the reference negotiator
-- classifies only 1000/1001 as fatal, tries again after its backoff.
scenario {
  name = "a Handshake missing peerId is InvalidFrame and retryable",
  requirements = { "SBP-HS-004", "SBP-ERR-014", "PEER-NEG-005" },
  rows = { "PEER-SM-T5", "PEER-SM-T8" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } }, { raw = true })

alice:connect()
expect.link(alice, "open")
bob:accepted(1):send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1" } })
expect.sbp(alice, "sent", { kind = "Error", code = 1002 })
expect.transition(alice, "negotiating>reconnecting@PEER-SM-T5")
expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.sbp(alice, "sent", { op = "Handshake", session = 2 })
expect.eq(bob.accepted_count, 2, "a second connection")
