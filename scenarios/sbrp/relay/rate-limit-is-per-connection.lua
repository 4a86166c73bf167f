-- Rate limits count per connection (SBRP-RELAY-040): one client flooding
-- past the limit gets rate_limited, while another client of the same
-- daemon sending in the same window is neither throttled nor told.
scenario {
  name = "rate limit: one connection's flood does not throttle another",
  requirements = { "SBRP-RELAY-040" },
}

local rl = require "relay"
local world, relay, daemon, noisy = rl.paired { relay = { rate_limit = 3, rate_window = "1s" } }
local quiet = world:client { name = "quiet", daemon = daemon }
quiet:connect()
expect.state(quiet, "Active")
world:advance("2s")

for i = 1, 6 do noisy:send("n" .. i) end
for i = 1, 3 do quiet:send("q" .. i) end
expect.control(noisy, "rate_limited", { sid = 0 })
for i = 1, 3 do expect.delivered(daemon, "q" .. i, { session = quiet }) end
expect.no_frame(quiet, "received", { control = "rate_limited" }, { during = "1s" })
expect.no_frame(daemon, "received", { control = "rate_limited" }, { during = "0" })
