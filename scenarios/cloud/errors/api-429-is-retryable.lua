-- Rate limited by the control plane (HTTP 429): retryable. The client
-- waits the first backoff step and calls again.
scenario {
  name = "API 429 is retried after the backoff",
  requirements = { "CLOUD-040", "CLOUD-014" },
}

local world  = sim.world { seed = 16 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", status = 429 }
client:connect()
local limited = expect.api(client, "relay.createSession", { status = 429, http = 429, verdict = "retryable" })
local retry = expect.api(client, "relay.createSession", { what = "call" })
local waited = retry.t - limited.t
expect.truthy(waited >= 800000 and waited <= 1200000, "retried after 1 s +-20 % (" .. waited .. " us)")
expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
