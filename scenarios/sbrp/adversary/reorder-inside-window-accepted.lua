-- The network holds back the client's first Data frame (seq 0) until 127
-- later ones have arrived. Seq 0 is then 127 behind the newest, the oldest
-- place the 128-entry window still holds: the daemon accepts it, late and
-- exactly once; a replay of it afterwards is refused (SBRP-REPLAY-001/002/005).
scenario {
  name = "Data frame delayed by 127 frames is accepted once",
  requirements = { "SBRP-REPLAY-001", "SBRP-REPLAY-002", "SBRP-REPLAY-005", "SBRP-CRYPTO-030" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()

local wire = world:wire(client, relay)
wire:delay("1s", { type = "Data" })                    -- holds seq 0 back
adv.send_all(client, nil, 0, 127)
for i = 1, 127 do expect.delivered(daemon, "m" .. i, { session = client }) end
expect.delivered(daemon, "m0", { session = client })   -- last, accepted (diff 127)
expect.frame(daemon, "received", { type = "Data", seq = 127 })
expect.frame(daemon, "received", { type = "Data", seq = 0 })
expect.no_note(daemon, "sequence_error", { during = "1s" })

wire:replay { type = "Data", nth = 1 }                 -- and only once
expect.frame(daemon, "received", { type = "Data", seq = 0 })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
expect.no_delivery(daemon, { during = "1s" })
client:send("after")
expect.delivered(daemon, "after", { session = client })
