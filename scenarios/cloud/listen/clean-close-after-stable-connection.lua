-- The relay closes an idle daemon connection cleanly (here after 10 s
-- without traffic: no keepalive). After a clean close of a connection that
-- lived 5 s or more the loop resets and waits only a random 0-2 s before
-- renewing its token, spreading out reconnects after a relay restart.
scenario {
  name = "a clean close after a stable connection waits U(0, 2 s)",
  requirements = { "CLOUD-071", "CLOUD-070" },
}

local world  = sim.world { seed = 46 }
local relay  = world:relay { idle_timeout = "10s" }
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc", ping_interval = "0" }
expect.api(daemon, "daemon.renewToken", { status = 200 }) -- startup
expect.state(daemon, "Connected")

local delays = {}
for i = 1, 3 do
  expect.link(daemon, "closed", { code = 1000, timeout = "15s" })
  local sleep = expect.note(daemon, "listen_sleep")
  delays[i] = cloud:status(daemon).last_delay
  expect.truthy(delays[i] >= 0 and delays[i] < 2000000, "clean close " .. i .. ": U(0, 2 s) (" .. delays[i] .. " us)")
  expect.eq(cloud:status(daemon).loop_attempt, 0, "the attempt counter stays reset")
  local call = expect.api(daemon, "daemon.renewToken", { what = "call" })
  expect.eq(call.t - sleep.t, delays[i], "renewed after that wait")
  expect.state(daemon, "Connected")
end
expect.truthy(delays[1] ~= delays[2], "random waits")
