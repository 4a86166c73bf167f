-- Sequence exhaustion on the daemon's side of one session (SBRP-CRYPTO-032,
-- E-SM-DAEMON-7). A test hook moves the daemon's send counter for the client's
-- session to 2^64-2: that frame reaches the client. The next send is refused
-- and the daemon ends the session with Signal(close, error); the relay
-- expires the client, which starts over with new keys. The daemon's other
-- sessions and its relay connection are not affected.
scenario {
  name = "daemon send counter at 2^64-2: last frame sent, then Signal(close, error)",
  requirements = { "SBRP-CRYPTO-031", "SBRP-CRYPTO-032", "SBRP-SIG-003", "SBRP-RELAY-022",
                   "SBRP-RES-001" },
  rows = { "SBRP-SM-R-006", "SBRP-SM-C-009", "SBRP-SM-C-015" },
}
local adv = require "adversary"
local world, relay, daemon, client = adv.pair()
local other = world:client { name = "other", daemon = daemon }
other:connect()
expect.state(other, "Active")
local first_sid = client.session_id
local LAST = 0xfffffffffffffffe                        -- 2^64-2

expect.truthy(daemon:set_send_seq(client, LAST), "test hook: counter moved to 2^64-2")
daemon:send(client, "last")
expect.frame(daemon, "sent", { type = "Data", sid = first_sid, seq = LAST })
expect.delivered(client, "last", { session = first_sid })

local ok, err = daemon:send(client, "one more")
expect.eq(err, "SB_ERR_SBRP_SEQ_EXHAUSTED", "the send after 2^64-2 is refused")
expect.note(daemon, "sequence_exhausted", { session = first_sid })
expect.frame(daemon, "sent", { type = "Signal", signal = "close", reason = "error", sid = first_sid })
expect.control(client, "session_expired", { sid = first_sid })
expect.no_frame(client, "received", { type = "Data", seq = 0xffffffffffffffff }, { during = "1s" })

daemon:send(other, "unaffected")                      -- same daemon, another session
expect.delivered(other, "unaffected")
expect.state(client, "Active", { timeout = "5s" })
daemon:send(client, "fresh")
expect.frame(daemon, "sent", { type = "Data", sid = client, seq = 0 })
expect.delivered(client, "fresh", { session = client })
