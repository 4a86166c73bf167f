-- After the relay connection fails, every failed reconnection waits
-- min(1000 * 2^n, 30000) ms plus a random 0-500 ms: 1, 2, 4, 8, 16, then
-- 30 and 30 s (the cap). The jitter comes from the seed.
scenario {
  name = "the listen loop backs off 1 s doubling to 30 s, with jitter",
  requirements = { "CLOUD-072", "CLOUD-070" },
}

local world  = sim.world { seed = 44 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }
expect.api(daemon, "daemon.renewToken", { status = 200 }) -- startup
expect.state(daemon, "Connected")

cloud:fault { procedure = "daemon.renewToken", status = 503, count = 6 }
daemon:drop_connection()
local base = { 1, 2, 4, 8, 16, 30, 30 }
local jitters = {}
for i, s in ipairs(base) do
  local sleep = expect.note(daemon, "listen_sleep", { timeout = "40s" })
  local d = cloud:status(daemon).last_delay
  jitters[i] = d - s * 1000000
  expect.truthy(jitters[i] >= 0 and jitters[i] < 500000, "delay " .. i .. ": " .. s .. " s + U(0, 500 ms), got " .. d .. " us")
  local call = expect.api(daemon, "daemon.renewToken", { what = "call", timeout = "40s" })
  expect.eq(call.t - sleep.t, d, "call " .. i .. " after that delay")
  if i < #base then expect.api(daemon, "daemon.renewToken", { status = 503, verdict = "retryable" }) end
end
expect.truthy(jitters[1] ~= jitters[2] and jitters[2] ~= jitters[3], "the jitter is drawn for each delay")
expect.api(daemon, "daemon.renewToken", { status = 200 })
expect.state(daemon, "Connected")
