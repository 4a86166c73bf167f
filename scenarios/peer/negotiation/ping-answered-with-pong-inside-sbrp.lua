-- The same inside SBRP: a Ping carried in a Data plaintext is answered with a
-- Pong in the daemon's next Data plaintext; SBRP's own Ping/Pong (connection
-- scoped, to the relay) is another layer and plays no part.
scenario {
  name = "SBRP: an SBP Ping inside the channel gets an SBP Pong",
  requirements = { "SBP-CTL-006", "SBRP-CRYPTO-025" },
}
local world = sim.world {}
local relay = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon }
local bob = world:peer_server { name = "bob", via = daemon }

client:connect()
expect.state(client, "Active")
client:send(sim.sbp { kind = "Control", op = "Handshake", handshake = { protocol = "sideband", version = "1", peerId = "c" } })
expect.peer_state(bob:accepted(1), "active")
client:send(sim.sbp { kind = "Control", op = "Ping", id = "11111111111111111111111111111111" })
local pong = expect.sbp(bob:accepted(1), "sent", { op = "Pong" })
expect.eq(#pong.bytes, 19, "no timestamp asked, none sent")
expect.delivered(client, nil) -- bob's Handshake
expect.eq(expect.delivered(client, nil).data, pong.bytes, "the next plaintext is the Pong")
expect.no_frame(client, "received", { type = "Pong" }, { during = "1s" })
