-- Even under onDisconnect "pause", a call already sent is not preserved
-- across the reconnect: when the session drops it rejects not_connected,
-- and it is never replayed on the new session.
scenario {
  name = "RPC: in-flight calls fail on a drop under both policies",
  requirements = { "PEER-BUF-003", "RPC-SDK-009", "PEER-SM-010" },
  rows = { "PEER-SM-T6" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { on_disconnect = "pause", retry = { mode = "on-error" } })
bob:handle("slow", { defer = true })
P.connect(alice)
local c = alice:call("slow")
expect.request(bob:accepted(1), "slow")

alice:drop_connection()
expect.rpc(alice, c, { err = "not_connected" })
expect.peer_state(alice, "active", { timeout = "5s" })
expect.no_sbp(alice, "sent", { m = "slow", session = 2 }, { during = "2s" })
