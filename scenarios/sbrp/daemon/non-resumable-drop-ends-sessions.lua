-- A non-resumable daemon (presence token without session:resume) loses its
-- relay connection: it drops its sessions at once, keeps no record and, on
-- reconnecting, sends no Signal at all. The relay, seeing a non-resumable
-- daemon come back, expires every paused client immediately (same instant as
-- the upgrade), without waiting for Signals or for the grace period.
scenario {
  name = "non-resumable daemon: a drop ends its sessions, the reconnect expires them",
  requirements = { "SBRP-RES-002", "SBRP-RES-009", "SBRP-RELAY-027", "AUTH-044", "SBRP-CTRL-003" },
  rows = { "SBRP-SM-D-006", "SBRP-SM-R-005", "SBRP-SM-R-007", "SBRP-SM-C-012" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = false, auto_reconnect = false }
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local sa, sb = d.active(a), d.active(b)
expect.note(relay, "admission", { text = "daemon d_abc admitted (not resumable)" })
expect.eq(daemon.disk, 0, "a non-resumable daemon stores nothing")
for _ = 1, 3 do expect.link(relay, "upgrade", { code = 101 }) end   -- daemon, a, b

daemon:drop_connection()
expect.transition(daemon, "Connected>Reconnecting@SBRP-SM-D-006", { machine = "daemon" })
expect.transition(daemon, "Active>Idle (session)", { session = sa, event = "SBRP-RES-009" })
expect.transition(daemon, "Active>Idle (session)", { session = sb, event = "SBRP-RES-009" })
expect.eq(daemon.sessions, 0, "both sessions dropped at once")
expect.control(a, "session_paused", { sid = sa })
expect.control(b, "session_paused", { sid = sb })

world:advance("5s")                                   -- well within any grace period
daemon:reconnect()
local up = expect.link(relay, "upgrade", { code = 101 })
local xa = expect.transition(relay, "Paused>Closed@SBRP-SM-R-007", { session = sa })
expect.transition(relay, "Paused>Closed@SBRP-SM-R-007", { session = sb })
expect.eq(xa.t, up.t, "expired at the upgrade itself")
expect.frame(a, "received", { bytes = d.control_hex("session_expired", sa) })
expect.frame(b, "received", { bytes = d.control_hex("session_expired", sb) })
expect.transition(a, "Paused>Reconnecting@SBRP-SM-C-012")
expect.transition(daemon, "Reconnecting>Connected", { machine = "daemon", event = "non-resumable" })
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "2s" })
expect.no_frame(a, "received", { control = "session_pending" }, { during = "0" })
