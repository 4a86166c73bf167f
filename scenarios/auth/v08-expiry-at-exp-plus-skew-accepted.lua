-- Expiry with the clock-skew allowance, at its last accepted instant
-- (AUTH-V08: refuse if exp is earlier than now - skew; errata E-SCEN-ADV-1).
-- A session token issued at t = 1 s has exp = iat + 120 s; the relay allows
-- 30 s of skew. The client's connection is held (a partition) until its
-- upgrade reaches the relay at t = 151.999 s: now - skew = exp, not later,
-- so the token is still good (the relay reads time in whole seconds).
scenario {
  name = "token at exp + skew is still accepted (AUTH-V08 boundary)",
  requirements = { "AUTH-V08", "AUTH-025" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-002", "SBRP-SM-R-004" },
}
local world  = sim.world { latency = "5ms" }
local relay  = world:relay { skew = 30 }
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }

world:advance("990ms")                                 -- the daemon connected at 10 ms
expect.eq(world.now, 1000000, "the token is issued at t = 1 s: iat = epoch + 1, exp = epoch + 121")
world:partition(client)                                -- the upgrade waits on the wire
client:connect()
world:advance("150.994s")
world:heal(client)                                     -- arrives at 151.999 s = exp + 30 s + 999 ms
expect.note(relay, "admission", { session = client })
expect.eq(world.now, 151999000, "the relay decided at t = 151.999 s")
expect.link(client, "open", { code = 101 })
expect.state(client, "Active")
client:send("just in time")
expect.delivered(daemon, "just in time", { session = client })
