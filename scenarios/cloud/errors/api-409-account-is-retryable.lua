-- In account mode a 409 from relay.createSession is retryable (a
-- ghost-socket collision): the client backs off (1 s +-20 %, the connect()
-- defaults) and asks again, this time for a fresh session that works.
scenario {
  name = "API 409 in account mode is retried after the backoff",
  requirements = { "CLOUD-041", "CLOUD-040", "CLOUD-014", "CLOUD-022" },
}

local world  = sim.world { seed = 15 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }

cloud:fault { procedure = "relay.createSession", status = 409 }
client:connect()
local refused = expect.api(client, "relay.createSession", { status = 409, error = "CloudApiError(409)", verdict = "retryable" })
expect.no_note(client, "unhandled_error", { during = "500ms" })
local retry = expect.api(client, "relay.createSession", { what = "call" })
local waited = retry.t - refused.t
expect.truthy(waited >= 800000 and waited <= 1200000, "retried after 1 s +-20 % (" .. waited .. " us)")
expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")
