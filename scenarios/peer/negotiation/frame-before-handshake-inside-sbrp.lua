-- The same inside SBRP: the first Data plaintext the daemon's side opens is
-- a Message, not a Handshake. It answers ErrorFrame 1000 and Close through
-- the channel, then ends the SBRP session (Signal close), so the relay
-- tells the client its session expired.
scenario {
  name = "SBRP: a frame before the Handshake is a ProtocolViolation",
  requirements = { "SBP-HS-002", "SBP-ERR-007", "PEER-SRV-005", "SBRP-CRYPTO-026" },
  rows = { "SBRP-SM-R-006" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, auto_reconnect = false }
local bob = world:peer_server { name = "bob", via = daemon }

client:connect()
expect.state(client, "Active")
client:send(sim.sbp { kind = "Message", subject = "rpc", json = { t = "r", m = "x", cid = string.rep("ab", 16) } })
expect.transition(bob, "idle>closed@PEER-SRV-005")
local hs, ef, close = expect.delivered(client, nil), expect.delivered(client, nil), expect.delivered(client, nil)
expect.eq(sim.sbp_decode(hs.data).op, "Handshake", "bob's Handshake came first")
expect.eq(sim.sbp_decode(ef.data).code, 1000, "then ErrorFrame 1000")
expect.eq(sim.sbp_decode(close.data).op, "Close", "then Close")
expect.frame(daemon, "sent", { type = "Signal", signal = "close" })
expect.control(client, "session_expired")
