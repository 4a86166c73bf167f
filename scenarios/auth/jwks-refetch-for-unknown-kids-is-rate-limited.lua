-- Refetching the JWKS for every unknown kid (AUTH-032) would let anyone make
-- the relay hammer the control plane with made-up kids. The relay refetches
-- for an unknown kid at most once per 10 s (our choice, errata E-SCEN-ADV-3):
-- of three tokens naming a kid nobody published, sent 1 s apart, only the
-- first causes a fetch; all three are refused at step 4 (AUTH-V04).
scenario {
  name = "unknown-kid JWKS refetches happen at most every 10 s",
  requirements = { "AUTH-032", "AUTH-V04" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
world:advance("20s")

local c1 = world:client { name = "c1", daemon = daemon }
c1:connect { token = "unknown_kid" }
expect.note(relay, "jwks_fetched", { text = "(AUTH-032)" })     -- the first one refetches
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_KEY", text = "(AUTH-V04)" })
world:advance("1s")
local c2 = world:client { name = "c2", daemon = daemon }
c2:connect { token = "unknown_kid" }
world:advance("1s")
local c3 = world:client { name = "c3", daemon = daemon }
c3:connect { token = "unknown_kid" }
expect.no_note(relay, "jwks_fetched", { during = "1s" })        -- the next two do not
expect.link(c2, "refused", { code = 401 })
expect.link(c3, "refused", { code = 401 })
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_KEY" })
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_KEY" })

world:advance("7s")                                          -- over 10 s after that fetch: again
local late = world:client { name = "late", daemon = daemon }
late:connect { token = "unknown_kid" }
expect.note(relay, "jwks_fetched", { text = "(AUTH-032)" })
expect.link(late, "refused", { code = 401 })
