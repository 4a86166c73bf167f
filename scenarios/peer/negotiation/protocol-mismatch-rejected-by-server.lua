-- Inside SBRP, a client that is not a Sideband peer sends a Handshake with
-- protocol "other". The daemon's side fails the negotiation with
-- UnsupportedVersion: ErrorFrame 1001 and Close back through the channel,
-- the error goes to onUnhandledError, and no accepted peer ever exists.
scenario {
  name = "protocol mismatch: the server answers 1001 and never accepts the peer",
  requirements = { "SBP-HS-003", "SBP-HS-004", "PEER-SRV-005", "PEER-ERR-003", "SBRP-CRYPTO-025" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon } -- no peer: the script speaks SBP itself
local bob = world:peer_server { name = "bob", via = daemon }

client:connect()
expect.state(client, "Active")
local hs = sim.sbp { kind = "Control", op = "Handshake",
                     handshake = { protocol = "other", version = "1", peerId = "mallory" } }
client:send(hs)
expect.transition(bob, "idle>closed@PEER-SRV-005")
expect.settled(bob:accepted(1), "accept", { err = "SB_ERR_SBP_HS_PROTOCOL_MISMATCH" })
expect.unhandled(bob:accepted(1), { err = "SB_ERR_SBP_HS_PROTOCOL_MISMATCH" })
local got = {}
for i = 1, 3 do got[i] = sim.sbp_decode(expect.delivered(client, nil).data) end
expect.eq(got[1].op, "Handshake", "bob's own Handshake went out first")
expect.eq(got[2].kind, "Error", "then an ErrorFrame")
expect.eq(got[2].code, 1001, "UnsupportedVersion")
expect.eq(got[3].op, "Close", "then Close")
expect.eq(got[3].data, "negotiation_failed", "with the reason")
expect.eq(bob.connections, 0, "no connection in the server's map")
