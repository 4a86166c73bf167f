-- Two calls in flight are answered out of order: each outcome matches its
-- call by cid. A request's cid is its own frameId, the response copies it
-- unchanged and has a frameId of its own.
scenario {
  name = "RPC: responses correlate by cid, in any order",
  requirements = { "RPC-CID-001", "RPC-CID-002", "RPC-CID-003", "RPC-CID-005", "RPC-CID-006", "RPC-CON-001",
                   "SBP-MSG-005" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("slow", { result = "slow", delay = "300ms" })
bob:handle("fast", { result = "fast" })
P.connect(alice)

local s = alice:call("slow")
local f = alice:call("fast")
local rs = expect.sbp(alice, "sent", { m = "slow" })
local rf = expect.sbp(alice, "sent", { m = "fast" })
expect.eq(rs.cid, rs.id, "the cid is the request's frameId")
local first = expect.sbp(alice, "received", { type = "R" })
expect.eq(first.cid, rf.cid, "the fast answer comes first")
expect.truthy(first.id ~= rf.id, "the response has its own frameId")
local second = expect.sbp(alice, "received", { type = "R" })
expect.eq(second.cid, rs.cid, "then the slow one")
local of = expect.rpc(alice, f, { result = "fast" })
local os = expect.rpc(alice, s, { result = "slow" })
expect.truthy(of.t < os.t, "settled in arrival order, each with its own result")
