-- Clean closes of connections that lived less than 5 s (here the relay
-- drops idle daemons after 3 s) back off without jitter: exactly 1 s, 2 s,
-- 4 s, so a relay that keeps closing at once is not hammered.
scenario {
  name = "clean closes of short connections back off 1, 2, 4 s",
  requirements = { "CLOUD-071" },
}

local world  = sim.world { seed = 47 }
local relay  = world:relay { idle_timeout = "3s" }
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", ping_interval = "0" }
expect.api(daemon, "daemon.renewToken", { status = 200 }) -- startup
expect.state(daemon, "Connected")

for i, want in ipairs { 1000000, 2000000, 4000000 } do
  expect.link(daemon, "closed", { code = 1000, timeout = "10s" })
  local sleep = expect.note(daemon, "listen_sleep")
  expect.eq(cloud:status(daemon).last_delay, want, "clean close " .. i)
  local call = expect.api(daemon, "daemon.renewToken", { what = "call", timeout = "10s" })
  expect.eq(call.t - sleep.t, want, "renewed after exactly that wait")
  expect.state(daemon, "Connected")
end
