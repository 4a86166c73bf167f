-- HandshakeInit is client-only. A daemon sending one is refused with
-- disallowed_sender carrying the header's SessionID, and the relay closes
-- the daemon's connection (terminal): every session on it pauses
-- (session_paused to its client, R-005), nothing is forwarded.
scenario {
  name = "disallowed sender: a daemon sends HandshakeInit",
  requirements = { "SBRP-RELAY-011", "SBRP-CTRL-002", "SBRP-CTRL-003", "SBRP-RELAY-024" },
  rows = { "SBRP-SM-R-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { auto_reconnect = false } }

daemon:send_raw(sim.frame { type = "HandshakeInit", sid = client, payload = string.rep("\9", 32) })
rl.expect_refused(relay, daemon, "disallowed_sender", client, 1008)
expect.no_frame(client, "received", { type = "HandshakeInit" }, { during = "1s" })
expect.frame(client, "received", { bytes = rl.control_hex("session_paused", client) })
expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = client })
expect.eq(relay:daemon_online(daemon), false, "the daemon is offline for the relay")
