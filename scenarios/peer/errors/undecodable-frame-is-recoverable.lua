-- An Ack one byte short cannot be decoded: InvalidFrame. On a message
-- transport the frame boundary is intact, so the peer answers ErrorFrame
-- 1002 and keeps the session: a Ping right after still gets its Pong.
scenario {
  name = "errors: an undecodable frame gets ErrorFrame 1002 and the session stays",
  requirements = { "SBP-ERR-002", "SBP-ACK-001", "SBP-VAL-002" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
local ack = sim.sbp { kind = "Ack", ack = string.rep("1", 32) }
mallory:send_raw(ack:sub(1, #ack - 1))
expect.sbp(bob:accepted(1), "sent", { kind = "Error", code = 1002 })
mallory:send_raw(sim.sbp { kind = "Control", op = "Ping" })
expect.sbp(bob:accepted(1), "sent", { op = "Pong" })
expect.eq(bob:accepted(1).state, "active", "still active")
