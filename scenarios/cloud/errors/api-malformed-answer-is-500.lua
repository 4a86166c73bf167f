-- A 2xx answer that is not JSON (a captive portal page) reads as
-- CloudApiError(500), and one without result.data too (cloud.md 2.2):
-- both retryable, so the client tries again and then connects.
scenario {
  name = "a malformed API answer is CloudApiError(500), retried",
  requirements = { "CLOUD-003", "CLOUD-040" },
}

local world  = sim.world { seed = 19 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", answer = "not_json" }
cloud:fault { procedure = "relay.createSession", answer = "no_data" }
client:connect()
local page = expect.api(client, "relay.createSession", { status = 500, http = 200, error = "CloudApiError(500)", verdict = "retryable" })
expect.truthy(page.body:find("<html>", 1, true), "the answer was an HTML page")
expect.api(client, "relay.createSession", { status = 500, http = 200, error = "CloudApiError(500)", verdict = "retryable" })
expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
