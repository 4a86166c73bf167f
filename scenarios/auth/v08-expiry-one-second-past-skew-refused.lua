-- Expiry with the clock-skew allowance, at its first refused instant
-- (AUTH-V08; errata E-SCEN-ADV-1). The same token as in
-- v08-expiry-at-exp-plus-skew-accepted.lua (issued at t = 1 s, exp = iat +
-- 120 s, skew 30 s) reaches the relay one microsecond later, at t = 152 s:
-- now - skew is one second past exp, so step 8 refuses it with HTTP 401.
scenario {
  name = "token one second past exp + skew is refused (AUTH-V08 boundary)",
  requirements = { "AUTH-V08", "AUTH-025", "AUTH-040" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world { latency = "5ms" }
local relay  = world:relay { skew = 30 }
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }

world:advance("990ms")                                 -- the daemon connected at 10 ms
expect.eq(world.now, 1000000, "the token is issued at t = 1 s: iat = epoch + 1, exp = epoch + 121")
world:partition(client)
client:connect()
world:advance("150.995s")
world:heal(client)                                     -- arrives at 152.000 s = exp + 31 s
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_EXPIRED", text = "(AUTH-V08)" })
expect.eq(world.now, 152000000, "the relay decided at t = 152 s")
expect.link(client, "refused", { code = 401 })
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(daemon, "received", {}, { during = "1s" })
