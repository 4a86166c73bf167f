-- A sid stays used after its session ended: a token carrying it is refused
-- with HTTP 409 even though nobody holds the session any more (a session
-- token is single use, auth.md section 1; the relay remembers used sids,
-- AO-8, E-SM-RELAY-1). A client that wants to talk again fetches a new token
-- with a new sid (AUTH-053).
scenario {
  name = "sid of an ended session presented again gets HTTP 409",
  requirements = { "AUTH-053", "AUTH-025", "SBRP-RES-001" },
  rows = { "SBRP-SM-C-017", "SBRP-SM-R-015", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local first  = world:client { name = "first", daemon = daemon }
first:connect()
expect.state(first, "Active")
local used = first.session_id
first:close()
expect.state(relay, "Closed", { session = used })

local again = world:client { name = "again", daemon = daemon }
again:connect { sid = used }
expect.note(relay, "admission_refused", { err = "SB_ERR_EXISTS", session = used })
expect.link(again, "refused", { code = 409 })
expect.state(again, "Closed")

local fresh = world:client { name = "fresh", daemon = daemon }   -- a new token, a new sid
fresh:connect()
expect.state(fresh, "Active")
expect.truthy(fresh.session_id ~= used, "a new sid")
