-- SBRP-SM-C-002: when its WebSocket opens, the client moves to Handshaking
-- and sends exactly one HandshakeInit: 13-byte header (type 01, Length 32,
-- its SessionID) and a 32-byte fresh X25519 public key; the relay forwards
-- it to the daemon byte for byte. Nothing else is sent until the Accept.
scenario {
  name = "C-002: WebSocket open sends the HandshakeInit",
  requirements = { "SBRP-WIRE-020", "SBRP-CRYPTO-001", "SBRP-RELAY-020" },
  rows = { "SBRP-SM-C-002" },
}
local cl = require "client"

local world  = sim.world { latency = "5ms" }
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc", accept_delay = "2s" }   -- a slow daemon: time to look
local client = world:client { daemon = daemon, auto_reconnect = false }

client:connect()
local open = expect.link(client, "open", { code = 101 })
local tr = expect.transition(client, "Connecting>Handshaking@SBRP-SM-C-002", { event = "ws_open" })
expect.eq(tr.t, open.t, "Handshaking as the WebSocket opens")
local init = expect.frame(client, "sent", { type = "HandshakeInit", sid = client, len = 32 })
expect.eq(init.t, open.t, "HandshakeInit sent at once")
expect.eq(#init.bytes, 45, "13-byte header + 32-byte key")
expect.eq(sim.hex(init.bytes:sub(1, 13)), "01" .. "00000020" .. cl.sidhex(client.session_id), "header")
expect.truthy(init.payload ~= string.rep("\0", 32), "a real public key, not zeros")
expect.frame(daemon, "received", { bytes = sim.hex(init.bytes) })
-- While the daemon takes its time the client sends nothing more and stays Handshaking.
expect.no_frame(client, "sent", {}, { during = "1.9s" })
expect.eq(client.state, "Handshaking", "still Handshaking while the Accept is on its way")
expect.state(client, "Active", { timeout = "1s" })
-- A second client gets a different ephemeral key.
local other = world:client { name = "other", daemon = daemon, auto_reconnect = false }
other:connect()
local init2 = expect.frame(other, "sent", { type = "HandshakeInit" })
expect.truthy(init2.payload ~= init.payload, "each HandshakeInit carries a fresh ephemeral")
