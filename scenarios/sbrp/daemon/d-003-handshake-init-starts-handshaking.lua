-- SBRP-SM-D-003: a HandshakeInit for a new SessionID puts that session in
-- Handshaking: the daemon draws a fresh ephemeral key and signs it. A slow
-- daemon (accept_delay 2 s) shows the state on its own: the session is
-- Handshaking, nothing is sent for exactly 2 s, then the HandshakeAccept
-- (idPub, dEphPub, signature) goes out and the client verifies it.
scenario {
  name = "D-003: HandshakeInit starts the session's handshake",
  requirements = { "SBRP-CRYPTO-001", "SBRP-CRYPTO-002", "SBRP-CRYPTO-009", "SBRP-WIRE-020" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "2s" }
local client = world:client { daemon = daemon }

client:connect()
local init = expect.frame(daemon, "received", { type = "HandshakeInit", sid = client, len = 32 })
local t = expect.transition(daemon, "Connected>Handshaking@SBRP-SM-D-003", { session = client })
expect.eq(t.t, init.t, "Handshaking from the HandshakeInit's arrival")
expect.eq(daemon:session_state(client), "Handshaking", "daemon's session state")
expect.eq(daemon.sessions, 1, "the session exists while handshaking")
expect.no_frame(daemon, "sent", { type = "HandshakeAccept" }, { during = "1999999us" })
expect.eq(client.state, "Handshaking", "the client still waits")

local accept = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client, len = 128 })
expect.eq(accept.t - init.t, sim.duration("2s"), "accept sent exactly accept_delay after the Init")
expect.transition(daemon, "Handshaking>Active@SBRP-SM-D-004", { session = client })
-- A fresh ephemeral per handshake: a second client gets another dEphPub (bytes 45..76).
expect.state(client, "Active")
local other = world:client { name = "other", daemon = daemon }
other:connect()
local accept2 = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = other })
expect.truthy(sim.hex(accept2.bytes):sub(91, 154) ~= sim.hex(accept.bytes):sub(91, 154),
              "each handshake has its own daemon ephemeral key")
expect.eq(sim.hex(accept2.bytes):sub(27, 90), sim.hex(accept.bytes):sub(27, 90), "same identity key")
expect.state(other, "Active")
