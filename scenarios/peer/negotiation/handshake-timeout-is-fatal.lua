-- The server accepts the connection but never sends its Handshake. Exactly
-- 30 s (the reference negotiator's default) after the connection opened,
-- the client gives up with ProtocolViolation "handshake timeout", which is
-- fatal: ErrorFrame 1000, Close, closed without a retry.
scenario {
  name = "handshake timeout after 30 s is a fatal ProtocolViolation",
  requirements = { "SBP-HS-010", "PEER-NEG-008", "PEER-NEG-005", "PEER-RETRY-005" },
  rows = { "PEER-SM-T4" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } }, { raw = true })

alice:connect()
local negotiating = expect.transition(alice, "connecting>negotiating@PEER-SM-T2")
local closed = expect.transition(alice, "negotiating>closed@PEER-SM-T4", { timeout = "40s" })
expect.eq(closed.t - negotiating.t, sim.duration("30s"), "the 30 s handshake deadline")
local ef = expect.sbp(alice, "sent", { kind = "Error", code = 1000 })
expect.eq(ef.t, closed.t, "the ErrorFrame goes out as it fails")
expect.sbp(alice, "sent", { op = "Close" })
expect.settled(alice, "connect", { err = "peer_closed" })
expect.no_sbp(alice, "sent", { op = "Handshake", session = 2 }, { during = "1m" })
