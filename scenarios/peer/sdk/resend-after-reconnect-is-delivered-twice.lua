-- SBP promises no exactly-once delivery: a sender may resend after a
-- reconnect and the consumer sees the operation twice (SBP-BEH-003). The
-- request reaches bob, the connection drops before his reply; alice's call
-- fails not_connected (sent calls are never replayed, RPC-SDK-009), and once
-- she is back the application sends it again. bob's handler runs twice with
-- the same params under two different cids (and frameIds): nothing in the
-- frames marks the second as a resend, so only an idempotent or
-- deduplicating consumer is safe (sbp.md inconsistency 14).
scenario {
  name = "sdk: a resend after a reconnect is delivered twice",
  requirements = { "SBP-BEH-003", "RPC-SDK-009", "RPC-RTY-002" },
  rows = { "PEER-SM-T6", "PEER-SM-T8" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { retry = "on-error" })
bob:handle("charge", { result = "charged", delay = "500ms" })
P.connect(alice, bob)

local c1 = alice:call("charge", { order = 7 })
local first = expect.request(bob, "charge", { params = { order = 7 } })
alice:drop_connection()
expect.rpc(alice, c1, { err = "not_connected" })
expect.peer_state(alice, "active", { timeout = "5s" })
local c2 = alice:call("charge", { order = 7 })              -- the application's resend
local second = expect.request(bob, "charge", { params = { order = 7 } })
expect.truthy(first.text ~= second.text, "a new cid: " .. first.text .. " / " .. second.text)
expect.rpc(alice, c2, { result = "charged" })
expect.eq(bob.accepted_count, 2, "two sessions saw the operation")
