-- Registering a second handler for a method that has one is a programming
-- error refused at once (rpc_method_already_registered); the first handler
-- keeps answering. An old registration's unsubscribe is idempotent and
-- never removes a later handler of the same method.
scenario {
  name = "RPC: handle() twice for one method is refused at once",
  requirements = { "RPC-SDK-003", "PEER-ERR-002", "PEER-ERR-001" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
local first = alice:handle("who", { result = "first" })
local ok, err = alice:handle("who", { result = "second" })
expect.eq(ok, false, "refused")
expect.eq(err, "SB_ERR_PEER_METHOD_REGISTERED", "rpc_method_already_registered")
P.connect(alice, bob)

local c = bob:accepted(1):call("who")
expect.rpc(bob:accepted(1), c, { result = "first" })
alice:unhandle(first)
local second = alice:handle("who", { result = "second" })
alice:unhandle(first) -- the old id again: no effect on the new handler
local c2 = bob:accepted(1):call("who")
expect.rpc(bob:accepted(1), c2, { result = "second" })
