-- Dispatch order is fixed (ADR-011 section 4): the exact routes of the
-- subject first, then prefix routes, the longest prefix first, and within
-- each bucket registration order, whatever order the routes were made in.
-- app/ subjects are broadcast, so every matching handler runs (RPC-RTR-001).
scenario {
  name = "router: exact routes first, then longest prefix, registration order within",
  requirements = { "RPC-RTR-001", "RPC-RTR-002" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
bob:route_prefix("app/", { label = "C" })           -- shortest prefix, registered first
bob:route_prefix("app/metrics/", { label = "B" })
bob:route("app/metrics/cpu", { label = "A" })       -- exact, registered third
bob:route_prefix("app/metrics/", { label = "B2" })  -- same bucket as B, later
local mallory = R.raw_client(world, bob)

mallory:send_raw(R.message("app/metrics/cpu", "42"))
expect.handled(bob, "A", { order = 0 })
expect.handled(bob, "B", { order = 1 })
expect.handled(bob, "B2", { order = 2 })
expect.handled(bob, "C", { order = 3 })

mallory:send_raw(R.message("app/metrics/mem", "7"))   -- no exact route this time
expect.handled(bob, "B", { subject = "app/metrics/mem", order = 0 })
expect.handled(bob, "B2", { order = 1 })
expect.handled(bob, "C", { order = 2 })
expect.no_handled(bob, "A", { during = "1s" })
