-- A client presents a session token of more than 4096 characters (a padded
-- claims set, properly signed). The relay refuses it at step 1 of the
-- validation order (AUTH-V01): HTTP 401 (not a 5xx, AUTH-040), no WebSocket,
-- nothing reaches the daemon. The client SDK does not look at the length, so
-- it is the relay that refuses.
scenario {
  name = "token over 4096 characters is refused with 401 (AUTH-V01)",
  requirements = { "AUTH-V01", "AUTH-001", "AUTH-040", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "too_long" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_FORMAT", text = "(AUTH-V01)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
