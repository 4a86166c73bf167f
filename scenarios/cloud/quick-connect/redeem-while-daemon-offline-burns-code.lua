-- Redeeming while the daemon is offline consumes the code first and then
-- answers 409 (consume-first). In Quick Connect mode 409 is fatal (the code
-- is gone): the client stops and reports the CloudApiError. Once the daemon
-- is online, the same code is unknown (404).
scenario {
  name = "Quick Connect: redeem with the daemon offline burns the code (409, fatal)",
  requirements = { "CLOUD-050", "CLOUD-051", "CLOUD-041", "CLOUD-015" },
}

local world  = sim.world { seed = 32 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", quick_connect = true, start = false }
local code = cloud:quick_connect(daemon)
expect.truthy(code, "a code while the daemon is offline")

local early = cloud:client { quick_connect = code }
early:connect()
expect.api(early, "quickConnect.redeem", { status = 409, error = "CloudApiError(409)", verdict = "fatal" })
expect.note(early, "unhandled_error", { text = "CloudApiError(409)" })
expect.state(early, "Closed")
expect.no_api(early, nil, { during = "30s" })

cloud:listen(daemon)
expect.state(daemon, "Connected")
local late = cloud:client { quick_connect = code }
late:connect()
expect.api(late, "quickConnect.redeem", { status = 404, verdict = "fatal" })
expect.state(late, "Closed")
