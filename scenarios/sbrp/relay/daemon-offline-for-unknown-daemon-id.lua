-- A client token for a daemon ID the relay has never seen. The relay
-- cannot tell "unknown" from "offline" (daemon_not_found has no defined
-- trigger, sbrp.md O-13): it answers daemon_offline with the client's sid
-- and closes (R-002), exactly as for a known daemon that is away
-- (errata E-SCEN-RELAY-1).
scenario {
  name = "daemon_offline for a daemon ID nobody registered",
  requirements = { "SBRP-RELAY-005", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-002" },
}

local rl = require "relay"
local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = "d_nobody", auto_reconnect = false }

client:connect()
expect.transition(relay, "None>Closed@SBRP-SM-R-002", { session = client })
expect.no_frame(client, "received", { control = "daemon_not_found" }, { during = "1s" })
rl.expect_refused(relay, client, "daemon_offline", client, 1013)
expect.no_frame(daemon, "received", {}, { during = "0" })
