-- A server caps the size of a WebSocket message (SBP-BEH-005): with
-- max_message = 2048, a message of 2048 bytes reaches the router, one of
-- 2049 bytes makes the server close the connection with 1009 (Message Too
-- Big) before anything reads it; the client sees the 1009.
scenario {
  name = "receiver: the server closes a connection over its message-size cap",
  requirements = { "SBP-BEH-005" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, max_message = 2048 }
bob:route_prefix("app/", { label = "app" })
local mallory = R.raw_client(world, bob)
local header = 18 + 4 + #"app/b"

mallory:send_raw(R.message("app/b", string.rep("y", 2048 - header)))
expect.handled(bob, "app")
mallory:send_raw(R.message("app/b", string.rep("y", 2049 - header)))
expect.note(bob, "message_too_big", { err = "SB_ERR_ROUTER_MESSAGE_TOO_BIG" })
expect.link(bob, "close", { code = 1009 })
expect.link(mallory, "closed", { code = 1009 })
expect.no_handled(bob, "app", { during = "1s" })
