-- SBRP-SM-D-012: a daemon too slow to answer (accept_delay 31 s) gives up on
-- the handshake exactly 30 s after the HandshakeInit arrived, not before: the
-- session is removed with a handshake_timeout note and no HandshakeAccept is
-- ever sent (an endpoint code, never a Control frame); the relay connection
-- stays up. (The client waits 60 s here so that its own deadline, C-018, does
-- not end the session first.)
scenario {
  name = "D-012: the daemon's handshake times out 30 s after HandshakeInit",
  requirements = { "SBRP-CRYPTO-008", "SBRP-CTRL-004" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-012" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "31s" }
local client = world:client { daemon = daemon, handshake_timeout = "60s", auto_reconnect = false }

client:connect()
local init = expect.frame(daemon, "received", { type = "HandshakeInit", sid = client })
expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = client })
world:advance("29999999us")
expect.eq(daemon:session_state(client), "Handshaking", "still handshaking 1 us before the deadline")

local gone = expect.transition(daemon, "Handshaking>Idle (session)@SBRP-SM-D-012", { session = client })
expect.eq(gone.t - init.t, sim.duration("30s"), "removed exactly 30 s after the HandshakeInit")
expect.note(daemon, "handshake_timeout", { err = "SB_ERR_SBRP_HANDSHAKE_TIMEOUT", session = client })
expect.eq(daemon.sessions, 0, "the session is gone")
expect.no_frame(daemon, "sent", { type = "HandshakeAccept" }, { during = "5s" })
expect.no_frame(daemon, "sent", { type = "Signal" }, { during = "0" })
expect.no_frame(relay, "sent", { type = "Control" }, { during = "0" })
expect.eq(daemon.state, "Connected", "the relay connection stays")
