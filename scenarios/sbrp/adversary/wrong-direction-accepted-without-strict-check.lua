-- A buggy daemon seals a Data frame with its own key (K_d2c) but writes
-- direction 1 (client to daemon) in the nonce. The documents do not say
-- whether a receiver checks that field (sbrp.md O-5); by default the client
-- does as upstream and opens the frame with the nonce as received, so it is
-- delivered (errata E-SBRP-CRYPTO-3; strict_direction off).
scenario {
  name = "wrong nonce direction is accepted when strict_direction is off",
  requirements = { "SBRP-CRYPTO-020", "SBRP-CRYPTO-021", "SBRP-CRYPTO-024" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair { client = { strict_direction = false } }

local frame = daemon:forge_data(client, { seq = 0, direction = 1, data = "wrong way" })
expect.eq(sim.hex(frame:sub(14, 17)), "00000001", "the nonce says client to daemon")
world:wire(relay, client):inject(frame)
expect.frame(client, "received", { type = "Data", seq = 0, bytes = sim.hex(frame) })
expect.delivered(client, "wrong way", { session = client })
expect.no_note(client, "decrypt_failed", { during = "1s" })

daemon:send(client, "next")                            -- the genuine counter is at 0 too:
expect.note(client, "sequence_error", { err = "SB_ERR_SBRP_REPLAY" })   -- seq 0 is taken
daemon:send(client, "after")
expect.delivered(client, "after", { session = client })
expect.state(client, "Active")
