-- Server errors (500, then 503) are retryable: each failed attempt is
-- followed by the next backoff step (1 s, then 2 s, each +-20 %), then the
-- third call succeeds.
scenario {
  name = "API 5xx is retried with a growing backoff",
  requirements = { "CLOUD-040", "CLOUD-014" },
}

local world  = sim.world { seed = 17 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", status = 500 }
cloud:fault { procedure = "relay.createSession", status = 503 }
client:connect()
local a1 = expect.api(client, "relay.createSession", { status = 500, http = 500, verdict = "retryable" })
local a2 = expect.api(client, "relay.createSession", { status = 503, http = 503, verdict = "retryable" })
local c3 = expect.api(client, "relay.createSession", { what = "call" })
local rtt = 10000 -- the call and its answer: 5 ms each way
local w1, w2 = a2.t - rtt - a1.t, c3.t - a2.t
expect.truthy(w1 >= 800000 and w1 <= 1200000, "first wait 1 s +-20 % (" .. w1 .. " us)")
expect.truthy(w2 >= 1600000 and w2 <= 2400000, "second wait 2 s +-20 % (" .. w2 .. " us)")
expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
