-- An attacker flips a bit of the Poly1305 tag of a daemon Data frame on its
-- way to the client. The client's AEAD open fails (decrypt_failed), nothing
-- is delivered, and the client closes its connection (1002) to start over;
-- the relay tells the daemon the session ended (SBRP-CRYPTO-024,
-- E-SM-CLIENT-5). The reconnected client gets genuine frames again.
scenario {
  name = "corrupted tag: decrypt_failed, the client closes and reconnects",
  requirements = { "SBRP-CRYPTO-023", "SBRP-CRYPTO-024", "SBRP-RELAY-025", "SBRP-RES-001" },
  rows = { "SBRP-SM-C-010", "SBRP-SM-R-015", "SBRP-SM-D-005", "SBRP-SM-C-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local first_sid = client.session_id

world:wire(relay, client):corrupt { type = "Data", offset = -1, mask = 0x01 }   -- last tag byte
daemon:send(client, "balance 42")
expect.frame(client, "received", { type = "Data", sid = first_sid, seq = 0 })
expect.note(client, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT" })
expect.no_delivery(client, { during = "1s" })
expect.link(client, "close", { code = 1002 })
expect.transition(client, "Active>Reconnecting@SBRP-SM-C-010")
expect.control(daemon, "session_ended", { sid = first_sid })
expect.state(daemon, "Idle (session)", { session = first_sid })

expect.state(client, "Active", { timeout = "5s" })
daemon:send(client, "balance 42")
expect.delivered(client, "balance 42", { session = client })
