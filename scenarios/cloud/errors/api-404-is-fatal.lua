-- relay.createSession for a daemon ID the control plane does not know
-- answers CloudApiError(404): fatal, the client closes, no retry and no
-- WebSocket is ever opened.
scenario {
  name = "API 404 (unknown daemon) stops the client",
  requirements = { "CLOUD-040", "CLOUD-015" },
}

local world  = sim.world { seed = 13 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = "d_ghost" }

client:connect()
expect.api(client, "relay.createSession", { status = 404, error = "CloudApiError(404)", verdict = "fatal" })
expect.state(client, "Closed")
expect.no_api(client, nil, { during = "60s" })
expect.no_note(client, "attempt_open", { during = "1s" })
local other = cloud:client { daemon = daemon }
other:connect()
expect.state(other, "Active")
