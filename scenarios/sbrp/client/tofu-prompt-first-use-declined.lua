-- TOFU, first use under `prompt`, the user declines the unknown key: the
-- handshake fails (handshake_failed, C-007), the client closes its
-- WebSocket (1008), pins nothing and sends no Data.
scenario {
  name = "TOFU prompt: first use declined is handshake_failed",
  requirements = { "SBRP-TOFU-002", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-007" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "prompt", accept_first = false,
                              auto_reconnect = false }
client:connect()
local n = expect.note(client, "handshake_failed", { err = "SB_ERR_SBRP_HANDSHAKE_FAILED" })
expect.truthy(n.text:match("^first use of SHA256:[%x:]+$"), "the user was shown the fingerprint")
expect.transition(client, "Handshaking>Closed@SBRP-SM-C-007", { event = "handshake_failed" })
expect.link(client, "close", { code = 1008 })
expect.eq(client.pin, nil, "nothing pinned")
expect.no_note(client, "tofu_first_use", { during = "0" })
expect.no_frame(client, "sent", { type = "Data" }, { during = "2s" })
expect.control(daemon, "session_ended", { sid = client })
