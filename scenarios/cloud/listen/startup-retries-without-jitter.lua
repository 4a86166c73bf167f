-- Transient failures at startup (503) are retried forever with
-- min(1000 * 2^n, 30000) ms and no jitter: exactly 1 s, 2 s, 4 s here,
-- then the fourth call succeeds and the daemon connects.
scenario {
  name = "listen() startup retries 1 s, 2 s, 4 s without jitter",
  requirements = { "CLOUD-063", "CLOUD-065" },
}

local world  = sim.world { seed = 43 }
local relay  = world:relay {}
local cloud  = world:cloud {}
cloud:fault { procedure = "daemon.renewToken", status = 503, count = 3 }
local daemon = cloud:daemon { id = "d_abc" }

local want = { 1000000, 2000000, 4000000 }
for i = 1, 3 do
  local a = expect.api(daemon, "daemon.renewToken", { status = 503, verdict = "retryable" })
  local sleep = expect.note(daemon, "listen_sleep")
  expect.eq(cloud:status(daemon).last_delay, want[i], "startup delay " .. i)
  local call = expect.api(daemon, "daemon.renewToken", { what = "call", timeout = "10s" })
  expect.eq(call.t - sleep.t, want[i], "the next call after exactly that delay")
  expect.eq(cloud:status(daemon).listen, "starting", "listen() still pending")
end
expect.api(daemon, "daemon.renewToken", { status = 200 })
expect.state(daemon, "Connected")
expect.eq(cloud:status(daemon).startup_attempt, 3, "three startup retries")
