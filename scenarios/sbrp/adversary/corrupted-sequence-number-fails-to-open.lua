-- An attacker rewrites the sequence number in the nonce of a client Data
-- frame (seq 0 becomes 1). The nonce is an AEAD input, so the frame no longer
-- opens: decrypt_failed, not delivered under either number, and the daemon
-- ends the session (SBRP-CRYPTO-020, SBRP-CRYPTO-024). A receiver cannot be
-- tricked into reading a genuine frame at another position.
scenario {
  name = "corrupted nonce sequence number: decrypt_failed",
  requirements = { "SBRP-CRYPTO-020", "SBRP-CRYPTO-024", "SBRP-RELAY-022" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local first_sid = client.session_id

-- header 13 + direction 4 + seq 8: byte 24 is the low byte of the sequence number
world:wire(client, relay):corrupt { type = "Data", offset = 24, mask = 0x01 }
client:send("open sesame")
expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.frame(daemon, "received", { type = "Data", seq = 1 })
expect.note(daemon, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT", session = first_sid })
expect.no_delivery(daemon, { during = "1s" })
expect.control(client, "session_expired", { sid = first_sid })

expect.state(client, "Active", { timeout = "5s" })
client:send("open sesame")
expect.delivered(daemon, "open sesame", { session = client })
