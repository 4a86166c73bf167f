-- SBRP-SM-D-007: a resumable daemon reconnects within its grace period and
-- checks each kept session before anything else: "a" was Active when the
-- connection dropped and is intact, so it gets Signal(ready); "b" was still
-- handshaking (a slow daemon, accept_delay 1 s), its keys were never in use,
-- so it gets Signal(close, state_lost). Both Signals are the first frames on
-- the new connection; "a" resumes, "b" is expired by the relay.
scenario {
  name = "D-007: reconnect within grace checks every kept session",
  requirements = { "SBRP-RES-004", "SBRP-RES-007", "SBRP-SIG-003", "SBRP-RELAY-026" },
  rows = { "SBRP-SM-D-007", "SBRP-SM-D-009", "SBRP-SM-D-010", "SBRP-SM-R-011", "SBRP-SM-R-012" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false,
                              accept_delay = "1s" }
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local sa = d.active(a)
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = sa })   -- the last frame before the drop
b:connect()
expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = b })
local sb = b.session_id

daemon:drop_connection()                      -- b's HandshakeAccept was never sent
expect.eq(daemon:session_state(a), "Reconnecting", "a is kept")
world:advance("5s")
daemon:reconnect()
expect.transition(daemon, "Reconnecting>Connected@SBRP-SM-D-007", { machine = "daemon" })
expect.transition(daemon, "Connected>Active@SBRP-SM-D-009", { session = a })
expect.transition(daemon, "Connected>Connected@SBRP-SM-D-010", { session = b })
-- The first frames the daemon sends after the reconnect: one Signal per kept session.
local s1 = expect.frame(daemon, "sent", {})
local s2 = expect.frame(daemon, "sent", {})
expect.eq(sim.hex(s1.bytes), d.signal_hex("ready", "none", sa), "first frame: Signal(ready) for a")
expect.eq(sim.hex(s2.bytes), d.signal_hex("close", "state_lost", sb), "second: Signal(close, state_lost) for b")
expect.eq(s2.t, s1.t, "both at the reconnect")

expect.control(a, "session_resumed", { sid = sa })
expect.frame(b, "received", { type = "Control", control = "session_expired", sid = sb })
expect.transition(b, "Handshaking>Reconnecting")         -- a new handshake with a new sid next
expect.eq(daemon.sessions, 1, "only a is left")
a:send("a resumed")
expect.delivered(daemon, "a resumed", { session = sa })
expect.no_frame(daemon, "sent", { type = "HandshakeAccept", sid = sb }, { during = "2s" })
