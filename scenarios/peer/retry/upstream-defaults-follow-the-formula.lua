-- With upstream's defaults (1 s doubling to 30 s, jitter 0.2, 5 retries),
-- every backoff equals round(B + (2r - 1) * B * 0.2) for the draw r the
-- peer took from its seeded stream, B = min(1 s * 2^k, 30 s); the next
-- attempt starts exactly that much later. After 5 retries (6 attempts in
-- a row) the peer closes and its reconnecting promise fails.
scenario {
  name = "retry: upstream defaults, delays follow the formula, then give up",
  requirements = { "PEER-RETRY-002", "PEER-RETRY-003", "PEER-RETRY-006", "CLOUD-014" },
  rows = { "PEER-SM-T5", "PEER-SM-T8", "PEER-SM-T4" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error" } })
bob:close()

alice:connect()
for k = 1, 5 do
  local r = expect.retry(alice, { attempt = k, timeout = "1m" })
  local want = P.backoff_ms(1000, 30000, 0.2, k - 1, r.r)
  expect.eq(r.delay_us, want * 1000, "retry " .. k .. " delay from the formula")
  local base = math.min(1000 * 2 ^ (k - 1), 30000)
  expect.truthy(math.abs(want - base) <= 0.2 * base, "within +-20 % of " .. base .. " ms")
  local t8 = expect.transition(alice, "reconnecting>connecting@PEER-SM-T8", { timeout = "1m" })
  expect.eq(t8.t - r.t, r.delay_us, "attempt " .. (k + 1) .. " starts after exactly that delay")
end
expect.transition(alice, "connecting>closed@PEER-SM-T4")
expect.settled(alice, "reconnecting", { status = "failed" })
for _ = 1, 6 do expect.link(alice, "refused") end
expect.no_sbp(alice, "sent", nil, { during = "2m" })
