-- connect() depends on the state: from connecting it joins the attempt under
-- way (no second transport), from active it is refused with invalid_state,
-- and from closed with peer_closed.
scenario {
  name = "connect() from connecting, active and closed",
  requirements = { "PEER-SM-003", "PEER-ERR-001" },
  rows = { "PEER-SM-T1" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world)

expect.eq(alice:connect(), true, "from idle")
expect.eq(alice:connect(), true, "from connecting: the same attempt")
expect.peer_state(alice, "active")
expect.eq(bob.accepted_count, 1, "one connection only")
local ok, err = alice:connect()
expect.eq(err, "SB_ERR_PEER_INVALID_STATE", "from active: invalid_state")
alice:disconnect()
ok, err = alice:connect()
expect.eq(err, "SB_ERR_PEER_CLOSED", "from closed: peer_closed")
