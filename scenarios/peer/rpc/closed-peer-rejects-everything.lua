-- Inside SBRP with onDisconnect "pause": one call in flight when the session
-- pauses, one buffered during the pause. disconnect() rejects both with
-- peer_closed, and a call made afterwards rejects peer_closed too.
scenario {
  name = "RPC: on closed every pending and buffered call rejects peer_closed",
  requirements = { "PEER-BUF-004", "RPC-SDK-010", "PEER-SM-005" },
  rows = { "PEER-SM-T9", "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world, { on_disconnect = "pause" }, nil,
                                          { resumable = true, auto_reconnect = false })
bob:handle("slow", { defer = true })
P.connect(alice)
local sent = alice:call("slow")
expect.request(bob:accepted(1), "slow")
daemon:drop_connection()
expect.peer_state(alice, "paused")
local buffered = alice:call("slow")
expect.eq(alice.queued, 1, "buffered while paused")

alice:disconnect()
expect.rpc(alice, sent, { err = "peer_closed" })
expect.rpc(alice, buffered, { err = "peer_closed" })
local late = alice:call("slow")
expect.rpc(alice, late, { err = "peer_closed", elapsed = "0" })
