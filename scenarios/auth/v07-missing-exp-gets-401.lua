-- A client presents a properly signed session token without exp. Such a
-- token would never expire; the relay refuses it at step 7 (AUTH-V07):
-- HTTP 401, no WebSocket, nothing reaches the daemon.
scenario {
  name = "token without exp is refused with 401 (AUTH-V07)",
  requirements = { "AUTH-V07", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "no_exp" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_TIMES", text = "(AUTH-V07)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
