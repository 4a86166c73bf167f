-- SBRP-SM-C-018: the client gives a handshake 30 s, counted from its
-- WebSocket open. An adversary drops the daemon's HandshakeAccept: the
-- client stays Handshaking through 29.999999 s, then at exactly 30 s notes
-- handshake_timeout, goes to Closed and closes its WebSocket (1000).
scenario {
  name = "C-018: handshake timeout at exactly 30 s",
  requirements = { "SBRP-CRYPTO-008", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-018" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
world:wire(relay, client):drop { type = "HandshakeAccept" }
client:connect()
local open = expect.transition(client, "Connecting>Handshaking@SBRP-SM-C-002")
expect.frame(client, "sent", { type = "HandshakeInit" })
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client })    -- it was sent ...
-- ... never arrives; one microsecond before the deadline nothing has happened.
world:advance(string.format("%dus", open.t + 30000000 - 1 - world.now))
expect.eq(world.now, open.t + 29999999, "at 29.999999 s after the open")
expect.eq(client.state, "Handshaking", "still Handshaking")
expect.no_note(client, "handshake_timeout", { during = "0" })
local n = expect.note(client, "handshake_timeout", { err = "SB_ERR_SBRP_HANDSHAKE_TIMEOUT", timeout = "1s" })
expect.eq(n.t - open.t, 30000000, "handshake_timeout exactly 30 s after the open")
local tr = expect.transition(client, "Handshaking>Closed@SBRP-SM-C-018")
expect.eq(tr.t, n.t, "Closed at the deadline")
expect.link(client, "close", { code = 1000 })
expect.no_frame(client, "sent", { type = "Data" }, { during = "0" })
expect.control(daemon, "session_ended", { sid = client })
expect.no_frame(client, "sent", {}, { during = "10s" })   -- Closed: no retry
