-- SBRP-SM-D-001: a daemon starts Idle; registering moves it to Registered
-- and publishes its identity public key with the control plane. A client that
-- trusts only the key the control plane hands out ("pinned-only", pinned from
-- the control plane) completes the handshake: the key the daemon advertises
-- and signs with is exactly the one it registered.
scenario {
  name = "D-001: register creates the identity and registers its public key",
  requirements = { "SBRP-CRYPTO-003", "SBRP-CRYPTO-004" },
  rows = { "SBRP-SM-D-001", "SBRP-SM-D-002" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", connect = false }
local client = world:client { daemon = daemon, trust = "pinned-only", pin = "daemon",
                              auto_reconnect = false }
expect.eq(daemon.state, "Idle", "a daemon that has not registered")

daemon:connect()
expect.transition(daemon, "Idle>Registered@SBRP-SM-D-001", { machine = "daemon" })
expect.transition(daemon, "Registered>Connected@SBRP-SM-D-002", { machine = "daemon" })

-- The registered key is the one on the wire (HandshakeAccept bytes 13..44, sbrp.md 4.2)
-- and the one the signature verifies against.
local registered = client.pin
client:connect()
local accept = expect.frame(client, "received", { type = "HandshakeAccept", len = 128 })
expect.eq(sim.hex(accept.bytes):sub(27, 90), registered, "advertised idPub = registered key")
expect.state(client, "Active")
expect.no_note(client, "identity_key_changed", { during = "0" })
expect.eq(client.pin, registered, "the pin did not change")
