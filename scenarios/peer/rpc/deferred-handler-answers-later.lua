-- A handler may answer later: the request stays open (no response on the
-- wire) until the application replies, then exactly one RpcSuccess goes
-- out with the request's cid and the caller's promise resolves.
scenario {
  name = "RPC: a deferred handler answers when the application replies",
  requirements = { "RPC-ERR-006", "RPC-CID-002", "RPC-ENV-004" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("job", { defer = true })
P.connect(alice, bob)

local c = alice:call("job", { n = 7 })
local req = expect.request(bob:accepted(1), "job", { params = { n = 7 } })
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "3s" })
expect.eq(bob:reply("job", { result = { done = 7 } }), true, "reply()")
local resp = expect.sbp(bob:accepted(1), "sent", { type = "R" })
expect.eq(resp.cid, req.text, "the request's cid")
local r = expect.rpc(alice, c, { result = { done = 7 } })
expect.eq(r.elapsed, sim.duration("3s") + sim.duration("10ms"), "3 s of silence, then the round trip")
local ok, err = bob:reply("job", { result = 1 })
expect.eq(err, "SB_ERR_NOT_FOUND", "nothing left to answer")
expect.no_sbp(bob:accepted(1), "sent", { type = "R" }, { during = "1s" })
