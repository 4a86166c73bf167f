-- A client presents a session token without sub (the user the control
-- plane issued it for). For role client the relay requires it and refuses
-- the token at step 12 (AUTH-V12): HTTP 401, no WebSocket, nothing reaches
-- the daemon. A daemon token without sub is fine
-- (v12-daemon-token-without-sub-accepted.lua).
scenario {
  name = "client token without sub is refused with 401 (AUTH-V12)",
  requirements = { "AUTH-V12", "AUTH-025", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "no_sub" }
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_SUB", text = "(AUTH-V12)" })
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })          -- no WebSocket
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(client, "received", {}, { during = "1s" })
expect.no_frame(daemon, "received", {}, { during = "1s" })

local good = world:client { name = "good", daemon = daemon }   -- a valid token still works
good:connect()
expect.state(good, "Active")
