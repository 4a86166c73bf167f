-- State-integrity check, part 1 (all components present): the stored record
-- of session "a" loses its send key (its length byte, record offset 10, reads
-- 0 = missing). The restarted daemon detects it before any Signal(ready) and
-- answers that session Signal(close, state_lost); session "b", stored intact,
-- is checked on its own and resumes with Signal(ready).
scenario {
  name = "integrity check: a missing traffic key gives state_lost",
  requirements = { "SBRP-RES-007", "SBRP-RES-004", "SBRP-SIG-003", "SBRP-RELAY-026" },
  rows = { "SBRP-SM-D-010", "SBRP-SM-D-009", "SBRP-SM-R-012", "SBRP-SM-R-011" },
}
local d = require "daemon"

local world, relay, daemon, a, b = d.crashed_with_records { "a", "b" }
expect.eq(daemon:corrupt_disk { session = a, offset = 10, mask = 0x20 }, 1, "a's key length 32 -> 0")
daemon:restart()
d.expect_record_refused(relay, daemon, a, a.session_id)
expect.frame(daemon, "sent", { bytes = d.signal_hex("ready", "none", b) })
expect.control(b, "session_resumed", { sid = b })
b:send("b resumed")
expect.delivered(daemon, "b resumed", { session = b })
