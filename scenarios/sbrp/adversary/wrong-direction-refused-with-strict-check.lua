-- The same buggy frame as wrong-direction-accepted-without-strict-check.lua
-- (the daemon's key, direction 1 in the nonce), now to a client with the
-- optional strict check (sbrp.md O-5, errata E-SBRP-CRYPTO-3): refused before
-- any decryption with SB_ERR_SBRP_DIRECTION, reported as decrypt_failed, so
-- the client closes (1002) and starts over with a new session.
scenario {
  name = "wrong nonce direction is decrypt_failed when strict_direction is on",
  requirements = { "SBRP-CRYPTO-020", "SBRP-CRYPTO-024", "SBRP-RELAY-025" },
  rows = { "SBRP-SM-C-010", "SBRP-SM-R-015", "SBRP-SM-C-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair { client = { strict_direction = true } }
local first_sid = client.session_id

daemon:send(client, "right way")                       -- a genuine frame opens
expect.delivered(client, "right way", { session = client })
local frame = daemon:forge_data(client, { seq = 1, direction = 1, data = "wrong way" })
world:wire(relay, client):inject(frame)
expect.frame(client, "received", { type = "Data", seq = 1, bytes = sim.hex(frame) })
expect.note(client, "decrypt_failed", { err = "SB_ERR_SBRP_DIRECTION" })
expect.no_delivery(client, { during = "1s" })
expect.link(client, "close", { code = 1002 })
expect.control(daemon, "session_ended", { sid = first_sid })

expect.state(client, "Active", { timeout = "5s" })
daemon:send(client, "again")
expect.delivered(client, "again", { session = client })
