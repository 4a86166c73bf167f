-- Only the relay emits Control (SBRP-CTRL-001). A client that sends one is
-- refused with disallowed_sender carrying the frame header's SessionID:
-- its own sid here, and 0 for a Control sent with SessionID 0 (which
-- passes step 4, sbrp.md O-14). Terminal: the relay closes the client.
scenario {
  name = "disallowed sender: a client sends Control",
  requirements = { "SBRP-CTRL-001", "SBRP-RELAY-023", "SBRP-RELAY-011", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local zero = world:client { name = "zero", daemon = daemon, auto_reconnect = false }
zero:connect()
expect.state(zero, "Active")

client:send_raw(sim.frame { type = "Control", sid = client, control = "session_resumed" })
rl.expect_refused(relay, client, "disallowed_sender", client, 1008)

zero:send_raw(sim.frame { type = "Control", sid = 0, control = "session_expired" })
rl.expect_refused(relay, zero, "disallowed_sender", 0, 1008)

expect.no_frame(daemon, "received", { type = "Control", control = "session_resumed" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = client })
expect.control(daemon, "session_ended", { sid = zero })
