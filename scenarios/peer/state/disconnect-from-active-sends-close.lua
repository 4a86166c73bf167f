-- disconnect() on an active peer is a hard close (T12): Close with reason
-- "disconnect" goes out first, then the transport closes; the remote's
-- accepted peer closes too. A second disconnect() is a no-op, and a call
-- after it rejects peer_closed.
scenario {
  name = "disconnect() from active: Close(disconnect), closed, idempotent",
  requirements = { "PEER-SM-005", "SBP-CTL-008", "PEER-NEG-004", "RPC-SDK-010" },
  rows = { "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
P.connect(alice)

expect.eq(alice:disconnect(), true, "disconnect()")
expect.eq(alice.state, "closed", "closed at once")
local close = expect.sbp(alice, "sent", { op = "Close" })
expect.eq(close.data, "disconnect", "Close carries the reason")
local link = expect.link(alice, "close", { code = 1000 })
expect.eq(link.t, close.t, "the transport closes right after the Close frame")
expect.transition(alice, "active>closed@PEER-SM-T12")
expect.peer_state(bob:accepted(1), "closed")
expect.eq(alice:disconnect(), true, "a second disconnect() is a no-op")
local c = alice:call("anything")
expect.rpc(alice, c, { err = "peer_closed" })
expect.no_sbp(alice, "sent", { m = "anything" }, { during = "1s" })
