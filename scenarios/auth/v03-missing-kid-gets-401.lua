-- A client presents a session token whose JOSE header has no kid. The
-- relay cannot pick a key and refuses it at step 3 (AUTH-V03), before any
-- signature work: HTTP 401, no WebSocket, nothing reaches the daemon.
scenario {
  name = "token without kid is refused with 401 (AUTH-V03)",
  requirements = { "AUTH-V03", "AUTH-003", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "no_kid" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_KID", text = "(AUTH-V03)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
