-- A message whose body is not exactly Length bytes (SBRP-WIRE-002): 10
-- bytes short, or 1 byte too many. Both are malformed_frame, SessionID 0,
-- terminal. The check sits after steps 1-4, as upstream decodeFrame has it
-- (sbrp.md O-9): each frame here passes those four steps.
scenario {
  name = "validation: a body shorter or longer than Length is malformed_frame",
  requirements = { "SBRP-WIRE-002", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, short = rl.paired()
local long = world:client { name = "long", daemon = daemon, auto_reconnect = false }
long:connect()
expect.state(long, "Active")

short:send_raw(sim.frame { type = "Data", sid = short, length = 40, payload = string.rep("a", 30) })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_BODY_TRUNCATED" })
rl.expect_refused(relay, short, "malformed_frame", 0, 1008)

long:send_raw(sim.frame { type = "Data", sid = long, length = 28, payload = string.rep("b", 29) })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_BODY_TRAILING" })
rl.expect_refused(relay, long, "malformed_frame", 0, 1008)

expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = short })
expect.control(daemon, "session_ended", { sid = long })
