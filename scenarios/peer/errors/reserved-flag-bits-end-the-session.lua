-- A frame with a reserved flag bit set (0x02) is InvalidFrame and, unlike
-- other decode faults, ends the session: ErrorFrame 1002, Close
-- "invalid_frame", and the connection closes.
scenario {
  name = "errors: reserved flag bits get ErrorFrame 1002 and close the session",
  requirements = { "SBP-WIRE-005", "SBP-ERR-007" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
expect.peer_state(bob:accepted(1), "active")
mallory:send_raw(sim.sbp { kind = "Control", op = "Ping", flags = 2 })
expect.sbp(bob:accepted(1), "received", { malformed = "SB_ERR_SBP_RESERVED_FLAGS" })
expect.sbp(bob:accepted(1), "sent", { kind = "Error", code = 1002 })
expect.sbp(bob:accepted(1), "sent", { op = "Close", data = "invalid_frame" })
expect.peer_state(bob:accepted(1), "closed")
expect.link(mallory, "closed")
