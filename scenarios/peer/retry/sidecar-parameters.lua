-- The sidecar-style policy (initial 1 s, cap 60 s, jitter 0.1, no retry
-- limit) is expressible too: the bases double 1, 2, 4, ..., 32 s, then stay
-- at the 60 s cap, each delay within +-10 % and equal to the formula, and
-- the peer keeps trying.
scenario {
  name = "retry: sidecar parameters, 1 s to a 60 s cap, jitter 0.1, unlimited",
  requirements = { "PEER-RETRY-002", "PEER-RETRY-003" },
  rows = { "PEER-SM-T5", "PEER-SM-T8" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = "sidecar" })
bob:close()

alice:connect()
local bases = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 }
for k, base in ipairs(bases) do
  local r = expect.retry(alice, { attempt = k, timeout = "2m" })
  local want = P.backoff_ms(1000, 60000, 0.1, k - 1, r.r)
  expect.eq(r.delay_us, want * 1000, "retry " .. k .. " delay from the formula")
  expect.eq(r.delay_us, P.jittered_ms(base, 0.1, r.r) * 1000, "retry " .. k .. ": base " .. base .. " ms +-10 %")
  expect.transition(alice, "reconnecting>connecting@PEER-SM-T8", { timeout = "2m" })
end
expect.eq(alice.state, "connecting", "still trying after 9 failures")
