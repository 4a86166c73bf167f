-- A route can override its subject's mode (ADR-011 RouteOptions): with an
-- exclusive route on app/admin/ only that handler gets app/admin/...
-- Messages, while other app/ Messages are still broadcast; an exclusive
-- route on event makes the event channel exclusive. The first matching
-- route decides (RPC-RTR-002; errata E-SCEN-ROUTER-1).
scenario {
  name = "router: the mode is overridden per route",
  requirements = { "RPC-RTR-002", "RPC-RTR-001" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true }
bob:route_prefix("app/admin/", { label = "admin" }, { mode = "exclusive" })
bob:route_prefix("app/", { label = "all-app" })
bob:route("event", { label = "only" }, { mode = "exclusive" })
bob:route("event", { label = "never" })
local mallory = R.raw_client(world, bob)

mallory:send_raw(R.message("app/admin/reset", ""))
expect.handled(bob, "admin", { subject = "app/admin/reset" })
expect.no_handled(bob, "all-app", { during = "500ms" })
mallory:send_raw(R.message("app/chat", "hi"))
local chat = expect.handled(bob, "all-app", { subject = "app/chat" })
expect.eq(chat.order, 0, "app/chat: all-app is the first match")
mallory:send_raw(R.message("event", '{"t":"N","e":"x"}'))
expect.handled(bob, "only", { subject = "event" })
expect.no_handled(bob, "never", { during = "1s" })
