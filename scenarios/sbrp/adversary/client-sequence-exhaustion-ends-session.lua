-- Sequence exhaustion on the client's side (SBRP-CRYPTO-031/032; sbrp.md O-4,
-- errata E-SBRP-CRYPTO-1). A test hook moves the client's send counter to
-- 2^64-2, the last number a sender may use: that frame goes through. The next
-- send is refused (SB_ERR_SBRP_SEQ_EXHAUSTED), 2^64-1 never appears on the
-- wire, and the client ends the session (close 1000, E-SM-CLIENT-9); the
-- daemon hears session_ended. The new session has new keys and counts from 0.
scenario {
  name = "client send counter at 2^64-2: last frame sent, then the session ends",
  requirements = { "SBRP-CRYPTO-030", "SBRP-CRYPTO-031", "SBRP-CRYPTO-032", "SBRP-RELAY-025",
                   "SBRP-RES-001" },
  rows = { "SBRP-SM-R-015", "SBRP-SM-D-005", "SBRP-SM-C-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local first_sid = client.session_id
local LAST = 0xfffffffffffffffe                       -- 2^64-2 (Lua integers wrap: this is -2)

client:send("m0")
expect.delivered(daemon, "m0", { session = client })
expect.truthy(client:set_send_seq(LAST), "test hook: counter moved to 2^64-2")
client:send("last")
expect.frame(client, "sent", { type = "Data", seq = LAST })
expect.delivered(daemon, "last", { session = client })

local ok, err = client:send("one more")
expect.eq(ok, false, "the send after 2^64-2 is refused")
expect.eq(err, "SB_ERR_SBRP_SEQ_EXHAUSTED", "refused as exhausted")
expect.note(client, "sequence_exhausted", { err = "SB_ERR_SBRP_SEQ_EXHAUSTED" })
expect.transition(client, "Active>Reconnecting")
expect.link(client, "close", { code = 1000 })
expect.control(daemon, "session_ended", { sid = first_sid })
expect.no_frame(client, "sent", { type = "Data", seq = 0xffffffffffffffff }, { during = "1s" })

expect.state(client, "Active", { timeout = "5s" })     -- a new handshake, new keys
expect.truthy(client.session_id ~= first_sid, "a new sid")
client:send("fresh")
expect.frame(client, "sent", { type = "Data", sid = client, seq = 0 })
expect.delivered(daemon, "fresh", { session = client })
