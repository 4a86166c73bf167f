-- A peer enforces a maximum frame size (SBP-BEH-006): with max_frame = 4096
-- a frame of exactly 4096 bytes is dispatched, one of 4097 bytes gets
-- ErrorFrame 1000 (ProtocolViolation), then Control/Close, and the
-- connection is closed (WebSocket 1002, SBP-ERR-012 guidance).
scenario {
  name = "receiver: a frame over the maximum size closes with ProtocolViolation",
  requirements = { "SBP-BEH-006", "SBP-ERR-007", "SBP-ERR-012" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, max_frame = 4096 }
bob:route_prefix("app/", { label = "app" })
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)
local header = 18 + 4 + #"app/blob"

mallory:send_raw(R.message("app/blob", string.rep("x", 4096 - header)))
expect.handled(bob, "app")
mallory:send_raw(R.message("app/blob", string.rep("x", 4097 - header)))
local e = expect.sbp(acc, "sent", { kind = "Error", code = 1000 })
expect.truthy(e.message:find("Frame too large: 4097 bytes", 1, true), "names the size")
expect.sbp(acc, "sent", { kind = "Control", op = "Close" })
expect.link(bob, "close", { code = 1002 })
expect.link(mallory, "closed", { code = 1002 })
expect.no_handled(bob, "app", { during = "1s" })
