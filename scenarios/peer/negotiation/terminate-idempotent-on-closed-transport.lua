-- Terminating a session must never fail because the transport underneath
-- is already gone, and terminating twice must do nothing the second time:
-- an application calls disconnect()/close() whenever it likes, often just as
-- the network dies. Here the remote end drops the WebSocket and, before the
-- drop reaches this end, this end terminates: its Close goes onto a dead
-- transport, which is tolerated (no error, no unhandled report), the peer
-- ends exactly once, and neither the late news of the drop nor a second
-- disconnect()/close() produces another end, another Close or an error.
-- Both sides: a client peer (disconnect) and a server's accepted peer (close).
scenario {
  name = "terminate is idempotent and tolerates an already-closed transport",
  requirements = { "PEER-NEG-003" },
  rows = { "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world { latency = "20ms" }

-- client side: the server's end drops first, alice terminates before she knows
local alice, bob = P.plain(world)
P.connect(alice, bob)
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })
bob:accepted(1):drop_connection()           -- bob's end learns at once, alice 20 ms later
expect.eq(alice:disconnect(), true, "disconnect() on a transport the remote already dropped")
expect.eq(alice.state, "closed", "closed at once")
expect.sbp(alice, "sent", { op = "Close", data = "disconnect" }) -- written to the dead transport:
expect.note(alice, "send_on_closed_connection")                  -- logged, not thrown
expect.lifecycle(alice, { "stateChange:closed", "disconnected" })
expect.eq(alice:disconnect(), true, "a second disconnect() is a no-op")
expect.note(alice, "stale_session", { text = "session_closed", timeout = "1s" }) -- the drop's late news, ignored
expect.no_sbp(alice, "sent", { op = "Close" }, { during = "1s" })
expect.no_unhandled(alice, { during = "1s" })
expect.eq(alice.state, "closed", "still closed, ended once")
expect.transition(alice, "active>closed@PEER-SM-T12")

-- server side: the client's end drops first, the server closes before it knows
local carol = world:peer { name = "carol", server = world:peer_server { name = "dave" } }
local dave = world:node("dave")
P.connect(carol, dave)
local acc = dave:accepted(1)
carol:drop_connection()                      -- carol's end learns at once, dave's 20 ms later
expect.eq(dave:close(), true, "close() on a transport the client already dropped")
expect.peer_state(acc, "closed", { timeout = "0" })
expect.sbp(acc, "sent", { op = "Close" })
expect.eq(dave:close(), true, "a second close() is a no-op")
world:advance("1s")
expect.no_sbp(acc, "sent", { op = "Close" }, { during = "1s" })
expect.no_unhandled(dave, { during = "1s" })
expect.eq(acc.state, "closed", "the accepted peer ended once")
expect.eq(dave.connections, 0, "no live accepted peer")
