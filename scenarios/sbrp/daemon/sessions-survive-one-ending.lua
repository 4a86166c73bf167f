-- One daemon, three clients, three sessions. "b" goes away (its connection
-- drops: session_ended for b only) and later the daemon ends "c" itself
-- (Signal(close, policy): session_expired for c only). Through both, "a"
-- sees no Control frame at all and its traffic continues with its own
-- counters in both directions, on the same daemon connection.
scenario {
  name = "several sessions on one daemon survive one of them ending",
  requirements = { "SBRP-RELAY-006", "SBRP-RELAY-025", "SBRP-RELAY-022", "SBRP-CTRL-003",
                   "SBRP-CRYPTO-030" },
  rows = { "SBRP-SM-D-005", "SBRP-SM-R-015", "SBRP-SM-R-006" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local a = world:client { name = "a", daemon = daemon }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local c = world:client { name = "c", daemon = daemon, auto_reconnect = false }
local sa, sb, sc = d.active(a), d.active(b), d.active(c)
local conn = daemon.link
a:send("a0")
daemon:send(a, "a0 back")
expect.delivered(daemon, "a0", { session = sa })
expect.delivered(a, "a0 back")

b:drop_connection()
expect.frame(daemon, "received", { bytes = d.control_hex("session_ended", sb) })
expect.transition(daemon, "Active>Idle (session)@SBRP-SM-D-005", { session = sb })
daemon:end_session(c, "policy")
expect.frame(c, "received", { bytes = d.control_hex("session_expired", sc) })
expect.eq(daemon.sessions, 1, "a's session only")

expect.no_frame(a, "received", { type = "Control" }, { during = "1s" })
a:send("a1")
daemon:send(a, "a1 back")
expect.frame(a, "sent", { type = "Data", seq = 1 })
expect.frame(daemon, "sent", { type = "Data", sid = sa, seq = 1 })
expect.delivered(daemon, "a1", { session = sa })
expect.delivered(a, "a1 back")
expect.eq(daemon.link, conn, "the same daemon connection throughout")
expect.eq(relay:session_state(sa), "Paired", "a still paired")
