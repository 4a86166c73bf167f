-- The server answers with a Handshake of version "2": the client's
-- negotiation fails with UnsupportedVersion. It sends an ErrorFrame 1001
-- (fresh frameId) then Close, and the peer closes for good even though its
-- retry policy allows retries: 1001 is fatal, never retried.
scenario {
  name = "version mismatch: ErrorFrame 1001, Close, closed without retry",
  requirements = { "SBP-HS-003", "SBP-HS-004", "PEER-NEG-005", "SBP-ERR-011", "PEER-RETRY-005",
                   "PEER-SM-004", "SBP-ERR-007" },
  rows = { "PEER-SM-T4" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } }, { raw = true })

alice:connect()
expect.link(alice, "open")
local theirs = sim.sbp { kind = "Control", op = "Handshake", id = "aa000000000000000000000000000001",
                         handshake = { protocol = "sideband", version = "2", peerId = "bob" } }
bob:accepted(1):send_raw(theirs)
local ef = expect.sbp(alice, "sent", { kind = "Error", code = 1001 })
expect.truthy(ef.id ~= "aa000000000000000000000000000001", "the ErrorFrame has a fresh frameId")
expect.sbp(alice, "sent", { kind = "Control", op = "Close", data = "negotiation_failed" })
expect.transition(alice, "negotiating>closed@PEER-SM-T4")
expect.settled(alice, "connect", { err = "peer_closed" })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:closed", "error:peer_closed" })
-- no second attempt, ever
expect.no_sbp(alice, "sent", { op = "Handshake", session = 2 }, { during = "2m" })
expect.eq(alice.state, "closed", "closed is terminal")
