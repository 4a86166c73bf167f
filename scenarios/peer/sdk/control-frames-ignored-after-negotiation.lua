-- Upstream's Peer SDK ignores every Control frame after negotiation
-- (SBP-CTL-009, the upstream_ignore_control reading, errata E-PEER-3): a
-- Ping gets no Pong and a Close does not end the session; only the end of
-- the transport does.
scenario {
  name = "sdk: upstream reading ignores Control frames after negotiation",
  requirements = { "SBP-CTL-009" },
  rows = { "PEER-SM-T7" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { upstream_ignore_control = true }, { raw = true })
alice:connect()
expect.link(alice, "open")
local acc = bob:accepted(1)
acc:send_raw(sim.sbp { kind = "Control", op = "Handshake",
                       handshake = { protocol = "sideband", version = "1", peerId = "bob" } })
expect.peer_state(alice, "active")

acc:send_raw(sim.sbp { kind = "Control", op = "Ping" })
expect.note(alice, "frame_ignored", { text = "Ping" })
expect.no_sbp(alice, "sent", { kind = "Control", op = "Pong" }, { during = "1s" })
acc:send_raw(sim.sbp { kind = "Control", op = "Close", data = "bye" })
expect.note(alice, "frame_ignored", { text = "Close" })
world:advance("1s")
expect.peer_state(alice, "active")
acc:disconnect()                                   -- the transport closes
expect.transition(alice, "active>closed@PEER-SM-T7")
