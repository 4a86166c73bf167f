-- The Ping limit is per window (SBP-ERR-013): five Pings in one second,
-- then five more after the window has passed, are all answered; the
-- connection stays open.
scenario {
  name = "receiver: the Ping limit starts again in each window",
  requirements = { "SBP-ERR-013", "SBP-CTL-006" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, throttle = { window = "1s", pings = 5 } }
local mallory = R.raw_client(world, bob)

for _ = 1, 5 do mallory:send_raw(sim.sbp { kind = "Control", op = "Ping" }) end
world:advance("1s")
for _ = 1, 5 do mallory:send_raw(sim.sbp { kind = "Control", op = "Ping" }) end
for _ = 1, 10 do expect.sbp(mallory, "received", { kind = "Control", op = "Pong" }) end
expect.no_sbp(bob:accepted(1), "sent", { kind = "Error" }, { during = "1s" })
expect.eq(bob.connections, 1, "still connected")
