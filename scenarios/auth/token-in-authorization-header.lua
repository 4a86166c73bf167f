-- Programmatic clients and daemons may present their token in an
-- Authorization: Bearer header of the upgrade request instead of the query
-- (AUTH-021; the capture shows the header and a request target without a
-- token). The relay reads and validates it the same way: a good token is
-- admitted, a broken one is refused with 401 at its step.
scenario {
  name = "token in the Authorization: Bearer header is accepted",
  requirements = { "AUTH-021", "AUTH-025", "AUTH-V08" },
  rows = { "SBRP-SM-D-002", "SBRP-SM-C-001", "SBRP-SM-C-004", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }

daemon:connect { bearer = true }
expect.note(relay, "token_presented", { text = "Authorization: Bearer header (AUTH-021)" })
expect.state(daemon, "Connected")
local client = world:client { daemon = daemon }
client:connect { bearer = true }
expect.note(relay, "token_presented", { text = "Authorization: Bearer header (AUTH-021)" })
expect.state(client, "Active")

local late = world:client { name = "late", daemon = daemon }
late:connect { bearer = true, token = "expired" }
expect.note(relay, "token_presented", { text = "Authorization: Bearer header (AUTH-021)" })
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_EXPIRED" })
expect.link(late, "refused", { code = 401 })
