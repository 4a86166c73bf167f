-- A handler that throws answers the caller with an RpcError: code 2000 and
-- the error's message by default. The caller sees rpc_error with the wire
-- code; it is request-scoped: the connection stays and the next call works,
-- and the SDK does not retry the failed call (one request on the wire).
scenario {
  name = "RPC: a throwing handler becomes RpcError 2000",
  requirements = { "RPC-SDK-004", "RPC-ERR-005", "RPC-SDK-013", "RPC-ERR-002", "RPC-RTY-002", "RPC-ENV-005" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("boom", { error = "kaboom" })
bob:handle("ok", { result = true })
P.connect(alice)

local c = alice:call("boom")
local req = expect.sbp(alice, "sent", { m = "boom" })
local e = expect.sbp(bob:accepted(1), "sent", { type = "E", cid = req.cid })
expect.eq(e.code, 2000, "ApplicationError on the wire")
expect.rpc(alice, c, { err = "rpc_error", wire = 2000, message = "kaboom" })
expect.no_sbp(alice, "sent", { m = "boom" }, { during = "2s" }) -- not retried
local c2 = alice:call("ok")
expect.rpc(alice, c2, { result = true })
expect.eq(alice.state, "active", "an RpcError never closes the connection")
