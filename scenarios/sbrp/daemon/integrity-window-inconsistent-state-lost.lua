-- State-integrity check, part 4 (replay window consistent with max_seen):
-- the client sent seq 0..2, so max_seen is 2 and bitmap word 0 ends in 0x07
-- (record offset 103). Setting bit 7 marks "seq -5" as seen, which no window
-- can hold. The restarted daemon refuses the record and ends the session with
-- Signal(close, state_lost).
scenario {
  name = "integrity check: a window inconsistent with max_seen gives state_lost",
  requirements = { "SBRP-RES-007", "SBRP-REPLAY-006", "SBRP-SIG-003" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-R-012", "SBRP-SM-C-014" },
}
local d = require "daemon"

local world, relay, daemon, client = d.crashed_with_records()
expect.eq(daemon:corrupt_disk { session = client, offset = 103, mask = 0x80 }, 1, "bitmap 0x07 -> 0x87")
daemon:restart()
d.expect_record_refused(relay, daemon, client, client.session_id)
