-- Without a configured peerId the negotiator makes one as upstream's id.ts
-- does: 16 random bytes as 32 lower-case hex characters, from the seeded
-- stream; the remote learns it from the Handshake.
scenario {
  name = "negotiation: a generated peerId is 32 lower-case hex digits",
  requirements = { "PEER-NEG-009", "SBP-HS-011", "PEER-LAY-003" },
}
local P = require "peer"
local world = sim.world {}
local alice, bob = P.plain(world, { random_peer_id = true })
P.connect(alice, bob)
local hs = expect.sbp(alice, "sent", { op = "Handshake" })
local id = hs.data:match('"peerId":"([^"]*)"')
expect.truthy(id and id:match("^[0-9a-f]+$") and #id == 32, "32 lower-case hex: " .. tostring(id))
expect.eq(bob:accepted(1).remote_id, id, "the server knows alice by it")
