-- With acks: "receipt" a runtime acknowledges each Message once it is
-- validated and queued for its handler, without waiting for the handler
-- (SBP-ACK-004): the request's Ack leaves at once, its reply 2 s later when
-- the handler is done. One Ack names one frame: two Messages, two Acks,
-- each with its own frameId, no cumulative ack (SBP-ACK-002); the Ack's own
-- frameId is fresh.
scenario {
  name = "receiver: acks receipt confirms receipt before processing",
  requirements = { "SBP-ACK-004", "SBP-ACK-002", "SBP-WIRE-008" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, acks = "receipt" }
bob:route("rpc", { label = "rpc", delay = "2s", result = "done" })
bob:route("event", { label = "ev" })
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)
local id1, id2 = string.rep("11", 16), string.rep("22", 16)

local sent = mallory:send_raw(R.message("rpc", '{"t":"r","m":"work","cid":"' .. id1 .. '"}', id1))
local h = expect.handled(bob, "rpc", { cid = id1 })
local ack = expect.sbp(acc, "sent", { kind = "Ack" })
expect.eq(ack.ack, id1, "the Ack names the request's frameId")
expect.eq(ack.t, h.t, "sent as the request is queued, before the handler ends")
expect.truthy(ack.id ~= id1, "an Ack has a frameId of its own")
local reply = expect.sbp(acc, "sent", { type = "R", cid = id1 })
expect.eq(reply.t - ack.t, 2000000, "the reply comes when the handler is done")

mallory:send_raw(R.message("event", '{"t":"N","e":"a"}', id2))
local ack2 = expect.sbp(acc, "sent", { kind = "Ack" })
expect.eq(ack2.ack, id2, "a second Ack for the second frame")
expect.no_sbp(acc, "sent", { kind = "Ack" }, { during = "1s" })
