-- A listen() daemon pings the relay every 45 s, so the hosted relay's idle
-- sweep (about 90 s) never closes it: five minutes on the same connection.
-- A daemon without the keepalive is swept at 90 s by the same relay.
scenario {
  name = "the listen() daemon keeps its relay connection with a Ping every 45 s",
  requirements = { "CLOUD-087", "SBRP-KA-005", "SBRP-KA-001" },
}

local world  = sim.world { seed = 72 }
local relay  = world:relay { idle_timeout = "90s" }
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }                        -- 45 s by default
local silent = cloud:daemon { id = "d_silent", ping_interval = "0" } -- control: no keepalive
expect.state(daemon, "Connected")
local start = world.now

local last = start
for i = 1, 6 do
  local ping = expect.frame(daemon, "sent", { type = "Ping" }, { timeout = "46s" })
  expect.eq(ping.t - last, 45000000, "Ping " .. i .. " 45 s after the previous one")
  last = ping.t
  expect.frame(daemon, "received", { type = "Pong", payload = sim.hex(ping.payload) })
end
expect.eq(cloud:status(daemon).connections, 1, "still the first connection after 4.5 min")
expect.eq(daemon.link, 1, "on the same WebSocket")
expect.link(silent, "closed", { code = 1000, timeout = "1s" }) -- swept long ago
expect.truthy(cloud:status(silent).connections >= 3, "the daemon without keepalive was swept again and again")
