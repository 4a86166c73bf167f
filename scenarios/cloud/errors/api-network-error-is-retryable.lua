-- The call never gets an answer (fetch throws): not a CloudApiError but a
-- plain error, retryable. The client backs off and the next call succeeds.
scenario {
  name = "a network error on the API is retried",
  requirements = { "CLOUD-040" },
}

local world  = sim.world { seed = 18 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", network = true }
client:connect()
local lost = expect.api(client, "relay.createSession", { network = true, error = "Error", verdict = "retryable" })
expect.eq(lost.status, nil, "no status without an answer")
local retry = expect.api(client, "relay.createSession", { what = "call" })
local waited = retry.t - lost.t
expect.truthy(waited >= 800000 and waited <= 1200000, "retried after 1 s +-20 % (" .. waited .. " us)")
expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
