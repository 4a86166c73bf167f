-- An answer CloudApiError(400) (bad request) to relay.createSession is
-- fatal: the client closes, reports the error unwrapped, and makes no
-- second call. The 400 is injected at the control plane.
scenario {
  name = "API 400 stops the client",
  requirements = { "CLOUD-040", "CLOUD-015" },
}

local world  = sim.world { seed = 14 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", status = 400 }
client:connect()
expect.api(client, "relay.createSession", { status = 400, error = "CloudApiError(400)", verdict = "fatal" })
expect.note(client, "unhandled_error", { text = "CloudApiError(400)" })
expect.state(client, "Closed")
expect.no_api(client, nil, { during = "60s" })
local other = cloud:client { daemon = daemon }
other:connect()
expect.state(other, "Active")
