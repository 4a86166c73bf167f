-- After the Handshakes a Ping is answered with a Pong: a fresh frameId (a
-- received frameId is never copied) and the Ping's timestamp echoed, so the
-- pinger can measure the round trip on its own clock.
scenario {
  name = "plain SBP: Ping gets a Pong with a fresh frameId and the timestamp",
  requirements = { "SBP-CTL-006", "SBP-WIRE-004", "SBP-WIRE-008" },
}
local P = require "peer"
local world = sim.world {}
local mallory, bob = P.plain(world, { name = "mallory", raw = true })

mallory:connect()
expect.link(mallory, "open")
mallory:send_raw(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "m" } })
expect.peer_state(bob:accepted(1), "active")
local ping = sim.sbp { kind = "Control", op = "Ping", id = "0102030405060708090a0b0c0d0e0f10", timestamp = 1700000000000 }
mallory:send_raw(ping)
local pong = expect.sbp(bob:accepted(1), "sent", { op = "Pong" })
expect.truthy(pong.id ~= "0102030405060708090a0b0c0d0e0f10", "the Pong has its own frameId")
expect.eq(#pong.bytes, 27, "header, frameId, timestamp, op")
expect.eq(pong.bytes:sub(2, 2), "\1", "timestamp flag set")
expect.eq(pong.bytes:sub(19, 26), ping:sub(19, 26), "the Ping's timestamp echoed")
expect.eq(expect.sbp(mallory, "received", { op = "Pong" }).bytes, pong.bytes, "and it arrives")
