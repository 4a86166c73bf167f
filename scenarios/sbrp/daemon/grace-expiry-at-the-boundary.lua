-- Grace expiry: a resumable daemon drops and stays away. Each paused session
-- stays Paused for exactly the grace period (30 s, counted by the relay from
-- the moment it saw the drop); at that microsecond, not one before, the relay
-- sends each client session_expired with that client's own SessionID and
-- closes its connection, and both clients go Paused -> Reconnecting.
scenario {
  name = "grace expiry expires each paused session exactly at the boundary",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-028", "SBRP-CTRL-002", "SBRP-CTRL-003",
                   "SBRP-RELAY-024" },
  rows = { "SBRP-SM-R-005", "SBRP-SM-R-010", "SBRP-SM-C-012" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false }
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local sa, sb = d.active(a), d.active(b)

daemon:drop_connection()
local paused = expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = sa })
expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = sb })
expect.control(a, "session_paused", { sid = sa })
expect.control(b, "session_paused", { sid = sb })

-- One microsecond before the boundary: both still Paused, nothing expired.
local boundary = paused.t + sim.duration("30s")
world:advance((boundary - 1 - world.now) .. "us")
expect.eq(relay:session_state(sa), "Paused", "a at grace - 1 us")
expect.eq(relay:session_state(sb), "Paused", "b at grace - 1 us")
expect.no_frame(relay, "sent", { control = "session_expired" }, { during = "0" })

local ea = expect.frame(relay, "sent", { bytes = d.control_hex("session_expired", sa) })
local eb = expect.frame(relay, "sent", { bytes = d.control_hex("session_expired", sb) })
expect.eq(ea.t, boundary, "a expires exactly at the boundary")
expect.eq(eb.t, boundary, "b expires exactly at the boundary")
expect.transition(relay, "Paused>Closed@SBRP-SM-R-010", { session = sa })
expect.transition(relay, "Paused>Closed@SBRP-SM-R-010", { session = sb })
expect.link(a, "closed")
expect.link(b, "closed")
expect.transition(a, "Paused>Reconnecting@SBRP-SM-C-012")
expect.transition(b, "Paused>Reconnecting@SBRP-SM-C-012")
