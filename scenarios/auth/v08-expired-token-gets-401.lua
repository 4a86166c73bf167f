-- A client presents a session token whose exp is an hour in the past, far
-- beyond the 30 s skew allowance. The relay refuses it at step 8
-- (AUTH-V08): HTTP 401, no WebSocket, nothing reaches the daemon. The exact
-- boundary is in v08-expiry-skew-*.lua.
scenario {
  name = "token expired an hour ago is refused with 401 (AUTH-V08)",
  requirements = { "AUTH-V08", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "expired" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_EXPIRED", text = "(AUTH-V08)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
