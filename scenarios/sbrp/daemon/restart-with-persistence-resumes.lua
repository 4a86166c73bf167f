-- A resumable daemon that persists its session state (rewritten after every
-- frame) crashes and restarts. It reloads the record, checks it and resumes:
-- Signal(ready, none), then both counters continue from where they stopped
-- (no nonce reused after the crash: daemon seq 1, client seq 2), with the same
-- keys (no new keys record) and the stored replay window (a replayed
-- pre-crash frame is refused).
scenario {
  name = "restart with persisted state resumes with the same keys and counters",
  requirements = { "SBRP-RES-004", "SBRP-RES-006", "SBRP-RES-007", "SBRP-CRYPTO-033",
                   "SBRP-SIG-002" },
  rows = { "SBRP-SM-D-009", "SBRP-SM-R-008", "SBRP-SM-R-011", "SBRP-SM-C-013" },
}
local d = require "daemon"

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", resumable = true, persist = true }
local client = world:client { daemon = daemon }
local sid = d.active(client)
expect.keys(daemon, { session = sid })
client:send("c0")
client:send("c1")
daemon:send(client, "d0")
expect.delivered(daemon, "c1")
expect.delivered(client, "d0")
expect.eq(daemon.disk, 1, "the session's state is stored")

daemon:crash()
world:advance("2s")
daemon:restart()
expect.frame(daemon, "sent", { bytes = d.signal_hex("ready", "none", sid), timeout = "2s" })
expect.transition(daemon, "Connected>Active@SBRP-SM-D-009", { session = sid })
expect.control(client, "session_resumed", { sid = sid })

daemon:send(client, "d1")
expect.frame(daemon, "sent", { type = "Data", sid = sid, seq = 1 })
expect.delivered(client, "d1")
client:send("c2")
expect.frame(daemon, "received", { type = "Data", sid = sid, seq = 2 })
expect.delivered(daemon, "c2", { session = sid })
expect.no_keys(daemon, { during = "0" })
world:wire(client, relay):replay { type = "Data", nth = 1 }       -- c0 again
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = sid })
expect.no_delivery(daemon, { during = "1s" })
