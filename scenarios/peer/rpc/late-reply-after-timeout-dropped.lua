-- The answer comes 2 s after a call that timed out at 1 s: it is dropped
-- quietly (no second outcome, no error sent back), and correlation of later
-- calls is unaffected.
scenario {
  name = "RPC: a response after the timeout is discarded",
  requirements = { "RPC-CID-007", "RPC-CID-008" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("slow", { result = "late", delay = "2s" })
bob:handle("fast", { result = "now" })
P.connect(alice)

local c = alice:call("slow", nil, { timeout = "1s" })
expect.rpc(alice, c, { err = "rpc_timeout", elapsed = "1s" })
local resp = expect.sbp(alice, "received", { type = "R" }, { timeout = "3s" })
expect.note(alice, "response_dropped", { err = "SB_ERR_RPC_CID_UNKNOWN" })
expect.no_rpc(alice, c, { during = "1s" }) -- its only outcome was the timeout
expect.no_sbp(alice, "sent", { kind = "Error" }, { during = "0" })
local f = alice:call("fast")
expect.rpc(alice, f, { result = "now" })
