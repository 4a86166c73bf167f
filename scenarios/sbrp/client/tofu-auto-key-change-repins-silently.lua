-- TOFU, key mismatch under `auto`: the client re-pins silently (trust on
-- first registration, ADR-019) instead of aborting; it still verifies the
-- signature with the new key first, and the pin changes only once the
-- handshake succeeded. reports/errata.md E-SCEN-CLIENT-1 records
-- why this is not the identity_key_changed abort of SBRP-TOFU-004.
scenario {
  name = "TOFU auto: key change re-pins silently after the handshake",
  requirements = { "SBRP-TOFU-002" },
  rows = { "SBRP-SM-C-004" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "auto", pin = "wrong", auto_reconnect = false }
local old = client.pin
client:connect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept" })
local n = expect.note(client, "tofu_repin_auto")
expect.truthy(n.text:match("^pinned SHA256:[%x:]+, received SHA256:[%x:]+$"), "both fingerprints logged")
expect.transition(client, "Handshaking>Active@SBRP-SM-C-004")
expect.no_note(client, "identity_key_changed", { during = "0" })
expect.eq(client.pin, sim.hex(accept.payload:sub(1, 32)), "re-pinned to the advertised key")
expect.truthy(client.pin ~= old, "the old pin is replaced")
client:send("hello")
expect.delivered(daemon, "hello", { session = client })
