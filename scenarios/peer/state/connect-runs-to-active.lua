-- connect() from idle: connecting, negotiating on the open transport, active
-- once the Handshakes crossed. `ready` only in active, `connected` only in
-- active and paused; stateChange comes first in every transition and
-- `connected` follows the one into active; connect() resolves there.
scenario {
  name = "connect(): idle, connecting, negotiating, active, with ready/connected",
  requirements = { "PEER-SM-001", "PEER-SM-002", "PEER-SM-003", "PEER-SM-009" },
  rows = { "PEER-SM-T1", "PEER-SM-T2", "PEER-SM-T3" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)

expect.eq(alice.state, "idle", "a new peer is idle")
expect.eq(alice:connect(), true, "connect() from idle")
expect.eq(alice.state, "connecting", "synchronously connecting (T1)")
expect.eq(alice.ready or alice.connected, false, "neither ready nor connected while connecting")
expect.transition(alice, "connecting>negotiating@PEER-SM-T2")
expect.eq(alice.ready or alice.connected, false, "neither while negotiating")
expect.transition(alice, "negotiating>active@PEER-SM-T3")
expect.peer_state(alice, "active", { ready = true, connected = true, reconnecting = false })
expect.settled(alice, "connect", { ok = true })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })
