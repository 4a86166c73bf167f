-- Every attempt is refused and the policy allows 2 retries: connecting goes
-- to reconnecting (T5), back to connecting after the backoff (T8), twice,
-- and the third failure closes (T4). One `reconnecting` promise spans the
-- whole cycle and settles `failed` at the end.
scenario {
  name = "retryable failures: T5/T8 twice, then T4 with no retry left",
  requirements = { "PEER-RETRY-003", "PEER-SM-008", "PEER-SM-007" },
  rows = { "PEER-SM-T5", "PEER-SM-T8", "PEER-SM-T4" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = { mode = "on-error", attempts = 2 } })
bob:close()

alice:connect()
expect.transition(alice, "connecting>reconnecting@PEER-SM-T5")
expect.truthy(alice.reconnecting, "a reconnecting promise exists")
expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.transition(alice, "connecting>reconnecting@PEER-SM-T5")
expect.truthy(alice.reconnecting, "still the same cycle")
expect.transition(alice, "reconnecting>connecting@PEER-SM-T8")
expect.transition(alice, "connecting>closed@PEER-SM-T4")
expect.settled(alice, "reconnecting", { status = "failed" })
expect.settled(alice, "connect", { err = "peer_closed" })
for _ = 1, 3 do expect.link(alice, "refused", { code = 503 }) end
expect.eq(alice.reconnecting, false, "the promise is gone after it settled")
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:reconnecting", "reconnecting",
                          "stateChange:connecting", "stateChange:reconnecting", "reconnecting",
                          "stateChange:connecting", "stateChange:closed", "error:peer_closed" })
