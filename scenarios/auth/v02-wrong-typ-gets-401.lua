-- A client presents a session token whose JOSE header says typ "JWT" instead
-- of "sbrp-relay+jwt". The relay refuses it at step 2 (AUTH-V02): HTTP 401,
-- no WebSocket, nothing reaches the daemon; the client sees a transport error
-- (Connecting -> Closed). A token minted for another JWT use cannot be
-- replayed at the relay.
scenario {
  name = "token with typ JWT is refused with 401 (AUTH-V02)",
  requirements = { "AUTH-V02", "AUTH-002", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "bad_typ" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_HEADER", text = "(AUTH-V02)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
