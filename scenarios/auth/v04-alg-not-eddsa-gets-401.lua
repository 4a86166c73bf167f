-- A client presents a session token whose header names alg HS256 (the
-- classic algorithm-substitution attack). The relay accepts only EdDSA and
-- refuses it at step 4 (AUTH-V04): HTTP 401, no WebSocket, nothing reaches
-- the daemon.
scenario {
  name = "token with alg HS256 is refused with 401 (AUTH-V04)",
  requirements = { "AUTH-V04", "AUTH-004", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "bad_alg" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_ALG", text = "(AUTH-V04)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
