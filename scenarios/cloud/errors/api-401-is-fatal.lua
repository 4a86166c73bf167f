-- A client whose access token the control plane does not accept gets
-- CloudApiError(401) from relay.createSession. 401 is fatal (cloud.md 3.4):
-- the peer stops at once, reports the error unwrapped and never calls again.
scenario {
  name = "API 401 stops the client (fatal, no retry)",
  requirements = { "CLOUD-040", "CLOUD-015", "CLOUD-021" },
}

local world  = sim.world { seed = 11 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon, access_token = "at_revoked" }

client:connect()
expect.api(client, "relay.createSession", { status = 401, http = 200, error = "CloudApiError(401)", verdict = "fatal" })
expect.note(client, "unhandled_error", { text = "CloudApiError(401)" })
expect.state(client, "Closed")
expect.no_api(client, "relay.createSession", { during = "60s" })
expect.no_frame(client, "sent", {}, { during = "1s" })
-- the same control plane still serves a client with a good token
local good = cloud:client { daemon = daemon }
good:connect()
expect.api(good, "relay.createSession", { status = 200 })
expect.state(good, "Active")
