-- HandshakeAccept is daemon-only (sbrp.md 3). A client sending one (a
-- well-formed 128-byte payload, its own SessionID) is refused with
-- disallowed_sender carrying that SessionID, terminal; nothing reaches the
-- daemon.
scenario {
  name = "disallowed sender: a client sends HandshakeAccept",
  requirements = { "SBRP-RELAY-023", "SBRP-RELAY-011", "SBRP-CTRL-002", "SBRP-CTRL-003" },
}

local rl = require "relay"
local world, relay, daemon, client = rl.paired()

client:send_raw(sim.frame { type = "HandshakeAccept", sid = client, payload = string.rep("\7", 128) })
rl.expect_refused(relay, client, "disallowed_sender", client, 1008)
expect.no_frame(daemon, "received", { type = "HandshakeAccept" }, { during = "1s" })
expect.control(daemon, "session_ended", { sid = client })
