-- msg.rpc exists only for subject rpc with a valid request envelope
-- (RPC-RTR-004): a request gets {method, cid}; a Message on app/rpc is raw
-- data; an invalid envelope on rpc never reaches a handler (ErrorFrame 1002
-- without a cid, RpcError 1100 with one: RPC-VAL-001/002), nor does a
-- response envelope, which belongs to the correlation layer (RPC-CH-005).
scenario {
  name = "router: msg.rpc only for a valid request on rpc",
  requirements = { "RPC-RTR-004", "RPC-VAL-001", "RPC-VAL-002", "RPC-CH-005" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
bob:route("rpc", { label = "rpc", result = 1 })
bob:route_prefix("app/", { label = "app" })
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)
local cid = string.rep("ab", 16)

mallory:send_raw(R.message("rpc", '{"t":"r","m":"sum","cid":"' .. cid .. '","p":[1,2]}', cid))
expect.handled(bob, "rpc", { rpc = true, method = "sum", cid = cid, params = { 1, 2 } })
mallory:send_raw(R.message("app/rpc", '{"t":"r","m":"sum","cid":"' .. cid .. '"}'))
expect.handled(bob, "app", { subject = "app/rpc", rpc = false })

mallory:send_raw(R.message("rpc", '{"t":"r","m":"sum"}'))                 -- no cid
expect.sbp(acc, "sent", { kind = "Error", code = 1002 })
mallory:send_raw(R.message("rpc", '{"t":"r","cid":"' .. cid .. '"}'))    -- no method, a cid
expect.sbp(acc, "sent", { type = "E", code = 1100, cid = cid })
mallory:send_raw(R.message("rpc", '{"t":"R","cid":"' .. cid .. '","result":5}'))
expect.note(bob, "response_ignored")
expect.no_handled(bob, "rpc", { during = "1s" })
