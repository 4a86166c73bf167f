-- A relay with one endpoint per role (endpoints = "split"; errata E-AUTH-10)
-- admits only client tokens at its client endpoint. A client holding a valid
-- presence token of its daemon (role daemon, properly signed: a mis-issued or
-- leaked token) presents it there: all 16 steps pass, then the endpoint's role
-- check refuses it with HTTP 401 (SB_ERR_AUTH_ROLE_MISMATCH, AUTH-V10). The
-- token cannot be used to pose as the daemon: the real daemon stays online.
scenario {
  name = "daemon token at the client endpoint is refused (AUTH-V10 role mismatch)",
  requirements = { "AUTH-V10", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay { endpoints = "split" }
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "other_role" }               -- a presence token for d_abc (with a sid)
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_ROLE_MISMATCH", text = "(AUTH-V10)" })
expect.link(client, "refused", { code = 401 })
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_note(relay, "daemon_replaced", { during = "1s" })
expect.eq(relay:daemon_online(daemon), true, "the real daemon is still online")

local good = world:client { name = "good", daemon = daemon }   -- a session token is admitted
good:connect()
expect.state(good, "Active")
good:send("hello")
expect.delivered(daemon, "hello", { session = good })
