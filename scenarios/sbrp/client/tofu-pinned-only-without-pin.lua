-- TOFU under `pinned-only` with no pin stored: the client never trusts a key
-- it has not been given; the handshake fails (handshake_failed, C-007), the
-- client closes (1008), pins nothing, sends no Data.
scenario {
  name = "TOFU pinned-only: no pin is handshake_failed",
  requirements = { "SBRP-TOFU-002", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-007" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "pinned-only", auto_reconnect = false }
client:connect()
expect.frame(client, "received", { type = "HandshakeAccept" })
expect.note(client, "handshake_failed", { err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
expect.transition(client, "Handshaking>Closed@SBRP-SM-C-007")
expect.link(client, "close", { code = 1008 })
expect.eq(client.pin, nil, "nothing pinned")
expect.no_frame(client, "sent", { type = "Data" }, { during = "2s" })
expect.control(daemon, "session_ended", { sid = client })
