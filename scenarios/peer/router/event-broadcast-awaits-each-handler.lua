-- On the event channel the Router calls every route, one after another:
-- the next handler starts only when the previous one has finished (here the
-- first works 200 ms), and no handler gets msg.rpc (EVT-DSP-007,
-- RPC-RTR-002, RPC-RTR-004). Nothing is sent back for an event.
scenario {
  name = "router: event handlers are awaited one after another",
  requirements = { "EVT-DSP-007", "RPC-RTR-002", "RPC-RTR-004" },
}
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
local alice = world:peer { name = "alice", server = bob }
bob:route("event", { label = "slow", delay = "200ms" })
bob:route("event", { label = "next" })

alice:connect()
expect.peer_state(alice, "active")
alice:emit("order.placed", { id = 7 })
local slow = expect.handled(bob, "slow", { rpc = false })
local done = expect.handler_done(bob, "slow", { threw = false })
local nxt = expect.handled(bob, "next", { rpc = false })
expect.eq(done.t - slow.t, 200000, "the first handler ran 200 ms")
expect.eq(nxt.t, done.t, "the second started when the first finished")
expect.eq(nxt.frame, slow.frame, "both handled the same frame")
expect.no_sbp(bob:accepted(1), "sent", { kind = "Message" }, { during = "1s" })
