-- getAccessToken is called before every attempt; when it throws, the
-- attempt fails with a plain error, which is retryable: no API call is
-- made, and the client keeps retrying until its attempts are used up
-- (5 retries, then closed).
scenario {
  name = "getAccessToken throwing is retried, then the peer gives up",
  requirements = { "CLOUD-021", "CLOUD-014" },
}

local world  = sim.world { seed = 20 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.state(daemon, "Connected")
local client = cloud:client { daemon = daemon, access_token = false }

client:connect()
for i = 1, 6 do
  expect.note(client, "attempt_failed", { text = "Error: retryable", timeout = "40s" })
end
expect.note(client, "reconnect_gave_up", { timeout = "40s" })
expect.state(client, "Closed")
expect.eq(cloud:status(client).attempts, 6, "the first attempt and 5 retries")
expect.no_api(client, nil, { during = "1s" })
