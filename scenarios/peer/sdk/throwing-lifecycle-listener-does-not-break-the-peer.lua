-- A lifecycle listener that throws never breaks the state machine: the
-- error goes to onUnhandledError and the peer goes on (PEER-SM-014). Here
-- the listeners of "connected" and "stateChange" throw; alice still
-- reaches active, calls work, and disconnect() still closes her.
scenario {
  name = "sdk: a throwing lifecycle listener does not break the peer",
  requirements = { "PEER-SM-014", "PEER-ERR-003" },
  rows = { "PEER-SM-T1", "PEER-SM-T2", "PEER-SM-T3", "PEER-SM-T12" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:handle("ping", { result = "pong" })
expect.truthy(alice:on_lifecycle("connected", { throws = true }), "listener on connected")
expect.truthy(alice:on_lifecycle("stateChange", { throws = true }), "listener on stateChange")

alice:connect()
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:negotiating", "stateChange:active", "connected" })
for _ = 1, 4 do expect.unhandled(alice, { text = "lifecycle listener failed" }) end
expect.peer_state(alice, "active", { ready = true })
local c = alice:call("ping")
expect.rpc(alice, c, { result = "pong" })
alice:disconnect()
expect.transition(alice, "active>closed@PEER-SM-T12")
expect.unhandled(alice, { text = "lifecycle listener failed" })
