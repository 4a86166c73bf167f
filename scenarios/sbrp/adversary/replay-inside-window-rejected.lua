-- An attacker on the client's wire records a Data frame and sends it again
-- five minutes later, while its sequence number is still inside the daemon's
-- replay window. The relay forwards it byte for byte (it never looks inside),
-- the daemon drops it as a replay (sequence_error, nothing delivered) and the
-- session goes on: the window has no time limit (SBRP-REPLAY-001/005).
scenario {
  name = "Data frame replayed minutes later inside the window is rejected",
  requirements = { "SBRP-REPLAY-001", "SBRP-REPLAY-005", "SBRP-RELAY-020", "SBRP-RELAY-021" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()

client:send("pay 10")                                  -- seq 0
client:send("pay 20")                                  -- seq 1
expect.delivered(daemon, "pay 10", { session = client })
expect.delivered(daemon, "pay 20", { session = client })
expect.frame(daemon, "received", { type = "Data", seq = 1 })

world:advance("5m")
local wire = world:wire(client, relay)
local recorded = wire:seen { type = "Data", nth = 1 }
wire:replay { type = "Data", nth = 1 }                 -- "pay 10" again
expect.frame(daemon, "received", { type = "Data", seq = 0, bytes = sim.hex(recorded) })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
expect.no_delivery(daemon, { during = "1s" })

client:send("pay 30")                                  -- genuine frames still flow
expect.frame(client, "sent", { type = "Data", seq = 2 })
expect.delivered(daemon, "pay 30", { session = client })
expect.state(daemon, "Active", { session = client })
expect.state(client, "Active")
