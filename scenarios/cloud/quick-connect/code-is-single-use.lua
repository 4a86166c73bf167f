-- A Quick Connect code (quickConnect.create with the daemon's API key) is
-- redeemed once: the first client gets an ordinary session token plus the
-- daemon ID and runs the normal E2EE handshake; a second client with the
-- same code gets CloudApiError(404), fatal, and never connects.
scenario {
  name = "a Quick Connect code is single use",
  requirements = { "CLOUD-050", "CLOUD-051", "CLOUD-054", "CLOUD-056", "CLOUD-010", "CLOUD-055" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world { seed = 31 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", quick_connect = true }
expect.state(daemon, "Connected")
local code, url = cloud:quick_connect(daemon, { ttl = "300s" })
expect.api(daemon, "quickConnect.create", { status = 200 })
expect.truthy(code:match("^[a-z2-7][a-z2-7][a-z2-7][a-z2-7]%-") and #code == 39, "160 random bits, base32 in groups of four")
expect.eq(url, "https://app.sideband.cloud/connect/" .. code, "the link")

local first = cloud:client { quick_connect = code }
first:connect()
local call = expect.api(first, "quickConnect.redeem", { what = "call" })
expect.eq(call.body, '{"code":"' .. code .. '"}', "the code is the only input")
local ok = expect.api(first, "quickConnect.redeem", { status = 200 })
expect.eq(ok.data.daemonId, "d_abc", "the daemon comes with the answer")
expect.note(first, "trust_decision", { session = ok.sid })  -- the usual handshake, TOFU included
expect.state(first, "Active")
expect.eq(first.id, "d_abc", "the client talks to that daemon")
first:send("hello over quick connect")
expect.delivered(daemon, "hello over quick connect", { session = ok.sid })

local second = cloud:client { quick_connect = code }
second:connect()
expect.api(second, "quickConnect.redeem", { status = 404, error = "CloudApiError(404)", verdict = "fatal" })
expect.state(second, "Closed")
expect.no_api(second, nil, { during = "60s" })
expect.eq(cloud:status(second).redeemed, false, "nothing latched on a failed redeem")
