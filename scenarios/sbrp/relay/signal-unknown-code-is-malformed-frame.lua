-- Signal codes are ready (0x00) and close (0x01). Which code answers
-- another one is open (sbrp.md O-1); like upstream's decodeSignal the
-- reference calls it malformed_frame, SessionID 0, terminal (errata
-- E-SBRP-WIRE-8, E-SCEN-RELAY-2). The daemon's connection closes; its
-- client is paused.
scenario {
  name = "Signal: an unknown signal code is malformed_frame",
  requirements = { "SBRP-SIG-001", "SBRP-CTRL-002", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-005" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { auto_reconnect = false } }

daemon:send_raw(sim.frame { type = "Signal", sid = client, hex = "0200" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_SIGNAL_CODE" })
expect.no_frame(client, "received", { control = "session_resumed" }, { during = "1s" })
rl.expect_refused(relay, daemon, "malformed_frame", 0, 1008)
expect.control(client, "session_paused", { sid = client })
