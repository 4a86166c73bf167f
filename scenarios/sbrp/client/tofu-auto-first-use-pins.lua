-- TOFU, first use under the `auto` policy: the client has no pin for the
-- daemon, accepts the identity key advertised in HandshakeAccept (bytes
-- 0..31 of its payload) without asking, and pins it only once the handshake
-- succeeded. The note shows the key's SHA256 fingerprint (upper-case pairs).
scenario {
  name = "TOFU auto: first use pins the daemon's identity key",
  requirements = { "SBRP-TOFU-001", "SBRP-TOFU-002", "SBRP-TOFU-007" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "1s" }
local client = world:client { daemon = daemon, trust = "auto", auto_reconnect = false }

client:connect()
expect.state(client, "Handshaking")
expect.eq(client.pin, nil, "no pin while the handshake runs")
local accept = expect.frame(client, "received", { type = "HandshakeAccept" })
local n = expect.note(client, "tofu_first_use")
expect.eq(n.t, accept.t, "decided on receipt of the Accept")
expect.truthy(n.text:match("^first use of SHA256:" .. string.rep("%x%x:", 31) .. "%x%x$")
              and not n.text:match("[a-f]", 20), "fingerprint: SHA256: and 32 upper-case hex pairs")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
expect.eq(client.pin, sim.hex(accept.payload:sub(1, 32)), "pinned: the advertised identity key")
client:send("hi")
expect.delivered(daemon, "hi", { session = client })
