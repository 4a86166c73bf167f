-- The receiver's side of sequence exhaustion (errata E-SBRP-CRYPTO-1). A
-- sender that ignores the limit, as upstream does, sends seq 2^64-1 and then
-- wraps to 0. The test hook seals such frames with the daemon's real key. The
-- client's window accepts 2^64-1 (the documents do not forbid receiving it;
-- upstream accepts it too) but refuses the wrapped frame as too old, so a
-- reused nonce is never opened (SBRP-REPLAY-006: exact 64-bit arithmetic).
scenario {
  name = "receiver accepts seq 2^64-1 and refuses the wrapped frame",
  requirements = { "SBRP-CRYPTO-031", "SBRP-REPLAY-004", "SBRP-REPLAY-005", "SBRP-REPLAY-006" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local down = world:wire(relay, client)

daemon:send(client, "first")                           -- seq 0, genuine
expect.delivered(client, "first", { session = client })

down:inject(daemon:forge_data(client, { seq = 0xffffffffffffffff, data = "at the limit" }))
expect.frame(client, "received", { type = "Data", seq = 0xffffffffffffffff })
expect.delivered(client, "at the limit", { session = client })

down:inject(daemon:forge_data(client, { seq = 0, data = "wrapped" }))
expect.frame(client, "received", { type = "Data", seq = 0 })
expect.note(client, "sequence_error", { err = "SB_ERR_SBRP_TOO_OLD" })
expect.no_delivery(client, { during = "1s" })
expect.state(client, "Active")                         -- dropped, not closed (E-SM-CLIENT-5)
