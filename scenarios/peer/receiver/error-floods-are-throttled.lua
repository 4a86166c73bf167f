-- An error flood is throttled (SBP-ERR-013): each undecodable frame is
-- answered with its ErrorFrame (recoverable, SBP-ERR-002) until the limit
-- of 3 per second; the fourth closes the connection with ProtocolViolation
-- instead of one more answer, so a peer cannot make the receiver amplify it.
scenario {
  name = "receiver: a flood of bad frames closes the connection",
  requirements = { "SBP-ERR-013", "SBP-ERR-002" },
}
local R = require "router"
local world = sim.world {}
local bob = world:peer_server { name = "bob", router = true, throttle = { window = "1s", errors = 3 } }
local mallory = R.raw_client(world, bob)
local acc = bob:accepted(1)

for _ = 1, 3 do mallory:send_raw(sim.sbp { kind = "Control", op = "Ping", data = "x" }) end
for _ = 1, 3 do expect.sbp(acc, "sent", { kind = "Error", code = 1002 }) end
mallory:send_raw(sim.sbp { kind = "Control", op = "Ping", data = "x" })
expect.sbp(acc, "sent", { kind = "Error", code = 1000, message = "Rate limit exceeded: errors" })
expect.link(mallory, "closed", { code = 1002 })
