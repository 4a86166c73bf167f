-- The server refuses the connection (it is closed) and the peer has the
-- default retry policy ("never"): connecting fails straight to closed (T4),
-- connect() rejects with peer_closed and an `error` event follows the
-- terminal transition.
scenario {
  name = "a refused connection with retry mode never: T4 to closed",
  requirements = { "PEER-RETRY-001", "PEER-SM-004", "PEER-SM-003" },
  rows = { "PEER-SM-T1", "PEER-SM-T4" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)
bob:close()

alice:connect()
expect.link(alice, "refused", { code = 503 })
expect.transition(alice, "connecting>closed@PEER-SM-T4")
expect.settled(alice, "connect", { err = "peer_closed" })
expect.lifecycle(alice, { "stateChange:connecting", "stateChange:closed", "error:peer_closed" })
local ok, err = alice:connect()
expect.eq(err, "SB_ERR_PEER_CLOSED", "connect() on a closed peer: peer_closed")
