-- TOFU, key mismatch under `prompt`, the user approves: the client shows
-- both fingerprints, the user accepts the new key explicitly, the signature
-- is verified with it, and only after the handshake succeeded is the pin
-- replaced. The session is Active and carries Data.
scenario {
  name = "TOFU prompt: key change approved re-pins after the handshake",
  requirements = { "SBRP-TOFU-004", "SBRP-TOFU-002" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "prompt", pin = "wrong",
                              accept_change = true, auto_reconnect = false }
local old = client.pin
client:connect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept" })
local n = expect.note(client, "tofu_repin_approved")
local pinned, received = n.text:match("^pinned (SHA256:[%x:]+), received (SHA256:[%x:]+)$")
expect.truthy(pinned and received and pinned ~= received, "the user saw both fingerprints")
local tr = expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
expect.eq(tr.t, accept.t, "Active on the Accept")
expect.eq(client.pin, sim.hex(accept.payload:sub(1, 32)), "re-pinned to the advertised key")
expect.truthy(client.pin ~= old, "the old pin is gone")
expect.no_note(client, "identity_key_changed", { during = "0" })
client:send("trusted again")
expect.delivered(daemon, "trusted again", { session = client })
