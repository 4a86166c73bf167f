-- State-integrity check, part 3 (counters valid, not exhausted): the stored
-- send counter (offset 76, u64, was 1 after one daemon frame) becomes
-- 2^64 - 1, a counter with no sequence number left. The restarted daemon
-- refuses the record and ends the session with Signal(close, state_lost)
-- instead of resuming a session that could never send again.
scenario {
  name = "integrity check: an exhausted send counter gives state_lost",
  requirements = { "SBRP-RES-007", "SBRP-CRYPTO-032", "SBRP-SIG-003" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-R-012", "SBRP-SM-C-014" },
}
local d = require "daemon"

local world, relay, daemon, client = d.crashed_with_records()
-- 00 00 00 00 00 00 00 01 -> ff ff ff ff ff ff ff ff
for offset = 76, 83 do
  local mask = offset == 83 and 0xfe or 0xff
  expect.eq(daemon:corrupt_disk { session = client, offset = offset, mask = mask }, 1, "counter byte")
end
daemon:restart()
d.expect_record_refused(relay, daemon, client, client.session_id)
