-- A client sends an event before any Handshake. A receiver that gets a
-- non-Handshake frame first treats it as ProtocolViolation: ErrorFrame 1000,
-- then Close, then the connection ends; the server never accepts a peer.
scenario {
  name = "plain SBP: a frame before the Handshake is a ProtocolViolation",
  requirements = { "SBP-HS-002", "SBP-ERR-007", "PEER-SRV-005" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Message", subject = "event", json = { t = "N", e = "hello" } })
local ef = expect.sbp(bob:accepted(1), "sent", { kind = "Error" })
expect.eq(ef.code, 1000, "ProtocolViolation")
expect.sbp(bob:accepted(1), "sent", { kind = "Control", op = "Close", data = "negotiation_failed" })
expect.link(mallory, "closed")
expect.transition(bob, "idle>closed@PEER-SRV-005")
expect.settled(bob:accepted(1), "accept", { err = "SB_ERR_SBP_HS_UNEXPECTED" })
expect.eq(bob.connections, 0, "never accepted")
