-- A client connects through the relay to an online daemon: session token,
-- upgrade, HandshakeInit / HandshakeAccept forwarded byte for byte, TOFU
-- first use (auto), then one Data frame each way.
scenario {
  name = "handshake happy path",
  requirements = { "SBRP-CRYPTO-002", "SBRP-RELAY-004", "SBRP-RELAY-020", "SBRP-TOFU-002", "AUTH-050" },
  rows = { "SBRP-SM-C-001", "SBRP-SM-C-002", "SBRP-SM-C-004",
           "SBRP-SM-D-001", "SBRP-SM-D-002", "SBRP-SM-D-003", "SBRP-SM-D-004",
           "SBRP-SM-R-003", "SBRP-SM-R-004" },
}

local world  = sim.world { latency = "5ms" }
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }          -- registers and comes online
local client = world:client { daemon = daemon, trust = "auto" }

client:connect()
expect.state(client, "Active", { timeout = "1s" })

-- The handshake as the wire saw it, at each end.
local init = expect.frame(client, "sent", { type = "HandshakeInit", sid = client, len = 32 })
expect.frame(daemon, "received", { type = "HandshakeInit", bytes = sim.hex(init.bytes) })
local accept = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client, len = 128 })
expect.frame(client, "received", { bytes = sim.hex(accept.bytes) })
expect.note(client, "tofu_first_use")
expect.transitions(client, { "Idle>Connecting", "Connecting>Handshaking", "Handshaking>Active" })
expect.transitions(daemon, { "SBRP-SM-D-003", "SBRP-SM-D-004" }, { session = client })
expect.eq(client.pin ~= nil, true, "the client pinned the daemon's identity")

-- Encrypted traffic both ways, counters from 0.
client:send("hello")
expect.frame(client, "sent", { type = "Data", seq = 0 })
expect.delivered(daemon, "hello", { session = client })
daemon:send(client, "world")
expect.delivered(client, "world")
