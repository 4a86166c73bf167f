-- The relay caches the control plane's JWKS for at most 5 minutes
-- (AUTH-031), which bounds how long a retired key keeps working. The relay
-- fetched the JWKS at t = 0. At t = 60 s the control plane rotates and
-- retires its first key (sim-cp-1). A token still signed with it passes
-- while the cache is younger than 5 minutes (upgrade at t = 299.995 s); at
-- t = 300 s the relay refetches before verifying and refuses it at step 4
-- (AUTH-V04). Tokens of the new key pass without another fetch.
scenario {
  name = "a retired key works until the cached JWKS is 5 minutes old",
  requirements = { "AUTH-031", "AUTH-030", "AUTH-V04", "AUTH-005" },
}
local world  = sim.world { latency = "5ms" }
local relay  = world:relay { jwks_cache = "5m" }
local daemon = world:daemon { id = "d_abc" }
local function advance_to(t) world:advance(t - world.now .. "us") end

advance_to(60000000)                                       -- t = 60 s
world:rotate_key { retire_old = true }
expect.note("control", "key_rotated", { text = "older keys retired" })
local c1 = world:client { name = "c1", daemon = daemon }
c1:connect { token = "old_key" }
expect.state(c1, "Active")                                 -- the cache still has sim-cp-1

advance_to(299990000)                                      -- t = 299.990 s
local c2 = world:client { name = "c2", daemon = daemon }
c2:connect { token = "old_key" }                           -- reaches the relay at 299.995 s
world:advance("5ms")
local c3 = world:client { name = "c3", daemon = daemon }
c3:connect { token = "old_key" }                           -- reaches the relay at 300.000 s
expect.note(relay, "admission", { session = c2 })          -- the cache is 299.995 s old: sim-cp-1 passes
expect.note(relay, "jwks_fetched", { text = "(AUTH-031): 1 key(s)" })
expect.eq(world.now, 300000000, "refetched at t = 300 s, when the cache is 5 min old")
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_KEY", text = "(AUTH-V04)" })
expect.state(c2, "Active")
expect.link(c3, "refused", { code = 401 })

local c4 = world:client { name = "c4", daemon = daemon }   -- a token of the new key
c4:connect()
expect.state(c4, "Active")
expect.no_note(relay, "jwks_fetched", { during = "1s" })
