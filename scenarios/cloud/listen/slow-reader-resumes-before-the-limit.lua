-- The slow-consumer limit is about frames waiting, not about a reader that
-- pauses: a session whose reader stops and comes back with 1024 frames
-- waiting (the most the buffer takes) is not terminated, and gets every one
-- of them, in the order they came off the relay WebSocket, before what
-- arrives after it resumed.
scenario {
  name = "listen(): a reader that resumes with 1024 frames waiting gets them all in order",
  requirements = { "CLOUD-085" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(185)
local a = cloud:client { name = "a", daemon = daemon }
a:connect()
local sa = expect.api(a, "relay.createSession", { status = 200 })
expect.state(a, "Active")
a:send("before")
expect.delivered(daemon, "before", { session = sa.sid })

expect.truthy(cloud:stop_reading(daemon, sa.sid), "the reader stops reading")
local _, again = cloud:stop_reading(daemon, sa.sid)
expect.eq(again, "SB_ERR_STATE", "already not read")
for i = 1, 1024 do a:send("m" .. i) end
for i = 1, 1024 do expect.frame(daemon, "received", { type = "Data", sid = sa.sid, seq = i }) end
expect.no_delivery(daemon, { session = sa.sid, during = "2s" })

world:advance("1s")
local resumed_at = world.now
expect.truthy(cloud:resume_reading(daemon, sa.sid), "the reader reads again")
expect.note(daemon, "reading_resumed", { session = sa.sid, text = "1024 waiting frames" })
for i = 1, 1024 do
  local d = expect.delivered(daemon, "m" .. i, { session = sa.sid })
  if i == 1 then expect.truthy(d.t >= resumed_at, "delivered once reading resumed") end
end
a:send("after")
expect.delivered(daemon, "after", { session = sa.sid })
expect.no_note(daemon, "slow_consumer", { during = "1s" })
expect.eq(daemon:session_state(sa.sid), "Active", "not terminated")
local _, twice = cloud:resume_reading(daemon, sa.sid)
expect.eq(twice, "SB_ERR_STATE", "already read")
