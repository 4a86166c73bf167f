-- Two clients talk to the same daemon. An attacker takes a genuine Data
-- frame of client B (sealed with B's key) and re-addresses it to client A's
-- SessionID on A's connection. The relay forwards it (the SessionID is A's
-- token sid), but A's session key does not open it: decrypt_failed for A's
-- session only, which the daemon ends; B is untouched and keeps talking
-- (SBRP-CRYPTO-024, SBRP-RELAY-006: independent keys per session).
scenario {
  name = "frame sealed under another session's key is rejected",
  requirements = { "SBRP-CRYPTO-024", "SBRP-RELAY-006", "SBRP-RELAY-003", "SBRP-CRYPTO-001" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009" },
}
local adv = require "adversary"
local world, relay, daemon, a = adv.pair()
local b = world:client { name = "b", daemon = daemon }
b:connect()
expect.state(b, "Active")
local a_sid = a.session_id

b:send("from b")
expect.delivered(daemon, "from b", { session = b })
local stolen = world:wire(b, relay):seen { type = "Data", nth = -1 }
local forged = adv.readdress(stolen, a)
world:wire(a, relay):inject(forged)
expect.frame(daemon, "received", { type = "Data", sid = a, bytes = sim.hex(forged) })
expect.note(daemon, "decrypt_failed", { err = "SB_ERR_SBRP_DECRYPT", session = a_sid })
expect.no_delivery(daemon, { session = a_sid, during = "1s" })
expect.control(a, "session_expired", { sid = a_sid })

b:send("b still here")                                 -- the other session is untouched
expect.delivered(daemon, "b still here", { session = b })
expect.state(daemon, "Active", { session = b })
expect.state(a, "Active", { timeout = "5s" })          -- A starts over and works again
a:send("a again")
expect.delivered(daemon, "a again", { session = a })
