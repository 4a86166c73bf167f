-- SBRP-SM-R-012: a resumable daemon restarts without its session state. On
-- reconnect the session is Pending; the daemon answers with
-- Signal(close, state_lost) (SBRP-RES-005), so the relay sends
-- session_expired with the sid and closes the client; no session_resumed.
scenario {
  name = "R-012: Signal(close) while Pending gives session_expired",
  requirements = { "SBRP-RELAY-022", "SBRP-RES-005", "SBRP-SIG-003", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
  rows = { "SBRP-SM-R-008", "SBRP-SM-R-012" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired { daemon = { resumable = true, persist = false } }

daemon:crash()
expect.control(client, "session_paused")
daemon:restart()                                        -- volatile state gone; reconnects
expect.no_frame(client, "received", { control = "session_resumed" }, { during = "1s" })
expect.control(client, "session_pending")
expect.frame(relay, "received", { type = "Signal", signal = "close", reason = "state_lost", sid = client })
expect.transition(relay, "Pending>Closed@SBRP-SM-R-012", { session = client })
rl.expect_refused(relay, client, "session_expired", client, 1000)
