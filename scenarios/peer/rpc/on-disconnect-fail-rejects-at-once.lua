-- With the default onDisconnect "fail", a call made while the peer is not
-- active (here: reconnecting) rejects not_connected at once and is never
-- sent, not even after the peer is back.
scenario {
  name = "RPC: onDisconnect fail rejects calls while not active",
  requirements = { "PEER-BUF-001", "RPC-SDK-006" },
  rows = { "PEER-SM-T6", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
bob:handle("work", { result = "done" })
P.connect(alice)
alice:drop_connection()
expect.peer_state(alice, "reconnecting")

local c = alice:call("work")
expect.rpc(alice, c, { err = "not_connected", elapsed = "0" })
expect.eq(alice.queued, 0, "nothing buffered")
expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.peer_state(alice, "active")
expect.no_sbp(alice, "sent", { m = "work" }, { during = "2s" })
