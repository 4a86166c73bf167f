-- Validation step 5: a client may not send Signal. The frame passes steps
-- 1-4 (2-byte body, known type, SessionID not 0), so the relay answers
-- disallowed_sender, terminal, with the SessionID of the frame's header
-- (SBRP-RELAY-011) -- here one that is not even the client's own.
scenario {
  name = "validation step 5: disallowed_sender carries the header's SessionID",
  requirements = { "SBRP-RELAY-010", "SBRP-RELAY-011", "SBRP-RELAY-023", "SBRP-SIG-005",
                   "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id
local other = 0x0123456789abcdef
expect.truthy(other ~= sid, "the header's SessionID differs from the token's")

client:send_raw(sim.frame { type = "Signal", sid = other, signal = "close", reason = "shutdown" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_DISALLOWED_SENDER" })
rl.expect_refused(relay, client, "disallowed_sender", other, 1008)

expect.no_frame(daemon, "received", { type = "Signal" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = sid })
