-- TOFU under `pinned-only` with a pin that is not the daemon's key: the
-- client aborts with identity_key_changed (C-006), showing both
-- fingerprints; there is nobody to approve a change, the pin stays.
scenario {
  name = "TOFU pinned-only: wrong pin aborts with identity_key_changed",
  requirements = { "SBRP-TOFU-004", "SBRP-CRYPTO-004", "SBRP-CRYPTO-009" },
  rows = { "SBRP-SM-C-006" },
}

local world  = sim.world {}
local relay  = world:relay {}
local daemon = world:daemon { id = "d_abc" }
local client = world:client { daemon = daemon, trust = "pinned-only", pin = "wrong",
                              auto_reconnect = false }
local old = client.pin
client:connect()
local n = expect.note(client, "identity_key_changed", { err = "SB_ERR_SBRP_IDENTITY_CHANGED" })
expect.truthy(n.text:match("^pinned SHA256:[%x:]+, received SHA256:[%x:]+$"), "both fingerprints")
expect.transition(client, "Handshaking>Closed@SBRP-SM-C-006")
expect.link(client, "close", { code = 1008 })
expect.eq(client.pin, old, "the pin is unchanged")
expect.no_frame(client, "sent", { type = "Data" }, { during = "2s" })
expect.control(daemon, "session_ended", { sid = client })
