-- SBRP-SM-D-009: after a reconnect within grace, each session whose state is
-- intact goes Connected -> Active and the daemon sends Signal(ready) for it,
-- with reason none: exactly 04 00000002 <sid> 00 00. The Signals are the first
-- frames on the new connection, one per session; the relay consumes them
-- (never forwarded) and resumes each client with its own session_resumed.
scenario {
  name = "D-009: retained state: Signal(ready, none) per session",
  requirements = { "SBRP-SIG-001", "SBRP-SIG-002", "SBRP-SIG-006", "SBRP-RES-004",
                   "SBRP-RELAY-022", "SBRP-RELAY-026", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-D-009", "SBRP-SM-R-011", "SBRP-SM-C-013" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local a = world:client { name = "a", daemon = daemon }
local b = world:client { name = "b", daemon = daemon }
local sa, sb = d.active(a), d.active(b)
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = sb })   -- the last frame before the drop

daemon:drop_connection()
expect.control(a, "session_paused")
expect.control(b, "session_paused")
daemon:reconnect()
-- In slot order: a then b, nothing else in between.
local r1 = expect.frame(daemon, "sent", {})
local r2 = expect.frame(daemon, "sent", {})
expect.eq(sim.hex(r1.bytes), d.signal_hex("ready", "none", sa), "Signal(ready) for a")
expect.eq(sim.hex(r2.bytes), d.signal_hex("ready", "none", sb), "Signal(ready) for b")
expect.transition(daemon, "Connected>Active@SBRP-SM-D-009", { session = sa })
expect.transition(daemon, "Connected>Active@SBRP-SM-D-009", { session = sb })
expect.frame(relay, "received", { bytes = d.signal_hex("ready", "none", sa) })
expect.transition(relay, "Pending>Paired@SBRP-SM-R-011", { session = sa })
expect.frame(a, "received", { bytes = "2000000002" .. d.sid_hex(sa) .. "1002" })   -- session_resumed, S
expect.frame(b, "received", { bytes = "2000000002" .. d.sid_hex(sb) .. "1002" })
expect.transition(a, "Pending>Active@SBRP-SM-C-013")
expect.no_frame(relay, "sent", { type = "Signal" }, { during = "1s" })
daemon:send(b, "b again")
expect.delivered(b, "b again")
