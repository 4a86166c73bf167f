-- Quick Connect is off unless the operator enables it for the daemon
-- (quickConnect.create answers 403), and creation is rate-limited to 10
-- codes per minute per daemon (the 11th is 429; a minute later it works).
scenario {
  name = "Quick Connect code creation is opt-in and rate-limited",
  requirements = { "CLOUD-055", "CLOUD-056" },
}

local world  = sim.world { seed = 35 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local closed = cloud:daemon { id = "d_closed" }
local open   = cloud:daemon { id = "d_open", quick_connect = true }
expect.state(open, "Connected")

local none, status = cloud:quick_connect(closed)
expect.eq(none, nil, "no code for a daemon without Quick Connect")
expect.eq(status, 403, "forbidden")
local codes = {}
for i = 1, 10 do
  codes[i] = cloud:quick_connect(open)
  expect.truthy(codes[i], "code " .. i)
end
expect.truthy(codes[1] ~= codes[2], "codes differ")
local eleventh, limited = cloud:quick_connect(open)
expect.eq(eleventh, nil, "the 11th code within a minute")
expect.eq(limited, 429, "is rate-limited")
world:advance("60s")
expect.truthy(cloud:quick_connect(open), "a minute later it works again")
