-- While it waits for the HandshakeAccept, the client skips Ping and Pong
-- frames (the upstream client answers no relay Ping at all, sbrp.md O-11):
-- a Ping injected by the relay side gets no Pong and a stray Pong changes
-- nothing; the handshake is not disturbed and completes when the Accept
-- arrives.
scenario {
  name = "a handshaking client skips Ping and Pong",
  requirements = { "SBRP-KA-006" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "2s" }
local client = world:client { daemon = daemon, auto_reconnect = false }
client:connect()
expect.state(client, "Handshaking")
expect.frame(client, "sent", { type = "HandshakeInit" })

local wire = world:wire(relay, client)
wire:inject(sim.frame { type = "Ping", hex = "0102030405060708" })
expect.frame(client, "received", { type = "Ping", payload = "0102030405060708" })
expect.note(client, "ping_ignored")
wire:inject(sim.frame { type = "Pong", hex = "aa" })
expect.frame(client, "received", { type = "Pong", payload = "aa" })
expect.no_frame(client, "sent", {}, { during = "1s" })       -- no Pong, nothing at all
expect.eq(client.state, "Handshaking", "still Handshaking")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004", { timeout = "2s" })
client:send("after")
expect.delivered(daemon, "after", { session = client })
