-- An attacker who can write to the client's connection (as if it were the
-- relay) injects a Data frame it made up: the right SessionID, direction 2,
-- the next sequence number, and 40 bytes of noise as ciphertext and tag.
-- Without the traffic key it cannot make a valid tag: the client's open fails
-- (decrypt_failed), nothing is delivered, the client closes and starts a new
-- session; its genuine traffic then flows (SBRP-CRYPTO-023/024).
scenario {
  name = "forged Data frame of made-up bytes is rejected",
  requirements = { "SBRP-CRYPTO-023", "SBRP-CRYPTO-024" },
  rows = { "SBRP-SM-C-010", "SBRP-SM-R-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local first_sid = client.session_id

local noise = string.rep("\x5a", 40)
local forged = sim.frame { type = "Data", sid = client,
                           payload = string.pack(">I4I8", 2, 0) .. noise }
world:wire(relay, client):inject(forged)
expect.frame(client, "received", { type = "Data", seq = 0, bytes = sim.hex(forged) })
expect.note(client, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT" })
expect.no_delivery(client, { during = "1s" })
expect.transition(client, "Active>Reconnecting@SBRP-SM-C-010")
expect.control(daemon, "session_ended", { sid = first_sid })

expect.state(client, "Active", { timeout = "5s" })
daemon:send(client, "genuine")
expect.delivered(client, "genuine", { session = client })
