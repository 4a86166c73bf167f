-- A client presents a token the control plane signed for another service
-- (aud lacks "sideband-relay"). The relay refuses it at step 5 (AUTH-V05):
-- HTTP 401, no WebSocket, nothing reaches the daemon. A token for one
-- service cannot be spent at another.
scenario {
  name = "token for another audience is refused with 401 (AUTH-V05)",
  requirements = { "AUTH-V05", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "wrong_aud" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_AUD", text = "(AUTH-V05)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
