-- Acks are advisory: RPC never depends on them (SBP-ACK-005). A Peer SDK
-- client calling a Router server that acknowledges every Message ignores
-- the Acks (a note, nothing sent back) and completes its call from the
-- response alone, exactly as against a server that sends no Acks.
scenario {
  name = "receiver: acks are advisory; RPC completes by its response",
  requirements = { "SBP-ACK-005", "SBP-ACK-006" },
}
local world = sim.world {}
local acking = world:peer_server { name = "acking", router = true, acks = "receipt" }
local silent = world:peer_server { name = "silent", router = true }
local a = world:peer { name = "a", server = acking }
local b = world:peer { name = "b", server = silent }
acking:route("rpc", { label = "rpc", delay = "300ms", result = 5 })
silent:route("rpc", { label = "rpc", delay = "300ms", result = 5 })

a:connect()
b:connect()
expect.peer_state(a, "active")
expect.peer_state(b, "active")
local ca = a:call("sum")
local cb = b:call("sum")
expect.sbp(a, "received", { kind = "Ack" })
expect.note(a, "frame_ignored", { text = "Ack" })
local ra = expect.rpc(a, ca, { result = 5 })
local rb = expect.rpc(b, cb, { result = 5 })
expect.eq(ra.elapsed, rb.elapsed, "the same call time with and without Acks")
expect.no_sbp(a, "sent", { kind = "Ack" }, { during = "1s" })
