-- Handshakes after negotiation are ignored (a note), and a peer that keeps
-- sending them is throttled (SBP-ERR-013): with one allowed per second the
-- second one closes the connection with ProtocolViolation.
scenario {
  name = "receiver: repeated Handshakes over the limit close the connection",
  requirements = { "SBP-ERR-013" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, throttle = { window = "1s", handshakes = 1 } }
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)

mallory:send_raw(R.handshake("again"))
expect.note(bob, "frame_ignored", { text = "Handshake" })
expect.no_sbp(acc, "sent", { kind = "Error" }, { during = "100ms" })
mallory:send_raw(R.handshake("and again"))
expect.sbp(acc, "sent", { kind = "Error", code = 1000, message = "Rate limit exceeded: handshakes" })
expect.link(mallory, "closed", { code = 1002 })
