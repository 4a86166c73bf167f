-- After 129 Data frames (seq 0..128) an attacker replays the first one. With
-- the window of 128 the daemon keeps (SBRP-REPLAY-002), seq 0 is 128 behind
-- the newest and falls outside the window: rejected as too old, where seq 1
-- (127 behind, already seen) is rejected as a replay. Nothing is delivered,
-- the session survives and later frames flow (SBRP-REPLAY-005).
scenario {
  name = "Data frame replayed beyond the window is rejected as too old",
  requirements = { "SBRP-REPLAY-001", "SBRP-REPLAY-002", "SBRP-REPLAY-005", "SBRP-REPLAY-006" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()

adv.send_all(client, daemon, 0, 128)
local wire = world:wire(client, relay)
wire:replay { type = "Data", nth = 1 }                 -- seq 0: diff 128 = W
expect.frame(daemon, "received", { type = "Data", seq = 128 })
expect.frame(daemon, "received", { type = "Data", seq = 0 })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_TOO_OLD", session = client })
wire:replay { type = "Data", nth = 2 }                 -- seq 1: diff 127, inside, seen
expect.frame(daemon, "received", { type = "Data", seq = 1 })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
expect.no_delivery(daemon, { during = "1s" })

client:send("after")
expect.delivered(daemon, "after", { session = client })
expect.state(daemon, "Active", { session = client })
