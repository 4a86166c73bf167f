-- Simulator self-check: backpressure from a stalled receiver, the 30 s
-- handshake timeout of a slow daemon, and TOFU under pinned-only.
scenario {
  name = "sim: backpressure, handshake timeout, pinned-only TOFU",
  requirements = { "SBRP-RELAY-041", "SBRP-CRYPTO-008", "SBRP-TOFU-004" },
  rows = { "SBRP-SM-C-006", "SBRP-SM-C-007", "SBRP-SM-C-018", "SBRP-SM-D-012" },
}
local world  = sim.world {}
local relay  = world:relay { backpressure = 1000 }
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Active")
local slow = world:client { name = "slow", daemon = daemon, auto_reconnect = false }
slow:connect()
expect.state(slow, "Active")
slow:stall("down")
world:advance("2s")
for i = 1, 30 do daemon:send(slow, string.rep("x", 100)) end
expect.note(relay, "backpressure")
slow:unstall("down")
expect.control(slow, "backpressure")
expect.link(slow, "closed", { code = 1013 })
-- handshake timeout: a daemon that never accepts in time
local lazy = world:daemon { id = "d_lazy", accept_delay = "40s" }
local c = world:client { name = "waiting", daemon = lazy, auto_reconnect = false }
c:connect()
expect.state(c, "Closed", { timeout = "35s" })
expect.transition(c, "SBRP-SM-C-018")
expect.note(lazy, "handshake_timeout", { timeout = "5s" })
-- TOFU
local strict = world:client { name = "strict", daemon = daemon, trust = "pinned-only", pin = "wrong" }
strict:connect()
expect.state(strict, "Closed")
expect.transition(strict, "SBRP-SM-C-006")
local nopin = world:client { name = "nopin", daemon = daemon, trust = "pinned-only" }
nopin:connect()
expect.state(nopin, "Closed")
expect.transition(nopin, "SBRP-SM-C-007")
