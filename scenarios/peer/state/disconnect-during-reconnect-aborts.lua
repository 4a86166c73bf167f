-- disconnect() while the peer waits to reconnect: T12 from reconnecting,
-- the `reconnecting` promise settles `aborted`, the pending retry never
-- fires (no new connection ever opens), and the peer stays closed.
scenario {
  name = "disconnect() during reconnecting: aborted, no further attempt",
  requirements = { "PEER-SM-005", "PEER-SES-001" },
  rows = { "PEER-SM-T6", "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
P.connect(alice)
alice:drop_connection()
expect.transition(alice, "active>reconnecting@PEER-SM-T6")

alice:disconnect()
expect.transition(alice, "reconnecting>closed@PEER-SM-T12")
expect.settled(alice, "reconnecting", { status = "aborted" })
expect.no_sbp(alice, "sent", { session = 2 }, { during = "1m" })
expect.eq(bob.accepted_count, 1, "no second connection")
expect.eq(alice.state, "closed", "nothing leaves closed")
