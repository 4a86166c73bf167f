-- A redeem that fails for a retryable reason (503) does not mark the code
-- as redeemed: after the backoff the client redeems again and connects.
scenario {
  name = "a failed Quick Connect redeem does not latch",
  requirements = { "CLOUD-053", "CLOUD-040" },
}

local world  = sim.world { seed = 34 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", quick_connect = true }
expect.state(daemon, "Connected")
local client = cloud:client { quick_connect = cloud:quick_connect(daemon) }

cloud:fault { procedure = "quickConnect.redeem", status = 503 }
client:connect()
expect.api(client, "quickConnect.redeem", { status = 503, verdict = "retryable" })
expect.eq(cloud:status(client).redeemed, false, "not latched after the 503")
expect.api(client, "quickConnect.redeem", { status = 200 })
expect.eq(cloud:status(client).redeemed, true, "latched after the success")
expect.state(client, "Active")
