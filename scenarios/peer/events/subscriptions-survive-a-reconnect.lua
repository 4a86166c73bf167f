-- Subscriptions are local and survive reconnects (nothing about them is
-- sent): after the connection drops and the peer reconnects, an event from
-- the new session's remote reaches the same subscription.
scenario {
  name = "events: subscriptions survive a reconnect and are never sent",
  requirements = { "EVT-004", "PEER-SM-010" },
  rows = { "PEER-SM-T6", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
local sub = alice:on("news")
P.connect(alice, bob)
alice:drop_connection()
expect.transition(alice, "PEER-SM-T6")
expect.transition(alice, "PEER-SM-T3")
expect.peer_state(bob:accepted(2), "active")

bob:accepted(2):emit("news", "after")
expect.event(alice, "news", { sub = sub, data = "after" })
expect.no_sbp(alice, "sent", { kind = "Message" }, { during = "1s" })
