-- relay.createSession for a daemon owned by another user is refused with
-- CloudApiError(403): the control plane checks ownership before it issues.
-- 403 is fatal: the client closes without a second call.
scenario {
  name = "API 403 (daemon of another user) stops the client",
  requirements = { "CLOUD-040", "CLOUD-015" },
}

local world  = sim.world { seed = 12 }
local relay  = world:relay {}
local cloud  = world:cloud {}
cloud:user { id = "u_bob", access_token = "at_bob" }
local daemon = cloud:daemon { id = "d_bobs", owner = "u_bob" }
expect.state(daemon, "Connected")
local alice = cloud:client { daemon = daemon, access_token = "at_alice" }

alice:connect()
expect.api(alice, "relay.createSession", { status = 403, error = "CloudApiError(403)", verdict = "fatal" })
expect.state(alice, "Closed")
expect.no_api(alice, nil, { during = "60s" })
-- the owner gets a session for the same daemon
local bob = cloud:client { daemon = daemon, access_token = "at_bob" }
bob:connect()
expect.api(bob, "relay.createSession", { status = 200 })
expect.state(bob, "Active")
