-- The grace timer keeps running while a session is Pending. The daemon
-- reconnects so late that the relay sees it 1 ms before the boundary: the
-- session goes Pending (session_pending to the client), but no Signal can
-- make it in time, and at the boundary (30 s from the drop, not reset by the
-- reconnect) the relay expires it. The daemon, counting the same 30 s from
-- its own drop, agrees: it is past its grace and drops the state (D-008).
scenario {
  name = "grace keeps running while Pending: a last-moment reconnect still expires",
  requirements = { "SBRP-RES-003", "SBRP-RELAY-026", "SBRP-RELAY-028" },
  rows = { "SBRP-SM-R-008", "SBRP-SM-R-014", "SBRP-SM-C-011", "SBRP-SM-C-014", "SBRP-SM-D-008" },
}
local d = require "daemon"

local world  = sim.world { latency = "5ms" }
local relay  = world:relay { grace = "30s" }
local daemon = world:daemon { id = "d_abc", resumable = true, auto_reconnect = false, grace = "30s" }
local client = world:client { daemon = daemon, auto_reconnect = false }
local sid = d.active(client)

daemon:drop_connection()
local paused = expect.transition(relay, "Paired>Paused@SBRP-SM-R-005", { session = sid })
local boundary = paused.t + sim.duration("30s")
-- The upgrade reaches the relay 5 ms after the daemon opens: aim at boundary - 1 ms.
world:advance((boundary - sim.duration("6ms") - world.now) .. "us")
daemon:reconnect()
local pending = expect.transition(relay, "Paused>Pending@SBRP-SM-R-008", { session = sid })
expect.eq(boundary - pending.t, sim.duration("1ms"), "Pending 1 ms before the boundary")
expect.control(client, "session_pending", { sid = sid })

local expired = expect.transition(relay, "Pending>Closed@SBRP-SM-R-014", { session = sid })
expect.eq(expired.t, boundary, "expired at the original boundary")
expect.frame(client, "received", { bytes = d.control_hex("session_expired", sid) })
expect.transition(client, "Pending>Reconnecting@SBRP-SM-C-014")
expect.link(client, "closed")
expect.transition(daemon, "Reconnecting>Idle (session)@SBRP-SM-D-008", { session = sid })
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "1s" })
