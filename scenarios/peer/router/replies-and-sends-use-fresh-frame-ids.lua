-- Everything a handler sends is a new frame with a fresh frameId: the
-- reply (rpc.reply copies the cid, not the frameId) and a Message made with
-- msg.send. The inbound frame is never reused (RPC-RTR-005, SBP-WIRE-008,
-- RPC-CID-002).
scenario {
  name = "router: reply and send make frames with fresh frameIds",
  requirements = { "RPC-RTR-005", "RPC-CID-002", "SBP-WIRE-008" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("rpc", { label = "rpc", result = "ok", send = { subject = "app/audit", data = "called" } })

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("work")
local req = expect.sbp(alice, "sent", { type = "r", m = "work" })
expect.rpc(alice, c, { result = "ok" })
local acc = bob:accepted(1)
local audit = expect.sbp(acc, "sent", { subject = "app/audit", data = "called" })
local reply = expect.sbp(acc, "sent", { type = "R", cid = req.id })
expect.truthy(reply.id ~= req.id, "the reply has its own frameId")
expect.truthy(audit.id ~= req.id and audit.id ~= reply.id, "so has msg.send's frame")
expect.fresh_ids(acc)
