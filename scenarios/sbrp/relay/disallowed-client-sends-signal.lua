-- Signals are the daemon's (sbrp.md 3): a Signal from a client, even for its
-- own session, is disallowed_sender with that SessionID, terminal
-- (SBRP-SIG-005); the relay does not act on it (no session_expired) and
-- never forwards it.
scenario {
  name = "disallowed sender: a client sends Signal(close)",
  requirements = { "SBRP-SIG-005", "SBRP-SIG-006", "SBRP-RELAY-023", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

client:send_raw(sim.frame { type = "Signal", sid = client, signal = "close", reason = "shutdown" })
expect.no_frame(client, "received", { control = "session_expired" }, { during = "1s" })
rl.expect_refused(relay, client, "disallowed_sender", client, 1008)
expect.no_frame(daemon, "received", { type = "Signal" }, { during = "0" })
expect.control(daemon, "session_ended", { sid = client })
