-- An attacker injects a made-up Data frame whose sequence number the daemon
-- has already accepted. The receiver checks its replay window before doing
-- any AEAD work, so the forgery is dropped as a replay (sequence_error), not
-- as a decryption failure: nothing is delivered and, unlike decrypt_failed,
-- the session survives (SBRP-REPLAY-005; E-SBRP-CRYPTO-2 gives the order
-- window check, AEAD open, window update).
scenario {
  name = "forged Data frame with an already used sequence number is only dropped",
  requirements = { "SBRP-REPLAY-005", "SBRP-CRYPTO-024" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()

client:send("genuine")                                 -- seq 0
expect.delivered(daemon, "genuine", { session = client })
local forged = sim.frame { type = "Data", sid = client,
                           payload = string.pack(">I4I8", 1, 0) .. string.rep("\xa5", 40) }
world:wire(client, relay):inject(forged)
expect.frame(daemon, "received", { type = "Data", seq = 0, bytes = sim.hex(forged) })
expect.note(daemon, "sequence_error", { err = "SB_ERR_SBRP_REPLAY", session = client })
expect.no_note(daemon, "decrypt_failed", { during = "1s" })
expect.no_delivery(daemon, { during = "1s" })

client:send("next")                                    -- seq 1 still opens
expect.delivered(daemon, "next", { session = client })
expect.state(daemon, "Active", { session = client })
