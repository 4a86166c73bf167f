-- The SBP handshake inside SBRP gets only what is left of the 30 s budget
-- that started when the WebSocket opened: the daemon answers the SBRP
-- handshake after 29.9 s and bob's SBP Handshake is held up 500 ms more, so
-- the client peer gives up exactly 30 s after the connection opened (a fatal
-- handshake timeout), although its own SBP wait lasted far less than 30 s.
scenario {
  name = "SBRP: the inner SBP handshake has what remains of the 30 s budget",
  requirements = { "SBRP-CRYPTO-026", "PEER-NEG-008", "SBP-HS-010" },
  rows = { "PEER-SM-T2", "PEER-SM-T4", "SBRP-SM-C-004" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client = P.sbrp(world, { retry = { mode = "on-error" } }, nil, { accept_delay = "29.9s" })
world:wire("relay", client):delay("500ms", { type = "Data" })

alice:connect()
local open = expect.transition(alice, "connecting>negotiating@PEER-SM-T2")
local channel = expect.transition(client, "Handshaking>Active@SBRP-SM-C-004", { timeout = "31s" })
expect.truthy(channel.t - open.t > sim.duration("29.9s"), "the SBRP handshake used almost all of it")
local gave_up = expect.transition(alice, "negotiating>closed@PEER-SM-T4", { timeout = "2s" })
expect.eq(gave_up.t - open.t, sim.duration("30s"), "30 s after the WebSocket opened")
expect.sbp(alice, "sent", { kind = "Error", code = 1000 })
expect.settled(alice, "connect", { err = "peer_closed" })
