-- SBRP-SIG-004: the relay treats an unknown Signal reason as `none`. A
-- daemon's Signal(close) with reason 0x7f is still a close: the relay
-- consumes it, sends session_expired to the client and closes it, exactly
-- as for a known reason; the daemon's own connection stays up.
scenario {
  name = "Signal: an unknown reason is read as none",
  requirements = { "SBRP-SIG-004", "SBRP-RELAY-022" },
  rows = { "SBRP-SM-R-006" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local other = world:client { name = "other", daemon = daemon }
other:connect()
expect.state(other, "Active")

daemon:send_raw(sim.frame { type = "Signal", sid = client, hex = "017f" })
expect.frame(relay, "received", { type = "Signal", signal = "close", sid = client })
expect.transition(relay, "Paired>Closed@SBRP-SM-R-006", { session = client, event = "Signal(close, none)" })
rl.expect_refused(relay, client, "session_expired", client, 1000)
expect.no_frame(daemon, "received", { type = "Control", control = "malformed_frame" }, { during = "1s" })

daemon:send(other, "daemon still connected")
expect.delivered(other, "daemon still connected")
