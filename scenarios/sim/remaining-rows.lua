-- Simulator self-check: the rows the other self-checks leave out are
-- reachable through the API too (together with them, all 45 rows of
-- sbrp.md 13.1-13.3): a second client pairing from None, Signal(close),
-- a refused reconnect, drops while Paused and Pending (Signal(ready) held
-- back by the adversary), grace expiry while Pending, reconnect after
-- grace, user close, daemon shutdown, a client crash and restart.
scenario {
  name = "sim: the remaining table rows are reachable",
  rows = { "SBRP-SM-R-001", "SBRP-SM-R-006", "SBRP-SM-R-009", "SBRP-SM-R-013", "SBRP-SM-R-014",
           "SBRP-SM-C-009", "SBRP-SM-C-016", "SBRP-SM-C-017", "SBRP-SM-D-008", "SBRP-SM-D-011" },
}
local world  = sim.world {}
local relay  = world:relay { grace = "5s" }
local d = world:daemon { id = "d1", resumable = true, auto_reconnect = false }
-- R-001: a second client pairs from None
local a = world:client { name = "a", daemon = d, auto_reconnect = false }
local b = world:client { name = "b", daemon = d, auto_reconnect = false }
a:connect(); expect.state(a, "Active")
b:connect(); expect.state(b, "Active")
expect.transition(relay, "SBRP-SM-R-001")
-- R-006 / C-009: the daemon ends b's session
d:end_session(b, "policy")
expect.control(b, "session_expired")
expect.transition(relay, "SBRP-SM-R-006")
expect.transition(b, "SBRP-SM-C-009")
-- C-016: reconnect with a refused token
b:reconnect { token = "expired" }
expect.state(b, "Closed")
expect.transition(b, "SBRP-SM-C-016")
-- R-009: a paused client drops
d:drop_connection()
expect.control(a, "session_paused")
a:drop_connection()
expect.transition(relay, "SBRP-SM-R-009", { timeout = "1s" })
-- R-013: client drops while Pending (Signal(ready) held back)
local c = world:client { name = "c", daemon = d, auto_reconnect = false }
d:reconnect()
expect.state(d, "Connected")
c:connect(); expect.state(c, "Active")
world:wire(d, relay):delay("3s", { type = "Signal", count = "all" })
d:drop_connection()
expect.control(c, "session_paused")
d:reconnect()
expect.control(c, "session_pending")
c:drop_connection()
expect.transition(relay, "SBRP-SM-R-013")
-- R-014: grace expires while Pending
local e = world:client { name = "e", daemon = d, auto_reconnect = false }
world:advance("4s")
e:connect(); expect.state(e, "Active")
world:wire(d, relay):clear():delay("10s", { type = "Signal", count = "all" })
d:drop_connection()
expect.control(e, "session_paused")
d:reconnect()
expect.control(e, "session_pending")
expect.control(e, "session_expired", { timeout = "6s" })
expect.transition(relay, "SBRP-SM-R-014")
-- D-008: reconnect after grace
local f = world:client { name = "f", daemon = d, auto_reconnect = false }
world:advance("11s")
f:connect(); expect.state(f, "Active")
d:drop_connection()
world:advance("40s")
d:reconnect()
expect.transition(d, "SBRP-SM-D-008")
-- C-017, D-011
local g = world:client { name = "g", daemon = d }
g:connect(); expect.state(g, "Active")
g:close()
expect.transition(g, "SBRP-SM-C-017")
d:close()
expect.transition(d, "SBRP-SM-D-011")
-- crash/restart a client
local h = world:client { name = "h", daemon = "d1" }
h:crash(); h:restart()
expect.state(h, "Idle")
