-- An active peer with the default policy (never) loses its connection: T7
-- to closed. A call already sent fails not_connected (the loss is not
-- fatal), nothing is retried, and no `error` event is emitted.
scenario {
  name = "session lost without retry: T7, sent call not_connected, no error event",
  requirements = { "PEER-RETRY-001", "RPC-SDK-009", "PEER-BUF-003" },
  rows = { "PEER-SM-T7" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("slow", { defer = true })
P.connect(alice)
local c = alice:call("slow")
expect.request(bob:accepted(1), "slow")

alice:drop_connection()
expect.transition(alice, "active>closed@PEER-SM-T7")
expect.rpc(alice, c, { err = "not_connected" })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected",
                          "stateChange:closed", "disconnected" })
expect.no_sbp(alice, "sent", { session = 2 }, { during = "1m" })
