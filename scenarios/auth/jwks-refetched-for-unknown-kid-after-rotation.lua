-- The control plane rotates its token-signing key: new tokens name kid
-- sim-cp-2, which the relay's cached JWKS does not hold yet. Instead of
-- refusing, the relay refetches the JWKS once (AUTH-032) and admits the
-- client. The old key stays published, so tokens it signed still pass (two
-- keys at once, AUTH-033), and nothing established before notices.
scenario {
  name = "unknown kid after a key rotation: the relay refetches the JWKS",
  requirements = { "AUTH-032", "AUTH-033", "AUTH-030", "AUTH-005" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local before = world:client { name = "before", daemon = daemon }
before:connect()
expect.state(before, "Active")
expect.no_note(relay, "jwks_fetched", { during = "0" })     -- kid sim-cp-1 is cached

world:advance("20s")
world:rotate_key()                                          -- sim-cp-1 stays published
expect.note("control", "key_rotated", { text = "kid sim-cp-2" })
local after = world:client { name = "after", daemon = daemon }
after:connect()
expect.note(relay, "jwks_fetched", { text = "(AUTH-032): 2 key(s)" })
expect.link(after, "open", { code = 101 })
expect.state(after, "Active")

local again = world:client { name = "again", daemon = daemon }   -- sim-cp-2 is cached now
again:connect()
expect.state(again, "Active")
local old = world:client { name = "old", daemon = daemon }       -- signed with sim-cp-1
old:connect { token = "old_key" }
expect.state(old, "Active")
expect.no_note(relay, "jwks_fetched", { during = "1s" })

before:send("undisturbed")
expect.delivered(daemon, "undisturbed", { session = before })
