-- SBRP-SM-R-006 / SBRP-RELAY-022: the daemon ends a Paired session with
-- Signal(close). The relay consumes the Signal (never forwarded,
-- SBRP-SIG-006), sends session_expired with that sid to the client and
-- closes it (terminal); the daemon's connection and other sessions stay.
scenario {
  name = "R-006: Signal(close) in Paired gives session_expired to the client",
  requirements = { "SBRP-RELAY-022", "SBRP-SIG-006", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local other = world:client { name = "other", daemon = daemon }
other:connect()
expect.state(other, "Active")

daemon:end_session(client, "policy")
expect.frame(relay, "received", { type = "Signal", signal = "close", reason = "policy", sid = client })
expect.transition(relay, "Paired>Closed@SBRP-SM-R-006", { session = client })
expect.no_frame(client, "received", { type = "Signal" }, { during = "1s" })
rl.expect_refused(relay, client, "session_expired", client, 1000)

other:send("unaffected")
expect.delivered(daemon, "unaffected", { session = other })
