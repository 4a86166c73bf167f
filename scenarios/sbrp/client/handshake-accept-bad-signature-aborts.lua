-- An adversary between relay and client flips one bit of the Ed25519
-- signature in HandshakeAccept (payload bytes 64..127). The client's
-- verification fails: handshake_failed (C-007), it closes the WebSocket
-- (1002), discards its ephemeral key, pins nothing and sends nothing
-- encrypted. The relay then tells the daemon the session ended.
scenario {
  name = "bad HandshakeAccept signature aborts the handshake",
  requirements = { "SBRP-CRYPTO-004", "SBRP-TOFU-002", "SBRP-CRYPTO-009", "SBRP-CTRL-004" },
  rows = { "SBRP-SM-C-007" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "auto", auto_reconnect = false }

world:wire(relay, client):corrupt { type = "HandshakeAccept", offset = 13 + 64 + 10, mask = 0x04 }
client:connect()
local sent = expect.frame(daemon, "sent", { type = "HandshakeAccept", sid = client })
local got = expect.frame(client, "received", { type = "HandshakeAccept", sid = client })
expect.eq(got.bytes:sub(1, 87) .. got.bytes:sub(89), sent.bytes:sub(1, 87) .. sent.bytes:sub(89),
          "only signature byte 10 differs")
expect.eq(got.bytes:byte(88) ~ sent.bytes:byte(88), 0x04, "by the flipped bit")
local n = expect.note(client, "handshake_failed", { err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
expect.eq(n.t, got.t, "rejected on receipt")
expect.transition(client, "Handshaking>Closed@SBRP-SM-C-007", { event = "handshake_failed" })
expect.link(client, "close", { code = 1002 })
expect.eq(client.pin, nil, "nothing pinned")
expect.eq(client:send("secret"), false, "no encrypted send after the abort")
expect.no_frame(client, "sent", { type = "Data" }, { during = "2s" })
expect.no_frame(client, "sent", { type = "Control" }, { during = "0" })   -- endpoint errors never go on the wire
expect.control(daemon, "session_ended", { sid = client })
expect.eq(daemon.sessions, 0, "the daemon dropped the half-made session")
