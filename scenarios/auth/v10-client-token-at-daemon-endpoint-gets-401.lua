-- A relay with one endpoint per role (endpoints = "split"; errata E-AUTH-10)
-- admits only presence tokens at its daemon endpoint. A daemon that presents
-- a valid session token (role client) for its own did is refused after the
-- 16 steps with HTTP 401 (SB_ERR_AUTH_ROLE_MISMATCH, AUTH-V10): it is not
-- online and its clients get daemon_offline. With its presence token it
-- connects.
scenario {
  name = "client token at the daemon endpoint is refused (AUTH-V10 role mismatch)",
  requirements = { "AUTH-V10", "AUTH-025", "SBRP-RELAY-005" },
  rows = { "SBRP-SM-D-001", "SBRP-SM-D-002", "SBRP-SM-R-002", "SBRP-SM-R-003" },
}
local world  = sim.world {}
local relay  = world:relay { endpoints = "split" }
local daemon = world:daemon { id = "d_abc", connect = false }

daemon:connect { token = "other_role" }               -- a session token for d_abc
expect.note(relay, "admission_refused", { err = "SB_ERR_AUTH_ROLE_MISMATCH", text = "(AUTH-V10)" })
expect.link(daemon, "refused", { code = 401 })
expect.state(daemon, "Registered")
expect.eq(relay:daemon_online(daemon), false, "not online")
local early = world:client { name = "early", daemon = daemon, auto_reconnect = false }
early:connect()
expect.control(early, "daemon_offline", { sid = early })

daemon:connect()                                       -- its presence token
expect.state(daemon, "Connected")
expect.eq(relay:daemon_online(daemon), true, "online")
local client = world:client { daemon = daemon }
client:connect()
expect.state(client, "Active")
