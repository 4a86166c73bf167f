-- Events buffered while reconnecting are dropped silently when the peer
-- closes, and emit() on a closed peer is a silent no-op: no error anywhere,
-- nothing on the wire.
scenario {
  name = "events: the buffer is discarded on closed; emit() while closed does nothing",
  requirements = { "EVT-EMT-005", "PEER-BUF-004" },
  rows = { "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
P.connect(alice, bob)
alice:drop_connection()
expect.peer_state(alice, "reconnecting")
alice:emit("lost.one")
expect.eq(alice.buffered_events, 1, "buffered while reconnecting")

alice:disconnect()
expect.eq(alice.buffered_events, 0, "discarded")
expect.eq(alice:emit("lost.two"), true, "emit() on a closed peer is a silent no-op")
expect.no_sbp(alice, "sent", { subject = "event" }, { during = "1m" })
expect.no_unhandled(alice, { during = "0" })
