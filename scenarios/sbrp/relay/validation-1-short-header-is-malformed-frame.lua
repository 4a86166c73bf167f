-- Validation step 1 (sbrp.md 10.2): a message shorter than the 13-byte
-- header cannot be parsed. The relay answers Control(malformed_frame) with
-- SessionID 0 and closes the sender (terminal, SBRP-RELAY-012); nothing is
-- forwarded, and the daemon only learns that the session ended.
scenario {
  name = "validation step 1: a message shorter than the header is malformed_frame",
  requirements = { "SBRP-RELAY-010", "SBRP-RELAY-012", "SBRP-WIRE-010", "SBRP-CTRL-002",
                   "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()
local sid = client.session_id

-- A Data header cut after 12 bytes.
local frame = sim.frame { type = "Data", sid = client, payload = string.rep("\0", 28) }
client:send_raw(frame:sub(1, 12))
expect.frame(relay, "received", { malformed = "SB_ERR_SBRP_HEADER_SHORT" })
expect.note(relay, "frame_rejected", { err = "SB_ERR_SBRP_HEADER_SHORT" })
rl.expect_refused(relay, client, "malformed_frame", 0, 1008)

expect.no_frame(daemon, "received", { type = "Data" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = sid })       -- the relay is alive and says so
