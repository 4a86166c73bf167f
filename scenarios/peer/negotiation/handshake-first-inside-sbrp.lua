-- Inside SBRP the inner SBP handshake starts once the SBRP handshake made
-- the encrypted channel: the first Data plaintext each way is that side's
-- SBP Handshake, one whole SBP frame per Data plaintext, and the client's
-- goes out only after HandshakeAccept made it Active (SBRP-SM-C-004).
scenario {
  name = "SBRP: the SBP Handshake is the first Data plaintext in both directions",
  requirements = { "SBRP-CRYPTO-025", "SBRP-CRYPTO-026", "PEER-NEG-001", "SBP-HS-001" },
  rows = { "PEER-SM-T2", "PEER-SM-T3", "SBRP-SM-C-004", "SBRP-SM-D-004" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob, client, daemon = P.sbrp(world)

alice:connect()
local channel = expect.transition(client, "SBRP-SM-C-004")
local hs = expect.sbp(alice, "sent", {})
expect.eq(hs.op, "Handshake", "alice's first SBP frame")
expect.truthy(hs.t >= channel.t, "not before the SBRP channel is up")
local data = expect.frame(client, "sent", { type = "Data" })
expect.eq(data.t, hs.t, "the Handshake is the client's first Data frame")
expect.eq(expect.delivered(daemon, nil).data, hs.bytes, "the daemon opens exactly that SBP frame")

local bhs = expect.sbp(bob:accepted(1), "sent", {})
expect.eq(bhs.op, "Handshake", "bob's first SBP frame")
expect.eq(expect.delivered(client, nil).data, bhs.bytes, "the client's first plaintext is bob's Handshake")
expect.peer_state(alice, "active")
expect.eq(alice.remote_id, "bob", "peerIds exchanged inside the channel")
