-- Under onDisconnect "pause" calls made before connect() are buffered.
-- Cancelling one rejects it rpc_cancelled at once and evicts it: when the
-- peer becomes active only the other buffered call goes on the wire.
scenario {
  name = "RPC: a cancelled buffered call is evicted and never sent",
  requirements = { "RPC-SDK-005", "RPC-SDK-007", "PEER-BUF-002" },
  rows = { "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause" })
bob:handle("keep", { result = 1 })
bob:handle("drop", { result = 2 })

local dropped = alice:call("drop")
local kept = alice:call("keep")
expect.eq(alice.queued, 2, "both buffered while idle")
expect.eq(alice:cancel(dropped), true, "cancel()")
local r = expect.rpc(alice, dropped, { err = "rpc_cancelled" })
expect.eq(r.elapsed, 0, "rejected at once")
expect.eq(alice.queued, 1, "evicted from the buffer")
P.connect(alice)
expect.rpc(alice, kept, { result = 1 })
expect.no_sbp(alice, "sent", { m = "drop" }, { during = "2s" }) -- looks at everything alice sent
expect.sbp(alice, "sent", { m = "keep" })
expect.no_request(bob:accepted(1), "drop", { during = "0" })
