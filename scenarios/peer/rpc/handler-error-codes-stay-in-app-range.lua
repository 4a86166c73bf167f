-- A handler may give its own application code (2001) and data; a code
-- outside the application range (1500 is RPC's) is replaced by 2000, so
-- codes stay in their owner's range.
scenario {
  name = "RPC: handler codes stay in the application range",
  requirements = { "RPC-ERR-001", "RPC-ERR-005", "SBP-ERR-008" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("app", { error = "no such user", code = 2001, data = { user = "u1" } })
bob:handle("rogue", { error = "pretends to be RPC", code = 1500 })
P.connect(alice)

local a = alice:call("app")
expect.rpc(alice, a, { err = "rpc_error", wire = 2001, message = "no such user", data = { user = "u1" } })
local r = alice:call("rogue")
expect.rpc(alice, r, { err = "rpc_error", wire = 2000 })
expect.note(bob, "handler_code_replaced", { err = "SB_ERR_RANGE" })
