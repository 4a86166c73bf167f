-- The retry counter starts again at 0 whenever the peer reaches active: with
-- one retry allowed, two separate drops are each survived, each with a
-- first-retry delay (about 1 s).
scenario {
  name = "retry: the attempt counter resets on active",
  requirements = { "PEER-RETRY-004", "PEER-SES-003" },
  rows = { "PEER-SM-T6", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error", attempts = 1 } })
P.connect(alice, bob)

for round = 1, 2 do
  alice:drop_connection()
  local r = expect.retry(alice, { attempt = 1 })
  expect.eq(r.delay_us, P.backoff_ms(1000, 30000, 0.2, 0, r.r) * 1000, "round " .. round .. ": a first retry")
  expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
  expect.peer_state(alice, "active")
  expect.peer_state(bob:accepted(round + 1), "active")
end
expect.eq(bob.accepted_count, 3, "three connections over time")
