-- Connections that die within 5 s make the backoff grow (1, 2, 4 s + jitter);
-- a connection that lived 5 s or more resets it: after it drops, the wait
-- is 1 s + jitter again, not 8 s.
scenario {
  name = "a stable connection resets the listen loop's backoff",
  requirements = { "CLOUD-072" },
}

local world  = sim.world { seed = 45 }
local relay  = world:relay {}
local cloud  = world:cloud {}
local daemon = cloud:daemon { id = "d_abc" }

local function drop_after(d)
  expect.state(daemon, "Connected")
  world:advance(d)
  daemon:drop_connection()
  expect.note(daemon, "listen_sleep")
  return cloud:status(daemon).last_delay
end

local function between(v, lo, hi, what) expect.truthy(v >= lo and v < hi, what .. " (" .. v .. " us)") end
between(drop_after("1s"), 1000000, 1500000, "short connection 1: 1 s + jitter")
between(drop_after("1s"), 2000000, 2500000, "short connection 2: 2 s + jitter")
between(drop_after("1s"), 4000000, 4500000, "short connection 3: 4 s + jitter")
between(drop_after("6s"), 1000000, 1500000, "after a 6 s connection: reset to 1 s + jitter")
expect.state(daemon, "Connected")
