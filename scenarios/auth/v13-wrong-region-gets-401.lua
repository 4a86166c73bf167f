-- The relay serves region eu-1; a client presents a session token bound to
-- region mars-1. The relay refuses it at step 13 (AUTH-V13), a hard
-- failure: HTTP 401, no WebSocket, nothing reaches the daemon (which has a
-- token without region and is admitted).
scenario {
  name = "token bound to another region is refused with 401 (AUTH-V13)",
  requirements = { "AUTH-V13", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay { region = "eu-1" }
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "wrong_region" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_REGION", text = "(AUTH-V13)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
