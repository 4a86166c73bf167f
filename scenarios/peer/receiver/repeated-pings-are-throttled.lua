-- A receiver may throttle repeated Pings; over the limit it closes the
-- transport (SBP-ERR-013). With 5 Pings per second allowed, five are
-- answered with Pongs (SBP-CTL-006), the sixth in the same second gets
-- ErrorFrame 1000 "Rate limit exceeded: pings", Control/Close, and the
-- connection is closed.
scenario {
  name = "receiver: Pings over the rate limit close the connection",
  requirements = { "SBP-ERR-013", "SBP-CTL-006" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, throttle = { window = "1s", pings = 5 } }
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)

for _ = 1, 5 do mallory:send_raw(sim.sbp { kind = "Control", op = "Ping" }) end
for _ = 1, 5 do expect.sbp(mallory, "received", { kind = "Control", op = "Pong" }) end
expect.no_sbp(acc, "sent", { kind = "Error" }, { during = "100ms" })
mallory:send_raw(sim.sbp { kind = "Control", op = "Ping" })
local e = expect.sbp(acc, "sent", { kind = "Error", code = 1000, message = "Rate limit exceeded: pings" })
expect.sbp(acc, "sent", { kind = "Control", op = "Close" })
expect.note(bob, "connection_fault", { err = "SB_ERR_ROUTER_THROTTLED" })
expect.link(mallory, "closed", { code = 1002 })
expect.no_sbp(mallory, "received", { kind = "Control", op = "Pong" }, { during = "1s" })
