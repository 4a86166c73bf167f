-- A terminal Control the SDK classifies as retryable (`internal_error`)
-- ends the session too, but the client comes back: after the backoff it
-- fetches a new session (new sid) and is Active again.
scenario {
  name = "a retryable terminal Control during the session: a new session",
  requirements = { "CLOUD-043", "CLOUD-022", "AUTH-053" },
}

local world  = sim.world { seed = 25 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon }
client:connect()
local s1 = expect.api(client, "relay.createSession", { status = 200 })
expect.state(client, "Active")

world:wire(relay, client):inject(sim.frame { type = "Control", sid = client, control = "internal_error" })
expect.control(client, "internal_error")
expect.state(client, "Reconnecting")
local s2 = expect.api(client, "relay.createSession", { status = 200 })
expect.truthy(s2.sid ~= s1.sid, "a new sid")
expect.state(client, "Active")
client:send("back")
expect.delivered(daemon, "back", { session = s2.sid })
