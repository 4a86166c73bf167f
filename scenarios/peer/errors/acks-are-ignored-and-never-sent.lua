-- Acks are off by default: a peer never sends one (not for requests,
-- events or responses), and an Ack it receives is ignored.
scenario {
  name = "errors: no Acks by default; inbound Acks ignored",
  requirements = { "SBP-ACK-003", "SBP-ACK-006" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, nil, { raw = true })

alice:connect()
expect.link(alice, "open")
local acc = bob:accepted(1)
acc:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "bob" } })
acc:send_raw(sim.sbp { kind = "Message", subject = "event", json = { t = "N", e = "x" } })
acc:send_raw(sim.sbp { kind = "Ack", ack = string.rep("2", 32) })
expect.note(alice, "frame_ignored", { text = "Ack" })
local c = alice:call("m", nil, { timeout = "1s" })
expect.rpc(alice, c, { err = "rpc_timeout" })
expect.no_sbp(alice, "sent", { kind = "Ack" }, { during = "1s" })
expect.no_sbp(alice, "sent", { kind = "Error" }, { during = "0" })
