-- A client presents a session token with exp - iat = 301 s, one second over
-- the 300 s a client token may live. The relay refuses it at step 14
-- (AUTH-V14): HTTP 401, no WebSocket, nothing reaches the daemon. Daemon
-- tokens have no such cap (their presence tokens live an hour).
scenario {
  name = "client token living 301 s is refused with 401 (AUTH-V14)",
  requirements = { "AUTH-V14", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "long_ttl" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_TTL", text = "(AUTH-V14)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
