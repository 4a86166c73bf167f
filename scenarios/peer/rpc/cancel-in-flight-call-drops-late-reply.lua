-- Cancelling a call already sent abandons it locally: it rejects
-- rpc_cancelled at once, nothing is sent to the remote for it, and the reply
-- that arrives later is dropped.
scenario {
  name = "RPC: an in-flight call cancelled; its late reply is dropped",
  requirements = { "RPC-SDK-005", "RPC-CID-008" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("slow", { result = "done", delay = "1s" })
P.connect(alice)

local c = alice:call("slow")
expect.request(bob:accepted(1), "slow")
world:advance("100ms")
alice:cancel(c)
expect.rpc(alice, c, { err = "rpc_cancelled", within = "200ms" })
expect.sbp(alice, "received", { type = "R" }, { timeout = "2s" })
expect.note(alice, "response_dropped")
expect.no_rpc(alice, c, { during = "1s" })
expect.eq(alice.in_flight, 0, "nothing left in flight")
local ok, err = alice:cancel(c)
expect.eq(err, "SB_ERR_NOT_FOUND", "a settled call cannot be cancelled again")
