-- The network holds back the client's first Data frame (seq 0) until 128
-- later ones have arrived. Seq 0 is then 128 behind the newest: outside the
-- 128-entry window, so the daemon rejects it as too old (sequence_error) even
-- though it was never seen, drops it without closing, and goes on
-- (SBRP-REPLAY-001/005; a reordering deeper than W costs that frame).
scenario {
  name = "Data frame delayed by 128 frames falls out of the window",
  requirements = { "SBRP-REPLAY-001", "SBRP-REPLAY-002", "SBRP-REPLAY-005" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()

local wire = world:wire(client, relay)
wire:delay("1s", { type = "Data" })                    -- holds seq 0 back
adv.send_all(client, nil, 0, 128)
for i = 1, 128 do expect.delivered(daemon, "m" .. i, { session = client }) end
expect.frame(daemon, "received", { type = "Data", seq = 128 })
expect.frame(daemon, "received", { type = "Data", seq = 0 })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_TOO_OLD", session = client })
expect.no_delivery(daemon, { during = "1s" })          -- "m0" is lost

client:send("after")
expect.delivered(daemon, "after", { session = client })
expect.state(daemon, "Active", { session = client })
expect.state(client, "Active")
