-- SBRP-SM-D-011: the daemon shuts down. It first ends each session with
-- Signal(close, shutdown), so no client waits out a grace period, then goes
-- Closed and closes its relay connection (1000). The relay marks it offline:
-- the clients are expired, a client arriving later gets daemon_offline, and
-- the closed daemon never reconnects on its own.
scenario {
  name = "D-011: close signals shutdown and tears down the relay connection",
  requirements = { "SBRP-SIG-003", "SBRP-RELAY-005", "SBRP-RELAY-022", "SBRP-CRYPTO-007" },
  rows = { "SBRP-SM-D-011", "SBRP-SM-R-006", "SBRP-SM-R-002" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true }   -- auto_reconnect on
local a = world:client { name = "a", daemon = daemon, auto_reconnect = false }
local b = world:client { name = "b", daemon = daemon, auto_reconnect = false }
local sa, sb = d.active(a), d.active(b)
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = sb })

daemon:close()
expect.frame(daemon, "sent", { bytes = d.signal_hex("close", "shutdown", sa) })
expect.frame(daemon, "sent", { bytes = d.signal_hex("close", "shutdown", sb) })
expect.transition(daemon, "Connected>Closed@SBRP-SM-D-011", { machine = "daemon" })
expect.link(daemon, "close", { code = 1000 })
expect.eq(daemon.sessions, 0, "every session and key wiped")
expect.eq(daemon.disk, 0, "no stored record left")
expect.control(a, "session_expired", { sid = sa })
expect.control(b, "session_expired", { sid = sb })
world:run_until(function() return not relay:daemon_online(daemon) end, "1s")

local late = world:client { name = "late", daemon = daemon, auto_reconnect = false }
late:connect()
expect.control(late, "daemon_offline", { sid = late })
-- auto_reconnect is on, yet a closed daemon stays closed (its backoff would retry after 1 s).
local conn = daemon.link
world:advance("5s")
expect.eq(daemon.state, "Closed", "still Closed 5 s later")
expect.eq(daemon.link, conn, "no new connection")
expect.truthy(not relay:daemon_online(daemon), "still offline")
