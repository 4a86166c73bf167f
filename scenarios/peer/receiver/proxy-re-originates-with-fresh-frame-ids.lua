-- An SBP proxy terminates one session and starts another: every frame it
-- re-originates gets a fresh frameId, it never forwards one (SBP-BEH-009).
-- alice calls bob through the proxy: the request bob receives has another
-- frameId than the one alice sent, the same envelope bytes, and its cid is
-- still alice's (correlation is end to end, RPC-CID-003); the reply comes
-- back the same way and alice's call completes.
scenario {
  name = "receiver: an SBP proxy re-originates frames with fresh frameIds",
  requirements = { "SBP-BEH-009", "SBP-WIRE-008", "RPC-CID-003", "RPC-CID-009" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob" }
local proxy = world:sbp_proxy { name = "proxy", server = bob }
local alice = world:peer { name = "alice", server = proxy }
bob:handle("add", { result = 3 })

alice:connect()
expect.peer_state(alice, "active")
local c = alice:call("add", { a = 1, b = 2 })
local out = expect.sbp(alice, "sent", { type = "r", m = "add" })
local into = expect.sbp(bob:accepted(1), "received", { type = "r", m = "add" })
expect.truthy(into.id ~= out.id, "bob sees a new frameId")
expect.eq(into.data, out.data, "the envelope is forwarded byte for byte")
expect.eq(into.cid, out.id, "the cid is still alice's frameId")
local reply = expect.sbp(bob:accepted(1), "sent", { type = "R", cid = out.id })
local back = expect.sbp(alice, "received", { type = "R", cid = out.id })
expect.truthy(back.id ~= reply.id, "the reply is re-originated too")
expect.rpc(alice, c, { result = 3 })
expect.eq(bob:accepted(1).remote_id, "proxy", "bob's session is with the proxy, not alice")
expect.fresh_ids(proxy)
