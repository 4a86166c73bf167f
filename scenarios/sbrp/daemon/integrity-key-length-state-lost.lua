-- State-integrity check, part 2 (keys exactly 32 bytes): the stored record's
-- receive-key length byte (offset 43) reads 33. The restarted daemon refuses
-- the record before any Signal(ready) and ends the session with
-- Signal(close, state_lost); the relay expires the pending client.
scenario {
  name = "integrity check: a key of the wrong length gives state_lost",
  requirements = { "SBRP-RES-007", "SBRP-RES-004", "SBRP-SIG-003" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-R-012", "SBRP-SM-C-014" },
}
local d = require "daemon"

local world, relay, daemon, client = d.crashed_with_records()
expect.eq(daemon:corrupt_disk { session = client, offset = 43, mask = 0x01 }, 1, "key length 32 -> 33")
daemon:restart()
d.expect_record_refused(relay, daemon, client, client.session_id)
