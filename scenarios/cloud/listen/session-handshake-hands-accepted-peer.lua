-- A listen() daemon answers each new session's HandshakeInit with a
-- 128-byte HandshakeAccept, then the inner SBP handshake runs in the
-- encrypted channel and the daemon's application gets an accepted peer
-- (onConnection) for that session, whose client came through connect().
scenario {
  name = "listen(): per-session handshake, inner SBP handshake, accepted peer",
  requirements = { "CLOUD-088", "CLOUD-026", "SBRP-CRYPTO-026" },
  rows = { "SBRP-SM-D-003", "SBRP-SM-D-004", "SBRP-SM-C-004" },
}
local h = require "cloud"
local world, relay, cloud, daemon = h.setup(74)
local client = cloud:client { daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }
local alice = world:peer { name = "alice", via = client }

alice:connect()
local s = expect.api(client, "relay.createSession", { status = 200 })
expect.frame(daemon, "received", { type = "HandshakeInit", sid = s.sid, len = 32 })
expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = s.sid, len = 128 })
expect.peer_state(alice, "active")
local hs = expect.sbp(bob:accepted(1), "sent", {})
expect.eq(hs.op, "Handshake", "the accepted peer's first SBP frame is its Handshake")
expect.peer_state(bob:accepted(1), "active")
expect.eq(bob.accepted_count, 1, "onConnection got one accepted peer")
expect.eq(alice.remote_id, "bob", "the peers know each other")
