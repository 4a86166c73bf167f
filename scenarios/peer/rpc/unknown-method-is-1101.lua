-- A request for a method without a handler is answered with RpcError 1101
-- "Method not found: <method>" (the Peer SDK's text), on the same subject
-- with the request's cid; the caller sees rpc_error 1101.
scenario {
  name = "RPC: an unknown method gets RpcError 1101",
  requirements = { "RPC-ERR-004", "RPC-SDK-013", "RPC-CID-002" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
P.connect(alice)

local c = alice:call("nope", { a = 1 })
local req = expect.sbp(alice, "sent", { m = "nope" })
expect.sbp(bob:accepted(1), "sent", { subject = "rpc", type = "E", code = 1101, cid = req.cid })
expect.rpc(alice, c, { err = "rpc_error", wire = 1101, message = "Method not found: nope" })
