-- An attacker flips one ciphertext bit of a client Data frame. The relay
-- forwards it (it never parses payloads); the daemon's AEAD open fails
-- (decrypt_failed), nothing is delivered, and the daemon ends that session
-- with Signal(close, error): the relay expires the client, which starts over
-- with a new token, a new sid and new keys (SBRP-CRYPTO-024, E-SM-DAEMON-6).
scenario {
  name = "corrupted ciphertext: decrypt_failed, the daemon ends the session",
  requirements = { "SBRP-CRYPTO-023", "SBRP-CRYPTO-024", "SBRP-RELAY-021", "SBRP-RELAY-022",
                   "SBRP-SIG-003", "SBRP-RES-001", "AUTH-053" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009", "SBRP-SM-C-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local first_sid = client.session_id

-- header 13 bytes, nonce 12: byte 25 (from 0) is the first ciphertext byte
world:wire(client, relay):corrupt { type = "Data", offset = 25, mask = 0x80 }
client:send("transfer 100")
expect.frame(relay, "sent", { type = "Data", sid = first_sid })
expect.note(daemon, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT", session = first_sid })
expect.no_delivery(daemon, { during = "1s" })
expect.frame(daemon, "sent", { type = "Signal", signal = "close", reason = "error", sid = first_sid })
expect.control(client, "session_expired", { sid = first_sid })
expect.transition(client, "Active>Reconnecting@SBRP-SM-C-009")
expect.link(client, "closed", { code = 1000 })

-- the client comes back with a new session; genuine frames flow again
expect.state(client, "Active", { timeout = "5s" })
expect.truthy(client.session_id ~= first_sid, "a new sid after the reconnect")
client:send("transfer 100")
expect.delivered(daemon, "transfer 100", { session = client })
