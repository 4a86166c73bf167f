-- A Signal payload is exactly 2 bytes (SBRP-WIRE-020, SBRP-SIG-001). The
-- relay consumes Signals itself, so it checks that size: a 3-byte Signal
-- from the daemon is malformed_frame with SessionID 0, terminal for the
-- daemon's connection; its client is paused (R-005), not expired.
scenario {
  name = "Signal: a 3-byte Signal is malformed_frame",
  requirements = { "SBRP-WIRE-020", "SBRP-SIG-001", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { auto_reconnect = false } }

daemon:send_raw(sim.frame { type = "Signal", sid = client, hex = "010000" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_PAYLOAD_SIZE" })
expect.no_frame(client, "received", { control = "session_expired" }, { during = "1s" })
rl.expect_refused(relay, daemon, "malformed_frame", 0, 1008)
expect.control(client, "session_paused", { sid = client })
