-- A client presents an expired session token: the relay refuses the
-- upgrade with HTTP 401 (AUTH-V08) and the client surfaces a transport
-- error (Connecting -> Closed); the daemon never hears of it.
scenario {
  name = "expired session token is refused at the upgrade",
  requirements = { "AUTH-V08", "AUTH-025", "AUTH-040", "SBRP-RELAY-001" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-003" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }

client:connect { token = "expired" }
expect.link(relay, "upgrade", { code = 401 })
expect.link(client, "refused", { code = 401 })
expect.state(client, "Closed")
expect.transition(client, "Connecting>Closed@SBRP-SM-C-003")
expect.no_frame(daemon, "received", {}, { during = "1s" })
