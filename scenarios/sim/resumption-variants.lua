-- Simulator self-check: resumption in its variants through the API:
-- a non-resumable daemon's reconnect (session_expired at once), grace
-- expiry, a restart without and with persisted state, a corrupted disk.
scenario {
  name = "sim: resumption variants (reconnect, grace, restart, disk)",
  requirements = { "SBRP-RES-002", "SBRP-RES-003", "SBRP-RES-005", "SBRP-RES-007", "SBRP-RELAY-027",
                   "SBRP-RELAY-028", "AUTH-044" },
  rows = { "SBRP-SM-R-007", "SBRP-SM-R-010", "SBRP-SM-R-012", "SBRP-SM-C-012", "SBRP-SM-C-014",
           "SBRP-SM-D-010" },
}
local world  = sim.world {}
local relay  = world:relay { grace = "5s" }
local d1 = world:daemon { id = "d_nr", resumable = false, auto_reconnect = false }
local c1 = world:client { daemon = d1, auto_reconnect = false }
c1:connect()
expect.state(c1, "Active")
d1:drop_connection()
expect.control(c1, "session_paused")
d1:reconnect()
expect.control(c1, "session_expired")
expect.transition(relay, "SBRP-SM-R-007")
expect.state(c1, "Reconnecting")
-- grace expiry
local d2 = world:daemon { id = "d_r", resumable = true, auto_reconnect = false }
local c2 = world:client { daemon = d2, auto_reconnect = false }
c2:connect()
expect.state(c2, "Active")
d2:drop_connection()
expect.control(c2, "session_paused")
expect.control(c2, "session_expired", { timeout = "6s" })
expect.transition(relay, "SBRP-SM-R-010")
-- restart without persist: state_lost
local d3 = world:daemon { id = "d_p", resumable = true, persist = false }
local c3 = world:client { daemon = d3, auto_reconnect = false }
c3:connect()
expect.state(c3, "Active")
d3:restart()
expect.frame(d3, "sent", { type = "Signal", signal = "close", reason = "state_lost" })
expect.control(c3, "session_expired")
-- restart with persist: ready
local d4 = world:daemon { id = "d_q", resumable = true, persist = true }
local c4 = world:client { daemon = d4, auto_reconnect = false }
c4:connect()
expect.state(c4, "Active")
c4:send("x")
expect.delivered(d4, "x")
expect.truthy(d4.disk > 0, "stored")
d4:restart()
expect.frame(d4, "sent", { type = "Signal", signal = "ready" })
expect.control(c4, "session_resumed")
c4:send("y")
expect.delivered(d4, "y")
-- corrupt disk: state_lost
local d5 = world:daemon { id = "d_c", resumable = true, persist = true }
local c5 = world:client { daemon = d5, auto_reconnect = false }
c5:connect()
expect.state(c5, "Active")
d5:crash()
expect.eq(d5:corrupt_disk { offset = 43 }, 1, "one record changed")
d5:restart()
expect.frame(d5, "sent", { type = "Signal", signal = "close", reason = "state_lost" })
