-- Signal(close, error), from a real internal error: a Data frame for session
-- "a" arrives corrupted (one tag bit flipped between relay and daemon) and
-- does not open. decrypt_failed ends that session's (virtual) connection: the
-- daemon sends exactly 04 00000002 <sid> 01 04, the relay expires "a", which
-- reconnects with a new sid and keys. The multiplexed relay connection and
-- session "b" are untouched.
scenario {
  name = "Signal(close, error) after decrypt_failed expires only that session",
  requirements = { "SBRP-SIG-001", "SBRP-SIG-003", "SBRP-SIG-006", "SBRP-CRYPTO-024",
                   "SBRP-RELAY-022", "SBRP-CTRL-004", "SBRP-RES-001" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009", "SBRP-SM-C-015" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon }
local b = world:client { name = "b", daemon = daemon }
local sa = d.active(a)
d.active(b)

world:wire(relay, daemon):corrupt { type = "Data", sid = a, offset = -1, mask = 0x01 }
a:send("tampered")
expect.note(daemon, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT", session = sa })
expect.no_delivery(daemon, { session = sa, during = "0" })
d.expect_close_expires(relay, daemon, a, sa, "error")
d.expect_new_session(daemon, a, sa)

expect.eq(daemon.state, "Connected", "the daemon's relay connection stays")
expect.no_frame(b, "received", { type = "Control" }, { during = "0" })
b:send("b unaffected")
expect.delivered(daemon, "b unaffected", { session = b })
