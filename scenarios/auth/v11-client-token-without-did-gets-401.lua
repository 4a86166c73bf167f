-- A client presents a session token without did, the only routing key the
-- relay may use (SBRP-RELAY-002). The client SDK reads only the sid, so the
-- token reaches the relay, which refuses it at step 11 (AUTH-V11): HTTP 401,
-- no WebSocket, nothing reaches the daemon.
scenario {
  name = "client token without did is refused with 401 (AUTH-V11)",
  requirements = { "AUTH-V11", "SBRP-RELAY-002", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "no_did" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_DID", text = "(AUTH-V11)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
